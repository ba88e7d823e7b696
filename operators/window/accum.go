package window

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// accumulator holds one aggregate's partial results column-wise: one
// slot per (key, pane or window or session), in typed slices indexed by
// slot. Every method works on a whole batch or a list of slots, so the
// interface is called per batch, never per row.
type accumulator interface {
	// grow makes slots [0, n) addressable.
	grow(n int)
	// reset returns slot s to the empty state (no rows seen) and drops
	// any memory it holds.
	reset(s int32)
	// update adds row i of col to slot slots[i], skipping rows whose slot
	// is negative. col is nil for COUNT(*).
	update(col arrow.Array, slots []int32)
	// merge adds the partial result of src[i] to dst[i], in order.
	merge(dst, src []int32)
	// emit appends the final result of each slot to b.
	emit(b array.Builder, slots []int32) error
	// stateCodec writes and reads slots for Snapshot and Restore
	// (snapshot_accs.go).
	stateCodec
}

// fixedValues returns the values of a fixed-width array as a typed slice
// (offset applied), without copying.
func fixedValues[T arrow.FixedWidthType](a arrow.Array) []T {
	d := a.Data()
	bufs := d.Buffers()
	if len(bufs) < 2 || bufs[1] == nil {
		return nil
	}
	return arrow.GetData[T](bufs[1].Bytes())[d.Offset() : d.Offset()+d.Len()]
}

// growTo extends s to length n with zero values.
func growTo[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		return s[:n]
	}
	return append(s[:cap(s)], make([]T, n-cap(s))...)
}

// appendFixed appends vals (NULL where !valid) to a builder of the
// matching Arrow type.
func appendFixed[S any](b array.Builder, vals []S, valid []bool) error {
	ok := false
	switch v := any(vals).(type) {
	case []int32:
		switch bb := b.(type) {
		case *array.Int32Builder:
			bb.AppendValues(v, valid)
			ok = true
		case *array.Date32Builder:
			for i, x := range v {
				appendOrNull(bb, arrow.Date32(x), valid, i)
			}
			ok = true
		}
	case []int64:
		switch bb := b.(type) {
		case *array.Int64Builder:
			bb.AppendValues(v, valid)
			ok = true
		case *array.TimestampBuilder:
			for i, x := range v {
				appendOrNull(bb, arrow.Timestamp(x), valid, i)
			}
			ok = true
		}
	case []float32:
		var bb *array.Float32Builder
		if bb, ok = b.(*array.Float32Builder); ok {
			bb.AppendValues(v, valid)
		}
	case []float64:
		var bb *array.Float64Builder
		if bb, ok = b.(*array.Float64Builder); ok {
			bb.AppendValues(v, valid)
		}
	case []arrow.Timestamp:
		var bb *array.TimestampBuilder
		if bb, ok = b.(*array.TimestampBuilder); ok {
			bb.AppendValues(v, valid)
		}
	case []arrow.Date32:
		var bb *array.Date32Builder
		if bb, ok = b.(*array.Date32Builder); ok {
			bb.AppendValues(v, valid)
		}
	case []decimal128.Num:
		var bb *array.Decimal128Builder
		if bb, ok = b.(*array.Decimal128Builder); ok {
			bb.AppendValues(v, valid)
		}
	case []bool:
		var bb *array.BooleanBuilder
		if bb, ok = b.(*array.BooleanBuilder); ok {
			bb.AppendValues(v, valid)
		}
	}
	if !ok {
		return fmt.Errorf("window: output column is %s, cannot hold %T", b.Type(), vals)
	}
	return nil
}

// gather returns vals[slots[i]] and has[slots[i]] for every i, in
// scratch slices.
func gather[S any](vals []S, has []bool, slots []int32) ([]S, []bool) {
	out := make([]S, len(slots))
	valid := make([]bool, len(slots))
	for i, s := range slots {
		out[i], valid[i] = vals[s], has[s]
	}
	return out, valid
}

// appendOrNull appends v, or NULL when valid says row i is NULL.
func appendOrNull[T any, B interface {
	Append(T)
	AppendNull()
}](b B, v T, valid []bool, i int) {
	if valid != nil && !valid[i] {
		b.AppendNull()
		return
	}
	b.Append(v)
}
