package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// gather builds an array of n rows of type typ where row i is row at[i]
// (i when at is nil) of srcs[pick[i]], or NULL when pick[i] < 0. It is
// the common back end of CASE and COALESCE.
func gather(alloc memory.Allocator, typ arrow.DataType, n int, srcs []datum, pick, at []int32) arrow.Array {
	switch typ.ID() {
	case arrow.INT32, arrow.DATE32:
		return gatherFixed[int32](alloc, typ, n, srcs, pick, at)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return gatherFixed[int64](alloc, typ, n, srcs, pick, at)
	case arrow.FLOAT32:
		return gatherFixed[float32](alloc, typ, n, srcs, pick, at)
	case arrow.FLOAT64:
		return gatherFixed[float64](alloc, typ, n, srcs, pick, at)
	case arrow.DECIMAL128:
		return gatherFixed[decimal128.Num](alloc, typ, n, srcs, pick, at)
	case arrow.BOOL:
		cols := make([]boolCol, len(srcs))
		for k, s := range srcs {
			cols[k] = boolColOf(s)
		}
		o := newBoolOut(alloc, n)
		for i := 0; i < n; i++ {
			k, r := pickAt(pick, at, i)
			switch {
			case k < 0 || cols[k].isNull(r):
				o.setNull(i)
			case cols[k].at(r):
				o.set(i)
			}
		}
		return o.finish()
	case arrow.STRING:
		cols := make([]strCol, len(srcs))
		hint := 0
		for k, s := range srcs {
			cols[k] = strColOf(s)
			hint = max(hint, strSizeHint(s, n))
		}
		o := newStrOut(alloc, n, hint)
		for i := 0; i < n; i++ {
			k, r := pickAt(pick, at, i)
			if k < 0 || cols[k].isNull(r) {
				o.appendNull()
				continue
			}
			o.appendString(cols[k].at(r))
		}
		return o.finish()
	}
	return nullArray(alloc, typ, n)
}

func pickAt(pick, at []int32, i int) (int, int) {
	k := int(pick[i])
	if at == nil {
		return k, i
	}
	return k, int(at[i])
}

func gatherFixed[T fixed](alloc memory.Allocator, typ arrow.DataType, n int, srcs []datum, pick, at []int32) arrow.Array {
	cols := make([]fixedCol[T], len(srcs))
	for k, s := range srcs {
		cols[k] = fixedColOf[T](s)
	}
	o := newFixedOut[T](alloc, n)
	for i := 0; i < n; i++ {
		k, r := pickAt(pick, at, i)
		if k < 0 || cols[k].isNull(r) {
			o.setNull(i)
			continue
		}
		o.vals[i] = cols[k].at(r)
	}
	return o.finish(typ)
}
