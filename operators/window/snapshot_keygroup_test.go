package window

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/state"
)

// wideSnapRecord fills every column of snapSchema with values from the
// whole range of its type (negative INT and DATE values, whose hash
// depends on sign extension, extreme integers, -0.0, NaN, long strings)
// and NULLs.
func wideSnapRecord(mem memory.Allocator, r *rand.Rand, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, snapSchema)
	defer b.Release()
	floats := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(-1), math.MaxFloat64, 1e-300, -3.25}
	for range n {
		for j, fb := range b.Fields() {
			if j > 0 && r.IntN(8) == 0 {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(r.Int64() >> r.IntN(64)))
			case *array.Int64Builder:
				fb.Append([]int64{math.MinInt64, math.MaxInt64, -1, int64(r.Uint64())}[r.IntN(4)])
			case *array.StringBuilder:
				s := make([]byte, r.IntN(40))
				for i := range s {
					s[i] = byte(r.IntN(256))
				}
				fb.Append(string(s))
			case *array.Int32Builder:
				fb.Append([]int32{math.MinInt32, -1, int32(r.Uint32())}[r.IntN(3)])
			case *array.Date32Builder:
				fb.Append(arrow.Date32(-r.Int32N(100000)))
			case *array.Float64Builder:
				fb.Append(floats[r.IntN(len(floats))])
			case *array.BooleanBuilder:
				fb.Append(r.IntN(2) == 0)
			case *array.Decimal128Builder:
				fb.Append(decimal128.New(r.Int64N(1<<40)-1<<39, r.Uint64()))
			case *array.Float32Builder:
				fb.Append(float32(floats[r.IntN(len(floats))]))
			}
		}
	}
	return b.NewRecordBatch()
}

// TestKeyGroupIsShuffleGroup: the key group the operator records for each
// interned key, which Snapshot files the key's state under, is
// state.KeyGroupOf of the hash the engine's shuffle computes for the row
// (a copy of its rule, shuffleHash), for every key type and combination,
// and for NULLs, -0.0 and NaN.
func TestKeyGroupIsShuffleGroup(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(3, 4))
	keySets := append([][]int{{0}, {1, 2}, {9, 1}, {5}, {6}, {7}, {8}, {3, 4}}, snapKeySets[1:]...)
	for _, keys := range keySets {
		d, err := newKeyDict(keys, snapSchema)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range []arrow.RecordBatch{wideSnapRecord(mem, r, 500), genSnapRecord(mem, r, 500, 1, 5)} {
			ids := d.intern(rec)
			groups := map[uint8]bool{}
			for i, id := range ids {
				want := state.KeyGroupOf(shuffleHash(rec, keys, i))
				if got := d.groups[id]; got != want {
					t.Fatalf("keys %v, row %d: key group %d, the shuffle's is %d", keys, i, got, want)
				}
				groups[want] = true
			}
			if len(groups) < 2 && len(ids) > 100 && rec.NumRows() > 0 && keys[0] != 6 {
				t.Errorf("keys %v: all rows in %d group(s): the hash does not spread", keys, len(groups))
			}
			rec.Release()
		}
	}
}
