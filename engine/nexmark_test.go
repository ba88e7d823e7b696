package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	gojson "github.com/goccy/go-json"

	"github.com/weir-stream/weir/connectors/nexmark"
	"github.com/weir-stream/weir/engine"
)

// nexmarkEvents is how many generator events each query test runs over.
const nexmarkEvents = 30_000

const nexmarkBidDDL = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d');
`

// nexmarkQueries are Flink's Nexmark q0, q1, q2, q21 and q22, with the DDL
// adapted to our connectors (the nexmark source and a JSON-lines sink).
// ref computes the expected row for a bid, or nil when the query drops it.
var nexmarkQueries = []struct {
	name string
	sink string
	sql  string
	ref  func(b *nexmark.Bid) map[string]any
}{
	{
		name: "q0",
		sink: "auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3), extra VARCHAR",
		sql:  "INSERT INTO nexmark_q0 SELECT auction, bidder, price, date_time, extra FROM bid;",
		ref: func(b *nexmark.Bid) map[string]any {
			return map[string]any{"auction": b.Auction, "bidder": b.Bidder, "price": b.Price, "date_time": ts(b.DateTime), "extra": b.Extra}
		},
	},
	{
		name: "q1",
		sink: "auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), date_time TIMESTAMP(3), extra VARCHAR",
		sql:  "INSERT INTO nexmark_q1 SELECT auction, bidder, 0.908 * price as price, date_time, extra FROM bid;",
		ref: func(b *nexmark.Bid) map[string]any {
			// 0.908 * price, exactly, with scale 3.
			milli := b.Price * 908
			return map[string]any{"auction": b.Auction, "bidder": b.Bidder,
				"price": gojson.Number(fmt.Sprintf("%d.%03d", milli/1000, milli%1000)), "date_time": ts(b.DateTime), "extra": b.Extra}
		},
	},
	{
		name: "q2",
		sink: "auction BIGINT, price BIGINT",
		sql:  "INSERT INTO nexmark_q2 SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;",
		ref: func(b *nexmark.Bid) map[string]any {
			if b.Auction%123 != 0 {
				return nil
			}
			return map[string]any{"auction": b.Auction, "price": b.Price}
		},
	},
	{
		name: "q21",
		sink: "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, channel_id VARCHAR",
		sql: `INSERT INTO nexmark_q21
SELECT
    auction, bidder, price, channel,
    CASE
        WHEN lower(channel) = 'apple' THEN '0'
        WHEN lower(channel) = 'google' THEN '1'
        WHEN lower(channel) = 'facebook' THEN '2'
        WHEN lower(channel) = 'baidu' THEN '3'
        ELSE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2)
        END
    AS channel_id FROM bid
    where REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) is not null or
          lower(channel) in ('apple', 'google', 'facebook', 'baidu');`,
		ref: func(b *nexmark.Bid) map[string]any {
			extracted, ok := regexpExtract(b.URL)
			lc := strings.ToLower(b.Channel)
			known := map[string]string{"apple": "0", "google": "1", "facebook": "2", "baidu": "3"}
			id, isKnown := known[lc]
			if !ok && !isKnown {
				return nil
			}
			if !isKnown {
				id = extracted
			}
			return map[string]any{"auction": b.Auction, "bidder": b.Bidder, "price": b.Price, "channel": b.Channel, "channel_id": id}
		},
	},
	{
		name: "q22",
		sink: "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, dir1 VARCHAR, dir2 VARCHAR, dir3 VARCHAR",
		sql: `INSERT INTO nexmark_q22
SELECT
    auction, bidder, price, channel,
    SPLIT_INDEX(url, '/', 3) as dir1,
    SPLIT_INDEX(url, '/', 4) as dir2,
    SPLIT_INDEX(url, '/', 5) as dir3 FROM bid;`,
		ref: func(b *nexmark.Bid) map[string]any {
			parts := strings.Split(b.URL, "/")
			at := func(i int) any {
				if i < len(parts) {
					return parts[i]
				}
				return nil
			}
			return map[string]any{"auction": b.Auction, "bidder": b.Bidder, "price": b.Price, "channel": b.Channel,
				"dir1": at(3), "dir2": at(4), "dir3": at(5)}
		},
	},
}

var channelIDRe = regexp.MustCompile(`(&|^)channel_id=([^&]*)`)

func regexpExtract(url string) (string, bool) {
	m := channelIDRe.FindStringSubmatch(url)
	if m == nil {
		return "", false
	}
	return m[2], true
}

func ts(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000")
}

// TestNexmarkMatchesReference runs each query on the generator at
// parallelism 1 and 4 and compares the sink's rows with a plain-Go
// computation over the same events.
func TestNexmarkMatchesReference(t *testing.T) {
	bids := generatedBids(t, map[string]string{"events.num": fmt.Sprint(nexmarkEvents)})
	for _, q := range nexmarkQueries {
		var refRows []map[string]any
		for _, b := range bids {
			if r := q.ref(b); r != nil {
				refRows = append(refRows, r)
			}
		}
		want, rows := jsonLines(t, refRows), len(refRows)
		if rows == 0 {
			t.Fatalf("%s: the reference selects no rows; the test would prove nothing", q.name)
		}
		for _, par := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s_par%d", q.name, par), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				sql := fmt.Sprintf(nexmarkBidDDL, nexmarkEvents) +
					fmt.Sprintf("CREATE TABLE nexmark_%s (%s) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');\n", q.name, q.sink) +
					q.sql
				alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer alloc.AssertSize(t, 0)
				job, err := engine.Compile(q.name+".sql", []byte(sql), engine.Config{Parallelism: par, Dir: dir, Alloc: alloc})
				if err != nil {
					t.Fatal(err)
				}
				if err := job.Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(dir, "out.jsonl"))
				if err != nil {
					t.Fatal(err)
				}
				compareRows(t, q.name, string(got), want)
			})
		}
	}
}

// generatedBids are the bids among the generator's events under opts
// (plus 'table' = 'bid'): the input of the reference computations.
func generatedBids(t *testing.T, opts map[string]string) []*nexmark.Bid {
	t.Helper()
	all := map[string]string{"table": "bid"}
	for k, v := range opts {
		all[k] = v
	}
	cfg, err := nexmark.ParseOptions(all)
	if err != nil {
		t.Fatal(err)
	}
	gen := nexmark.NewGenerator(cfg)
	var bids []*nexmark.Bid
	for n := int64(0); n < cfg.EventsNum; n++ {
		if e := gen.Event(n); e.Bid != nil {
			bids = append(bids, e.Bid)
		}
	}
	return bids
}

// jsonLines renders rows as JSON lines, the form compareRows reads.
func jsonLines(t *testing.T, rows []map[string]any) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		data, err := gojson.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}
