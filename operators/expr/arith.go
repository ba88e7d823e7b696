package expr

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// arithOp is one of the binary arithmetic functions.
type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
	opMod
)

var arithOps = map[string]arithOp{FnAdd: opAdd, FnSub: opSub, FnMul: opMul, FnDiv: opDiv, FnMod: opMod}

// bindArith binds add, sub, mul, div and mod: same numeric type on both
// sides (DECIMALs may differ), TIMESTAMP +/- INTERVAL, and INTERVAL +/-
// INTERVAL.
func bindArith(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	op := arithOps[call.Func]
	a, b := args[0].typ, args[1].typ
	switch {
	case a.ID() == arrow.DECIMAL128 && b.ID() == arrow.DECIMAL128:
		if call.DataType.ID() != arrow.DECIMAL128 {
			return nil, typeErr(call, "result type is %s, want a DECIMAL", SQLTypeName(call.DataType))
		}
		return decimalArith(op, a.(*arrow.Decimal128Type), b.(*arrow.Decimal128Type),
			call.DataType.(*arrow.Decimal128Type)), nil
	case (op == opAdd || op == opSub) && a.ID() == arrow.TIMESTAMP && b.ID() == arrow.DURATION,
		op == opAdd && a.ID() == arrow.DURATION && b.ID() == arrow.TIMESTAMP:
		if err := wantResult(call, Timestamp); err != nil {
			return nil, err
		}
		return numArith[int64](op, Timestamp), nil
	case (op == opAdd || op == opSub) && a.ID() == arrow.DURATION && b.ID() == arrow.DURATION:
		if err := wantResult(call, Duration); err != nil {
			return nil, err
		}
		return numArith[int64](op, Duration), nil
	}
	if !arrow.TypeEqual(a, b) {
		return nil, typeErr(call, "arguments are %s and %s, want the same numeric type",
			SQLTypeName(a), SQLTypeName(b))
	}
	if err := wantResult(call, a); err != nil {
		return nil, err
	}
	switch a.ID() {
	case arrow.INT32:
		if op == opMod {
			return intModKernel[int32](a), nil
		}
		return numArith[int32](op, a), nil
	case arrow.INT64:
		if op == opMod {
			return intModKernel[int64](a), nil
		}
		return numArith[int64](op, a), nil
	case arrow.FLOAT32:
		return numArith[float32](op, a), nil
	case arrow.FLOAT64:
		return numArith[float64](op, a), nil
	}
	return nil, typeErr(call, "arguments are %s, want a numeric type", SQLTypeName(a))
}

// numArith is the kernel for Go-native numbers. Integer arithmetic wraps
// on overflow like Java's (and so Flink's); division and modulo by zero
// give NULL for every type.
func numArith[T number](op arithOp, dt arrow.DataType) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, dt, ec.n), nil
		}
		o := newFixedOut[T](ec.alloc, ec.n, a, b)
		v := &o.validity
		switch {
		case a.arr != nil && b.arr != nil:
			arithAA(op, valuesOf[T](a.arr), valuesOf[T](b.arr), o.vals, v)
		case a.arr != nil:
			arithAS(op, valuesOf[T](a.arr), scalarValue[T](b.sc), o.vals, v)
		default:
			arithSA(op, scalarValue[T](a.sc), valuesOf[T](b.arr), o.vals, v)
		}
		return o.finish(dt), nil
	}
}

func arithAA[T number](op arithOp, x, y, out []T, v *validity) {
	switch op {
	case opAdd:
		for i := range out {
			out[i] = x[i] + y[i]
		}
	case opSub:
		for i := range out {
			out[i] = x[i] - y[i]
		}
	case opMul:
		for i := range out {
			out[i] = x[i] * y[i]
		}
	case opDiv:
		for i := range out {
			if y[i] == 0 {
				out[i] = 0
				v.setNull(i)
				continue
			}
			out[i] = x[i] / y[i]
		}
	case opMod:
		for i := range out {
			if y[i] == 0 {
				out[i] = 0
				v.setNull(i)
				continue
			}
			out[i] = fmod(x[i], y[i])
		}
	}
}

