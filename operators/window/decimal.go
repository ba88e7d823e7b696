package window

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// maxDecimalPrecision is the precision of DECIMAL sums and averages.
const maxDecimalPrecision = 38

// sumDecimal is SUM over DECIMAL(p, s): an exact 128-bit sum at scale s,
// DECIMAL(38, s). A sum that does not fit 38 digits is an error when the
// window fires.
type sumDecimal struct {
	scale int32
	sum   []decimal128.Num
	has   []bool
}

func (a *sumDecimal) grow(n int)    { a.sum, a.has = growTo(a.sum, n), growTo(a.has, n) }
func (a *sumDecimal) reset(s int32) { a.sum[s], a.has[s] = decimal128.Num{}, false }

func (a *sumDecimal) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] {
			a.sum[d] = a.sum[d].Add(a.sum[s])
			a.has[d] = true
		}
	}
}

func (a *sumDecimal) update(col arrow.Array, slots []int32) {
	vals := fixedValues[decimal128.Num](col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.sum[s] = a.sum[s].Add(vals[i])
			a.has[s] = true
		}
	}
}

func (a *sumDecimal) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.sum, a.has, slots)
	for i, v := range out {
		if valid[i] && !v.FitsInPrecision(maxDecimalPrecision) {
			return fmt.Errorf("%w: SUM does not fit DECIMAL(38, %d)", errOverflow, a.scale)
		}
	}
	return appendFixed(b, out, valid)
}

// avgDecimal is AVG over DECIMAL(p, s): an exact sum and a count; the
// result, DECIMAL(38, rs) with rs = max(s, 6), is the quotient rounded
// half away from zero (as Java's HALF_UP).
type avgDecimal struct {
	scale, outScale int32
	sum             []decimal128.Num
	cnt             []int64
}

func (a *avgDecimal) grow(n int)    { a.sum, a.cnt = growTo(a.sum, n), growTo(a.cnt, n) }
func (a *avgDecimal) reset(s int32) { a.sum[s], a.cnt[s] = decimal128.Num{}, 0 }

func (a *avgDecimal) merge(dst, src []int32) {
	for i, d := range dst {
		a.sum[d] = a.sum[d].Add(a.sum[src[i]])
		a.cnt[d] += a.cnt[src[i]]
	}
}

func (a *avgDecimal) update(col arrow.Array, slots []int32) {
	vals := fixedValues[decimal128.Num](col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.sum[s] = a.sum[s].Add(vals[i])
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
		q, err := decimalAvg(a.sum[s], a.cnt[s], a.scale, a.outScale)
		if err != nil {
			return err
		}
		out[i], valid[i] = q, true
	}
	return appendFixed(b, out, valid)
}

// decimalAvg divides sum (at scale) by n, giving a value at outScale
// rounded half away from zero.
func decimalAvg(sum decimal128.Num, n int64, scale, outScale int32) (decimal128.Num, error) {
	x := sum
	if outScale > scale {
		x = sum.IncreaseScaleBy(outScale - scale)
		if !x.FitsInPrecision(maxDecimalPrecision) || x.Sign() != sum.Sign() {
			return decimal128.Num{}, fmt.Errorf("%w: AVG of %s does not fit DECIMAL(38, %d)",
				errOverflow, sum.ToString(scale), outScale)
		}
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
