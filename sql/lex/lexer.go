package lex

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Span is a byte range [Off, End) of the source.
type Span struct{ Off, End int }

// Error is a lexical error at a byte offset.
type Error struct {
	Off int
	Msg string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// Result is the outcome of Lex: the tokens, and the comments that were
// skipped (the pre-pass blanks them out before the TiDB parser runs, since
// MySQL reads `--` differently from Flink).
type Result struct {
	Tokens   []Token
	Comments []Span
}

// multiPunct lists the operators of more than one character, longest first.
var multiPunct = []string{"<=>", "<=", ">=", "<>", "!=", "||", "&&", "<<", ">>", ":="}

// Lex splits src into tokens. It stops at the first unterminated string,
// quoted identifier or comment and reports it with its start offset.
func Lex(src string) (*Result, *Error) {
	r := &Result{}
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			end := i
			for end < len(src) && src[end] != '\n' {
				end++
			}
			r.Comments = append(r.Comments, Span{i, end})
			i = end
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := indexFrom(src, i+2, "*/")
			if end < 0 {
				return r, &Error{Off: i, Msg: "comment is not terminated (missing */)"}
			}
			r.Comments = append(r.Comments, Span{i, end + 2})
			i = end + 2
		case c == '\'' || c == '"' || c == '`':
			end, ok := scanQuoted(src, i)
			if !ok {
				what := "string literal"
				if c == '`' {
					what = "quoted identifier"
				}
				return r, &Error{Off: i, Msg: fmt.Sprintf("%s is not terminated (missing %c)", what, c)}
			}
			kind := String
			if c == '`' {
				kind = QuotedIdent
			}
			r.Tokens = append(r.Tokens, Token{Kind: kind, Off: i, End: end, Text: src[i:end]})
			i = end
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			end := scanNumber(src, i)
			r.Tokens = append(r.Tokens, Token{Kind: Number, Off: i, End: end, Text: src[i:end]})
			i = end
		case isIdentStart(src, i):
			end := i
			for end < len(src) && isIdentPart(src, end) {
				_, n := utf8.DecodeRuneInString(src[end:])
				end += n
			}
			r.Tokens = append(r.Tokens, Token{Kind: Ident, Off: i, End: end, Text: src[i:end]})
			i = end
		default:
			n := 0
			for _, p := range multiPunct {
				if len(src)-i >= len(p) && src[i:i+len(p)] == p {
					n = len(p)
					break
				}
			}
			if n == 0 {
				_, n = utf8.DecodeRuneInString(src[i:])
			}
			r.Tokens = append(r.Tokens, Token{Kind: Punct, Off: i, End: i + n, Text: src[i : i+n]})
			i += n
		}
	}
	return r, nil
}

func indexFrom(s string, from int, sub string) int {
	for j := from; j+len(sub) <= len(s); j++ {
		if s[j:j+len(sub)] == sub {
			return j
		}
	}
	return -1
}

// scanQuoted returns the end of the quoted token starting at i; a doubled
// quote character stands for one and does not end it.
func scanQuoted(src string, i int) (int, bool) {
	q := src[i]
	j := i + 1
	for j < len(src) {
		if src[j] == q {
			if j+1 < len(src) && src[j+1] == q {
				j += 2
				continue
			}
			return j + 1, true
		}
		j++
	}
	return len(src), false
}

func scanNumber(src string, i int) int {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j < len(src) && src[j] == '.' {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			j = k
		}
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(src string, i int) bool {
	c := src[i]
	if c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
		return c != '$'
	}
	if c < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r)
}

func isIdentPart(src string, i int) bool {
	c := src[i]
	if c == '_' || c == '$' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') {
		return true
	}
	if c < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
