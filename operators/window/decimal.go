package window

import (
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// maxDecimalPrecision is the precision of DECIMAL sums and averages.
const maxDecimalPrecision = 38

// addWide adds y to the 192-bit integer (carry, x): x is the low 128
// bits as a two's-complement decimal128.Num, carry counts the multiples
// of 2^128 by which the true value differs from x. x wraps on overflow
// and carry records it, so a sum stays exact however its terms are
// ordered, and fits 128 bits exactly when carry is 0.
func addWide(x decimal128.Num, carry int64, y decimal128.Num) (decimal128.Num, int64) {
	r := x.Add(y)
	xh, yh, rh := x.HighBits(), y.HighBits(), r.HighBits()
	// Overflow: x and y have one sign and r the other. A positive
	// overflow wrapped down by 2^128, a negative one up.
	if (xh^rh)&(yh^rh) < 0 {
		if xh < 0 {
			carry--
		} else {
			carry++
		}
	}
	return r, carry
}

// checkSum reports an error unless the exact sum (carry, x) fits
// DECIMAL(38, scale); what names the value in the message.
func checkSum(what string, x decimal128.Num, carry int64, scale int32) error {
	if carry != 0 || !x.FitsInPrecision(maxDecimalPrecision) {
		return fmt.Errorf("%w: %s exceeds DECIMAL(38, %d)", errOverflow, what, scale)
	}
	return nil
}

// sumDecimal is SUM over DECIMAL(p, s): an exact sum at scale s (192
// bits wide: 128 in sum, the overflow count in carry), DECIMAL(38, s). A
// sum that does not fit 38 digits is an error when the window fires,
// never a wrapped value.
type sumDecimal struct {
	scale int32
	sum   []decimal128.Num
	carry []int64
	has   []bool
}

func (a *sumDecimal) grow(n int) {
	a.sum, a.carry, a.has = growTo(a.sum, n), growTo(a.carry, n), growTo(a.has, n)
}

func (a *sumDecimal) reset(s int32) { a.sum[s], a.carry[s], a.has[s] = decimal128.Num{}, 0, false }

func (a *sumDecimal) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] {
			a.sum[d], a.carry[d] = addWide(a.sum[d], a.carry[d]+a.carry[s], a.sum[s])
			a.has[d] = true
		}
	}
}

func (a *sumDecimal) update(col arrow.Array, slots []int32) {
	vals := fixedValues[decimal128.Num](col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.sum[s], a.carry[s] = addWide(a.sum[s], a.carry[s], vals[i])
			a.has[s] = true
		}
	}
}

func (a *sumDecimal) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.sum, a.has, slots)
	for i, s := range slots {
		if valid[i] {
			if err := checkSum("SUM", a.sum[s], a.carry[s], a.scale); err != nil {
				return err
			}
		}
	}
	return appendFixed(b, out, valid)
}

// avgDecimal is AVG over DECIMAL(p, s): an exact sum (as sumDecimal's)
// and a count; the sum must fit DECIMAL(38, s), and the result,
// DECIMAL(38, rs) with rs = max(s, 6), is the quotient rounded half away
// from zero (as Java's HALF_UP).
type avgDecimal struct {
	scale, outScale int32
	sum             []decimal128.Num
	carry           []int64
	cnt             []int64
}

func (a *avgDecimal) grow(n int) {
	a.sum, a.carry, a.cnt = growTo(a.sum, n), growTo(a.carry, n), growTo(a.cnt, n)
}

func (a *avgDecimal) reset(s int32) { a.sum[s], a.carry[s], a.cnt[s] = decimal128.Num{}, 0, 0 }

func (a *avgDecimal) merge(dst, src []int32) {
	for i, d := range dst {
		s := src[i]
		a.sum[d], a.carry[d] = addWide(a.sum[d], a.carry[d]+a.carry[s], a.sum[s])
		a.cnt[d] += a.cnt[s]
	}
}

func (a *avgDecimal) update(col arrow.Array, slots []int32) {
	vals := fixedValues[decimal128.Num](col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.sum[s], a.carry[s] = addWide(a.sum[s], a.carry[s], vals[i])
			a.cnt[s]++
		}
	}
}

func (a *avgDecimal) emit(b array.Builder, slots []int32) error {
	out := make([]decimal128.Num, len(slots))
	valid := make([]bool, len(slots))
	for i, s := range slots {
		if a.cnt[s] == 0 {
			continue
		}
		if err := checkSum("AVG's sum", a.sum[s], a.carry[s], a.scale); err != nil {
			return err
		}
		q, err := decimalAvg(a.sum[s], a.cnt[s], a.scale, a.outScale)
		if err != nil {
			return err
		}
		out[i], valid[i] = q, true
	}
	return appendFixed(b, out, valid)
}

// decimalAvg divides sum (at scale, within 38 digits) by n, giving a
// value at outScale rounded half away from zero. The quotient is exact:
// when sum scaled to outScale would pass 38 digits, it is computed in
// arbitrary precision.
func decimalAvg(sum decimal128.Num, n int64, scale, outScale int32) (decimal128.Num, error) {
	x := sum
	if up := outScale - scale; up > 0 {
		if up >= maxDecimalPrecision || !sum.FitsInPrecision(maxDecimalPrecision-up) {
			return decimalAvgBig(sum, n, up, outScale)
		}
		x = sum.IncreaseScaleBy(up)
	}
	d := decimal128.FromI64(n)
	q, r := x.Div(d)
	// |r| * 2 >= n rounds away from zero.
	if r.Abs().Add(r.Abs()).GreaterEqual(d) {
		if x.Sign() < 0 {
			q = q.Sub(decimal128.FromI64(1))
		} else {
			q = q.Add(decimal128.FromI64(1))
		}
	}
	return q, nil
}

// decimalAvgBig is decimalAvg for a sum that passes 38 digits once
// scaled up by 10^up; the quotient must still fit DECIMAL(38, outScale).
func decimalAvgBig(sum decimal128.Num, n int64, up, outScale int32) (decimal128.Num, error) {
	ten := big.NewInt(10)
	x := new(big.Int).Mul(sum.BigInt(), new(big.Int).Exp(ten, big.NewInt(int64(up)), nil))
	d := big.NewInt(n)
	q, r := new(big.Int).QuoRem(x, d, new(big.Int))
	if r.Abs(r).Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(int64(x.Sign())))
	}
	if q.CmpAbs(new(big.Int).Exp(ten, big.NewInt(maxDecimalPrecision), nil)) >= 0 {
		return decimal128.Num{}, fmt.Errorf("%w: AVG exceeds DECIMAL(38, %d)", errOverflow, outScale)
	}
	return decimal128.FromBigInt(q), nil
}
