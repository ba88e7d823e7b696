package jsonformat

import "strconv"

// appendDate appends an epoch day as YYYY-MM-DD.
func appendDate(dst []byte, day int64) []byte {
	y, m, d := civilFromDays(day)
	if y < 0 || y > 9999 {
		// Outside the SQL range (computed values only): plain digits.
		dst = strconv.AppendInt(dst, y, 10)
	} else {
		dst = appendPadded(dst, y, 4)
	}
	dst = append(dst, '-')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, '-')
	return appendPadded(dst, d, 2)
}

// appendTimestamp appends epoch milliseconds as YYYY-MM-DD HH:MM:SS.mmm.
func appendTimestamp(dst []byte, ms int64) []byte {
	day, rem := floorDiv(ms, msPerDay)
	dst = appendDate(dst, day)
	dst = append(dst, ' ')
	dst = appendPadded(dst, rem/3_600_000, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, rem/60_000%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, rem/1000%60, 2)
	dst = append(dst, '.')
	return appendPadded(dst, rem%1000, 3)
}

// appendPadded appends a non-negative v with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	i--
	buf[i] = byte('0' + v)
	return append(dst, buf[i:]...)
}
