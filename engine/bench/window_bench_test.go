package bench

import (
	"fmt"
	"testing"

	"github.com/weir-stream/weir/connectors/nexmark"
)

// windowEvents is how many generator events the window benchmarks run
// through: about 10M bids (46 of every 50 events).
const windowEvents = 10_900_000

const windowBidDDL = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (%s);
CREATE TABLE sink (%s) WITH ('connector' = 'blackhole');
`

// windowQueries are the window benchmarks: Nexmark q5's hop count
// per auction, q7's tumbling max and q11's sessions per bidder.
var windowQueries = []struct {
	name, cols, query string
}{
	{"hop-count-per-auction", "auction BIGINT, num BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)",
		`INSERT INTO sink SELECT auction, COUNT(*) AS num,
  HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND),
  HOP_END(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
FROM bid GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND);`},
	{"tumble-max-price", "maxprice BIGINT, date_time TIMESTAMP(3)",
		`INSERT INTO sink SELECT MAX(price) AS maxprice, TUMBLE_END(date_time, INTERVAL '10' SECOND)
FROM bid GROUP BY TUMBLE(date_time, INTERVAL '10' SECOND);`},
	{"session-count-per-bidder", "bidder BIGINT, bid_count BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)",
		`INSERT INTO sink SELECT bidder, COUNT(*) AS bid_count,
  SESSION_START(date_time, INTERVAL '10' SECOND), SESSION_END(date_time, INTERVAL '10' SECOND)
FROM bid GROUP BY bidder, SESSION(date_time, INTERVAL '10' SECOND);`},
}

// BenchmarkWindowGenerator runs the window queries from the in-process
// Nexmark generator into a blackhole, after two baselines: the same hop
// count computed by a plain Go loop over the generator's bids with a map
// of (auction, window start) counters, fired and deleted as time passes,
// and that loop's generator calls alone (Generator.Event builds every
// field of a bid, strings included, which weir's source skips when a
// query does not read them; the difference is the map's cost).
func BenchmarkWindowGenerator(b *testing.B) {
	bin := weirBinary(b)
	bids := bidsIn(windowEvents)
	b.Run("baseline-generator-events-only", func(b *testing.B) {
		var s runStats
		for i := 0; i < b.N; i++ {
			s = measure(b, bids, generateBids)
		}
		report(b, bids, s)
	})
	b.Run("baseline-gomap-hop-count", func(b *testing.B) {
		var s runStats
		for i := 0; i < b.N; i++ {
			s = measure(b, bids, hopCountBaseline)
		}
		report(b, bids, s)
	})
	opts := fmt.Sprintf("'connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d'", windowEvents)
	for _, q := range windowQueries {
		b.Run(q.name, func(b *testing.B) {
			dir := b.TempDir()
			var s runStats
			for i := 0; i < b.N; i++ {
				s = runWeir(b, bin, dir, fmt.Sprintf(windowBidDDL, opts, q.cols)+q.query)
			}
			report(b, bids, s)
		})
	}
}

// BenchmarkWindowJSONFile runs the window queries over a JSON-lines file
// of about 10M bids, written first by weir itself from the generator.
func BenchmarkWindowJSONFile(b *testing.B) {
	bin := weirBinary(b)
	dir := b.TempDir()
	writeBidFile(b, bin, dir, windowEvents)
	opts := "'connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json'"
	for _, q := range windowQueries {
		b.Run(q.name, func(b *testing.B) {
			var s runStats
			for i := 0; i < b.N; i++ {
				s = runWeir(b, bin, dir, fmt.Sprintf(windowBidDDL, opts, q.cols)+q.query)
			}
			report(b, bidsIn(windowEvents), s)
		})
	}
}

// generateBids calls Generator.Event for every event and counts bids.
func generateBids() int64 {
	gen := nexmark.NewGenerator(nexmark.Config{Table: nexmark.TableBid, EventsNum: windowEvents})
	var rows int64
	for n := int64(0); n < windowEvents; n++ {
		if gen.Event(n).Bid != nil {
			rows++
		}
	}
	return rows
}

// hopCountBaseline counts bids per (auction, HOP(2 s, 10 s) window) the
// way a hand-written Go program would: generate each event, bump five
// map counters, and every time the clock passes a slide boundary emit
// and delete the windows that ended 4 s (the watermark delay) before.
func hopCountBaseline() int64 {
	gen := nexmark.NewGenerator(nexmark.Config{Table: nexmark.TableBid, EventsNum: windowEvents})
	type key struct{ auction, start int64 }
	counts := map[key]int64{}
	var rows, sum int64
	nextFire := int64(-1 << 62)
	for n := int64(0); n < windowEvents; n++ {
		e := gen.Event(n)
		bid := e.Bid
		if bid == nil {
			continue
		}
		rows++
		t := bid.DateTime
		for s := t - t%2000; s > t-10_000; s -= 2000 {
			counts[key{bid.Auction, s}]++
		}
		if wm := t - 4000; wm >= nextFire {
			for k, c := range counts {
				if k.start+10_000 <= wm {
					sum += c
					delete(counts, k)
				}
			}
			nextFire = wm - wm%2000 + 2000
		}
	}
	for _, c := range counts {
		sum += c
	}
	if sum != 5*rows {
		panic(fmt.Sprintf("baseline counted %d window memberships for %d bids", sum, rows))
	}
	return rows
}
