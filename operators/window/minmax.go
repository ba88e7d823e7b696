package window

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// ordered is an integer input type MIN and MAX compare natively
// (TIMESTAMP is read as int64, DATE as int32).
type ordered interface {
	int32 | int64
}

// minMaxAcc is MIN (max false) or MAX over an integer type; NULL when no
// non-NULL value was seen.
type minMaxAcc[T ordered] struct {
	max bool
	val []T
	has []bool
}

func (a *minMaxAcc[T]) grow(n int)    { a.val, a.has = growTo(a.val, n), growTo(a.has, n) }
func (a *minMaxAcc[T]) reset(s int32) { a.val[s], a.has[s] = 0, false }

func (a *minMaxAcc[T]) put(s int32, v T) {
	if !a.has[s] {
		a.val[s], a.has[s] = v, true
		return
	}
	if a.max {
		if v > a.val[s] {
			a.val[s] = v
		}
	} else if v < a.val[s] {
		a.val[s] = v
	}
}

func (a *minMaxAcc[T]) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] {
			a.put(d, a.val[s])
		}
	}
}

func (a *minMaxAcc[T]) update(col arrow.Array, slots []int32) {
	vals := fixedValues[T](col)
	nulls := col.NullN() != 0
	if a.max && !nulls {
		// The common case (MAX of a column without NULLs) gets its own
		// loop.
		val, has := a.val, a.has
		for i, s := range slots {
			if s < 0 {
				continue
			}
			if v := vals[i]; !has[s] || v > val[s] {
				val[s], has[s] = v, true
			}
		}
		return
	}
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.put(s, vals[i])
		}
	}
}

func (a *minMaxAcc[T]) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.val, a.has, slots)
	return appendFixed(b, out, valid)
}

// minMaxFloat is MIN (max false) or MAX over FLOAT or DOUBLE in the total
// order of Java's Double.compare, as Flink uses: -0.0 < 0.0 and NaN is
// above +Infinity (all NaNs equal). So MIN ignores NaN unless every value
// is NaN, MAX is NaN if any value is, and neither depends on the order
// rows arrive in; NULL when no non-NULL value was seen.
type minMaxFloat[T float32 | float64] struct {
	max bool
	val []T
	has []bool
}

func (a *minMaxFloat[T]) grow(n int)    { a.val, a.has = growTo(a.val, n), growTo(a.has, n) }
func (a *minMaxFloat[T]) reset(s int32) { a.val[s], a.has[s] = 0, false }

// replaces reports whether v is a better extreme than the kept cur.
func (a *minMaxFloat[T]) replaces(v, cur T) bool {
	if a.max {
		return floatBefore(cur, v)
	}
	return floatBefore(v, cur)
}

// floatBefore reports x < y in the total order: -0.0 before 0.0, NaN
// after everything else.
func floatBefore[T float32 | float64](x, y T) bool {
	switch {
	case x < y:
		return true
	case x > y:
		return false
	case x == y: // only -0.0 before 0.0
		return x == 0 && math.Signbit(float64(x)) && !math.Signbit(float64(y))
	}
	// Unordered: x < y exactly when y alone is NaN.
	return x == x
}

func (a *minMaxFloat[T]) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] && (!a.has[d] || a.replaces(a.val[s], a.val[d])) {
			a.val[d], a.has[d] = a.val[s], true
		}
	}
}

func (a *minMaxFloat[T]) update(col arrow.Array, slots []int32) {
	vals := fixedValues[T](col)
	nulls := col.NullN() != 0
	val, has := a.val, a.has
	for i, s := range slots {
		if s < 0 || (nulls && col.IsNull(i)) {
			continue
		}
		if v := vals[i]; !has[s] || a.replaces(v, val[s]) {
			val[s], has[s] = v, true
		}
	}
}

func (a *minMaxFloat[T]) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.val, a.has, slots)
	return appendFixed(b, out, valid)
}

