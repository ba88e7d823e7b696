package expr

import (
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// bindAbs binds ABS: |x| in the type of x. ABS of the most negative
// integer is itself (two's complement, as in Java).
func bindAbs(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	t := args[0].typ
	if err := wantResult(call, t); err != nil {
		return nil, err
	}
	switch t.ID() {
	case arrow.INT32:
		return mapFixed(t, func(x int32) int32 { return x * int32(sgn(x)) }), nil
	case arrow.INT64:
		return mapFixed(t, func(x int64) int64 { return x * sgn(x) }), nil
	case arrow.FLOAT32:
		return mapFixed(t, func(x float32) float32 { return float32(math.Abs(float64(x))) }), nil
	case arrow.FLOAT64:
		return mapFixed(t, math.Abs), nil
	case arrow.DECIMAL128:
		return mapFixed(t, decimal128.Num.Abs), nil
	}
	return nil, typeErr(call, "argument is %s, want a numeric type", SQLTypeName(t))
}

func sgn[T ~int32 | ~int64](x T) T {
	if x < 0 {
		return -1
	}
	return 1
}

// mapFixed is a kernel applying f to every value of a fixed-width array
// (NULL rows included: their values are don't-cares).
func mapFixed[T fixed](dt arrow.DataType, f func(T) T) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newFixedOut[T](ec.alloc, ec.n, ds[0])
		x := valuesOf[T](ds[0].arr)
		for i := range o.vals {
			o.vals[i] = f(x[i])
		}
		return o.finish(dt), nil
	}
}

// bindFloorCeil binds FLOOR and CEIL: integers are returned as they are,
// floats rounded down or up, DECIMALs rounded to an integer and stored
// with the result type's scale (0 as the binder chooses it).
func bindFloorCeil(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	t := args[0].typ
	up := call.Func == FnCeil
	if t.ID() == arrow.DECIMAL128 {
		if call.DataType.ID() != arrow.DECIMAL128 {
			return nil, typeErr(call, "result type is %s, want a DECIMAL", SQLTypeName(call.DataType))
		}
		return decFloorCeil(t.(*arrow.Decimal128Type), call.DataType.(*arrow.Decimal128Type), up), nil
	}
	if err := wantResult(call, t); err != nil {
		return nil, err
	}
	round := math.Floor
	if up {
		round = math.Ceil
	}
	switch t.ID() {
	case arrow.INT32, arrow.INT64:
		return func(_ *evalCtx, ds []datum) (arrow.Array, error) {
			ds[0].arr.Retain()
			return ds[0].arr, nil
		}, nil
	case arrow.FLOAT32:
		return mapFixed(t, func(x float32) float32 { return float32(round(float64(x))) }), nil
	case arrow.FLOAT64:
		return mapFixed(t, round), nil
	}
	return nil, typeErr(call, "argument is %s, want a numeric type", SQLTypeName(t))
}

func decFloorCeil(in, out *arrow.Decimal128Type, up bool) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newFixedOut[decimal128.Num](ec.alloc, ec.n, ds[0])
		x := valuesOf[decimal128.Num](ds[0].arr)
		for i := range o.vals {
			if !o.isValid(i) {
				continue
			}
			// Truncate toward zero, then step away from zero when the
			// dropped fraction points the other way.
			q, _ := decRescaleTrunc(x[i], in.Scale)
			if rem := x[i].Sub(q.IncreaseScaleBy(in.Scale)); rem.Sign() != 0 {
				if up && rem.Sign() > 0 {
					q = q.Add(decimal128.FromI64(1))
				} else if !up && rem.Sign() < 0 {
					q = q.Sub(decimal128.FromI64(1))
				}
			}
			r, ok := decRescale(q, 0, out.Scale, out.Precision)
			if !ok {
				o.release()
				return nil, fmt.Errorf("%w: %s does not fit %s", ErrOverflow, x[i].ToString(in.Scale), SQLTypeName(out))
			}
			o.vals[i] = r
		}
		return o.finish(out), nil
	}
}

// decRescaleTrunc drops the s fraction digits of a, truncating toward
// zero.
func decRescaleTrunc(a decimal128.Num, s int32) (decimal128.Num, bool) {
	if s == 0 {
		return a, true
	}
	neg, m := splitDec(a)
	if s <= 19 {
		q, _ := m.divSmall(pow10u[s].lo)
		return joinDec(neg && !q.isZero(), q), true
	}
	v := bigOf(a)
	v.Quo(v, pow10Big(s))
	return decimal128.FromBigInt(v), true
}

