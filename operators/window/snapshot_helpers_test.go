package window

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/state"
)

// snapSchema is the snapshot tests' input: the event time and a column
// of every type the operator groups by and aggregates, with few distinct
// values (so keys repeat) including NULL, "", -0.0, NaN and infinities.
var snapSchema = arrow.NewSchema([]arrow.Field{
	{Name: "ts", Type: expr.Timestamp, Nullable: true},
	{Name: "b", Type: expr.BigInt, Nullable: true},
	{Name: "s", Type: expr.Varchar, Nullable: true},
	{Name: "i", Type: expr.Int, Nullable: true},
	{Name: "day", Type: expr.Date, Nullable: true},
	{Name: "d", Type: expr.Double, Nullable: true},
	{Name: "bo", Type: expr.Boolean, Nullable: true},
	{Name: "dec", Type: expr.Decimal(10, 2), Nullable: true},
	{Name: "f", Type: expr.Float, Nullable: true},
	{Name: "t2", Type: expr.Timestamp, Nullable: true},
}, nil)

const sTS = 0

// snapKeySets are the GROUP BY column sets tested: none, each one-column
// key path (integer, VARCHAR) and encoded keys of every type.
var snapKeySets = [][]int{nil, {1}, {2}, {3}, {4}, {9}, {5, 6}, {7, 2, 8}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}

// snapAggs is every aggregate over every argument type it accepts, with
// the planner's result types.
func snapAggs() []AggCall {
	aggs := []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}
	for c := 0; c < snapSchema.NumFields(); c++ {
		t := snapSchema.Field(c).Type
		aggs = append(aggs,
			AggCall{Func: Count, Arg: c, Type: expr.BigInt},
			AggCall{Func: Count, Arg: c, Distinct: true, Type: expr.BigInt},
			AggCall{Func: Min, Arg: c, Type: t},
			AggCall{Func: Max, Arg: c, Type: t})
		var sum, avg arrow.DataType
		switch t.ID() {
		case arrow.INT32:
			sum, avg = expr.Int, expr.Int
		case arrow.INT64:
			sum, avg = expr.BigInt, expr.BigInt
		case arrow.FLOAT32, arrow.FLOAT64:
			sum, avg = expr.Double, expr.Double
		case arrow.DECIMAL128:
			sum, avg = expr.Decimal(38, 2), expr.Decimal(38, 6)
		default:
			continue
		}
		for _, distinct := range []bool{false, true} {
			aggs = append(aggs,
				AggCall{Func: Sum, Arg: c, Distinct: distinct, Type: sum},
				AggCall{Func: Avg, Arg: c, Distinct: distinct, Type: avg})
		}
	}
	return aggs
}

// genSnapRecord builds n rows at times about i*step (disorder below
// delay, a NULL time now and then).
func genSnapRecord(mem memory.Allocator, r *rand.Rand, n int, step, delay int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, snapSchema)
	defer b.Release()
	strs := []string{"", "a", "b", "ab", "é"}
	doubles := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1.5, -2, 0.5}
	floats := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), 2.5, -1}
	null := func(fb array.Builder) bool {
		if r.IntN(6) == 0 {
			fb.AppendNull()
			return true
		}
		return false
	}
	for i := range n {
		if r.IntN(40) == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(i)*step + r.Int64N(delay) - 60))
		}
		if !null(b.Field(1)) {
			b.Field(1).(*array.Int64Builder).Append(r.Int64N(6) - 2)
		}
		if !null(b.Field(2)) {
			b.Field(2).(*array.StringBuilder).Append(strs[r.IntN(len(strs))])
		}
		if !null(b.Field(3)) {
			b.Field(3).(*array.Int32Builder).Append(int32(r.IntN(4) - 1))
		}
		if !null(b.Field(4)) {
			b.Field(4).(*array.Date32Builder).Append(arrow.Date32(r.IntN(3) + 19000))
		}
		if !null(b.Field(5)) {
			b.Field(5).(*array.Float64Builder).Append(doubles[r.IntN(len(doubles))])
		}
		if !null(b.Field(6)) {
			b.Field(6).(*array.BooleanBuilder).Append(r.IntN(2) == 0)
		}
		if !null(b.Field(7)) {
			b.Field(7).(*array.Decimal128Builder).Append(decimal128.FromI64(r.Int64N(5)*1250 - 2000))
		}
		if !null(b.Field(8)) {
			b.Field(8).(*array.Float32Builder).Append(floats[r.IntN(len(floats))])
		}
		if !null(b.Field(9)) {
			b.Field(9).(*array.TimestampBuilder).Append(arrow.Timestamp(r.Int64N(1000)))
		}
	}
	return b.NewRecordBatch()
}

// step is one input event: a batch of rows [lo, hi) or a watermark.
type step struct {
	lo, hi int
	wm     int64
	isWM   bool
}

// genSchedule cuts n rows into random batches with random watermarks in
// between that may run ahead of the rows (making later rows late).
func genSchedule(r *rand.Rand, n int, step64 int64) []step {
	var s []step
	wm := int64(noWatermark)
	for i := 0; i < n; {
		j := min(i+1+r.IntN(25), n)
		s = append(s, step{lo: i, hi: j})
		i = j
		if r.IntN(2) == 0 {
			wm = max(wm, int64(j)*step64-70+r.Int64N(30))
			s = append(s, step{wm: wm, isWM: true})
		}
	}
	return s
}

// snapRun is one operator's run over part of a schedule.
type snapRun struct {
	*harness
	wm int64 // the last watermark passed (the runtime's view)
}

