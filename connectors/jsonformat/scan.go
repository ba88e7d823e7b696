package jsonformat

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner works on one line held in memory that is already known to
// be valid UTF-8. Positions are byte offsets; messages report them as
// 1-based columns.

// maxDepth bounds nesting in skipped values, so hostile input cannot
// exhaust the stack.
const maxDepth = 512

// skipWS returns the first position at or after p that is not JSON
// whitespace.
func skipWS(b []byte, p int) int {
	for p < len(b) {
		switch b[p] {
		case ' ', '\t', '\n', '\r':
			p++
		default:
			return p
		}
	}
	return p
}

// describe names the byte at p for an error message.
func describe(b []byte, p int) string {
	if p >= len(b) {
		return "end of line"
	}
	r, _ := utf8.DecodeRune(b[p:])
	return "'" + string(r) + "'"
}

func unexpected(b []byte, p int, want string) *FieldError {
	if p >= len(b) {
		return syntaxErr("invalid JSON: unexpected end of line, want %s (truncated line?)", want)
	}
	return syntaxErr("invalid JSON at column %d: unexpected %s, want %s", p+1, describe(b, p), want)
}

// scanString scans the string whose opening quote is at p. It returns the
// content span [start, end), the position after the closing quote, and
// whether the content holds escapes (then it must be unescaped).
func scanString(b []byte, p int) (start, end, next int, escaped bool, err *FieldError) {
	i := p + 1
	for i < len(b) {
		i = skipPlain(b, i)
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return p + 1, i, i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, 0, 0, false, syntaxErr("invalid JSON: unterminated string starting at column %d", p+1)
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					return 0, 0, 0, false, syntaxErr("invalid JSON at column %d: bad \\u escape", i+1)
				}
				i += 6
			default:
				return 0, 0, 0, false, syntaxErr("invalid JSON at column %d: bad escape %s", i+1, describe(b, i+1))
			}
		case c < 0x20:
			return 0, 0, 0, false, syntaxErr("invalid JSON at column %d: control character 0x%02x in string (must be escaped)", i+1, c)
		default:
			i++
		}
	}
	return 0, 0, 0, false, syntaxErr("invalid JSON: unterminated string starting at column %d", p+1)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipPlain returns the first position at or after i holding a quote, a
// backslash or a control character, eight bytes at a time (SWAR: the
// lowest flagged byte of each test below is always exact).
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ (ones * '"')
		s := w ^ (ones * '\\')
		m := ((w - ones*0x20) &^ w) | ((q - ones) &^ q) | ((s - ones) &^ s)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	return i
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

func hex4(b []byte) rune {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}

// unescape appends the decoded form of a string's content (already
// validated by scanString) to dst. Lone surrogates become U+FFFD.
func unescape(dst, src []byte) []byte {
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\\')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		switch src[1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(src[2:6])
			src = src[6:]
			if utf16.IsSurrogate(r) {
				if len(src) >= 6 && src[0] == '\\' && src[1] == 'u' {
					if r2 := utf16.DecodeRune(r, hex4(src[2:6])); r2 != utf8.RuneError {
						src = src[6:]
						dst = utf8.AppendRune(dst, r2)
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, src[1])
		}
		src = src[2:]
	}
	return dst
}

// scanNumber scans the JSON number at p. It returns the position after it
// and whether it is an integer (no fraction, no exponent).
func scanNumber(b []byte, p int) (next int, isInt bool, err *FieldError) {
	i := p
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0, false, unexpected(b, i, "a digit")
	}
	isInt = true
	if i < len(b) && b[i] == '.' {
		isInt = false
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false, unexpected(b, i, "a digit after '.'")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		isInt = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false, unexpected(b, i, "a digit in the exponent")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i, isInt, nil
}

// scanLiteral checks that the literal word (true, false, null) is at p and
// returns the position after it.
func scanLiteral(b []byte, p int, word string) (int, *FieldError) {
	if len(b)-p < len(word) || string(b[p:p+len(word)]) != word {
		return 0, syntaxErr("invalid JSON at column %d: unknown literal, want %s", p+1, word)
	}
	return p + len(word), nil
}

// skipValue validates and skips the JSON value at p.
func skipValue(b []byte, p, depth int) (int, *FieldError) {
	if p >= len(b) {
		return 0, unexpected(b, p, "a value")
	}
	switch c := b[p]; {
	case c == '"':
		_, _, next, _, err := scanString(b, p)
		return next, err
	case c == '-' || (c >= '0' && c <= '9'):
		next, _, err := scanNumber(b, p)
		return next, err
	case c == 't':
		return scanLiteral(b, p, "true")
	case c == 'f':
		return scanLiteral(b, p, "false")
	case c == 'n':
		return scanLiteral(b, p, "null")
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, syntaxErr("invalid JSON at column %d: nested deeper than %d levels", p+1, maxDepth)
		}
		return skipContainer(b, p, depth)
	default:
		return 0, unexpected(b, p, "a value")
	}
}

// skipContainer skips the object or array that opens at p.
func skipContainer(b []byte, p, depth int) (int, *FieldError) {
	object := b[p] == '{'
	closer := byte(']')
	if object {
		closer = '}'
	}
	p = skipWS(b, p+1)
	if p < len(b) && b[p] == closer {
		return p + 1, nil
	}
	for {
		var err *FieldError
		if object {
			if p >= len(b) || b[p] != '"' {
				return 0, unexpected(b, p, "a field name")
			}
			if _, _, p, _, err = scanString(b, p); err != nil {
				return 0, err
			}
			p = skipWS(b, p)
			if p >= len(b) || b[p] != ':' {
				return 0, unexpected(b, p, "':'")
			}
			p = skipWS(b, p+1)
		}
		if p, err = skipValue(b, p, depth+1); err != nil {
			return 0, err
		}
		p = skipWS(b, p)
		if p < len(b) && b[p] == ',' {
			p = skipWS(b, p+1)
			continue
		}
		if p < len(b) && b[p] == closer {
			return p + 1, nil
		}
		return 0, unexpected(b, p, "',' or '"+string(closer)+"'")
	}
}
