package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
)

// produceSpread writes n records {"id":i,"name":"n<i>"} to topic, record
// i to partition i mod parts.
func produceSpread(t testing.TB, brokers, topic string, n, parts int) {
	t.Helper()
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = msg(topic, int32(i%parts), fmt.Sprintf("k%d", i), fmt.Sprintf(`{"id":%d,"name":"n%d"}`, i, i))
	}
	produce(t, brokers, recs...)
}

func TestSourceReadsEveryRecordOnceAtAnyParallelism(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(4, "t"))
	produceSpread(t, brokers, "t", 1000, 4)
	for _, par := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("par%d", par), func(t *testing.T) {
			alloc := checkedAlloc(t)
			cfg := sourceConfig(alloc, brokers, "t", nil)
			src, err := NewSource(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if src.MaxParallelism() != 4 || !src.Bounded() {
				t.Fatalf("max parallelism %d bounded %v", src.MaxParallelism(), src.Bounded())
			}
			rows, split := readRows(t, src, par)
			if len(rows) != 1000 {
				t.Fatalf("read %d rows, want 1000", len(rows))
			}
			seen := map[string]bool{}
			for _, r := range rows {
				if seen[r] {
					t.Fatalf("row %s read twice", r)
				}
				seen[r] = true
				var id int
				fmt.Sscanf(r, "%d|", &id)
				if split[r] != id%4 { // one topic: split id = partition
					t.Fatalf("row %s came from split %d, want %d", r, split[r], id%4)
				}
			}
			if got := cfg.Stats.Records.Load(); got != 1000 {
				t.Errorf("stats records %d", got)
			}
			var perPart int64
			for _, p := range cfg.Stats.Partitions() {
				perPart += p.Records.Load()
				if p.Records.Load() != 250 || p.Lag.Load() != 0 || p.Bytes.Load() == 0 {
					t.Errorf("%+v: records %d lag %d bytes %d", p.Key, p.Records.Load(), p.Lag.Load(), p.Bytes.Load())
				}
			}
			if perPart != 1000 || cfg.Stats.Bytes.Load() == 0 {
				t.Errorf("per-partition records %d, bytes %d", perPart, cfg.Stats.Bytes.Load())
			}
		})
	}
}

