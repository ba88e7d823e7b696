package window

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/state/badgeropt"
	"github.com/weir-stream/weir/state/badgerstate"
)

// benchBids is the Nexmark-like bid stream of the benchmarks: auction,
// bidder, price, date_time.
var benchBids = arrow.NewSchema([]arrow.Field{
	{Name: "auction", Type: expr.BigInt},
	{Name: "bidder", Type: expr.BigInt},
	{Name: "price", Type: expr.BigInt},
	{Name: "date_time", Type: expr.Timestamp},
}, nil)

const (
	benchRows  = 1_000_000
	benchBatch = 4096
	benchDelay = 4000 // ms: the watermark delay
)

// makeBids builds benchRows bids in batches: 10K events per second of
// event time, up to 200 ms of disorder; half the bids go to a hot
// auction (and a hot bidder), the rest to one of the recent ones, as
// Nexmark's generator does.
func makeBids(mem memory.Allocator) ([]arrow.RecordBatch, []int64) {
	r := rand.New(rand.NewPCG(1, 2))
	var recs []arrow.RecordBatch
	var wms []int64
	maxT := int64(0)
	for start := 0; start < benchRows; start += benchBatch {
		b := array.NewRecordBuilder(mem, benchBids)
		n := min(benchBatch, benchRows-start)
		for i := start; i < start+n; i++ {
			maxAuction, maxPerson := int64(1000+i/50), int64(1000+i/50)
			auction := maxAuction - r.Int64N(1000)
			if r.IntN(2) == 0 {
				auction = maxAuction / 100 * 100
			}
			bidder := maxPerson - r.Int64N(1000)
			if r.IntN(2) == 0 {
				bidder = maxPerson / 100 * 100
			}
			t := int64(i)/10 + r.Int64N(200)
			maxT = max(maxT, t)
			b.Field(0).(*array.Int64Builder).Append(auction)
			b.Field(1).(*array.Int64Builder).Append(bidder)
			b.Field(2).(*array.Int64Builder).Append(1 + r.Int64N(1_000_000))
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(t))
		}
		recs = append(recs, b.NewRecordBatch())
		b.Release()
		wms = append(wms, maxT-benchDelay)
	}
	return recs, wms
}

type discard struct{ rows int64 }

func (d *discard) Emit(_ context.Context, rec arrow.RecordBatch) error {
	d.rows += rec.NumRows()
	rec.Release()
	return nil
}

func benchWindow(b *testing.B, spec Spec) { benchWindowOn(b, spec, false) }

// benchWindowOn is benchWindow with the operator's state in Badger (on
// disk, default resident entries) when badger is set.
func benchWindowOn(b *testing.B, spec Spec, badger bool) {
	mem := memory.NewGoAllocator()
	recs, wms := makeBids(mem)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	ctx := context.Background()
	out := outSchema(spec, benchBids)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var emitted int64
	for range b.N {
		o, err := New(spec, benchBids, out)
		if err != nil {
			b.Fatal(err)
		}
		env := &operators.Env{Alloc: mem, Metrics: &operators.Metrics{}}
		if badger {
			db, err := badgerstate.Open(b.TempDir(), badgeropt.Profile{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			env.Tables, env.TablePrefix = db, "bench/"
		}
		if err := o.Open(ctx, env); err != nil {
			b.Fatal(err)
		}
		d := &discard{}
		wh := o.(operators.WatermarkHandler)
		for i, rec := range recs {
			if err := o.Process(ctx, 0, rec, d); err != nil {
				b.Fatal(err)
			}
			if _, err := wh.OnWatermark(ctx, wms[i], d); err != nil {
				b.Fatal(err)
			}
		}
		if err := o.Close(ctx, d); err != nil {
			b.Fatal(err)
		}
		emitted = d.rows
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N*benchRows), "ns/row")
	b.ReportMetric(float64(emitted), "out-rows")
}

// BenchmarkHopCountPerAuction is Nexmark q5's core: HOP(2s, 10s)
// COUNT(*) per auction.
func BenchmarkHopCountPerAuction(b *testing.B) {
	benchWindow(b, Spec{Window: Window{Kind: Hop, TimeCol: 3, Slide: 2000, Size: 10_000}, Keys: []int{0},
		Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}})
}

// BenchmarkBackendNexmark runs Nexmark q5's, q7's and q11's cores (HOP
// count per auction, TUMBLE max price per bidder, SESSION count per
// bidder) with a watermark after every batch, on
// each state backend, so the Badger backend's cost on a stream whose
// windows fire all along compares with memory's as a ratio.
func BenchmarkBackendNexmark(b *testing.B) {
	specs := []struct {
		name string
		spec Spec
	}{
		{"hop-count-per-auction", Spec{Window: Window{Kind: Hop, TimeCol: 3, Slide: 2000, Size: 10_000}, Keys: []int{0},
			Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}}},
		{"tumble-max-price-per-bidder", Spec{Window: Window{Kind: Tumble, TimeCol: 3, Size: 10_000}, Keys: []int{1},
			Aggs: []AggCall{{Func: Max, Arg: 2, Type: expr.BigInt}}}},
		{"session-count-per-bidder", Spec{Window: Window{Kind: Session, TimeCol: 3, Gap: 10_000}, Keys: []int{1},
			Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}}},
	}
	for _, sp := range specs {
		for _, backend := range []string{"memory", "badger"} {
			b.Run(sp.name+"/"+backend, func(b *testing.B) { benchWindowOn(b, sp.spec, backend == "badger") })
		}
	}
}

// BenchmarkTumbleMaxPrice is Nexmark q7's core: TUMBLE(10s) MAX(price).
func BenchmarkTumbleMaxPrice(b *testing.B) {
	benchWindow(b, Spec{Window: Window{Kind: Tumble, TimeCol: 3, Size: 10_000},
		Aggs: []AggCall{{Func: Max, Arg: 2, Type: expr.BigInt}}})
}

// BenchmarkSessionCountPerBidder is Nexmark q11's core: SESSION(10s)
// COUNT(*) per bidder.
func BenchmarkSessionCountPerBidder(b *testing.B) {
	benchWindow(b, Spec{Window: Window{Kind: Session, TimeCol: 3, Gap: 10_000}, Keys: []int{1},
		Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}})
}

// BenchmarkTumbleCountDistinctBidders is TUMBLE(10s) COUNT(DISTINCT
// bidder) per auction.
func BenchmarkTumbleCountDistinctBidders(b *testing.B) {
	benchWindow(b, Spec{Window: Window{Kind: Tumble, TimeCol: 3, Size: 10_000}, Keys: []int{0},
		Aggs: []AggCall{{Func: Count, Arg: 1, Distinct: true, Type: expr.BigInt}}})
}
