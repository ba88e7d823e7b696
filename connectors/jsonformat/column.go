package jsonformat

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// kind is a column's value representation, chosen once per column so the
// per-value code switches on a small integer, never on an interface.
type kind uint8

const (
	kindBool kind = iota
	kindInt32
	kindInt64
	kindFloat32
	kindFloat64
	kindDecimal
	kindString
	kindTimestamp
	kindDate
)

// span is a string value's bytes in a column's arena.
type span struct{ start, end int }

// column buffers one output column's values for the pending rows in typed
// Go slices indexed by row; a row only counts once the whole line decoded,
// so a bad line never leaves a half row behind. Arrow arrays are built
// from these slices column by column when the batch is flushed.
type column struct {
	name     string
	sqlType  string
	kind     kind
	nullable bool
	prec     int32
	scale    int32

	valid []bool
	bools []bool
	i32   []int32
	i64   []int64
	f32   []float32
	f64   []float64
	dec   []decimal128.Num
	ts    []arrow.Timestamp
	dates []arrow.Date32
	spans []span
	arena []byte
	mark  int // arena length before the current line

	builder array.Builder
	alloc   memory.Allocator
}

func kindOf(t arrow.DataType) (kind, error) {
	switch t.ID() {
	case arrow.BOOL:
		return kindBool, nil
	case arrow.INT32:
		return kindInt32, nil
	case arrow.INT64:
		return kindInt64, nil
	case arrow.FLOAT32:
		return kindFloat32, nil
	case arrow.FLOAT64:
		return kindFloat64, nil
	case arrow.DECIMAL128:
		return kindDecimal, nil
	case arrow.STRING:
		return kindString, nil
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).Unit == arrow.Millisecond {
			return kindTimestamp, nil
		}
	case arrow.DATE32:
		return kindDate, nil
	}
	return 0, fmt.Errorf("the json format cannot represent type %s", t)
}

func newColumn(alloc memory.Allocator, f arrow.Field, capacity int) (*column, error) {
	k, err := kindOf(f.Type)
	if err != nil {
		return nil, fmt.Errorf("column '%s': %w", f.Name, err)
	}
	c := &column{name: f.Name, kind: k, nullable: f.Nullable, sqlType: sqlName(f.Type)}
	if d, ok := f.Type.(*arrow.Decimal128Type); ok {
		c.prec, c.scale = d.Precision, d.Scale
	}
	c.builder = array.NewBuilder(alloc, f.Type)
	c.alloc = alloc
	c.grow(capacity)
	return c, nil
}

// grow makes room for rows [0, n).
func (c *column) grow(n int) {
	if n <= len(c.valid) {
		return
	}
	c.valid = resize(c.valid, n)
	switch c.kind {
	case kindBool:
		c.bools = resize(c.bools, n)
	case kindInt32:
		c.i32 = resize(c.i32, n)
	case kindInt64:
		c.i64 = resize(c.i64, n)
	case kindFloat32:
		c.f32 = resize(c.f32, n)
	case kindFloat64:
		c.f64 = resize(c.f64, n)
	case kindDecimal:
		c.dec = resize(c.dec, n)
	case kindString:
		c.spans = resize(c.spans, n)
	case kindTimestamp:
		c.ts = resize(c.ts, n)
	case kindDate:
		c.dates = resize(c.dates, n)
	}
}

func resize[T any](s []T, n int) []T {
	out := make([]T, n)
	copy(out, s)
	return out
}

// setString stores a VARCHAR value for row.
func (c *column) setString(row int, v []byte) {
	start := len(c.arena)
	c.arena = append(c.arena, v...)
	c.spans[row] = span{start, len(c.arena)}
	c.valid[row] = true
}

// build turns rows [0, n) into an Arrow array and resets the buffers.
func (c *column) build(n int) arrow.Array {
	valid := c.valid[:n]
	for _, v := range valid {
		if !v {
			goto haveNulls
		}
	}
	valid = nil
haveNulls:
	switch b := c.builder.(type) {
	case *array.BooleanBuilder:
		b.AppendValues(c.bools[:n], valid)
	case *array.Int32Builder:
		b.AppendValues(c.i32[:n], valid)
	case *array.Int64Builder:
		b.AppendValues(c.i64[:n], valid)
	case *array.Float32Builder:
		b.AppendValues(c.f32[:n], valid)
	case *array.Float64Builder:
		b.AppendValues(c.f64[:n], valid)
	case *array.Decimal128Builder:
		b.AppendValues(c.dec[:n], valid)
	case *array.TimestampBuilder:
		b.AppendValues(c.ts[:n], valid)
	case *array.Date32Builder:
		b.AppendValues(c.dates[:n], valid)
	case *array.StringBuilder:
		return c.buildString(n, valid)
	}
	return c.builder.NewArray()
}

func sqlName(t arrow.DataType) string {
	switch t.ID() {
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.INT32:
		return "INT"
	case arrow.INT64:
		return "BIGINT"
	case arrow.FLOAT32:
		return "FLOAT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		return fmt.Sprintf("DECIMAL(%d, %d)", d.Precision, d.Scale)
	case arrow.STRING:
		return "VARCHAR"
	case arrow.TIMESTAMP:
		return "TIMESTAMP(3)"
	case arrow.DATE32:
		return "DATE"
	}
	return t.String()
}

// buildString builds a VARCHAR array straight from the arena: one copy of
// each value into the data buffer, offsets written as it goes.
func (c *column) buildString(n int, valid []bool) arrow.Array {
	total := 0
	for i, sp := range c.spans[:n] {
		if valid == nil || valid[i] {
			total += sp.end - sp.start
		}
	}
	offsets := memory.NewResizableBuffer(c.alloc)
	offsets.Resize((n + 1) * arrow.Int32SizeBytes)
	data := memory.NewResizableBuffer(c.alloc)
	data.Resize(total)
	offs := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	db := data.Bytes()
	pos := 0
	offs[0] = 0
	for i, sp := range c.spans[:n] {
		if valid == nil || valid[i] {
			pos += copy(db[pos:], c.arena[sp.start:sp.end])
		}
		offs[i+1] = int32(pos)
	}
	c.arena = c.arena[:0]
	bitmap, nulls := validityBitmap(c.alloc, valid)
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{bitmap, offsets, data}, nil, nulls, 0)
	arr := array.NewStringData(d)
	d.Release()
	offsets.Release()
	data.Release()
	if bitmap != nil {
		bitmap.Release()
	}
	return arr
}

// validityBitmap packs valid into an Arrow validity bitmap; nil valid
// means no nulls.
func validityBitmap(alloc memory.Allocator, valid []bool) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(int(bitutil.BytesForBits(int64(len(valid)))))
	bm := buf.Bytes()
	clear(bm)
	nulls := 0
	for i, v := range valid {
		if v {
			bitutil.SetBit(bm, i)
		} else {
			nulls++
		}
	}
	return buf, nulls
}
