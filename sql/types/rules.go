package types

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
)

// minAdjustedScale is the smallest scale a DECIMAL result keeps when its
// precision would exceed 38 (Flink's MINIMUM_ADJUSTED_SCALE).
const minAdjustedScale = 6

// IsInteger reports whether t is INT or BIGINT.
func IsInteger(t arrow.DataType) bool {
	return t.ID() == arrow.INT32 || t.ID() == arrow.INT64
}

// IsDecimal reports whether t is a DECIMAL(p,s).
func IsDecimal(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }

// IsFloating reports whether t is FLOAT or DOUBLE.
func IsFloating(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64
}

// IsNumeric reports whether t is an integer, DECIMAL or floating type.
func IsNumeric(t arrow.DataType) bool { return IsInteger(t) || IsDecimal(t) || IsFloating(t) }

// IsString reports whether t is VARCHAR.
func IsString(t arrow.DataType) bool { return t.ID() == arrow.STRING }

// IsNull reports whether t is the type of an untyped NULL.
func IsNull(t arrow.DataType) bool { return t.ID() == arrow.NULL }

// IsTemporal reports whether t is TIMESTAMP(3) or DATE.
func IsTemporal(t arrow.DataType) bool { return t.ID() == arrow.TIMESTAMP || t.ID() == arrow.DATE32 }

// AsDecimal returns the DECIMAL type that holds every value of an integer
// or DECIMAL type: INT is DECIMAL(10, 0) and BIGINT is DECIMAL(19, 0).
func AsDecimal(t arrow.DataType) *arrow.Decimal128Type {
	switch t.ID() {
	case arrow.INT32:
		return &arrow.Decimal128Type{Precision: 10, Scale: 0}
	case arrow.INT64:
		return &arrow.Decimal128Type{Precision: 19, Scale: 0}
	case arrow.DECIMAL128:
		return t.(*arrow.Decimal128Type)
	}
	return nil
}

// Equal reports whether two types are the same SQL type.
func Equal(a, b arrow.DataType) bool { return arrow.TypeEqual(a, b) }

// Common returns the type both a and b convert to when they meet in a
// comparison, IN, CASE or COALESCE: NULL takes the other type, numbers
// promote (INT < BIGINT < DECIMAL < DOUBLE, FLOAT < DOUBLE), DATE meets
// TIMESTAMP as TIMESTAMP. ok is false when there is none.
func Common(a, b arrow.DataType) (arrow.DataType, bool) {
	switch {
	case Equal(a, b):
		return a, true
	case IsNull(a):
		return b, true
	case IsNull(b):
		return a, true
	case IsNumeric(a) && IsNumeric(b):
		return commonNumeric(a, b), true
	case IsTemporal(a) && IsTemporal(b):
		return expr.Timestamp, true
	}
	return nil, false
}

func commonNumeric(a, b arrow.DataType) arrow.DataType {
	switch {
	case a.ID() == arrow.FLOAT64 || b.ID() == arrow.FLOAT64:
		return expr.Double
	case a.ID() == arrow.FLOAT32 || b.ID() == arrow.FLOAT32:
		if IsDecimal(a) || IsDecimal(b) {
			return expr.Double
		}
		return expr.Float
	case IsDecimal(a) || IsDecimal(b):
		da, db := AsDecimal(a), AsDecimal(b)
		scale := max(da.Scale, db.Scale)
		digits := max(da.Precision-da.Scale, db.Precision-db.Scale)
		return expr.Decimal(min(digits+scale, MaxDecimalPrecision), scale)
	case a.ID() == arrow.INT64 || b.ID() == arrow.INT64:
		return expr.BigInt
	}
	return expr.Int
}

// Arith is the typing of a binary arithmetic operator: the types its two
// operands are converted to, and its result type.
type Arith struct {
	Left, Right, Result arrow.DataType
}

// Arithmetic types a binary arithmetic function (expr.FnAdd, FnSub, FnMul,
// FnDiv or FnMod) over numeric operands. Integer operands stay integers
// (INT / INT is INT); with a DECIMAL, integers become DECIMAL(10, 0) or
// DECIMAL(19, 0), each DECIMAL keeps its own precision and scale, and the
// result follows Flink's rules (see DecimalResult). ok is false unless
// both are numeric.
func Arithmetic(fn string, a, b arrow.DataType) (Arith, bool) {
	if !IsNumeric(a) || !IsNumeric(b) {
		return Arith{}, false
	}
	if (IsDecimal(a) || IsDecimal(b)) && !IsFloating(a) && !IsFloating(b) {
		da, db := AsDecimal(a), AsDecimal(b)
		return Arith{Left: da, Right: db, Result: DecimalResult(fn, da, db)}, true
	}
	t := commonNumeric(a, b)
	return Arith{Left: t, Right: t, Result: t}, true
}

