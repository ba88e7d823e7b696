package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// The Arrow types that stand for Weir's SQL types. DECIMAL(p,s) is
// *arrow.Decimal128Type; INTERVAL day-time values are Duration.
var (
	Boolean   arrow.DataType = arrow.FixedWidthTypes.Boolean
	Int       arrow.DataType = arrow.PrimitiveTypes.Int32
	BigInt    arrow.DataType = arrow.PrimitiveTypes.Int64
	Float     arrow.DataType = arrow.PrimitiveTypes.Float32
	Double    arrow.DataType = arrow.PrimitiveTypes.Float64
	Varchar   arrow.DataType = arrow.BinaryTypes.String
	Timestamp arrow.DataType = arrow.FixedWidthTypes.Timestamp_ms
	Date      arrow.DataType = arrow.FixedWidthTypes.Date32
	Duration  arrow.DataType = arrow.FixedWidthTypes.Duration_ms
	// Null is the type of an untyped NULL literal before the binder gives
	// it a type from its context.
	Null arrow.DataType = arrow.Null
)

// Decimal returns the DECIMAL(p,s) type.
func Decimal(precision, scale int32) arrow.DataType {
	return &arrow.Decimal128Type{Precision: precision, Scale: scale}
}

// SQLTypeName renders an Arrow type with its SQL name, as users write it.
func SQLTypeName(t arrow.DataType) string {
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
	case arrow.STRING, arrow.LARGE_STRING:
		return "VARCHAR"
	case arrow.TIMESTAMP:
		return "TIMESTAMP(3)"
	case arrow.DATE32:
		return "DATE"
	case arrow.DURATION:
		return "INTERVAL"
	case arrow.NULL:
		return "NULL"
	default:
		return t.String()
	}
}
