package expr

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// datum is a kernel argument: either an array with one value per row of
// the batch (owned by whoever evaluated it), or a scalar that stands for
// every row.
type datum struct {
	arr arrow.Array
	sc  *scalar
}

func (d datum) release() {
	if d.arr != nil {
		d.arr.Release()
	}
}

// isNullScalar reports a scalar NULL, which makes most kernels' results
// all NULL.
func (d datum) isNullScalar() bool { return d.arr == nil && d.sc != nil && d.sc.null }

// bitmap is a validity bitmap with its bit offset; bits == nil means no
// NULLs.
type bitmap struct {
	bits []byte
	off  int
}

func validityOf(arr arrow.Array) bitmap {
	if arr.NullN() == 0 {
		return bitmap{}
	}
	return bitmap{bits: arr.NullBitmapBytes(), off: arr.Data().Offset()}
}

func (b bitmap) valid(i int) bool {
	return b.bits == nil || bitutil.BitIsSet(b.bits, b.off+i)
}

// fixed lists the Go types that back the fixed-width SQL types: INT and
// DATE (int32), BIGINT, TIMESTAMP and INTERVAL (int64), FLOAT, DOUBLE and
// DECIMAL.
type fixed interface {
	~int32 | ~int64 | ~float32 | ~float64 | decimal128.Num
}

// number is the subset of fixed that Go arithmetic and ordering apply to.
type number interface {
	~int32 | ~int64 | ~float32 | ~float64
}

// valuesOf returns the typed values of a fixed-width array, starting at
// the array's offset (so index i is row i of a sliced array too).
func valuesOf[T fixed](arr arrow.Array) []T {
	data := arr.Data()
	bufs := data.Buffers()
	if len(bufs) < 2 || bufs[1] == nil || arr.Len() == 0 {
		return nil
	}
	b := bufs[1].Bytes()
	var z T
	size := int(unsafe.Sizeof(z))
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
	off := data.Offset()
	return all[off : off+arr.Len()]
}

// scalarValue unpacks a non-NULL scalar as the Go type T of its kernel.
func scalarValue[T fixed](s *scalar) T {
	var z T
	switch p := any(&z).(type) {
	case *int32:
		*p = int32(s.i)
	case *int64:
		*p = s.i
	case *float32:
		*p = float32(s.f)
	case *float64:
		*p = s.f
	case *decimal128.Num:
		*p = s.d
	}
	return z
}

// fixedCol reads a fixed-width datum row by row, hiding whether it is an
// array or a scalar.
type fixedCol[T fixed] struct {
	vals  []T
	c     T
	cnst  bool
	null  bool
	nulls bitmap
}

func fixedColOf[T fixed](d datum) fixedCol[T] {
	if d.arr == nil {
		c := fixedCol[T]{cnst: true, null: d.sc.null}
		if !d.sc.null {
			c.c = scalarValue[T](d.sc)
		}
		return c
	}
	return fixedCol[T]{vals: valuesOf[T](d.arr), nulls: validityOf(d.arr)}
}

func (c *fixedCol[T]) at(i int) T {
	if c.cnst {
		return c.c
	}
	return c.vals[i]
}

func (c *fixedCol[T]) isNull(i int) bool {
	if c.cnst {
		return c.null
	}
	return !c.nulls.valid(i)
}

// strCol reads a VARCHAR datum row by row.
type strCol struct {
	arr   *array.String
	c     string
	cnst  bool
	null  bool
	nulls bitmap
}

func strColOf(d datum) strCol {
	if d.arr == nil {
		return strCol{cnst: true, null: d.sc.null, c: d.sc.s}
	}
	return strCol{arr: d.arr.(*array.String), nulls: validityOf(d.arr)}
}

func (c *strCol) at(i int) string {
	if c.cnst {
		return c.c
	}
	return c.arr.Value(i)
}

func (c *strCol) isNull(i int) bool {
	if c.cnst {
		return c.null
	}
	return !c.nulls.valid(i)
}

// boolCol reads a BOOLEAN datum row by row.
type boolCol struct {
	bits  []byte
	off   int
	c     bool
	cnst  bool
	null  bool
	nulls bitmap
}

func boolColOf(d datum) boolCol {
	if d.arr == nil {
		return boolCol{cnst: true, null: d.sc.null, c: d.sc.b}
	}
	bufs := d.arr.Data().Buffers()
	c := boolCol{off: d.arr.Data().Offset(), nulls: validityOf(d.arr)}
	if bufs[1] != nil {
		c.bits = bufs[1].Bytes()
	}
	return c
}

func (c *boolCol) at(i int) bool {
	if c.cnst {
		return c.c
	}
	return bitutil.BitIsSet(c.bits, c.off+i)
}

func (c *boolCol) isNull(i int) bool {
	if c.cnst {
		return c.null
	}
	return !c.nulls.valid(i)
}
