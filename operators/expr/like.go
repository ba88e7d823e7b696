package expr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// likeKind is the shape of a LIKE pattern; the common shapes avoid the
// general matcher.
type likeKind int

const (
	likeExact    likeKind = iota // 'abc'
	likePrefix                   // 'abc%'
	likeSuffix                   // '%abc'
	likeContains                 // '%abc%'
	likeAny                      // '%'
	likeGeneral                  // anything with '_' or inner '%'
)

// likeSeg is a run of pattern between two '%': literal text and '_'
// (one character, any rune).
type likeSeg struct {
	items []likeItem
	runes int // characters the segment matches
}

type likeItem struct {
	lit string // literal text; empty means '_'
}

// likeMatcher is a compiled LIKE pattern: first % middle... % last, or
// just first when the pattern has no '%'.
type likeMatcher struct {
	kind    likeKind
	lit     string
	percent bool      // the pattern has at least one '%'
	first   likeSeg   // anchored at the start (may be empty)
	middle  []likeSeg // non-empty segments between '%'s
	last    likeSeg   // anchored at the end (may be empty)
}

// compileLike parses a LIKE pattern. esc is the escape character, or ""
// for none; it must be a single character, and may quote only '%', '_'
// and itself.
func compileLike(pattern, esc string) (*likeMatcher, error) {
	var escR rune = -1
	if esc != "" {
		r, size := utf8.DecodeRuneInString(esc)
		if size != len(esc) {
			return nil, fmt.Errorf("%w: LIKE escape %s must be a single character", ErrInvalidValue, sqlQuote(esc))
		}
		escR = r
	}
	var parts []likeSeg
	var cur likeSeg
	var lit strings.Builder
	flushLit := func() {
		if lit.Len() > 0 {
			l := lit.String()
			cur.items = append(cur.items, likeItem{lit: l})
			cur.runes += utf8.RuneCountInString(l)
			lit.Reset()
		}
	}
	underscore := false
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case r == escR:
			if i+size >= len(pattern) {
				return nil, fmt.Errorf("%w: LIKE pattern %s ends with the escape character", ErrInvalidValue, sqlQuote(pattern))
			}
			n, nsize := utf8.DecodeRuneInString(pattern[i+size:])
			if n != '%' && n != '_' && n != escR {
				return nil, fmt.Errorf("%w: LIKE pattern %s: invalid escape sequence at byte %d (the escape character may only quote %%, _ and itself)", ErrInvalidValue, sqlQuote(pattern), i)
			}
			lit.WriteRune(n)
			size += nsize
		case r == '%':
			flushLit()
			parts = append(parts, cur)
			cur = likeSeg{}
		case r == '_':
			flushLit()
			underscore = true
			cur.items = append(cur.items, likeItem{})
			cur.runes++
		default:
			lit.WriteString(pattern[i : i+size])
		}
		i += size
	}
	flushLit()
	parts = append(parts, cur)
	m := &likeMatcher{first: parts[0]}
	if len(parts) > 1 {
		m.percent = true
		m.last = parts[len(parts)-1]
		for _, p := range parts[1 : len(parts)-1] {
			if len(p.items) > 0 {
				m.middle = append(m.middle, p)
			}
		}
	}
	m.kind = likeGeneral
	if underscore {
		return m, nil
	}
	litOf := func(g likeSeg) string {
		if len(g.items) == 0 {
			return ""
		}
		return g.items[0].lit
	}
	first, last := litOf(m.first), litOf(m.last)
	switch {
	case !m.percent:
		m.kind, m.lit = likeExact, first
	case len(m.middle) == 0 && last == "" && first == "":
		m.kind = likeAny
	case len(m.middle) == 0 && last == "":
		m.kind, m.lit = likePrefix, first
	case len(m.middle) == 0 && first == "":
		m.kind, m.lit = likeSuffix, last
	case len(m.middle) == 1 && first == "" && last == "":
		m.kind, m.lit = likeContains, litOf(m.middle[0])
	}
	return m, nil
}

// match reports whether s matches the pattern.
func (m *likeMatcher) match(s string) bool {
	switch m.kind {
	case likeExact:
		return s == m.lit
	case likePrefix:
		return strings.HasPrefix(s, m.lit)
	case likeSuffix:
		return strings.HasSuffix(s, m.lit)
	case likeContains:
		return strings.Contains(s, m.lit)
	case likeAny:
		return true
	}
	return m.matchGeneral(s)
}

// matchGeneral matches first % middle... % last: first at the start,
// last at the end, each middle segment at its leftmost position, which is
// optimal because every segment matches a fixed number of characters.
func (m *likeMatcher) matchGeneral(s string) bool {
	pos := m.first.matchAt(s, 0)
	if pos < 0 {
		return false
	}
	if !m.percent {
		return pos == len(s)
	}
	for i := range m.middle {
		end := m.middle[i].find(s, pos)
		if end < 0 {
			return false
		}
		pos = end
	}
	start := len(s)
	for n := 0; n < m.last.runes; n++ {
		if start <= pos {
			return false
		}
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	if start < pos {
		return false
	}
	return m.last.matchAt(s, start) == len(s)
}

// matchAt matches the segment at byte offset p and returns the offset
// after it, or -1.
func (g *likeSeg) matchAt(s string, p int) int {
	for _, it := range g.items {
		if it.lit != "" {
			if !strings.HasPrefix(s[p:], it.lit) {
				return -1
			}
			p += len(it.lit)
			continue
		}
		if p >= len(s) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(s[p:])
		p += size
	}
	return p
}

// find returns the end of the leftmost match of the segment at or after
// byte offset p, or -1.
func (g *likeSeg) find(s string, p int) int {
	if len(g.items) == 0 {
		return p
	}
	for p <= len(s) {
		if lead := g.items[0].lit; lead != "" {
			j := strings.Index(s[p:], lead)
			if j < 0 {
				return -1
			}
			p += j
		}
		if end := g.matchAt(s, p); end >= 0 {
			return end
		}
		if p == len(s) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(s[p:])
		p += size
	}
	return -1
}
