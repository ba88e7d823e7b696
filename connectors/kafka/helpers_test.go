package kafka

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
)

// startCluster starts an in-process Kafka cluster on loopback, stopped
// when the test ends.
func startCluster(t testing.TB, opts ...kfake.Opt) (*kfake.Cluster, string) {
	t.Helper()
	base := []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(4)}
	c, err := kfake.NewCluster(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, strings.Join(c.ListenAddrs(), ",")
}

// produce writes records synchronously (each with its Topic and
// Partition set; Partition < 0 lets the key decide).
func produce(t testing.TB, brokers string, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// msg builds a record for partition p of topic.
func msg(topic string, p int32, key, value string) *kgo.Record {
	r := &kgo.Record{Topic: topic, Partition: p, Value: []byte(value)}
	if key != "" {
		r.Key = []byte(key)
	}
	return r
}

// consumeAll reads every record of topic currently in the cluster.
func consumeAll(t testing.TB, brokers, topic string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	want := endTotal(t, brokers, topic)
	var out []*kgo.Record
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records of %s", len(out), want, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// endTotal is the number of offsets in topic (end minus start, summed
// over its partitions).
func endTotal(t testing.TB, brokers, topic string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) {
		s, _ := starts.Lookup(o.Topic, o.Partition)
		n += o.Offset - s.Offset
	})
	return n
}

// testSchema is the value schema most tests read.
var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// sourceConfig is a source config over testSchema for topic at brokers.
func sourceConfig(alloc memory.Allocator, brokers, topic string, extra map[string]string) connectors.SourceConfig {
	opts := map[string]string{
		"connector": "kafka", "topic": topic, "properties.bootstrap.servers": brokers,
		"scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset",
	}
	for k, v := range extra {
		if v == "" {
			delete(opts, k)
		} else {
			opts[k] = v
		}
	}
	return connectors.SourceConfig{Table: "t", Schema: testSchema, Options: opts, BatchSize: 64,
		Alloc: alloc, Stats: &connectors.SourceStats{}, Logger: slog.New(slog.DiscardHandler)}
}

// readRows reads every subtask of src to the end and returns each row's
// values (as rendered by rowStrings) with the split it came from.
func readRows(t testing.TB, src connectors.Source, parallelism int) ([]string, map[string]int) {
	t.Helper()
	var (
		mu    sync.Mutex
		rows  []string
		split = map[string]int{}
		wg    sync.WaitGroup
		errs  = make([]error, parallelism)
	)
	for sub := 0; sub < parallelism; sub++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[sub] = func() error {
				r, err := src.Reader(sub, parallelism)
				if err != nil {
					return err
				}
				defer r.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := r.Open(ctx); err != nil {
					return err
				}
				sr := r.(connectors.SplitReader)
				for {
					rec, err := r.Read(ctx)
					if errors.Is(err, io.EOF) {
						return nil
					}
					if err != nil {
						return err
					}
					rs := rowStrings(rec)
					rec.Release()
					mu.Lock()
					for _, s := range rs {
						rows = append(rows, s)
						split[s] = sr.LastSplit()
					}
					mu.Unlock()
				}
			}()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return rows, split
}

// rowStrings renders each row as "v1|v2|...", NULL as "∅".
func rowStrings(rec arrow.RecordBatch) []string {
	out := make([]string, rec.NumRows())
	for c := 0; c < int(rec.NumCols()); c++ {
		col := rec.Column(c)
		for i := range out {
			if c > 0 {
				out[i] += "|"
			}
			if col.IsNull(i) {
				out[i] += "∅"
				continue
			}
			switch a := col.(type) {
			case *array.Timestamp:
				out[i] += time.UnixMilli(int64(a.Value(i))).UTC().Format("2006-01-02T15:04:05.000")
			default:
				out[i] += col.ValueStr(i)
			}
		}
	}
	return out
}

func checkedAlloc(t testing.TB) *memory.CheckedAllocator {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { alloc.AssertSize(t, 0) })
	return alloc
}
