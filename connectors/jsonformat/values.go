package jsonformat

import (
	"bytes"
	"errors"
	"github.com/apache/arrow-go/v18/arrow"
	"math"
	"strconv"
	"unsafe"
)

// These convert one JSON token to a column's type and store it at row.
// Each returns nil or a *FieldError naming the column.

func (c *column) fail(format string, args ...any) *FieldError {
	return &FieldError{Field: c.name, Msg: fmtMsg(format, args...)}
}

// setNumber stores a JSON number token.
func (d *Decoder) setNumber(c *column, row int, num []byte, isInt bool) *FieldError {
	switch c.kind {
	case kindInt32, kindInt64, kindTimestamp:
		if !isInt {
			return c.fail("expected an integer for %s, got %s", c.sqlType, clip(num))
		}
		return c.setInt(row, num)
	case kindFloat32, kindFloat64:
		return c.setFloat(row, num)
	case kindDecimal:
		return d.setDecimal(c, row, num)
	case kindString:
		c.setString(row, num)
		return nil
	case kindBool:
		return c.fail("expected BOOLEAN, got number %s", clip(num))
	default: // kindDate
		return c.fail("expected DATE as a 'YYYY-MM-DD' string, got number %s", clip(num))
	}
}

// setText stores a JSON string's decoded content.
func (d *Decoder) setText(c *column, row int, s []byte) *FieldError {
	switch c.kind {
	case kindString:
		c.setString(row, s)
		return nil
	case kindTimestamp:
		ms, ok := parseTimestamp(s)
		if !ok {
			return c.fail("expected TIMESTAMP(3) as 'YYYY-MM-DD HH:MM:SS[.fff]', RFC 3339 or epoch milliseconds (years 0000-9999), got %s", snippet(s))
		}
		c.ts[row] = arrow.Timestamp(ms)
	case kindDate:
		day, ok := parseDate(s)
		if !ok {
			return c.fail("expected DATE as 'YYYY-MM-DD', got %s", snippet(s))
		}
		c.dates[row] = arrow.Date32(day)
	case kindBool:
		t := bytes.TrimSpace(s)
		switch {
		case bytes.EqualFold(t, []byte("true")):
			c.bools[row] = true
		case bytes.EqualFold(t, []byte("false")):
			c.bools[row] = false
		default:
			return c.fail("expected BOOLEAN, got %s", snippet(s))
		}
	case kindInt32, kindInt64:
		return c.setInt(row, bytes.TrimSpace(s))
	case kindFloat32, kindFloat64:
		return c.setFloat(row, bytes.TrimSpace(s))
	case kindDecimal:
		return d.setDecimal(c, row, bytes.TrimSpace(s))
	}
	c.valid[row] = true
	return nil
}

// setBool stores a JSON true or false.
func (c *column) setBool(row int, v bool, lit []byte) *FieldError {
	switch c.kind {
	case kindBool:
		c.bools[row] = v
		c.valid[row] = true
		return nil
	case kindString:
		c.setString(row, lit)
		return nil
	}
	return c.fail("expected %s, got boolean %s", c.sqlType, lit)
}

// setInt parses decimal integer text straight from its bytes (no float
// round trip), with an optional sign; out of range is an error.
func (c *column) setInt(row int, s []byte) *FieldError {
	i := 0
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i++
	}
	if i == len(s) {
		return c.fail("expected %s, got %s", c.sqlType, snippet(s))
	}
	var u uint64
	over := false
	for ; i < len(s); i++ {
		ch := s[i]
		if ch < '0' || ch > '9' {
			return c.fail("expected %s, got %s", c.sqlType, snippet(s))
		}
		if u > (math.MaxUint64-9)/10 {
			over = true
		}
		u = u*10 + uint64(ch-'0')
	}
	limit := uint64(math.MaxInt64)
	if c.kind == kindInt32 {
		limit = math.MaxInt32
	}
	if neg {
		limit++
	}
	if over || u > limit {
		return c.fail("value %s out of range for %s", snippet(s), c.sqlType)
	}
	v := int64(u)
	if neg {
		v = -v
	}
	switch c.kind {
	case kindInt32:
		c.i32[row] = int32(v)
	case kindInt64:
		c.i64[row] = v
	default: // kindTimestamp: epoch milliseconds
		if v < minEpochMs || v > maxEpochMs {
			return c.fail("epoch milliseconds %s out of range for TIMESTAMP(3) (years 0000-9999)", clip(s))
		}
		c.ts[row] = arrow.Timestamp(v)
	}
	c.valid[row] = true
	return nil
}

// setFloat parses FLOAT or DOUBLE text.
func (c *column) setFloat(row int, s []byte) *FieldError {
	bits := 64
	if c.kind == kindFloat32 {
		bits = 32
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(s), len(s)), bits)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return c.fail("value %s out of range for %s", snippet(s), c.sqlType)
		}
		return c.fail("expected %s, got %s", c.sqlType, snippet(s))
	}
	if bits == 32 {
		c.f32[row] = float32(f)
	} else {
		c.f64[row] = f
	}
	c.valid[row] = true
	return nil
}

func (d *Decoder) setDecimal(c *column, row int, s []byte) *FieldError {
	n, buf, msg := parseDecimal(s, c.prec, c.scale, d.digits)
	d.digits = buf
	if msg != "" {
		return c.fail("expected %s, got %s: %s", c.sqlType, snippet(s), msg)
	}
	c.dec[row] = n
	c.valid[row] = true
	return nil
}
