package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// materialize repeats a scalar n times as an array, for the few places
// that need an array (a projection of a constant, a CASE branch).
func materialize(alloc memory.Allocator, s *scalar, n int) arrow.Array {
	if s.null {
		return nullArray(alloc, s.typ, n)
	}
	switch s.typ.ID() {
	case arrow.BOOL:
		o := newBoolOut(alloc, n)
		if s.b {
			for i := range o.bits {
				o.bits[i] = 0xff
			}
		}
		return o.finish()
	case arrow.INT32, arrow.DATE32:
		return fillFixed(alloc, n, int32(s.i), s.typ)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return fillFixed(alloc, n, s.i, s.typ)
	case arrow.FLOAT32:
		return fillFixed(alloc, n, float32(s.f), s.typ)
	case arrow.FLOAT64:
		return fillFixed(alloc, n, s.f, s.typ)
	case arrow.DECIMAL128:
		return fillFixed[decimal128.Num](alloc, n, s.d, s.typ)
	case arrow.STRING:
		o := newStrOut(alloc, n, len(s.s)*n)
		for i := 0; i < n; i++ {
			o.appendString(s.s)
		}
		return o.finish()
	default:
		return nullArray(alloc, s.typ, n)
	}
}

func fillFixed[T fixed](alloc memory.Allocator, n int, v T, dt arrow.DataType) arrow.Array {
	o := newFixedOut[T](alloc, n)
	for i := range o.vals {
		o.vals[i] = v
	}
	return o.finish(dt)
}
