package jsonformat

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Encoder renders record batches as JSON lines: one object per row, keys
// in schema order, NULL as null, TIMESTAMP(3) as "2024-01-01 00:00:10.123",
// DATE as "2024-01-01", DECIMAL as a number with its scale, FLOAT/DOUBLE
// NaN and infinities as the strings "NaN", "Infinity", "-Infinity". It
// renders one column at a time on the typed Arrow values, then stitches
// the rows together. It is not safe for concurrent use.
type Encoder struct {
	schema   *arrow.Schema
	prefixes [][]byte // `{"name":` for the first column, `,"name":` after
	frags    [][]byte // rendered values of each column, back to back
	ends     [][]int  // end offset in frags of each row's value
	tmp      []byte
}

// NewEncoder returns an encoder for records of schema; it fails on a
// column type JSON lines cannot carry.
func NewEncoder(schema *arrow.Schema) (*Encoder, error) {
	e := &Encoder{schema: schema}
	for i, f := range schema.Fields() {
		if !encodable(f.Type) {
			return nil, fmt.Errorf("column '%s': the json format cannot represent type %s", f.Name, f.Type)
		}
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		p := appendString([]byte{sep}, []byte(f.Name))
		e.prefixes = append(e.prefixes, append(p, ':'))
	}
	e.frags = make([][]byte, schema.NumFields())
	e.ends = make([][]int, schema.NumFields())
	return e, nil
}

func encodable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.NULL, arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.STRING, arrow.LARGE_STRING, arrow.TIMESTAMP, arrow.DATE32,
		arrow.DATE64, arrow.DURATION:
		return true
	}
	return false
}

// Encode appends rec's rows to buf, one JSON object and '\n' per row. rec
// is borrowed.
func (e *Encoder) Encode(buf *bytes.Buffer, rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != e.schema.NumFields() {
		return fmt.Errorf("json encoder: record has %d columns, schema %d", rec.NumCols(), e.schema.NumFields())
	}
	rows := int(rec.NumRows())
	total := 0
	for i := range e.prefixes {
		col := rec.Column(i)
		if col.DataType().ID() != e.schema.Field(i).Type.ID() {
			return fmt.Errorf("json encoder: column '%s' is %s, schema says %s", e.schema.Field(i).Name, col.DataType(), e.schema.Field(i).Type)
		}
		e.render(i, col)
		total += len(e.frags[i]) + rows*len(e.prefixes[i])
	}
	total += rows * 3
	buf.Grow(total)
	out := buf.AvailableBuffer()
	starts := make([]int, len(e.prefixes))
	for r := 0; r < rows; r++ {
		if len(e.prefixes) == 0 {
			out = append(out, '{')
		}
		for c, p := range e.prefixes {
			end := e.ends[c][r]
			out = append(out, p...)
			out = append(out, e.frags[c][starts[c]:end]...)
			starts[c] = end
		}
		out = append(out, '}', '\n')
	}
	buf.Write(out)
	return nil
}

