package expr

import (
	"math/big"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Parsers for CAST from VARCHAR. They take the text with surrounding
// white space already removed and never allocate on the common path.

// parseBool accepts true/t/yes/y/1 and false/f/no/n/0, any case.
func parseBool(s string) (bool, bool) {
	if len(s) > 5 {
		return false, false
	}
	var lower [5]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(s)]) {
	case "true", "t", "yes", "y", "1":
		return true, true
	case "false", "f", "no", "n", "0":
		return false, true
	}
	return false, false
}

// parseInt parses a decimal integer with optional sign; a fraction
// ("12.7") is accepted and truncated, as Flink does. bits is 32 or 64.
func parseInt(s string, bits int) (int64, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	limit := uint64(1) << (bits - 1) // magnitude limit for negatives
	var v uint64
	digits := 0
	for ; i < len(s) && s[i] != '.'; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (limit-d)/10 {
			return 0, false
		}
		v = v*10 + d
		digits++
	}
	if i < len(s) { // fraction: digits only, at least one digit overall
		i++
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		return -int64(v), true
	}
	if v == limit {
		return 0, false
	}
	return int64(v), true
}

// parseDecimal parses [sign] digits [. digits] [e [sign] digits] into a
// DECIMAL(prec, scale), rounding half away from zero.
func parseDecimal(s []byte, prec, scale int32) (decimal128.Num, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var m u128
	nd := 0          // significant digits kept in m
	frac := int64(0) // digits after the point
	any := false
	var big1 *big.Int
	seenDot := false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if seenDot {
				return decimal128.Num{}, false
			}
			seenDot = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		any = true
		if seenDot {
			frac++
		}
		if nd == 0 && c == '0' {
			continue
		}
		nd++
		if big1 == nil && nd <= 38 {
			m, _ = m.mulSmall(10)
			m, _ = m.add(u128{lo: uint64(c - '0')})
			continue
		}
		if big1 == nil {
			big1 = new(big.Int).SetUint64(m.hi)
			big1.Lsh(big1, 64).Or(big1, new(big.Int).SetUint64(m.lo))
		}
		big1.Mul(big1, bigTen).Add(big1, big.NewInt(int64(c-'0')))
	}
	if !any {
		return decimal128.Num{}, false
	}
	exp := int64(0)
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return decimal128.Num{}, false
		}
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' || exp > 1e6 {
				return decimal128.Num{}, false
			}
			exp = exp*10 + int64(s[i]-'0')
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return decimal128.Num{}, false
	}
	if nd == 0 {
		return decimal128.Num{}, true
	}
	shift := exp - frac + int64(scale)
	if shift > 80 {
		return decimal128.Num{}, false
	}
	if shift < -80 {
		return decimal128.Num{}, true
	}
	if big1 == nil {
		if r, ok := rescaleMag(m, int32(shift)); ok {
			if !fitsPrec(r, prec) {
				return decimal128.Num{}, false
			}
			return joinDec(neg && !r.isZero(), r), true
		}
		big1 = new(big.Int).SetUint64(m.hi)
		big1.Lsh(big1, 64).Or(big1, new(big.Int).SetUint64(m.lo))
	}
	if neg {
		big1.Neg(big1)
	}
	return bigToDec(bigRescale(big1, int32(shift)), prec)
}

// parseDate parses [-]yyyy-MM-dd (month and day may have one digit) into
// days since the epoch; n is the number of bytes consumed.
func parseDate(s string) (days int64, n int, ok bool) {
	i := 0
	neg := len(s) > 0 && s[0] == '-' // years before 1 AD, as rendered
	if neg {
		i++
	}
	y, i, ok := parseDigits(s, i, 4, 9)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	if neg {
		y = -y
	}
	m, i, ok := parseDigits(s, i+1, 1, 2)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	d, i, ok := parseDigits(s, i+1, 1, 2)
	if !ok || m < 1 || m > 12 || d < 1 || d > int64(daysInMonth(y, int(m))) {
		return 0, 0, false
	}
	return daysFromCivil(y, int(m), int(d)), i, true
}

// parseDigits reads between lo and hi decimal digits at s[i:].
func parseDigits(s string, i, lo, hi int) (int64, int, bool) {
	var v int64
	j := i
	for j < len(s) && j-i < hi && s[j] >= '0' && s[j] <= '9' {
		v = v*10 + int64(s[j]-'0')
		j++
	}
	if j-i < lo {
		return 0, i, false
	}
	return v, j, true
}

// parseTimestamp parses a date, optionally followed by ' ' or 'T' and
// HH:mm[:ss[.fraction]] and a zone (Z or ±HH[:]mm), into epoch
// milliseconds in UTC. Fraction digits beyond milliseconds are truncated.
func parseTimestamp(s string) (int64, bool) {
	days, i, ok := parseDate(s)
	if !ok {
		return 0, false
	}
	ms := days * msPerDay
	if i == len(s) {
		return ms, true
	}
	if s[i] != ' ' && s[i] != 'T' && s[i] != 't' {
		return 0, false
	}
	h, i, ok := parseDigits(s, i+1, 1, 2)
	if !ok || i >= len(s) || s[i] != ':' || h > 23 {
		return 0, false
	}
	mi, i, ok := parseDigits(s, i+1, 2, 2)
	if !ok || mi > 59 {
		return 0, false
	}
	var sec, frac int64
	if i < len(s) && s[i] == ':' {
		if sec, i, ok = parseDigits(s, i+1, 2, 2); !ok || sec > 59 {
			return 0, false
		}
		if i < len(s) && s[i] == '.' {
			j := i + 1
			scale := int64(100)
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				frac += int64(s[j]-'0') * scale
				scale /= 10
				j++
			}
			if j == i+1 || j-i-1 > 9 {
				return 0, false
			}
			i = j
		}
	}
	ms += h*3_600_000 + mi*60_000 + sec*1000 + frac
	if i == len(s) {
		return ms, true
	}
	switch s[i] {
	case 'Z', 'z':
		return ms, i+1 == len(s)
	case '+', '-':
		sign := int64(1)
		if s[i] == '-' {
			sign = -1
		}
		oh, j, ok := parseDigits(s, i+1, 2, 2)
		if !ok || oh > 18 {
			return 0, false
		}
		if j < len(s) && s[j] == ':' {
			j++
		}
		om, j, ok := parseDigits(s, j, 2, 2)
		if !ok || om > 59 || j != len(s) {
			return 0, false
		}
		return ms - sign*(oh*3_600_000+om*60_000), true
	}
	return 0, false
}
