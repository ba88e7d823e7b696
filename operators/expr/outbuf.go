package expr

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// validity builds an output validity bitmap. It starts as the AND of the
// argument arrays' bitmaps (nil when none has NULLs) and kernels clear
// further bits for results that are NULL although their inputs are not
// (division by zero, no regexp match, ...).
type validity struct {
	alloc memory.Allocator
	n     int
	buf   *memory.Buffer
	bits  []byte
}

func newValidity(alloc memory.Allocator, n int, args ...datum) validity {
	v := validity{alloc: alloc, n: n}
	for _, a := range args {
		if a.arr == nil || a.arr.NullN() == 0 {
			continue
		}
		src := a.arr.NullBitmapBytes()
		off := a.arr.Data().Offset()
		if v.buf == nil {
			v.alloc1()
			bitutil.CopyBitmap(src, off, n, v.bits, 0)
			continue
		}
		bitutil.BitmapAnd(v.bits, src, 0, int64(off), v.bits, 0, int64(n))
	}
	return v
}

func (v *validity) alloc1() {
	nb := int(bitutil.BytesForBits(int64(v.n)))
	v.buf = memory.NewResizableBuffer(v.alloc)
	v.buf.Resize(nb)
	v.bits = v.buf.Bytes()
}

// setNull marks row i NULL.
func (v *validity) setNull(i int) {
	if v.buf == nil {
		v.alloc1()
		for j := range v.bits {
			v.bits[j] = 0xff
		}
	}
	bitutil.ClearBit(v.bits, i)
}

func (v *validity) isValid(i int) bool {
	return v.buf == nil || bitutil.BitIsSet(v.bits, i)
}

// finish returns the bitmap buffer (nil when every row is valid) and the
// NULL count; the caller owns the buffer.
func (v *validity) finish() (*memory.Buffer, int) {
	if v.buf == nil {
		return nil, 0
	}
	nulls := v.n - bitutil.CountSetBits(v.bits, 0, v.n)
	if nulls == 0 {
		v.buf.Release()
		v.buf = nil
		return nil, 0
	}
	b := v.buf
	v.buf = nil
	return b, nulls
}

func (v *validity) release() {
	if v.buf != nil {
		v.buf.Release()
		v.buf = nil
	}
}

// fixedOut builds a fixed-width result array in place.
type fixedOut[T fixed] struct {
	validity
	buf  *memory.Buffer
	vals []T
}

func newFixedOut[T fixed](alloc memory.Allocator, n int, args ...datum) *fixedOut[T] {
	var z T
	size := int(unsafe.Sizeof(z))
	o := &fixedOut[T]{validity: newValidity(alloc, n, args...)}
	o.buf = memory.NewResizableBuffer(alloc)
	o.buf.Resize(n * size)
	if n > 0 {
		b := o.buf.Bytes()
		o.vals = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
	}
	return o
}

func (o *fixedOut[T]) finish(dt arrow.DataType) arrow.Array {
	vb, nulls := o.validity.finish()
	data := array.NewData(dt, o.n, []*memory.Buffer{vb, o.buf}, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	if vb != nil {
		vb.Release()
	}
	o.buf.Release()
	return arr
}

// boolOut builds a BOOLEAN result: a value bitmap (all false to start)
// and a validity bitmap.
type boolOut struct {
	validity
	buf  *memory.Buffer
	bits []byte
}

func newBoolOut(alloc memory.Allocator, n int, args ...datum) *boolOut {
	o := &boolOut{validity: newValidity(alloc, n, args...)}
	o.buf = memory.NewResizableBuffer(alloc)
	o.buf.Resize(int(bitutil.BytesForBits(int64(n))))
	o.bits = o.buf.Bytes()
	for i := range o.bits {
		o.bits[i] = 0
	}
	return o
}

func (o *boolOut) set(i int) { o.bits[i>>3] |= 1 << uint(i&7) }

func (o *boolOut) finish() arrow.Array {
	vb, nulls := o.validity.finish()
	data := array.NewData(Boolean, o.n, []*memory.Buffer{vb, o.buf}, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	if vb != nil {
		vb.Release()
	}
	o.buf.Release()
	return arr
}

// strOut builds a VARCHAR result row by row, in order. Kernels append
// bytes with the Go append idiom on dst() and hand the slice back with
// commit; the bytes live in an Arrow buffer unless append had to grow
// them, in which case commit copies them back.
type strOut struct {
	validity
	offBuf  *memory.Buffer
	offs    []int32
	dataBuf *memory.Buffer
	data    []byte // full capacity of dataBuf; len is bytes written
	row     int
}

func newStrOut(alloc memory.Allocator, n int, sizeHint int, args ...datum) *strOut {
	o := &strOut{validity: newValidity(alloc, n, args...)}
	o.offBuf = memory.NewResizableBuffer(alloc)
	o.offBuf.Resize((n + 1) * 4)
	b := o.offBuf.Bytes()
	o.offs = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), n+1)
	o.offs[0] = 0
	o.dataBuf = memory.NewResizableBuffer(alloc)
	if sizeHint < 64 {
		sizeHint = 64
	}
	o.dataBuf.Reserve(sizeHint)
	o.data = o.dataBuf.Buf()[:0]
	return o
}

