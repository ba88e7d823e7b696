package jsonformat

// digits reads n ASCII digits at p; ok is false if any is not a digit.
func digits(b []byte, p, n int) (v int64, ok bool) {
	if p+n > len(b) {
		return 0, false
	}
	for _, c := range b[p : p+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// parseDateAt reads YYYY-MM-DD at the start of b and returns the epoch day.
func parseDateAt(b []byte) (int64, bool) {
	y, ok1 := digits(b, 0, 4)
	m, ok2 := digits(b, 5, 2)
	d, ok3 := digits(b, 8, 2)
	if !ok1 || !ok2 || !ok3 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// parseDate parses a DATE: YYYY-MM-DD.
func parseDate(b []byte) (int32, bool) {
	if len(b) != 10 {
		return 0, false
	}
	d, ok := parseDateAt(b)
	return int32(d), ok
}

// parseTimestamp parses a TIMESTAMP(3) in SQL form
// (2024-01-01 00:00:10.123) or RFC 3339 (2024-01-01T00:00:10.123Z,
// offsets converted to UTC). Up to 9 fraction digits are accepted; digits
// past milliseconds are truncated. A string without an offset is UTC.
func parseTimestamp(b []byte) (int64, bool) {
	if len(b) < 19 {
		return 0, false
	}
	day, ok := parseDateAt(b)
	if !ok {
		return 0, false
	}
	if sep := b[10]; sep != ' ' && sep != 'T' && sep != 't' {
		return 0, false
	}
	hh, ok1 := digits(b, 11, 2)
	mm, ok2 := digits(b, 14, 2)
	ss, ok3 := digits(b, 17, 2)
	if !ok1 || !ok2 || !ok3 || b[13] != ':' || b[16] != ':' || hh > 23 || mm > 59 || ss > 59 {
		return 0, false
	}
	ms := int64(0)
	p := 19
	if p < len(b) && b[p] == '.' {
		p++
		n := 0
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			if n < 3 {
				ms = ms*10 + int64(b[p]-'0')
			}
			n++
			p++
		}
		if n == 0 || n > 9 {
			return 0, false
		}
		for ; n < 3; n++ {
			ms *= 10
		}
	}
	t := day*msPerDay + ((hh*60+mm)*60+ss)*1000 + ms
	if p < len(b) {
		switch b[p] {
		case 'Z', 'z':
			p++
		case '+', '-':
			oh, ok1 := digits(b, p+1, 2)
			om, ok2 := digits(b, p+4, 2)
			if !ok1 || !ok2 || b[p+3] != ':' || oh > 23 || om > 59 {
				return 0, false
			}
			off := (oh*60 + om) * 60_000
			if b[p] == '+' {
				t -= off
			} else {
				t += off
			}
			p += 6
		default:
			return 0, false
		}
	}
	if p != len(b) || t < minEpochMs || t > maxEpochMs {
		return 0, false
	}
	return t, true
}