func TestSourceSplitsAreSortedPartitionsModParallelism(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(3, "a"), kfake.SeedTopics(2, "b"))
	src, err := NewSource(sourceConfig(checkedAlloc(t), brokers, "b;a", nil))
	if err != nil {
		t.Fatal(err)
	}
	if src.MaxParallelism() != 5 {
		t.Fatalf("max parallelism %d, want 5", src.MaxParallelism())
	}
	var got []string
	for sub := 0; sub < 2; sub++ {
		r, err := src.Reader(sub, 2)
		if err != nil {
			t.Fatal(err)
		}
		rr := r.(*reader)
		var s []string
		for _, p := range rr.parts {
			s = append(s, fmt.Sprintf("%d=%s/%d", p.split, p.tp.topic, p.tp.partition))
		}
		got = append(got, fmt.Sprint(rr.Splits())+" "+strings.Join(s, ","))
	}
	want := []string{"[0 2 4] 0=a/0,2=a/2,4=b/1", "[1 3] 1=a/1,3=b/0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

func TestSourceBoundedEndsAtTheEndOffsetsOfOpen(t *testing.T) {
	alloc := checkedAlloc(t)
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	produceSpread(t, brokers, "t", 10, 2)
	src, err := NewSource(sourceConfig(alloc, brokers, "t", nil))
	if err != nil {
		t.Fatal(err)
	}
	r, err := src.Reader(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	// Written after Open: past the bound, never read.
	produce(t, brokers, msg("t", 0, "", `{"id":100}`), msg("t", 1, "", `{"id":101}`))
	n := 0
	for {
		rec, err := r.Read(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rowStrings(rec) {
			if strings.HasPrefix(s, "10") && len(s) > 3 && s[2] != '|' {
				t.Errorf("read %s, written after Open", s)
			}
		}
		n += int(rec.NumRows())
		rec.Release()
	}
	if n != 10 {
		t.Fatalf("read %d rows, want 10", n)
	}
	if _, err := r.Read(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("read after the end: %v", err)
	}
}

func TestSourceEmptyPartitionsEndBoundedReads(t *testing.T) {
	alloc := checkedAlloc(t)
	_, brokers := startCluster(t, kfake.SeedTopics(4, "t"))
	produce(t, brokers, msg("t", 2, "", `{"id":1}`))
	rows, _ := readRows(t, mustSource(t, sourceConfig(alloc, brokers, "t", nil)), 4)
	if fmt.Sprint(rows) != "[1|∅]" {
		t.Fatalf("rows %v", rows)
	}
}

func mustSource(t testing.TB, cfg connectors.SourceConfig) connectors.Source {
	t.Helper()
	src, err := NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestSourceStartupModes(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for i := 0; i < 8; i++ {
		r := msg("t", int32(i%2), "", fmt.Sprintf(`{"id":%d}`, i))
		r.Timestamp = base.Add(time.Duration(i) * time.Second)
		recs = append(recs, r)
	}
	produce(t, brokers, recs...)

	// The group committed partition 0 at offset 2 (ids 4, 6 remain);
	// partition 1 has no commit and starts at the earliest offset.
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	offs := kadm.Offsets{}
	offs.AddOffset("t", 0, 2, -1)
	if _, err := kadm.NewClient(cl).CommitOffsets(context.Background(), "g1", offs); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		extra map[string]string
		want  string
	}{
		{"earliest", map[string]string{"scan.startup.mode": "earliest-offset"}, "[0 1 2 3 4 5 6 7]"},
		{"latest", map[string]string{"scan.startup.mode": "latest-offset"}, "[]"},
		{"timestamp", map[string]string{"scan.startup.mode": "timestamp",
			"scan.startup.timestamp-millis": fmt.Sprint(base.Add(5 * time.Second).UnixMilli())}, "[5 6 7]"},
		{"group", map[string]string{"scan.startup.mode": "group-offsets", "properties.group.id": "g1"}, "[1 3 4 5 6 7]"},
		{"group-default-mode", map[string]string{"scan.startup.mode": "", "properties.group.id": "g1"}, "[1 3 4 5 6 7]"},
		{"group-no-commits-latest", map[string]string{"scan.startup.mode": "group-offsets", "properties.group.id": "other",
			"properties.auto.offset.reset": "latest"}, "[]"},
		{"group-no-commits", map[string]string{"scan.startup.mode": "group-offsets", "properties.group.id": "other"}, "[0 1 2 3 4 5 6 7]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, _ := readRows(t, mustSource(t, sourceConfig(checkedAlloc(t), brokers, "t", c.extra)), 1)
			ids := make([]int, len(rows))
			for i, r := range rows {
				fmt.Sscanf(r, "%d|", &ids[i])
			}
			sort.Ints(ids)
			if fmt.Sprint(ids) != c.want {
				t.Fatalf("ids %v, want %s", ids, c.want)
			}
		})
	}
}

func TestSourceLatestUnboundedReadsOnlyNewRecords(t *testing.T) {
	alloc := checkedAlloc(t)
	_, brokers := startCluster(t, kfake.SeedTopics(1, "t"))
	produce(t, brokers, msg("t", 0, "", `{"id":1}`))
	src := mustSource(t, sourceConfig(alloc, brokers, "t", map[string]string{"scan.startup.mode": "latest-offset", "scan.bounded.mode": ""}))
	if src.Bounded() {
		t.Fatal("unbounded source says bounded")
	}
	r, _ := src.Reader(0, 1)
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	produce(t, brokers, msg("t", 0, "", `{"id":2}`))
	rec, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rowStrings(rec)); got != "[2|∅]" {
		t.Fatalf("rows %s", got)
	}
	rec.Release()
}

func TestSourceReadReturnsPromptlyOnCancel(t *testing.T) {
	alloc := checkedAlloc(t)
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	src := mustSource(t, sourceConfig(alloc, brokers, "t", map[string]string{"scan.bounded.mode": "unbounded"}))
	r, _ := src.Reader(0, 1)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.Read(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("read: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("read took %v to see the cancellation", d)
	}
}

// metaSchema declares every metadata key next to value columns.
var metaSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "tp", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "p", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "off", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	{Name: "h", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var metaKeysOf = map[int]string{1: "key", 2: "topic", 3: "partition", 4: "offset", 5: "timestamp", 6: "headers"}

func TestSourceMetadataColumns(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	ts := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	a := msg("t", 1, "key-a", `{"id":1,"name":"x","k":"ignored"}`)
	a.Timestamp = ts
	a.Headers = []kgo.RecordHeader{{Key: "trace", Value: []byte("abc")}, {Key: "q\"", Value: nil}}
	b := msg("t", 1, "", `{"id":2}`)
	b.Timestamp = ts.Add(time.Second)
	produce(t, brokers, a, b)

	cases := []struct {
		name string
		cols []int
		want string
	}{
		{"all", nil, `[1|key-a|t|1|0|2024-05-06T07:08:09.123|{"trace":"abc","q\"":null}|x 2|∅|t|1|1|2024-05-06T07:08:10.123|{}|∅]`},
		{"projected", []int{5, 0, 4}, `[2024-05-06T07:08:09.123|1|0 2024-05-06T07:08:10.123|2|1]`},
		{"metadata only", []int{4, 1}, `[0|key-a 1|∅]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := sourceConfig(checkedAlloc(t), brokers, "t", nil)
			cfg.Schema, cfg.Metadata, cfg.Columns = metaSchema, metaKeysOf, c.cols
			src := mustSource(t, cfg)
			rows, _ := readRows(t, src, 1)
			if got := fmt.Sprint(rows); got != c.want {
				t.Fatalf("rows\n%s\nwant\n%s", got, c.want)
			}
			if src.Schema().NumFields() != len(strings.Split(strings.Fields(c.want[1:])[0], "|")) {
				t.Fatalf("schema %v", src.Schema())
			}
		})
	}
}