// strSizeHint is the byte size of a VARCHAR datum's values, a good first
// guess for a result derived from it.
func strSizeHint(d datum, n int) int {
	if d.arr == nil {
		return len(d.sc.s) * n
	}
	s := d.arr.(*array.String)
	if s.Len() == 0 {
		return 0
	}
	return int(s.ValueOffset(s.Len()-1)) + s.ValueLen(s.Len()-1) - int(s.ValueOffset(0))
}

// dst returns the written bytes with spare capacity for appending.
func (o *strOut) dst() []byte { return o.data }

// reserve makes room for k more bytes without a Go reallocation.
func (o *strOut) reserve(k int) {
	if len(o.data)+k <= cap(o.data) {
		return
	}
	need := len(o.data) + k
	if c := 2 * cap(o.data); c > need {
		need = c
	}
	n := len(o.data)
	o.dataBuf.Reserve(need)
	o.data = o.dataBuf.Buf()[:n]
}

// commit ends the current row with the bytes appended to dst().
func (o *strOut) commit(b []byte) {
	if unsafe.SliceData(b) != unsafe.SliceData(o.data) {
		// append grew into Go memory: move back into the Arrow buffer.
		o.reserve(len(b) - len(o.data))
		o.data = append(o.data[:len(o.data)], b[len(o.data):]...)
	} else {
		o.data = b
	}
	o.row++
	o.offs[o.row] = int32(len(o.data))
}

// appendString ends the current row with s.
func (o *strOut) appendString(s string) {
	o.reserve(len(s))
	o.data = append(o.data, s...)
	o.row++
	o.offs[o.row] = int32(len(o.data))
}

// appendNull ends the current row as NULL.
func (o *strOut) appendNull() {
	o.setNull(o.row)
	o.row++
	o.offs[o.row] = int32(len(o.data))
}

// skip ends the current row empty; used for rows whose validity is
// already cleared (a NULL input).
func (o *strOut) skip() {
	o.row++
	o.offs[o.row] = int32(len(o.data))
}

func (o *strOut) finish() arrow.Array {
	o.dataBuf.ResizeNoShrink(len(o.data))
	vb, nulls := o.validity.finish()
	data := array.NewData(Varchar, o.n, []*memory.Buffer{vb, o.offBuf, o.dataBuf}, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	if vb != nil {
		vb.Release()
	}
	o.offBuf.Release()
	o.dataBuf.Release()
	return arr
}

// release frees the builder's buffers when a kernel fails midway.
func (o *strOut) release() {
	o.validity.release()
	o.offBuf.Release()
	o.dataBuf.Release()
}

func (o *fixedOut[T]) release() {
	o.validity.release()
	o.buf.Release()
}

func (o *boolOut) release() {
	o.validity.release()
	o.buf.Release()
}

// nullArray is an all-NULL array of type dt.
func nullArray(alloc memory.Allocator, dt arrow.DataType, n int) arrow.Array {
	return array.MakeArrayOfNull(alloc, dt, n)
}
