package stdout

import (
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// cellFunc appends row's value of one column.
type cellFunc func(dst []byte, row int) []byte

// appendText renders rec in Flink's print style, one "+I[a, b, c]" line
// per row; the per-column renderers are chosen once per batch.
func appendText(dst []byte, rec arrow.RecordBatch) []byte {
	cells := make([]cellFunc, rec.NumCols())
	for i, col := range rec.Columns() {
		cells[i] = cellRenderer(col)
	}
	for r := 0; r < int(rec.NumRows()); r++ {
		dst = append(dst, "+I["...)
		for i, cell := range cells {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			if rec.Column(i).IsNull(r) {
				dst = append(dst, "null"...)
			} else {
				dst = cell(dst, r)
			}
		}
		dst = append(dst, "]\n"...)
	}
	return dst
}

func cellRenderer(col arrow.Array) cellFunc {
	switch a := col.(type) {
	case *array.Boolean:
		return func(dst []byte, r int) []byte { return strconv.AppendBool(dst, a.Value(r)) }
	case *array.Int32:
		v := a.Int32Values()
		return func(dst []byte, r int) []byte { return strconv.AppendInt(dst, int64(v[r]), 10) }
	case *array.Int64:
		v := a.Int64Values()
		return func(dst []byte, r int) []byte { return strconv.AppendInt(dst, v[r], 10) }
	case *array.Float32:
		v := a.Float32Values()
		return func(dst []byte, r int) []byte { return strconv.AppendFloat(dst, float64(v[r]), 'g', -1, 32) }
	case *array.Float64:
		v := a.Float64Values()
		return func(dst []byte, r int) []byte { return strconv.AppendFloat(dst, v[r], 'g', -1, 64) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(dst []byte, r int) []byte { return append(dst, a.Value(r).ToString(scale)...) }
	case *array.String:
		return func(dst []byte, r int) []byte { return append(dst, a.Value(r)...) }
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		v := a.TimestampValues()
		return func(dst []byte, r int) []byte {
			return v[r].ToTime(unit).UTC().AppendFormat(dst, "2006-01-02 15:04:05.000")
		}
	case *array.Date32:
		v := a.Date32Values()
		return func(dst []byte, r int) []byte {
			return time.UnixMilli(int64(v[r])*86_400_000).UTC().AppendFormat(dst, "2006-01-02")
		}
	default:
		return func(dst []byte, r int) []byte { return append(dst, col.ValueStr(r)...) }
	}
}
