package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// scalar is a typed constant as kernels see it: the Literal's boxed value
// unpacked once, at Compile time, into a field of its own type.
type scalar struct {
	typ  arrow.DataType
	null bool
	b    bool           // BOOLEAN
	i    int64          // INT, BIGINT, TIMESTAMP, DATE, INTERVAL
	f    float64        // FLOAT, DOUBLE
	d    decimal128.Num // DECIMAL
	s    string         // VARCHAR
}

// scalarFromLiteral checks that l.Value has the Go type documented for
// l.DataType and unpacks it.
func scalarFromLiteral(l *Literal) (*scalar, error) {
	if l.DataType == nil {
		return nil, fmt.Errorf("%w: literal %s has no type", ErrType, l)
	}
	s := &scalar{typ: l.DataType}
	if l.Value == nil {
		s.null = true
		return s, nil
	}
	ok := false
	switch l.DataType.ID() {
	case arrow.BOOL:
		s.b, ok = l.Value.(bool)
	case arrow.INT32:
		var v int32
		v, ok = l.Value.(int32)
		s.i = int64(v)
	case arrow.INT64:
		s.i, ok = l.Value.(int64)
	case arrow.FLOAT32:
		var v float32
		v, ok = l.Value.(float32)
		s.f = float64(v)
	case arrow.FLOAT64:
		s.f, ok = l.Value.(float64)
	case arrow.DECIMAL128:
		s.d, ok = l.Value.(decimal128.Num)
		if ok {
			p := l.DataType.(*arrow.Decimal128Type).Precision
			if p < 1 || p > 38 || !s.d.FitsInPrecision(p) {
				return nil, fmt.Errorf("%w: literal %s does not fit %s", ErrOverflow,
					s.d.ToString(l.DataType.(*arrow.Decimal128Type).Scale), SQLTypeName(l.DataType))
			}
		}
	case arrow.STRING:
		s.s, ok = l.Value.(string)
	case arrow.TIMESTAMP:
		var v arrow.Timestamp
		v, ok = l.Value.(arrow.Timestamp)
		s.i = int64(v)
	case arrow.DATE32:
		var v arrow.Date32
		v, ok = l.Value.(arrow.Date32)
		s.i = int64(v)
	case arrow.DURATION:
		var v arrow.Duration
		v, ok = l.Value.(arrow.Duration)
		s.i = int64(v)
	default:
		return nil, fmt.Errorf("%w: literal of unsupported type %s", ErrType, SQLTypeName(l.DataType))
	}
	if !ok {
		return nil, fmt.Errorf("%w: literal %s: Go value %T does not match type %s",
			ErrType, l, l.Value, SQLTypeName(l.DataType))
	}
	return s, nil
}

// literal packs the scalar back into a Literal.
func (s *scalar) literal() *Literal {
	l := &Literal{DataType: s.typ}
	if s.null {
		return l
	}
	switch s.typ.ID() {
	case arrow.BOOL:
		l.Value = s.b
	case arrow.INT32:
		l.Value = int32(s.i)
	case arrow.INT64:
		l.Value = s.i
	case arrow.FLOAT32:
		l.Value = float32(s.f)
	case arrow.FLOAT64:
		l.Value = s.f
	case arrow.DECIMAL128:
		l.Value = s.d
	case arrow.STRING:
		l.Value = s.s
	case arrow.TIMESTAMP:
		l.Value = arrow.Timestamp(s.i)
	case arrow.DATE32:
		l.Value = arrow.Date32(s.i)
	case arrow.DURATION:
		l.Value = arrow.Duration(s.i)
	}
	return l
}

// scalarAt reads row i of arr as a scalar (used once per constant, never
// per row of a batch).
func scalarAt(arr arrow.Array, i int) (*scalar, error) {
	s := &scalar{typ: arr.DataType()}
	if arr.IsNull(i) {
		s.null = true
		return s, nil
	}
	switch a := arr.(type) {
	case *array.Boolean:
		s.b = a.Value(i)
	case *array.Int32:
		s.i = int64(a.Value(i))
	case *array.Int64:
		s.i = a.Value(i)
	case *array.Float32:
		s.f = float64(a.Value(i))
	case *array.Float64:
		s.f = a.Value(i)
	case *array.Decimal128:
		s.d = a.Value(i)
	case *array.String:
		s.s = a.Value(i)
	case *array.Timestamp:
		s.i = int64(a.Value(i))
	case *array.Date32:
		s.i = int64(a.Value(i))
	case *array.Duration:
		s.i = int64(a.Value(i))
	default:
		return nil, fmt.Errorf("%w: cannot read a constant of type %s", ErrType, SQLTypeName(arr.DataType()))
	}
	return s, nil
}
