package window

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// number is an Arrow numeric input type that SUM and AVG accept
// (DECIMAL has its own accumulators).
type number interface {
	int32 | int64 | float32 | float64
}

// sumAcc is SUM over numbers: the input In is summed as S (INT as INT,
// BIGINT as BIGINT, FLOAT and DOUBLE as DOUBLE). Integer sums wrap on
// overflow, as Java's (Flink's) do; NULL when no non-NULL value was seen.
type sumAcc[In number, S int32 | int64 | float64] struct {
	sum []S
	has []bool
}

func (a *sumAcc[In, S]) grow(n int) { a.sum, a.has = growTo(a.sum, n), growTo(a.has, n) }
func (a *sumAcc[In, S]) reset(s int32) {
	a.sum[s], a.has[s] = 0, false
}

func (a *sumAcc[In, S]) merge(dst, src []int32) {
	for i, d := range dst {
		s := src[i]
		if a.has[s] {
			a.sum[d] += a.sum[s]
			a.has[d] = true
		}
	}
}

func (a *sumAcc[In, S]) update(col arrow.Array, slots []int32) {
	vals := fixedValues[In](col)
	sum, has := a.sum, a.has
	if col.NullN() == 0 {
		for i, s := range slots {
			if s >= 0 {
				sum[s] += S(vals[i])
				has[s] = true
			}
		}
		return
	}
	for i, s := range slots {
		if s >= 0 && col.IsValid(i) {
			sum[s] += S(vals[i])
			has[s] = true
		}
	}
}

func (a *sumAcc[In, S]) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.sum, a.has, slots)
	return appendFixed(b, out, valid)
}

// avgAcc is AVG over numbers: a sum S (BIGINT for integers, wrapping;
// DOUBLE for floats) and a count. The result Out is the argument's type
// for integers (the quotient truncated toward zero, as Java divides) and
// DOUBLE for floats; NULL over no non-NULL value.
type avgAcc[In number, S int64 | float64, Out int32 | int64 | float64] struct {
	sum []S
	cnt []int64
}

func (a *avgAcc[In, S, Out]) grow(n int) { a.sum, a.cnt = growTo(a.sum, n), growTo(a.cnt, n) }
func (a *avgAcc[In, S, Out]) reset(s int32) {
	a.sum[s], a.cnt[s] = 0, 0
}

func (a *avgAcc[In, S, Out]) merge(dst, src []int32) {
	for i, d := range dst {
		a.sum[d] += a.sum[src[i]]
		a.cnt[d] += a.cnt[src[i]]
	}
}

func (a *avgAcc[In, S, Out]) update(col arrow.Array, slots []int32) {
	vals := fixedValues[In](col)
	sum, cnt := a.sum, a.cnt
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			sum[s] += S(vals[i])
			cnt[s]++
		}
	}
}

func (a *avgAcc[In, S, Out]) emit(b array.Builder, slots []int32) error {
	out := make([]Out, len(slots))
	valid := make([]bool, len(slots))
	for i, s := range slots {
		if c := a.cnt[s]; c > 0 {
			out[i] = Out(a.sum[s] / S(c))
			valid[i] = true
		}
	}
	return appendFixed(b, out, valid)
}