// DecimalResult is the result type of a DECIMAL operation, as in Flink
// (LogicalTypeMerging), capped at precision 38:
//
//	add, sub: s = max(s1, s2), p = max(p1-s1, p2-s2) + s + 1
//	mul:      s = s1 + s2,     p = p1 + p2 + 1
//	div:      s = max(6, s1 + p2 + 1), p = p1 - s1 + s2 + s
//	mod:      s = max(s1, s2), p = min(p1-s1, p2-s2) + s
//
// When p exceeds 38 it becomes 38 and the scale shrinks to keep the
// integral digits, but not below min(s, 6).
func DecimalResult(fn string, a, b *arrow.Decimal128Type) *arrow.Decimal128Type {
	p1, s1, p2, s2 := a.Precision, a.Scale, b.Precision, b.Scale
	var p, s int32
	switch fn {
	case expr.FnMul:
		s, p = s1+s2, p1+p2+1
	case expr.FnDiv:
		s = max(minAdjustedScale, s1+p2+1)
		p = p1 - s1 + s2 + s
	case expr.FnMod:
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	default:
		s = max(s1, s2)
		p = max(p1-s1, p2-s2) + s + 1
	}
	return adjust(p, s)
}

func adjust(p, s int32) *arrow.Decimal128Type {
	if p <= MaxDecimalPrecision {
		return &arrow.Decimal128Type{Precision: max(p, 1), Scale: s}
	}
	digits := p - s
	scale := max(MaxDecimalPrecision-digits, min(s, minAdjustedScale))
	return &arrow.Decimal128Type{Precision: MaxDecimalPrecision, Scale: scale}
}

// RoundDecimal is the type of ROUND(x, digits) for x DECIMAL(p, s), as in
// Flink: unchanged when digits >= s, DECIMAL(1+p-s+digits, digits) when
// 0 <= digits < s (rounding may add a digit), DECIMAL(1+p-s, 0) when
// digits < 0.
func RoundDecimal(t *arrow.Decimal128Type, digits int32) *arrow.Decimal128Type {
	p, s := t.Precision, t.Scale
	switch {
	case digits >= s:
		return t
	case digits < 0:
		return &arrow.Decimal128Type{Precision: min(MaxDecimalPrecision, 1+p-s), Scale: 0}
	}
	return &arrow.Decimal128Type{Precision: min(MaxDecimalPrecision, 1+p-s+digits), Scale: digits}
}

// FloorCeilDecimal is the type of FLOOR(x) and CEIL(x) for x DECIMAL(p, s):
// DECIMAL(p-s+1, 0) (p-s when s is 0), capped at 38.
func FloorCeilDecimal(t *arrow.Decimal128Type) *arrow.Decimal128Type {
	if t.Scale == 0 {
		return t
	}
	return &arrow.Decimal128Type{Precision: min(MaxDecimalPrecision, t.Precision-t.Scale+1), Scale: 0}
}

// integerDigits is the number of decimal digits an integer type needs.
func integerDigits(t arrow.DataType) int32 {
	if t.ID() == arrow.INT32 {
		return 10
	}
	return 19
}

// Widens reports whether every value of type from converts to type to
// without loss, so that the conversion may be inserted implicitly (INSERT
// INTO a wider column): NULL to anything, INT to BIGINT, integers to a
// DECIMAL with enough integral digits, a DECIMAL to one with at least its
// integral digits and scale, any number to DOUBLE, integers to FLOAT (as
// Flink allows), DATE to TIMESTAMP.
func Widens(from, to arrow.DataType) bool {
	switch {
	case Equal(from, to), IsNull(from):
		return true
	case IsInteger(from) && IsInteger(to):
		return integerDigits(from) <= integerDigits(to)
	case IsInteger(from) && IsDecimal(to):
		d := to.(*arrow.Decimal128Type)
		return d.Precision-d.Scale >= integerDigits(from)
	case IsDecimal(from) && IsDecimal(to):
		f, t := from.(*arrow.Decimal128Type), to.(*arrow.Decimal128Type)
		return t.Scale >= f.Scale && t.Precision-t.Scale >= f.Precision-f.Scale
	case IsNumeric(from) && to.ID() == arrow.FLOAT64:
		return true
	case IsInteger(from) && to.ID() == arrow.FLOAT32:
		return true
	case from.ID() == arrow.DATE32 && to.ID() == arrow.TIMESTAMP:
		return true
	}
	return false
}

// Castable reports whether CAST(x AS to) is allowed for x of type from:
// between numbers, from and to VARCHAR, between BOOLEAN and numbers,
// between DATE and TIMESTAMP, and from NULL.
func Castable(from, to arrow.DataType) bool {
	switch {
	case Equal(from, to), IsNull(from), IsString(from), IsString(to):
		return true
	case IsNumeric(from) && IsNumeric(to):
		return true
	case from.ID() == arrow.BOOL && IsNumeric(to), IsNumeric(from) && to.ID() == arrow.BOOL:
		return true
	case IsTemporal(from) && IsTemporal(to):
		return true
	}
	return false
}
