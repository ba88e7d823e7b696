package window

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
)

// benchSnapKeys is the number of distinct keys live in the snapshot
// benchmarks.
const benchSnapKeys = 1_000_000

// benchSnapSpec is HOP(2s, 10s) COUNT(*), MAX(price) GROUP BY auction
// over benchBids.
var benchSnapSpec = Spec{Window: Window{Kind: Hop, TimeCol: 3, Slide: 2000, Size: 10_000}, Keys: []int{0},
	Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}, {Func: Max, Arg: 2, Type: expr.BigInt}}}

// snapBenchOp returns spec's operator holding benchSnapKeys keys: two
// bids per auction in the first 10 s of event time (no watermark yet).
// With ordered, the bids come in time order (a little disorder), every
// auction's two 5 s apart: 2M entries in 5 panes, each pane's created
// together. Otherwise each bid is at a random time: about 1.8M entries,
// the panes' entries interleaved (slots of a pane are spread over all
// of memory: the worst case for reading them back).
func snapBenchOp(b *testing.B, spec Spec, ordered bool) *op {
	mem := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(5, 6))
	o, err := newOp(spec, benchBids, outSchema(spec, benchBids))
	if err != nil {
		b.Fatal(err)
	}
	if err := o.Open(context.Background(), &operators.Env{Alloc: mem, Metrics: &operators.Metrics{}}); err != nil {
		b.Fatal(err)
	}
	for start := 0; start < 2*benchSnapKeys; start += benchBatch {
		rb := array.NewRecordBuilder(mem, benchBids)
		for i := start; i < min(start+benchBatch, 2*benchSnapKeys); i++ {
			rb.Field(0).(*array.Int64Builder).Append(int64(i % benchSnapKeys))
			rb.Field(1).(*array.Int64Builder).Append(r.Int64N(1000))
			rb.Field(2).(*array.Int64Builder).Append(1 + r.Int64N(1_000_000))
			t := r.Int64N(10_000)
			if ordered {
				t = min(int64(i)*10_000/(2*benchSnapKeys)+r.Int64N(200), 9_999)
			}
			rb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(t))
		}
		rec := rb.NewRecordBatch()
		rb.Release()
		if err := o.Process(context.Background(), 0, rec, nil); err != nil {
			b.Fatal(err)
		}
		rec.Release()
	}
	if n := o.keys.len(); n != benchSnapKeys {
		b.Fatalf("%d keys live, want %d", n, benchSnapKeys)
	}
	return o
}

// BenchmarkSnapshot1MKeys is the data-path pause of a checkpoint barrier
// at a HOP(2s, 10s) COUNT(*), MAX(bigint) window over 1M live BIGINT
// keys: ns/op is one whole Snapshot (every group's blob encoded), for
// bids in time order and at random times.
func BenchmarkSnapshot1MKeys(b *testing.B) {
	b.Run("ordered", func(b *testing.B) { benchSnapshot(b, benchSnapSpec, true) })
	b.Run("random", func(b *testing.B) { benchSnapshot(b, benchSnapSpec, false) })
}

// BenchmarkSnapshotSession1MKeys is BenchmarkSnapshot1MKeys for
// SESSION(10s) (one session per key, bids at random times).
func BenchmarkSnapshotSession1MKeys(b *testing.B) {
	spec := benchSnapSpec
	spec.Window = Window{Kind: Session, TimeCol: 3, Gap: 10_000}
	benchSnapshot(b, spec, false)
}

func benchSnapshot(b *testing.B, spec Spec, ordered bool) {
	o := snapBenchOp(b, spec, ordered)
	ctx := context.Background()
	var size int64
	put := func(_ int, data []byte) error {
		size += int64(len(data))
		return nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		size = 0
		if err := o.Snapshot(ctx, put); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.SetBytes(size)
	b.ReportMetric(float64(size), "state-bytes")
	b.ReportMetric(float64(o.entries()), "entries")
}

// BenchmarkRestore1MKeys restores the state of BenchmarkSnapshot1MKeys
// into a new operator.
func BenchmarkRestore1MKeys(b *testing.B) {
	b.Run("ordered", func(b *testing.B) { benchRestore(b, benchSnapSpec, true) })
	b.Run("random", func(b *testing.B) { benchRestore(b, benchSnapSpec, false) })
}

// BenchmarkRestoreSession1MKeys restores the state of
// BenchmarkSnapshotSession1MKeys.
func BenchmarkRestoreSession1MKeys(b *testing.B) {
	spec := benchSnapSpec
	spec.Window = Window{Kind: Session, TimeCol: 3, Gap: 10_000}
	benchRestore(b, spec, false)
}

func benchRestore(b *testing.B, spec Spec, ordered bool) {
	o := snapBenchOp(b, spec, ordered)
	ctx := context.Background()
	blobs := map[int][]byte{}
	var size int64
	if err := o.Snapshot(ctx, func(g int, data []byte) error {
		blobs[g] = data
		size += int64(len(data))
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	want := o.entries()
	o = nil
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := newOp(spec, benchBids, outSchema(spec, benchBids))
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Open(ctx, &operators.Env{Alloc: memory.NewGoAllocator(), Metrics: &operators.Metrics{}}); err != nil {
			b.Fatal(err)
		}
		if err := r.Restore(ctx, blobs); err != nil {
			b.Fatal(err)
		}
		if r.entries() != want {
			b.Fatalf("restored %d entries, want %d", r.entries(), want)
		}
	}
	b.SetBytes(size)
}
