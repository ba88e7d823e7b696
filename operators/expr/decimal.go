package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// decimalArith is the DECIMAL kernel for add, sub, mul, div and mod: the
// operands may differ in precision and scale, the result is rescaled
// (rounding half away from zero) to the result type, and a result that
// does not fit its precision is an error. Division or modulo by zero
// gives NULL.
func decimalArith(op arithOp, ta, tb, tr *arrow.Decimal128Type) kernel {
	sa, sb, rs, rp := ta.Scale, tb.Scale, tr.Scale, tr.Precision
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, tr, ec.n), nil
		}
		o := newFixedOut[decimal128.Num](ec.alloc, ec.n, a, b)
		x, y := fixedColOf[decimal128.Num](a), fixedColOf[decimal128.Num](b)
		out := o.vals
		for i := range out {
			if !o.isValid(i) {
				out[i] = decimal128.Num{}
				continue
			}
			l, r := x.at(i), y.at(i)
			var res decimal128.Num
			ok := true
			switch op {
			case opAdd:
				res, ok = decAddSub(l, r, sa, sb, rs, rp, false)
			case opSub:
				res, ok = decAddSub(l, r, sa, sb, rs, rp, true)
			case opMul:
				res, ok = decMul(l, r, sa, sb, rs, rp)
			case opDiv, opMod:
				if r == (decimal128.Num{}) {
					o.setNull(i)
					out[i] = decimal128.Num{}
					continue
				}
				if op == opDiv {
					res, ok = decDiv(l, r, sa, sb, rs, rp)
				} else {
					res, ok = decMod(l, r, sa, sb, rs, rp)
				}
			}
			if !ok {
				o.release()
				return nil, fmt.Errorf("%w: %s and %s give a result that does not fit %s",
					ErrOverflow, l.ToString(sa), r.ToString(sb), SQLTypeName(tr))
			}
			out[i] = res
		}
		return o.finish(tr), nil
	}
}

// decimalNeg negates a DECIMAL (always fits: precision is symmetric).
func decimalNeg(dt arrow.DataType) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		o := newFixedOut[decimal128.Num](ec.alloc, ec.n, args[0])
		x := valuesOf[decimal128.Num](args[0].arr)
		for i := range o.vals {
			o.vals[i] = x[i].Negate()
		}
		return o.finish(dt), nil
	}
}
