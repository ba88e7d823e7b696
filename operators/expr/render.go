package expr

import (
	"math"
	"math/big"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// appendJavaFloat renders a DOUBLE (bitSize 64) or FLOAT (32) the way
// Java's Double.toString / Float.toString do since JDK 19: the shortest
// digits that round-trip (what strconv's -1 precision gives), plain
// notation with at least one fraction digit for magnitudes in [1e-3, 1e7),
// otherwise d.dddE±n; NaN, Infinity, -Infinity; -0.0.
func appendJavaFloat(b []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	a := math.Abs(f)
	if a >= 1e-3 && a < 1e7 {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, bitSize)
		for _, c := range b[start:] {
			if c == '.' {
				return b
			}
		}
		return append(b, ".0"...)
	}
	var tmp [40]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, bitSize) // -1.2345e+10
	i := 0
	for e[i] != 'e' {
		i++
	}
	b = append(b, e[:i]...)
	hasDot := false
	for _, c := range e[:i] {
		if c == '.' {
			hasDot = true
		}
	}
	if !hasDot {
		b = append(b, ".0"...)
	}
	b = append(b, 'E')
	exp := e[i+1:]
	if exp[0] == '-' {
		b = append(b, '-')
	}
	exp = exp[1:]
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	return append(b, exp...)
}

// appendDecimal renders a DECIMAL with exactly scale fraction digits.
func appendDecimal(b []byte, n decimal128.Num, scale int32) []byte {
	neg, m := splitDec(n)
	var tmp [48]byte
	var digits []byte
	if m.hi == 0 {
		digits = strconv.AppendUint(tmp[:0], m.lo, 10)
	} else {
		digits = new(big.Int).Abs(n.BigInt()).Append(tmp[:0], 10)
	}
	if neg {
		b = append(b, '-')
	}
	if scale <= 0 {
		b = append(b, digits...)
		for ; scale < 0; scale++ {
			b = append(b, '0')
		}
		return b
	}
	s := int(scale)
	if len(digits) <= s {
		b = append(b, '0', '.')
		for k := len(digits); k < s; k++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:len(digits)-s]...)
	b = append(b, '.')
	return append(b, digits[len(digits)-s:]...)
}

// appendDate renders days since the epoch as yyyy-MM-dd.
func appendDate(b []byte, days int64) []byte {
	y, m, d := civilFromDays(days)
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, int64(m), 2)
	b = append(b, '-')
	return appendPadded(b, int64(d), 2)
}

// appendTimestamp renders epoch milliseconds as yyyy-MM-dd HH:mm:ss.SSS.
func appendTimestamp(b []byte, ms int64) []byte {
	days, tod := floorDiv(ms, msPerDay), floorMod(ms, msPerDay)
	b = appendDate(b, days)
	b = append(b, ' ')
	b = appendPadded(b, tod/3_600_000, 2)
	b = append(b, ':')
	b = appendPadded(b, tod/60_000%60, 2)
	b = append(b, ':')
	b = appendPadded(b, tod/1000%60, 2)
	b = append(b, '.')
	return appendPadded(b, tod%1000, 3)
}