// minMaxBool is MIN/MAX over BOOLEAN (FALSE < TRUE).
type minMaxBool struct {
	max bool
	val []bool
	has []bool
}

func (a *minMaxBool) grow(n int)    { a.val, a.has = growTo(a.val, n), growTo(a.has, n) }
func (a *minMaxBool) reset(s int32) { a.val[s], a.has[s] = false, false }

func (a *minMaxBool) put(s int32, v bool) {
	if !a.has[s] || (a.max && v && !a.val[s]) || (!a.max && !v && a.val[s]) {
		a.val[s], a.has[s] = v, true
	}
}

func (a *minMaxBool) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] {
			a.put(d, a.val[s])
		}
	}
}

func (a *minMaxBool) update(col arrow.Array, slots []int32) {
	b := col.(*array.Boolean)
	for i, s := range slots {
		if s >= 0 && b.IsValid(i) {
			a.put(s, b.Value(i))
		}
	}
}

func (a *minMaxBool) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.val, a.has, slots)
	return appendFixed(b, out, valid)
}

// minMaxString is MIN/MAX over VARCHAR, by byte order (code point order
// for UTF-8). A value is copied only when it becomes the new extreme.
type minMaxString struct {
	max bool
	val []string
	has []bool
}

func (a *minMaxString) grow(n int)    { a.val, a.has = growTo(a.val, n), growTo(a.has, n) }
func (a *minMaxString) reset(s int32) { a.val[s], a.has[s] = "", false }

func (a *minMaxString) better(s int32, v string) bool {
	return !a.has[s] || (a.max && v > a.val[s]) || (!a.max && v < a.val[s])
}

func (a *minMaxString) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] && a.better(d, a.val[s]) {
			a.val[d], a.has[d] = a.val[s], true
		}
	}
}

func (a *minMaxString) update(col arrow.Array, slots []int32) {
	str := col.(*array.String)
	for i, s := range slots {
		if s < 0 || str.IsNull(i) {
			continue
		}
		// Value aliases the record's buffer: clone what is kept.
		if v := str.Value(i); a.better(s, v) {
			a.val[s], a.has[s] = strings.Clone(v), true
		}
	}
}

func (a *minMaxString) emit(b array.Builder, slots []int32) error {
	sb, ok := b.(*array.StringBuilder)
	if !ok {
		return appendFixed(b, []string(nil), nil)
	}
	for _, s := range slots {
		if a.has[s] {
			sb.Append(a.val[s])
		} else {
			sb.AppendNull()
		}
	}
	return nil
}

// minMaxDecimal is MIN/MAX over DECIMAL (values of one scale compare as
// integers).
type minMaxDecimal struct {
	max bool
	val []decimal128.Num
	has []bool
}

func (a *minMaxDecimal) grow(n int)    { a.val, a.has = growTo(a.val, n), growTo(a.has, n) }
func (a *minMaxDecimal) reset(s int32) { a.val[s], a.has[s] = decimal128.Num{}, false }

func (a *minMaxDecimal) put(s int32, v decimal128.Num) {
	if !a.has[s] || (a.max && v.Greater(a.val[s])) || (!a.max && v.Less(a.val[s])) {
		a.val[s], a.has[s] = v, true
	}
}

func (a *minMaxDecimal) merge(dst, src []int32) {
	for i, d := range dst {
		if s := src[i]; a.has[s] {
			a.put(d, a.val[s])
		}
	}
}

func (a *minMaxDecimal) update(col arrow.Array, slots []int32) {
	vals := fixedValues[decimal128.Num](col)
	nulls := col.NullN() != 0
	for i, s := range slots {
		if s >= 0 && (!nulls || col.IsValid(i)) {
			a.put(s, vals[i])
		}
	}
}

func (a *minMaxDecimal) emit(b array.Builder, slots []int32) error {
	out, valid := gather(a.val, a.has, slots)
	return appendFixed(b, out, valid)
}
