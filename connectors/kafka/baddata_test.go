package kafka

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// produceWithBad writes 20 records to partition 2 of "bid": offsets 5
// and 13 have a bad price, offset 9 is not JSON.
func produceWithBad(t *testing.T, brokers string) {
	var recs []*kgo.Record
	for i := 0; i < 20; i++ {
		v := fmt.Sprintf(`{"id":%d,"name":"n%d"}`, i, i)
		switch i {
		case 5, 13:
			v = fmt.Sprintf(`{"id":"x%d"}`, i)
		case 9:
			v = `not json`
		}
		recs = append(recs, msg("bid", 2, fmt.Sprintf("key%d", i), v))
	}
	produce(t, brokers, recs...)
}

func TestBadDataFailNamesTopicPartitionOffsetField(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(4, "bid"))
	produceWithBad(t, brokers)
	src := mustSource(t, sourceConfig(checkedAlloc(t), brokers, "bid", nil))
	r, _ := src.Reader(0, 1)
	defer r.Close()
	ctx := context.Background()
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	var err error
	for err == nil {
		var rec interface{ Release() }
		rec, err = r.Read(ctx)
		if err == nil {
			rec.Release()
		}
	}
	want := `kafka topic 'bid' partition 2 offset 5: field 'id': expected BIGINT, got "x5"`
	if err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
}

func TestBadDataDropCountsExactly(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(4, "bid"))
	produceWithBad(t, brokers)
	cfg := sourceConfig(checkedAlloc(t), brokers, "bid", map[string]string{"bad-data": "drop"})
	rows, _ := readRows(t, mustSource(t, cfg), 2)
	if len(rows) != 17 || cfg.Stats.Dropped.Load() != 3 || cfg.Stats.Records.Load() != 17 {
		t.Fatalf("rows %d dropped %d records %d", len(rows), cfg.Stats.Dropped.Load(), cfg.Stats.Records.Load())
	}
}

func TestBadDataDLQSendsOriginalsWithHeaders(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(4, "bid"), kfake.SeedTopics(1, "bad"))
	produceWithBad(t, brokers)
	cfg := sourceConfig(checkedAlloc(t), brokers, "bid", map[string]string{"bad-data": "dlq", "bad-data.topic": "bad"})
	rows, _ := readRows(t, mustSource(t, cfg), 1)
	if len(rows) != 17 || cfg.Stats.Dropped.Load() != 3 {
		t.Fatalf("rows %d dropped %d", len(rows), cfg.Stats.Dropped.Load())
	}
	got := consumeAll(t, brokers, "bad")
	if len(got) != 3 {
		t.Fatalf("dead-letter topic has %d records", len(got))
	}
	var lines []string
	for _, r := range got {
		h := map[string]string{}
		for _, x := range r.Headers {
			h[x.Key] = string(x.Value)
		}
		lines = append(lines, fmt.Sprintf("%s=%s [%s %s %s] %s", r.Key, r.Value, h[HeaderTopic], h[HeaderPartition], h[HeaderOffset], h[HeaderError]))
	}
	want := []string{
		`key5={"id":"x5"} [bid 2 5] field 'id': expected BIGINT, got "x5"`,
		`key9=not json [bid 2 9] invalid JSON at column 1: expected an object '{', got 'n'`,
		`key13={"id":"x13"} [bid 2 13] field 'id': expected BIGINT, got "x13"`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("dead letters\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
