package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
)

var sinkSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	{Name: "h", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// sinkRecord builds n rows: id i, name "n<i>" (NULL for i = 1), ts
// 2024-01-01 plus i seconds, headers {"i":"<i>"}.
func sinkRecord(alloc memory.Allocator, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(alloc, sinkSchema)
	defer b.Release()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i == 1 {
			b.Field(1).(*array.StringBuilder).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("n%d", i))
		}
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(base + int64(i)*1000))
		b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf(`{"i":"%d","z":null}`, i))
	}
	return b.NewRecordBatch()
}

func writeAll(t *testing.T, cfg connectors.SinkConfig, parallelism, rows int) {
	t.Helper()
	sink, err := NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for sub := 0; sub < parallelism; sub++ {
		w, err := sink.Writer(sub, parallelism)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Open(ctx); err != nil {
			t.Fatal(err)
		}
		rec := sinkRecord(cfg.Alloc, rows)
		err = w.Write(ctx, rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.(connectors.Preparer).Prepare(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func sinkConfig(alloc memory.Allocator, brokers string, extra map[string]string, md map[int]string) connectors.SinkConfig {
	opts := map[string]string{"connector": "kafka", "topic": "out", "properties.bootstrap.servers": brokers}
	for k, v := range extra {
		opts[k] = v
	}
	return connectors.SinkConfig{Table: "out", Schema: sinkSchema, Options: opts, Metadata: md, Alloc: alloc,
		Logger: slog.New(slog.DiscardHandler)}
}

func TestSinkKeyColumnAndDefaultPartitioner(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(4, "out"))
	writeAll(t, sinkConfig(checkedAlloc(t), brokers, map[string]string{"sink.key": "name"}, nil), 1, 40)
	got := consumeAll(t, brokers, "out")
	if len(got) != 40 {
		t.Fatalf("%d messages", len(got))
	}
	hasher := kgo.StickyKeyPartitioner(nil).ForTopic("out")
	for _, r := range got {
		var id int
		fmt.Sscanf(string(r.Value), `{"id":%d`, &id)
		wantVal := fmt.Sprintf(`{"id":%d,"name":"n%d","ts":"2024-01-01 00:00:%02d.000","h":"{\"i\":\"%d\",\"z\":null}"}`, id, id, id, id)
		if id == 1 {
			wantVal = `{"id":1,"name":null,"ts":"2024-01-01 00:00:01.000","h":"{\"i\":\"1\",\"z\":null}"}`
			if r.Key != nil {
				t.Errorf("row 1 has key %q, want null", r.Key)
			}
		} else {
			if string(r.Key) != fmt.Sprintf("n%d", id) {
				t.Errorf("row %d key %q", id, r.Key)
			}
			if want := int32(hasher.Partition(&kgo.Record{Key: r.Key}, 4)); r.Partition != want {
				t.Errorf("key %s in partition %d, murmur2 says %d", r.Key, r.Partition, want)
			}
		}
		if string(r.Value) != wantVal {
			t.Errorf("value\n%s\nwant\n%s", r.Value, wantVal)
		}
	}
}

func TestSinkNonStringKeyRendersAsText(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	writeAll(t, sinkConfig(checkedAlloc(t), brokers, map[string]string{"sink.key": "ts"}, nil), 1, 2)
	var keys []string
	for _, r := range consumeAll(t, brokers, "out") {
		keys = append(keys, string(r.Key))
	}
	if fmt.Sprint(keys) != "[2024-01-01 00:00:00.000 2024-01-01 00:00:01.000]" {
		t.Fatalf("keys %q", keys)
	}
}

func TestSinkMetadataColumns(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	md := map[int]string{1: "key", 2: "timestamp", 3: "headers"}
	writeAll(t, sinkConfig(checkedAlloc(t), brokers, map[string]string{"sink.key": "id"}, md), 1, 3)
	var lines []string
	for _, r := range consumeAll(t, brokers, "out") {
		var hs []string
		for _, h := range r.Headers {
			hs = append(hs, fmt.Sprintf("%s=%v", h.Key, h.Value))
		}
		lines = append(lines, fmt.Sprintf("%q %s %s %s", r.Key, r.Value, r.Timestamp.UTC().Format("15:04:05"), hs))
	}
	want := `"n0" {"id":0} 00:00:00 [i=[48] z=[]]` + "\n" +
		`"" {"id":1} 00:00:01 [i=[49] z=[]]` + "\n" +
		`"n2" {"id":2} 00:00:02 [i=[50] z=[]]`
	if got := strings.Join(lines, "\n"); got != want {
		t.Fatalf("messages\n%s\nwant\n%s", got, want)
	}
}

func TestSinkPartitioners(t *testing.T) {
	cases := []struct {
		mode string
		par  int
		want string // messages per partition
	}{
		{"round-robin", 1, "[3 3 3 3]"},
		{"fixed", 3, "[12 12 12 0]"},
		{"default", 1, "[3 3 3 3]"}, // no key: round-robin
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			_, brokers := startCluster(t, kfake.SeedTopics(4, "out"))
			writeAll(t, sinkConfig(checkedAlloc(t), brokers, map[string]string{"sink.partitioner": c.mode}, nil), c.par, 12)
			counts := make([]int, 4)
			for _, r := range consumeAll(t, brokers, "out") {
				counts[r.Partition]++
			}
			if fmt.Sprint(counts) != c.want {
				t.Fatalf("per partition %v, want %s", counts, c.want)
			}
		})
	}
}

func TestSinkCompressionRoundTrips(t *testing.T) {
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		t.Run(codec, func(t *testing.T) {
			_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
			writeAll(t, sinkConfig(checkedAlloc(t), brokers, map[string]string{"properties.compression.type": codec,
				"properties.linger.ms": "5", "properties.batch.size": "65536"}, nil), 1, 500)
			var ids []int
			for _, r := range consumeAll(t, brokers, "out") {
				var id int
				fmt.Sscanf(string(r.Value), `{"id":%d`, &id)
				ids = append(ids, id)
			}
			if !sort.IntsAreSorted(ids) || len(ids) != 500 || ids[499] != 499 {
				t.Fatalf("read back %d messages", len(ids))
			}
		})
	}
}

func TestSinkThenSourceRoundTrip(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "out"))
	alloc := checkedAlloc(t)
	writeAll(t, sinkConfig(alloc, brokers, map[string]string{"sink.key": "id"}, nil), 1, 10)
	rows, _ := readRows(t, mustSource(t, sourceConfig(alloc, brokers, "out", nil)), 2)
	sort.Strings(rows)
	if len(rows) != 10 || rows[0] != "0|n0" || rows[1] != "1|∅" {
		t.Fatalf("rows %v", rows)
	}
}