func newSnapRun(t *testing.T, spec Spec) *snapRun {
	return &snapRun{harness: newHarness(t, spec, snapSchema), wm: noWatermark}
}

// apply runs steps over rec; route, when not nil, keeps the rows this
// operator gets from each batch (as a shuffle would).
func (s *snapRun) apply(rec arrow.RecordBatch, steps []step, route func(arrow.RecordBatch) arrow.RecordBatch) {
	s.t.Helper()
	for _, st := range steps {
		if st.isWM {
			s.watermark(st.wm)
			s.wm = max(s.wm, st.wm)
			continue
		}
		b := rec.NewSlice(int64(st.lo), int64(st.hi))
		if route != nil {
			rb := route(b)
			b.Release()
			b = rb
		}
		s.process(b)
		b.Release()
	}
}

// snapshot takes every blob of the operator, twice, checking that the
// second is byte for byte the first and that every blob is sized exactly.
func (s *snapRun) snapshot() map[int][]byte {
	s.t.Helper()
	take := func() map[int][]byte {
		blobs := map[int][]byte{}
		err := s.op.Snapshot(s.ctx, func(g int, data []byte) error {
			if _, dup := blobs[g]; dup {
				s.t.Fatalf("group %d put twice", g)
			}
			if len(data) != cap(data) {
				s.t.Errorf("group %d: blob of %d bytes in a buffer of %d: size not computed exactly", g, len(data), cap(data))
			}
			blobs[g] = data
			return nil
		})
		if err != nil {
			s.t.Fatalf("Snapshot: %v", err)
		}
		return blobs
	}
	a, b := take(), take()
	if len(a) != len(b) {
		s.t.Fatalf("second snapshot has %d groups, first %d", len(b), len(a))
	}
	for g, blob := range a {
		if !slices.Equal(blob, b[g]) {
			s.t.Fatalf("group %d: second snapshot differs from the first", g)
		}
	}
	return a
}

// restoreInto opens a new operator, restores blobs into it and passes it
// the watermark wm, as the runtime does after a restart.
func restoreInto(t *testing.T, spec Spec, blobs map[int][]byte, wm int64) *snapRun {
	t.Helper()
	s := newSnapRun(t, spec)
	if err := s.op.Restore(s.ctx, blobs); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	s.watermark(wm)
	s.wm = wm
	return s
}

// output renders and releases what the operator emitted so far, and
// checks that it holds no Arrow memory.
func (s *snapRun) output() []string {
	rows := s.out.rows()
	s.mem.AssertSize(s.t, 0)
	return rows
}

// shuffleHash is a copy of the engine's shuffle rule (engine/partition.go,
// mixColumn), which this package cannot import: per row, state.MixHash
// from 0 over the key columns of HashNull for NULL, HashUint64 of
// integers (sign-extended), times, dates, booleans (0/1) and canonical
// float bits, HashString of strings, HashBytes of a decimal's 16 bytes,
// low word first.
func shuffleHash(rec arrow.RecordBatch, keys []int, row int) uint64 {
	var h uint64
	for _, k := range keys {
		col := rec.Column(k)
		if col.IsNull(row) {
			h = state.MixHash(h, state.HashNull)
			continue
		}
		var v uint64
		switch a := col.(type) {
		case *array.Int64:
			v = state.HashUint64(uint64(a.Value(row)))
		case *array.Int32:
			v = state.HashUint64(uint64(int64(a.Value(row))))
		case *array.Timestamp:
			v = state.HashUint64(uint64(a.Value(row)))
		case *array.Date32:
			v = state.HashUint64(uint64(int64(a.Value(row))))
		case *array.Float64:
			v = state.HashUint64(state.FloatBits(a.Value(row)))
		case *array.Float32:
			v = state.HashUint64(state.FloatBits(float64(a.Value(row))))
		case *array.Boolean:
			if a.Value(row) {
				v = state.HashUint64(1)
			} else {
				v = state.HashUint64(0)
			}
		case *array.String:
			v = state.HashString(a.Value(row))
		case *array.Decimal128:
			d := a.Value(row)
			var buf [16]byte
			binary.LittleEndian.PutUint64(buf[:8], d.LowBits())
			binary.LittleEndian.PutUint64(buf[8:], uint64(d.HighBits()))
			v = state.HashBytes(buf[:])
		default:
			panic("shuffleHash: " + col.DataType().String())
		}
		h = state.MixHash(h, v)
	}
	return h
}

// routeTo returns a router keeping the rows whose key group (by the
// shuffle's hash) is in owned.
func routeTo(mem memory.Allocator, keys []int, owned map[int]bool) func(arrow.RecordBatch) arrow.RecordBatch {
	return func(rec arrow.RecordBatch) arrow.RecordBatch {
		ib := array.NewInt32Builder(mem)
		defer ib.Release()
		for i := range int(rec.NumRows()) {
			if owned[int(state.KeyGroupOf(shuffleHash(rec, keys, i)))] {
				ib.Append(int32(i))
			}
		}
		idx := ib.NewArray()
		defer idx.Release()
		ctx := compute.WithAllocator(context.Background(), mem)
		cols := make([]arrow.Array, rec.NumCols())
		for j := range cols {
			c, err := compute.TakeArray(ctx, rec.Column(j), idx)
			if err != nil {
				panic(err)
			}
			cols[j] = c
		}
		out := array.NewRecordBatch(rec.Schema(), cols, int64(idx.Len()))
		for _, c := range cols {
			c.Release()
		}
		return out
	}
}
