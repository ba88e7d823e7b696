package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// cast compiles a Cast. CAST to the same type is the input itself.
// Supported: between INT, BIGINT, FLOAT, DOUBLE and DECIMAL (narrowing
// that overflows is an error naming the value; float to integer
// truncates toward zero; to DECIMAL rounds half away from zero); BOOLEAN
// to and from the numeric types and VARCHAR; every type to VARCHAR;
// VARCHAR to every type (unparsable input is an error naming the value);
// TIMESTAMP to and from DATE. Numbers to or from TIMESTAMP, DATE or
// INTERVAL are refused here, at Compile time.
func (c *compiler) cast(e *Cast) (node, error) {
	if e.Input == nil || e.To == nil {
		return nil, fmt.Errorf("%w: incomplete CAST", ErrType)
	}
	if err := checkSupported(e.To, e.String()); err != nil {
		return nil, err
	}
	in, err := c.compile(e.Input)
	if err != nil {
		return nil, err
	}
	from := e.Input.Type()
	if arrow.TypeEqual(from, e.To) {
		return in, nil
	}
	k := castKernel(from, e.To)
	if k == nil {
		return nil, typeErr(e, "cannot cast %s to %s", SQLTypeName(from), SQLTypeName(e.To))
	}
	return fold(&callNode{expr: e, args: []node{in}, k: k}, []node{in}), nil
}

// castKernel returns the kernel converting from to to, or nil when the
// conversion is not supported.
func castKernel(from, to arrow.DataType) kernel {
	if from.ID() == arrow.NULL {
		return func(ec *evalCtx, _ []datum) (arrow.Array, error) {
			return nullArray(ec.alloc, to, ec.n), nil
		}
	}
	switch {
	case to.ID() == arrow.STRING:
		return castToString(from)
	case from.ID() == arrow.STRING:
		return castFromString(to)
	case isNumeric(from) && isNumeric(to):
		return castNumeric(from, to)
	case from.ID() == arrow.BOOL && isNumeric(to):
		return castBoolToNumber(to)
	case isNumeric(from) && to.ID() == arrow.BOOL:
		return castNumberToBool(from)
	case from.ID() == arrow.TIMESTAMP && to.ID() == arrow.DATE32:
		return convKernel(to, func(ms int64) (int32, bool) { return int32(floorDiv(ms, msPerDay)), true }, nil)
	case from.ID() == arrow.DATE32 && to.ID() == arrow.TIMESTAMP:
		return convKernel(to, func(d int32) (int64, bool) { return int64(d) * msPerDay, true }, nil)
	}
	return nil
}

func isNumeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		return true
	}
	return false
}

// convKernel applies a fallible per-value conversion; show renders a
// value that failed for the error message.
func convKernel[T, U fixed](to arrow.DataType, f func(T) (U, bool), show func(T) string) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newFixedOut[U](ec.alloc, ec.n, ds[0])
		x := valuesOf[T](ds[0].arr)
		for i := range o.vals {
			v, ok := f(x[i])
			if !ok {
				if !o.isValid(i) {
					continue
				}
				o.release()
				return nil, fmt.Errorf("%w: value %s is out of range for %s", ErrOverflow, show(x[i]), SQLTypeName(to))
			}
			o.vals[i] = v
		}
		return o.finish(to), nil
	}
}
