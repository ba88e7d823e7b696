package expr

import (
	"cmp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// cmpOp is one of the six comparisons.
type cmpOp int

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

var cmpOps = map[string]cmpOp{FnEq: cmpEq, FnNe: cmpNe, FnLt: cmpLt, FnLe: cmpLe, FnGt: cmpGt, FnGe: cmpGe}

// flip gives the operator with its operands swapped: a < b is b > a.
func (op cmpOp) flip() cmpOp {
	switch op {
	case cmpLt:
		return cmpGt
	case cmpLe:
		return cmpGe
	case cmpGt:
		return cmpLt
	case cmpGe:
		return cmpLe
	}
	return op
}

// holds applies op to the result of a three-way comparison.
func (op cmpOp) holds(c int) bool {
	switch op {
	case cmpEq:
		return c == 0
	case cmpNe:
		return c != 0
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	}
	return c >= 0
}

// bindCompare binds eq, ne, lt, le, gt and ge: both arguments of one type
// (DECIMALs of equal precision and scale), result BOOLEAN. Strings compare
// by bytes; FALSE < TRUE; DOUBLE and FLOAT follow IEEE 754 (NaN compares
// unequal to everything, -0.0 equals 0.0).
func bindCompare(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	a, b := args[0].typ, args[1].typ
	if !arrow.TypeEqual(a, b) {
		return nil, typeErr(call, "compares %s with %s, want the same type", SQLTypeName(a), SQLTypeName(b))
	}
	k := compareKernel(cmpOps[call.Func], a)
	if k == nil {
		return nil, typeErr(call, "cannot compare values of type %s", SQLTypeName(a))
	}
	return k, nil
}

// compareKernel returns the comparison kernel for type t, or nil.
func compareKernel(op cmpOp, t arrow.DataType) kernel {
	switch t.ID() {
	case arrow.INT32, arrow.DATE32:
		return cmpKernel[int32](op)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return cmpKernel[int64](op)
	case arrow.FLOAT32:
		return cmpKernel[float32](op)
	case arrow.FLOAT64:
		return cmpKernel[float64](op)
	case arrow.DECIMAL128:
		return decCmpKernel(op)
	case arrow.STRING:
		return strCmpKernel(op)
	case arrow.BOOL:
		return boolCmpKernel(op)
	}
	return nil
}

func cmpKernel[T number](op cmpOp) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, Boolean, ec.n), nil
		}
		o := newBoolOut(ec.alloc, ec.n, a, b)
		switch {
		case a.arr != nil && b.arr != nil:
			cmpAA(op, valuesOf[T](a.arr), valuesOf[T](b.arr), o.bits)
		case a.arr != nil:
			cmpAS(op, valuesOf[T](a.arr), scalarValue[T](b.sc), o.bits)
		default:
			cmpAS(op.flip(), valuesOf[T](b.arr), scalarValue[T](a.sc), o.bits)
		}
		return o.finish(), nil
	}
}

// setIf sets bit i of out when c holds, without a branch.
func setIf(out []byte, i int, c bool) {
	var b byte
	if c {
		b = 1
	}
	out[i>>3] |= b << uint(i&7)
}

func cmpAA[T cmp.Ordered](op cmpOp, x, y []T, out []byte) {
	y = y[:len(x)]
	switch op {
	case cmpEq:
		for i := range x {
			setIf(out, i, x[i] == y[i])
		}
	case cmpNe:
		for i := range x {
			setIf(out, i, x[i] != y[i])
		}
	case cmpLt:
		for i := range x {
			setIf(out, i, x[i] < y[i])
		}
	case cmpLe:
		for i := range x {
			setIf(out, i, x[i] <= y[i])
		}
	case cmpGt:
		for i := range x {
			setIf(out, i, x[i] > y[i])
		}
	case cmpGe:
		for i := range x {
			setIf(out, i, x[i] >= y[i])
		}
	}
}

func cmpAS[T cmp.Ordered](op cmpOp, x []T, s T, out []byte) {
	switch op {
	case cmpEq:
		for i := range x {
			setIf(out, i, x[i] == s)
		}
	case cmpNe:
		for i := range x {
			setIf(out, i, x[i] != s)
		}
	case cmpLt:
		for i := range x {
			setIf(out, i, x[i] < s)
		}
	case cmpLe:
		for i := range x {
			setIf(out, i, x[i] <= s)
		}
	case cmpGt:
		for i := range x {
			setIf(out, i, x[i] > s)
		}
	case cmpGe:
		for i := range x {
			setIf(out, i, x[i] >= s)
		}
	}
}

func decCmpKernel(op cmpOp) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, Boolean, ec.n), nil
		}
		o := newBoolOut(ec.alloc, ec.n, a, b)
		x, y := fixedColOf[decimal128.Num](a), fixedColOf[decimal128.Num](b)
		for i := 0; i < ec.n; i++ {
			setIf(o.bits, i, op.holds(x.at(i).Cmp(y.at(i))))
		}
		return o.finish(), nil
	}
}

func strCmpKernel(op cmpOp) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, Boolean, ec.n), nil
		}
		o := newBoolOut(ec.alloc, ec.n, a, b)
		op := op
		if a.arr == nil {
			a, b, op = b, a, op.flip()
		}
		x := a.arr.(*array.String)
		if b.arr == nil {
			s := b.sc.s
			if op == cmpEq || op == cmpNe {
				for i := 0; i < ec.n; i++ {
					setIf(o.bits, i, (x.Value(i) == s) == (op == cmpEq))
				}
			} else {
				for i := 0; i < ec.n; i++ {
					setIf(o.bits, i, op.holds(strings.Compare(x.Value(i), s)))
				}
			}
			return o.finish(), nil
		}
		y := b.arr.(*array.String)
		for i := 0; i < ec.n; i++ {
			setIf(o.bits, i, op.holds(strings.Compare(x.Value(i), y.Value(i))))
		}
		return o.finish(), nil
	}
}

func boolCmpKernel(op cmpOp) kernel {
	return func(ec *evalCtx, args []datum) (arrow.Array, error) {
		a, b := args[0], args[1]
		if a.isNullScalar() || b.isNullScalar() {
			return nullArray(ec.alloc, Boolean, ec.n), nil
		}
		o := newBoolOut(ec.alloc, ec.n, a, b)
		x, y := boolColOf(a), boolColOf(b)
		for i := 0; i < ec.n; i++ {
			setIf(o.bits, i, op.holds(cmpBool(x.at(i), y.at(i))))
		}
		return o.finish(), nil
	}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
