package window

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/state"
)

// distinctAcc is a DISTINCT aggregate (COUNT, SUM or AVG): per slot, the
// set of distinct non-NULL values seen, as canonical keys T (integers
// widened to int64, floats as canonical bits, decimals as themselves).
// Merging unions the sets; the result is folded from the set when the
// window fires. Sets are allocated only for slots that see a value.
type distinctAcc[T comparable] struct {
	sets []map[T]struct{}
	// load returns row i's canonical key, for rows that are not NULL.
	load func(col arrow.Array) func(i int) T
	// fold appends the result over each set to b.
	fold func(b array.Builder, sets []map[T]struct{}) error
}

func (a *distinctAcc[T]) grow(n int)    { a.sets = growTo(a.sets, n) }
func (a *distinctAcc[T]) reset(s int32) { a.sets[s] = nil }

func (a *distinctAcc[T]) add(s int32, v T) {
	m := a.sets[s]
	if m == nil {
		m = make(map[T]struct{})
		a.sets[s] = m
	}
	m[v] = struct{}{}
}

func (a *distinctAcc[T]) merge(dst, src []int32) {
	for i, d := range dst {
		for v := range a.sets[src[i]] {
			a.add(d, v)
		}
	}
}

func (a *distinctAcc[T]) update(col arrow.Array, slots []int32) {
	at := a.load(col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.add(s, at(i))
		}
	}
}

func (a *distinctAcc[T]) emit(b array.Builder, slots []int32) error {
	sets := make([]map[T]struct{}, len(slots))
	for i, s := range slots {
		sets[i] = a.sets[s]
	}
	return a.fold(b, sets)
}

// distinctString is COUNT(DISTINCT x) over VARCHAR: lookups use the
// record's bytes; only new values are copied.
type distinctString struct {
	sets []map[string]struct{}
}

func (a *distinctString) grow(n int)    { a.sets = growTo(a.sets, n) }
func (a *distinctString) reset(s int32) { a.sets[s] = nil }

func (a *distinctString) merge(dst, src []int32) {
	for i, d := range dst {
		for v := range a.sets[src[i]] {
			a.addOwned(d, v)
		}
	}
}

func (a *distinctString) addOwned(s int32, v string) {
	m := a.sets[s]
	if m == nil {
		m = make(map[string]struct{})
		a.sets[s] = m
	}
	m[v] = struct{}{}
}

func (a *distinctString) update(col arrow.Array, slots []int32) {
	str := col.(*array.String)
	for i, s := range slots {
		if s < 0 || str.IsNull(i) {
			continue
		}
		v := str.Value(i)
		if _, ok := a.sets[s][v]; !ok {
			a.addOwned(s, strings.Clone(v))
		}
	}
}

func (a *distinctString) emit(b array.Builder, slots []int32) error {
	out := make([]int64, len(slots))
	for i, s := range slots {
		out[i] = int64(len(a.sets[s]))
	}
	return appendFixed(b, out, nil)
}

// Canonical keys for DISTINCT and GROUP BY: -0 equals 0 and every NaN
// equals every other, as SQL's grouping needs.
var canonicalFloat = state.FloatBits

func loadInts[T int32 | int64](col arrow.Array) func(i int) int64 {
	vals := fixedValues[T](col)
	return func(i int) int64 { return int64(vals[i]) }
}

func loadFloats[T float32 | float64](col arrow.Array) func(i int) uint64 {
	vals := fixedValues[T](col)
	return func(i int) uint64 { return canonicalFloat(float64(vals[i])) }
}

func loadBools(col arrow.Array) func(i int) bool {
	b := col.(*array.Boolean)
	return b.Value
}

// countFold counts each set.
func countFold[T comparable](b array.Builder, sets []map[T]struct{}) error {
	out := make([]int64, len(sets))
	for i, m := range sets {
		out[i] = int64(len(m))
	}
	return appendFixed(b, out, nil)
}

// intFold sums (avg false) or averages each set of integers, giving Out
// (the argument's type; the sum wraps, the average truncates).
func intFold[Out int32 | int64](avg bool) func(b array.Builder, sets []map[int64]struct{}) error {
	return func(b array.Builder, sets []map[int64]struct{}) error {
		out := make([]Out, len(sets))
		valid := make([]bool, len(sets))
		for i, m := range sets {
			if len(m) == 0 {
				continue
			}
			var sum int64
			for v := range m {
				sum += v
			}
			if avg {
				sum /= int64(len(m))
			}
			out[i], valid[i] = Out(sum), true
		}
		return appendFixed(b, out, valid)
	}
}

// floatFold sums or averages each set of canonical float bits as DOUBLE.
func floatFold(avg bool) func(b array.Builder, sets []map[uint64]struct{}) error {
	return func(b array.Builder, sets []map[uint64]struct{}) error {
		out := make([]float64, len(sets))
		valid := make([]bool, len(sets))
		for i, m := range sets {
			if len(m) == 0 {
				continue
			}
			var sum float64
			for v := range m {
				sum += math.Float64frombits(v)
			}
			if avg {
				sum /= float64(len(m))
			}
			out[i], valid[i] = sum, true
		}
		return appendFixed(b, out, valid)
	}
}