func arithAS[T number](op arithOp, x []T, s T, out []T, v *validity) {
	if (op == opDiv || op == opMod) && s == 0 {
		for i := range out {
			out[i] = 0
			v.setNull(i)
		}
		return
	}
	switch op {
	case opAdd:
		for i := range out {
			out[i] = x[i] + s
		}
	case opSub:
		for i := range out {
			out[i] = x[i] - s
		}
	case opMul:
		for i := range out {
			out[i] = x[i] * s
		}
	case opDiv:
		for i := range out {
			out[i] = x[i] / s
		}
	case opMod:
		for i := range out {
			out[i] = fmod(x[i], s)
		}
	}
}

func arithSA[T number](op arithOp, s T, y []T, out []T, v *validity) {
	switch op {
	case opAdd:
		for i := range out {
			out[i] = s + y[i]
		}
	case opSub:
		for i := range out {
			out[i] = s - y[i]
		}
	case opMul:
		for i := range out {
			out[i] = s * y[i]
		}
	case opDiv:
		for i := range out {
			if y[i] == 0 {
				out[i] = 0
				v.setNull(i)
				continue
			}
			out[i] = s / y[i]
		}
	case opMod:
		for i := range out {
			if y[i] == 0 {
				out[i] = 0
				v.setNull(i)
				continue
			}
			out[i] = fmod(s, y[i])
		}
	}
}

// fmod is x MOD y for floats (numArith only handles integer modulo
// through intModKernel), with the sign of x like Java's %.
func fmod[T number](x, y T) T {
	return T(math.Mod(float64(x), float64(y)))
}

// intModKernel is MOD on integers: the sign of the result follows the
// dividend (Java's %); modulo by zero gives NULL.
func intModKernel[T ~int32 | ~int64](dt arrow.DataType) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, dt, ec.n), nil
		}
		o := newFixedOut[T](ec.alloc, ec.n, a, b)
		out := o.vals
		switch {
		case a.arr != nil && b.arr != nil:
			x, y := valuesOf[T](a.arr), valuesOf[T](b.arr)
			for i := range out {
				switch y[i] {
				case 0:
					out[i] = 0
					o.setNull(i)
				case -1:
					out[i] = 0
				default:
					out[i] = x[i] % y[i]
				}
			}
		case a.arr != nil:
			x, s := valuesOf[T](a.arr), scalarValue[T](b.sc)
			switch s {
			case 0:
				for i := range out {
					out[i] = 0
					o.setNull(i)
				}
			case -1:
				for i := range out {
					out[i] = 0
				}
			default:
				for i := range out {
					out[i] = x[i] % s
				}
			}
		default:
			s, y := scalarValue[T](a.sc), valuesOf[T](b.arr)
			for i := range out {
				switch y[i] {
				case 0:
					out[i] = 0
					o.setNull(i)
				case -1:
					out[i] = 0
				default:
					out[i] = s % y[i]
				}
			}
		}
		return o.finish(dt), nil
	}
}

// bindNeg binds unary minus.
func bindNeg(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	t := args[0].typ
	if err := wantResult(call, t); err != nil {
		return nil, err
	}
	switch t.ID() {
	case arrow.INT32:
		return negKernel[int32](t), nil
	case arrow.INT64, arrow.DURATION:
		return negKernel[int64](t), nil
	case arrow.FLOAT32:
		return negKernel[float32](t), nil
	case arrow.FLOAT64:
		return negKernel[float64](t), nil
	case arrow.DECIMAL128:
		return decimalNeg(t), nil
	}
	return nil, typeErr(call, "argument is %s, want a numeric type", SQLTypeName(t))
}

func negKernel[T number](dt arrow.DataType) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a := args[0]
		o := newFixedOut[T](ec.alloc, ec.n, a)
		x := valuesOf[T](a.arr)
		for i := range o.vals {
			o.vals[i] = -x[i]
		}
		return o.finish(dt), nil
	}
}
