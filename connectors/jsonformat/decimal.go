package jsonformat

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// maxExponent bounds the exponent accepted in decimal text; larger values
// can never fit DECIMAL(38, s) anyway.
const maxExponent = 100_000

// parseDecimal converts decimal text (an optional sign, digits with an
// optional point, an optional exponent) to a DECIMAL(prec, scale) value,
// exactly, rounding half up past scale as Flink does. digitBuf is scratch.
// msg is "" on success, else what was wrong.
func parseDecimal(b []byte, prec, scale int32, digitBuf []byte) (n decimal128.Num, buf []byte, msg string) {
	buf = digitBuf[:0]
	i := 0
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	fracLen, seen := 0, false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		buf, seen = append(buf, b[i]), true
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			buf, seen = append(buf, b[i]), true
			fracLen++
		}
	}
	if !seen {
		return n, buf, "not a number"
	}
	exp := int64(0)
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if exp = exp*10 + int64(b[i]-'0'); exp > maxExponent {
				return n, buf, "exponent out of range"
			}
		}
		if i == start {
			return n, buf, "not a number"
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) {
		return n, buf, "not a number"
	}
	digs := buf
	for len(digs) > 0 && digs[0] == '0' {
		digs = digs[1:]
	}
	curScale := int64(fracLen) - exp
	if curScale <= int64(scale) {
		shift := int64(scale) - curScale
		if len(digs) == 0 {
			return n, buf, ""
		}
		if int64(len(digs))+shift > int64(prec) {
			return n, buf, outOfRange(prec, scale)
		}
		n = digitsToNum(digs).Mul(decimal128.GetScaleMultiplier(int(shift)))
	} else {
		keep := int64(len(digs)) - (curScale - int64(scale))
		switch {
		case keep < 0:
			// Every digit is below half a unit of the last place.
		case keep > int64(prec):
			return n, buf, outOfRange(prec, scale)
		default:
			n = digitsToNum(digs[:keep])
			if digs[keep] >= '5' {
				n = n.Add(decimal128.FromU64(1))
			}
		}
	}
	if !n.FitsInPrecision(prec) {
		return decimal128.Num{}, buf, outOfRange(prec, scale)
	}
	if neg {
		n = n.Negate()
	}
	return n, buf, ""
}

func outOfRange(prec, scale int32) string {
	return "out of range for DECIMAL(" + strconv.Itoa(int(prec)) + ", " + strconv.Itoa(int(scale)) + ")"
}

// digitsToNum converts at most 38 ASCII digits.
func digitsToNum(digs []byte) decimal128.Num {
	var n decimal128.Num
	for len(digs) > 0 {
		k := min(len(digs), 18)
		var chunk uint64
		for _, c := range digs[:k] {
			chunk = chunk*10 + uint64(c-'0')
		}
		n = n.Mul(decimal128.GetScaleMultiplier(k)).Add(decimal128.FromU64(chunk))
		digs = digs[k:]
	}
	return n
}

// appendDecimal appends n with scale digits after the point, as JSON
// number text.
func appendDecimal(dst []byte, n decimal128.Num, scale int32, tmp []byte) ([]byte, []byte) {
	if n.Sign() < 0 {
		dst = append(dst, '-')
		n = n.Abs()
	}
	tmp = tmp[:0]
	if n.HighBits() == 0 {
		tmp = strconv.AppendUint(tmp, n.LowBits(), 10)
	} else {
		tmp = n.BigInt().Append(tmp, 10)
	}
	if scale <= 0 {
		dst = append(dst, tmp...)
		for ; scale < 0; scale++ {
			dst = append(dst, '0')
		}
		return dst, tmp
	}
	s := int(scale)
	if len(tmp) <= s {
		dst = append(dst, '0', '.')
		for i := len(tmp); i < s; i++ {
			dst = append(dst, '0')
		}
		return append(dst, tmp...), tmp
	}
	dst = append(dst, tmp[:len(tmp)-s]...)
	dst = append(dst, '.')
	return append(dst, tmp[len(tmp)-s:]...), tmp
}
