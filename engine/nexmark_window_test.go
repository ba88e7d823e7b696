package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors/nexmark"
	"github.com/weir-stream/weir/engine"
)

// nexmarkWindowEvents and nexmarkWindowRate spread the generator's events
// over 300 s of event time (one every 10 ms), so the 10-second windows of
// q5, q7 and q11 are many and sessions both grow and end.
const (
	nexmarkWindowEvents = 30_000
	nexmarkWindowRate   = 100
)

const nexmarkWindowBidDDL = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d', 'first-event.rate' = '%d');
`

// nexmarkWindowQueries are Nexmark q5's hop count per auction, q7's
// windowed max and q11's sessions per bidder (the window aggregations of
// those queries, as the issue names them), each with a plain-Go reference
// over the generator's bids.
var nexmarkWindowQueries = []struct {
	name string
	sink string
	sql  string
	ref  func(bids []*nexmark.Bid) []map[string]any
}{
	{
		name: "q5",
		sink: "auction BIGINT, num BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)",
		sql: `INSERT INTO nexmark_q5
SELECT auction, count(*) AS num,
       HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS starttime,
       HOP_END(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS endtime
FROM bid
GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND);`,
		ref: func(bids []*nexmark.Bid) []map[string]any {
			type key struct{ auction, start int64 }
			counts := map[key]int64{}
			for _, b := range bids {
				// Windows [s, s+10 s) with s a multiple of 2 s and s <= t < s+10 s.
				for s := b.DateTime - b.DateTime%2000; s > b.DateTime-10_000; s -= 2000 {
					counts[key{b.Auction, s}]++
				}
			}
			var out []map[string]any
			for k, n := range counts {
				out = append(out, map[string]any{"auction": k.auction, "num": n, "starttime": ts(k.start), "endtime": ts(k.start + 10_000)})
			}
			return out
		},
	},
	{
		name: "q7",
		sink: "maxprice BIGINT, date_time TIMESTAMP(3)",
		sql: `INSERT INTO nexmark_q7
SELECT MAX(price) AS maxprice, TUMBLE_END(date_time, INTERVAL '10' SECOND) AS date_time
FROM bid
GROUP BY TUMBLE(date_time, INTERVAL '10' SECOND);`,
		ref: func(bids []*nexmark.Bid) []map[string]any {
			top := map[int64]int64{}
			for _, b := range bids {
				start := b.DateTime - b.DateTime%10_000
				if p, ok := top[start]; !ok || b.Price > p {
					top[start] = b.Price
				}
			}
			var out []map[string]any
			for start, p := range top {
				out = append(out, map[string]any{"maxprice": p, "date_time": ts(start + 10_000)})
			}
			return out
		},
	},
	{
		name: "q11",
		sink: "bidder BIGINT, bid_count BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)",
		sql: `INSERT INTO nexmark_q11
SELECT B.bidder, count(*) as bid_count,
       SESSION_START(B.date_time, INTERVAL '10' SECOND) as starttime,
       SESSION_END(B.date_time, INTERVAL '10' SECOND) as endtime
FROM bid B
GROUP BY B.bidder, SESSION(B.date_time, INTERVAL '10' SECOND);`,
		ref: func(bids []*nexmark.Bid) []map[string]any {
			times := map[int64][]int64{}
			for _, b := range bids {
				times[b.Bidder] = append(times[b.Bidder], b.DateTime)
			}
			var out []map[string]any
			emit := func(bidder, start, end, n int64) {
				out = append(out, map[string]any{"bidder": bidder, "bid_count": n, "starttime": ts(start), "endtime": ts(end)})
			}
			for bidder, ts := range times {
				sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
				start, end, n := ts[0], ts[0]+10_000, int64(0)
				for _, t := range ts {
					if t > end { // sessions that touch merge, as in Flink
						emit(bidder, start, end, n)
						start, n = t, 0
					}
					end = max(end, t+10_000)
					n++
				}
				emit(bidder, start, end, n)
			}
			return out
		},
	},
}

// TestNexmarkWindowsMatchReference runs q5, q7 and q11 on the bounded
// generator at parallelism 1 and 4 and compares each sink with the
// reference. Each generator subtask produces its events in time order
// and the watermark trails by 4 s, so no row may be late.
func TestNexmarkWindowsMatchReference(t *testing.T) {
	bids := generatedBids(t, map[string]string{
		"events.num": fmt.Sprint(nexmarkWindowEvents), "first-event.rate": fmt.Sprint(nexmarkWindowRate)})
	for _, q := range nexmarkWindowQueries {
		rows := q.ref(bids)
		// Non-trivial: many windows, and (for q5 and q11) many keys with
		// several windows each.
		minRows := map[string]int{"q5": 5000, "q7": 30, "q11": 500}[q.name]
		if len(rows) < minRows {
			t.Fatalf("%s: the reference has %d rows, want at least %d; the test would prove little", q.name, len(rows), minRows)
		}
		want := jsonLines(t, rows)
		for _, par := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s_par%d", q.name, par), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				sql := fmt.Sprintf(nexmarkWindowBidDDL, nexmarkWindowEvents, nexmarkWindowRate) +
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
				if n := lateRows(job); n != 0 {
					t.Errorf("%d rows counted late; the generator's subtasks emit in time order", n)
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