// bindRound binds ROUND(x, digits): half away from zero at digits
// decimal places (negative digits round to tens, hundreds, ...). Floats
// round their shortest decimal representation, as Flink's
// BigDecimal.valueOf(x).setScale(digits, HALF_UP) does.
func bindRound(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 1, Int); err != nil {
		return nil, err
	}
	t := args[0].typ
	if t.ID() == arrow.DECIMAL128 {
		if call.DataType.ID() != arrow.DECIMAL128 {
			return nil, typeErr(call, "result type is %s, want a DECIMAL", SQLTypeName(call.DataType))
		}
		in, out := t.(*arrow.Decimal128Type), call.DataType.(*arrow.Decimal128Type)
		return roundKernel(out, func(x decimal128.Num, d int32) (decimal128.Num, bool) {
			return roundDec(x, d, in.Scale, out.Scale, out.Precision)
		}, func(x decimal128.Num) string { return x.ToString(in.Scale) }), nil
	}
	if err := wantResult(call, t); err != nil {
		return nil, err
	}
	switch t.ID() {
	case arrow.INT32:
		return roundKernel(t, roundInt[int32], fmtInt[int32]), nil
	case arrow.INT64:
		return roundKernel(t, roundInt[int64], fmtInt[int64]), nil
	case arrow.FLOAT32:
		return roundKernel(t, func(x float32, d int32) (float32, bool) {
			return float32(roundFloat(float64(x), d, 32)), true
		}, nil), nil
	case arrow.FLOAT64:
		return roundKernel(t, func(x float64, d int32) (float64, bool) {
			return roundFloat(x, d, 64), true
		}, nil), nil
	}
	return nil, typeErr(call, "argument is %s, want a numeric type", SQLTypeName(t))
}

func fmtInt[T ~int32 | ~int64](x T) string { return strconv.FormatInt(int64(x), 10) }

func roundKernel[T fixed](dt arrow.DataType, f func(T, int32) (T, bool), show func(T) string) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		if ds[0].isNullScalar() || ds[1].isNullScalar() {
			return nullArray(ec.alloc, dt, ec.n), nil
		}
		x, d := fixedColOf[T](ds[0]), fixedColOf[int32](ds[1])
		o := newFixedOut[T](ec.alloc, ec.n, ds...)
		for i := range o.vals {
			if !o.isValid(i) {
				continue
			}
			r, ok := f(x.at(i), d.at(i))
			if !ok {
				o.release()
				return nil, fmt.Errorf("%w: rounding %s to %d digits does not fit %s",
					ErrOverflow, show(x.at(i)), d.at(i), SQLTypeName(dt))
			}
			o.vals[i] = r
		}
		return o.finish(dt), nil
	}
}

// roundInt rounds an integer to d digits (only negative d changes it).
func roundInt[T ~int32 | ~int64](x T, d int32) (T, bool) {
	if d >= 0 || x == 0 {
		return x, true
	}
	if d < -18 {
		return 0, true
	}
	p := int64(math.Pow10(int(-d)))
	v := int64(x)
	q, r := v/p, v%p
	if r < 0 {
		r = -r
	}
	if r >= p-r {
		if v < 0 {
			q--
		} else {
			q++
		}
	}
	if q > math.MaxInt64/p || q < math.MinInt64/p {
		return 0, false
	}
	res := q * p
	if int64(T(res)) != res {
		return 0, false
	}
	return T(res), true
}

// roundFloat rounds the shortest decimal representation of x to d
// fraction digits, half away from zero; bitSize is 32 or 64.
func roundFloat(x float64, d int32, bitSize int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	var buf [40]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', -1, bitSize)
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	// b is "D.DDDDe±XX"; collect the digits and the exponent of the first.
	var digits [24]byte
	nd := 0
	i := 0
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits[nd] = b[i]
			nd++
		}
	}
	exp, _ := strconv.Atoi(string(b[i+1:]))
	// Keep k digits: those before the point (exp+1) plus d.
	k := int64(exp) + 1 + int64(d)
	if k >= int64(nd) {
		return x
	}
	if k < 0 {
		return 0
	}
	roundUp := digits[k] >= '5'
	kept := digits[:k]
	// Propagate the carry.
	carry := roundUp
	for j := len(kept) - 1; j >= 0 && carry; j-- {
		if kept[j] == '9' {
			kept[j] = '0'
		} else {
			kept[j]++
			carry = false
		}
	}
	out := buf[:0]
	if neg {
		out = append(out, '-')
	}
	if carry {
		out = append(out, '1')
	}
	out = append(out, kept...)
	if len(out) == 0 || (neg && len(out) == 1) {
		return 0
	}
	out = append(out, 'e')
	out = strconv.AppendInt(out, -int64(d), 10)
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(out), len(out)), bitSize)
	if err != nil {
		return x
	}
	return v
}

// roundDec rounds a DECIMAL at scale s to d digits and stores it at scale
// rs and precision rp.
func roundDec(x decimal128.Num, d, s, rs, rp int32) (decimal128.Num, bool) {
	if d >= s {
		return decRescale(x, s, rs, rp)
	}
	if d < -38 {
		return decimal128.Num{}, true
	}
	r, ok := decRescale(x, s, d, 38)
	if !ok {
		return decimal128.Num{}, false
	}
	return decRescale(r, d, rs, rp)
}
