package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/engine"
)

// kafkaEvents are 400 events over 8 keys and 40 seconds, in time order per
// key, as JSON values keyed by their key.
func kafkaEvents() (keys, values []string) {
	for i := 0; i < 400; i++ {
		k := fmt.Sprintf("k%d", i%8)
		ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 100 * time.Millisecond)
		keys = append(keys, k)
		values = append(values, fmt.Sprintf(`{"k":%q,"v":%d,"ts":"%s"}`, k, i, ts.Format("2006-01-02 15:04:05.000")))
	}
	return keys, values
}

func runKafkaSQL(t *testing.T, dir, query string, par int) {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	job, err := engine.Compile("q.sql", []byte(query), engine.Config{Parallelism: par, Dir: dir, Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}
	alloc.AssertSize(t, 0)
}

const kafkaWindowQuery = `
INSERT INTO counts
SELECT k, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws
FROM ev
GROUP BY k, TUMBLE(ts, INTERVAL '5' SECOND);`

const evColumns = `k VARCHAR, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND`

func TestKafkaWindowMatchesFileSource(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "ev"), kfake.SeedTopics(2, "counts1", "counts4"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := strings.Join(c.ListenAddrs(), ",")
	keys, values := kafkaEvents()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := range keys {
		recs = append(recs, &kgo.Record{Topic: "ev", Key: []byte(keys[i]), Value: []byte(values[i])})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ev.jsonl"), []byte(strings.Join(values, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runKafkaSQL(t, dir, fmt.Sprintf(`
CREATE TABLE ev (%s) WITH ('connector' = 'file', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE TABLE counts (k VARCHAR, n BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'counts.jsonl', 'format' = 'json');
%s`, evColumns, kafkaWindowQuery), 1)
	fileOut, err := os.ReadFile(filepath.Join(dir, "counts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(fileOut)), "\n")
	sort.Strings(want)
	if len(want) != 64 { // 8 keys x 8 windows of 5 s
		t.Fatalf("file run gave %d rows", len(want))
	}

	for _, par := range []int{1, 4} {
		t.Run(fmt.Sprintf("par%d", par), func(t *testing.T) {
			topic := fmt.Sprintf("counts%d", par)
			runKafkaSQL(t, dir, fmt.Sprintf(`
CREATE TABLE ev (%s) WITH ('connector' = 'kafka', 'topic' = 'ev', 'format' = 'json',
  'properties.bootstrap.servers' = '%s', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE counts (k VARCHAR, n BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = '%s',
  'properties.bootstrap.servers' = '%s', 'sink.key' = 'k');
%s`, evColumns, brokers, topic, brokers, kafkaWindowQuery), par)
			got := readKafkaTopic(t, brokers, topic, len(want), 30*time.Second)
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("kafka run\n%s\nfile run\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// readKafkaTopic reads n message values from topic (waiting up to 30 s), then
// checks nothing more arrives for a moment.
func readKafkaTopic(t *testing.T, brokers, topic string, n int, wait time.Duration) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var out []string
	for len(out) < n && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { out = append(out, string(r.Value)) })
	}
	extra, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	cl.PollFetches(extra).EachRecord(func(r *kgo.Record) { out = append(out, string(r.Value)) })
	return out
}

func TestKafkaIdlePartitionDoesNotStallWindows(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "ev"), kfake.SeedTopics(1, "counts"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := strings.Join(c.ListenAddrs(), ",")
	_, values := kafkaEvents()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// Events flow steadily into partitions 0-2 while the job runs, as a
	// live topic would; partition 3 never gets any.
	produced := make(chan error, 1)
	go func() {
		for i := 0; i < len(values); i += 10 {
			var recs []*kgo.Record
			for j := i; j < min(i+10, len(values)); j++ {
				recs = append(recs, &kgo.Record{Topic: "ev", Partition: int32(j % 3), Value: []byte(values[j])})
			}
			if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				produced <- err
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		produced <- nil
	}()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	job, err := engine.Compile("q.sql", []byte(fmt.Sprintf(`
CREATE TABLE ev (%s) WITH ('connector' = 'kafka', 'topic' = 'ev', 'format' = 'json',
  'properties.bootstrap.servers' = '%s', 'scan.startup.mode' = 'earliest-offset',
  'scan.watermark.idle-timeout' = '200 ms');
CREATE TABLE counts (k VARCHAR, n BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = 'counts',
  'properties.bootstrap.servers' = '%s');
%s`, evColumns, brokers, brokers, kafkaWindowQuery)), engine.Config{Parallelism: 1, Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- job.Run(context.Background()) }()
	// Events reach 39.9 s; watermark 38.9 s fires the windows up to 35 s:
	// 7 windows x 8 keys, while partition 3 never has data.
	got := readKafkaTopic(t, brokers, "counts", 56, 20*time.Second)
	job.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-produced; err != nil {
		t.Fatal(err)
	}
	alloc.AssertSize(t, 0)
	if len(got) < 56 {
		t.Fatalf("an idle partition stalled the windows: %d of 56 window results before the stop", len(got))
	}
	// Per-partition metrics: four partitions, the idle one read nothing.
	for _, m := range job.Metrics() {
		if len(m.Partitions) == 0 {
			continue
		}
		if len(m.Partitions) != 4 {
			t.Fatalf("partition metrics %+v: want 4 partitions", m.Partitions)
		}
		for _, p := range m.Partitions {
			if (p.Partition == 3) != (p.Records == 0) || (p.Records > 0 && p.Bytes == 0) {
				t.Fatalf("partition metrics %+v: want records and bytes on 0-2 only", m.Partitions)
			}
		}
		return
	}
	t.Fatal("no vertex reported partition metrics")
}
