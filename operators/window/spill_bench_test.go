package window

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
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

// BenchmarkBackend1MKeys folds 2M bids over 1M distinct keys into one
// TUMBLE(1 h) window, and into SESSION(1 h) windows, with COUNT(*), SUM
// and MAX, then fires them, on each state backend: memory, and Badger
// (on disk, default resident entries). It reports ns per row and the Go
// heap held with the state in place (after a GC, before the windows
// fire), so the backends compare as ratios within one run.
func BenchmarkBackend1MKeys(b *testing.B) {
	const keys, rows = 1 << 20, 2 << 20
	mem := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(3, 4))
	perm := r.Perm(keys)
	var recs []arrow.RecordBatch
	for start := 0; start < rows; start += benchBatch {
		bb := array.NewRecordBuilder(mem, benchBids)
		for i := start; i < start+benchBatch; i++ {
			bb.Field(0).(*array.Int64Builder).Append(int64(perm[i%keys]))
			bb.Field(1).(*array.Int64Builder).Append(int64(i))
			bb.Field(2).(*array.Int64Builder).Append(1 + r.Int64N(1_000_000))
			bb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(i / 1000))
		}
		recs = append(recs, bb.NewRecordBatch())
		bb.Release()
	}
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	aggs := []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt},
		{Func: Sum, Arg: 2, Type: expr.BigInt}, {Func: Max, Arg: 2, Type: expr.BigInt}}
	windows := []struct {
		name string
		w    Window
	}{
		{"tumble", Window{Kind: Tumble, TimeCol: 3, Size: 3_600_000}},
		{"session", Window{Kind: Session, TimeCol: 3, Gap: 3_600_000}},
	}
	for _, w := range windows {
		spec := Spec{Window: w.w, Keys: []int{0}, Aggs: aggs}
		for _, backend := range []string{"memory", "badger"} {
			b.Run(w.name+"/"+backend, func(b *testing.B) {
				benchBackend(b, mem, spec, recs, backend == "badger", keys, rows)
			})
		}
	}
}

func benchBackend(b *testing.B, mem memory.Allocator, spec Spec, recs []arrow.RecordBatch, badger bool, keys, rows int) {
	ctx := context.Background()
	var heap uint64
	var emitted int64
	start := time.Now()
	for range b.N {
		env := &operators.Env{Alloc: mem, Metrics: &operators.Metrics{}}
		if badger {
			db, err := badgerstate.Open(b.TempDir(), benchProfile)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			env.Tables, env.TablePrefix = db, "bench/"
		}
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		o, err := New(spec, benchBids, outSchema(spec, benchBids))
		if err != nil {
			b.Fatal(err)
		}
		if err := o.Open(ctx, env); err != nil {
			b.Fatal(err)
		}
		d := &discard{}
		for _, rec := range recs {
			if err := o.Process(ctx, 0, rec, d); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		heap = after.HeapInuse - min(after.HeapInuse, before.HeapInuse)
		b.StartTimer()
		if err := o.Close(ctx, d); err != nil {
			b.Fatal(err)
		}
		emitted = d.rows
	}
	el := time.Since(start)
	if emitted != int64(keys) {
		b.Fatalf("emitted %d rows, want %d", emitted, keys)
	}
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N*rows), "ns/row")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
}

// benchProfile is the Badger profile of the benchmarks: the small
// default, or WEIR_BENCH_BADGER_MB (memtables and block cache of that
// many MiB) to see what a larger one buys.
var benchProfile = func() badgeropt.Profile {
	mb, _ := strconv.Atoi(os.Getenv("WEIR_BENCH_BADGER_MB"))
	return badgeropt.Profile{MemTableSize: int64(mb) << 20, BlockCacheSize: int64(mb) << 20}
}()