// render writes column i's values to e.frags[i] and their ends.
func (e *Encoder) render(i int, col arrow.Array) {
	f, ends := e.frags[i][:0], e.ends[i][:0]
	n := col.Len()
	hasNulls := col.NullN() > 0
	null := func(r int) bool { return hasNulls && col.IsNull(r) }
	switch a := col.(type) {
	case *array.Null:
		for r := 0; r < n; r++ {
			f = append(f, "null"...)
			ends = append(ends, len(f))
		}
	case *array.Boolean:
		for r := 0; r < n; r++ {
			switch {
			case null(r):
				f = append(f, "null"...)
			case a.Value(r):
				f = append(f, "true"...)
			default:
				f = append(f, "false"...)
			}
			ends = append(ends, len(f))
		}
	case *array.Int8:
		f, ends = renderInts(f, ends, a.Int8Values(), null)
	case *array.Int16:
		f, ends = renderInts(f, ends, a.Int16Values(), null)
	case *array.Int32:
		f, ends = renderInts(f, ends, a.Int32Values(), null)
	case *array.Int64:
		f, ends = renderInts(f, ends, a.Int64Values(), null)
	case *array.Duration:
		f, ends = renderInts(f, ends, a.DurationValues(), null)
	case *array.Uint8:
		f, ends = renderUints(f, ends, a.Uint8Values(), null)
	case *array.Uint16:
		f, ends = renderUints(f, ends, a.Uint16Values(), null)
	case *array.Uint32:
		f, ends = renderUints(f, ends, a.Uint32Values(), null)
	case *array.Uint64:
		f, ends = renderUints(f, ends, a.Uint64Values(), null)
	case *array.Float32:
		for r, v := range a.Float32Values() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = appendFloat(f, float64(v), 32)
			}
			ends = append(ends, len(f))
		}
	case *array.Float64:
		for r, v := range a.Float64Values() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = appendFloat(f, v, 64)
			}
			ends = append(ends, len(f))
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for r, v := range a.Values() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f, e.tmp = appendDecimal(f, v, scale, e.tmp)
			}
			ends = append(ends, len(f))
		}
	case *array.String:
		offs, data := a.ValueOffsets(), a.ValueBytes()
		base := offs[0]
		for r := 0; r < n; r++ {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = appendString(f, data[offs[r]-base:offs[r+1]-base])
			}
			ends = append(ends, len(f))
		}
	case *array.LargeString:
		for r := 0; r < n; r++ {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = appendString(f, []byte(a.Value(r)))
			}
			ends = append(ends, len(f))
		}
	case *array.Timestamp:
		toMs := msConverter(a.DataType().(*arrow.TimestampType).Unit)
		for r, v := range a.TimestampValues() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = append(f, '"')
				f = appendTimestamp(f, toMs(int64(v)))
				f = append(f, '"')
			}
			ends = append(ends, len(f))
		}
	case *array.Date32:
		for r, v := range a.Date32Values() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				f = append(f, '"')
				f = appendDate(f, int64(v))
				f = append(f, '"')
			}
			ends = append(ends, len(f))
		}
	case *array.Date64:
		for r, v := range a.Date64Values() {
			if null(r) {
				f = append(f, "null"...)
			} else {
				day, _ := floorDiv(int64(v), msPerDay)
				f = append(f, '"')
				f = appendDate(f, day)
				f = append(f, '"')
			}
			ends = append(ends, len(f))
		}
	}
	e.frags[i], e.ends[i] = f, ends
}

func renderInts[T int8 | int16 | int32 | int64 | arrow.Duration](f []byte, ends []int, vals []T, null func(int) bool) ([]byte, []int) {
	for r, v := range vals {
		if null(r) {
			f = append(f, "null"...)
		} else {
			f = strconv.AppendInt(f, int64(v), 10)
		}
		ends = append(ends, len(f))
	}
	return f, ends
}

func renderUints[T uint8 | uint16 | uint32 | uint64](f []byte, ends []int, vals []T, null func(int) bool) ([]byte, []int) {
	for r, v := range vals {
		if null(r) {
			f = append(f, "null"...)
		} else {
			f = strconv.AppendUint(f, uint64(v), 10)
		}
		ends = append(ends, len(f))
	}
	return f, ends
}

func appendFloat(f []byte, v float64, bits int) []byte {
	switch {
	case math.IsNaN(v):
		return append(f, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(f, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(f, `"-Infinity"`...)
	}
	return strconv.AppendFloat(f, v, 'g', -1, bits)
}

// msConverter converts a timestamp value of unit to epoch milliseconds,
// rounding toward negative infinity.
func msConverter(unit arrow.TimeUnit) func(int64) int64 {
	switch unit {
	case arrow.Second:
		return func(v int64) int64 { return v * 1000 }
	case arrow.Microsecond:
		return func(v int64) int64 { q, _ := floorDiv(v, 1000); return q }
	case arrow.Nanosecond:
		return func(v int64) int64 { q, _ := floorDiv(v, 1_000_000); return q }
	}
	return func(v int64) int64 { return v }
}
