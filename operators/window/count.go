package window

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// countAcc is COUNT(*) (star) or COUNT(x): a BIGINT that is never NULL.
type countAcc struct {
	star bool
	n    []int64
}

func (a *countAcc) grow(n int)    { a.n = growTo(a.n, n) }
func (a *countAcc) reset(s int32) { a.n[s] = 0 }
func (a *countAcc) merge(dst, src []int32) {
	for i, d := range dst {
		a.n[d] += a.n[src[i]]
	}
}

func (a *countAcc) update(col arrow.Array, slots []int32) {
	n := a.n
	if a.star || col.NullN() == 0 {
		for _, s := range slots {
			if s >= 0 {
				n[s]++
			}
		}
		return
	}
	for i, s := range slots {
		if s >= 0 && col.IsValid(i) {
			n[s]++
		}
	}
}

func (a *countAcc) emit(b array.Builder, slots []int32) error {
	out := make([]int64, len(slots))
	for i, s := range slots {
		out[i] = a.n[s]
	}
	return appendFixed(b, out, nil)
}
