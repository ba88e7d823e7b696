package lex

import "strings"

// Kind classifies a token.
type Kind int

// The token kinds.
const (
	// Ident is a bare word: an identifier or a keyword.
	Ident Kind = iota + 1
	// QuotedIdent is a `back-quoted` identifier.
	QuotedIdent
	// String is a '...' literal (or a "..." literal, which the TiDB
	// grammar also reads as a string).
	String
	// Number is a numeric literal: 12, 1.5, .5, 1e3.
	Number
	// Punct is an operator or punctuation: ( ) , ; . + - * / % = <> != <
	// <= > >= || and the like.
	Punct
)

// Token is one lexical token of SQL text.
type Token struct {
	Kind Kind
	// Off and End are the byte offsets of the token in the file: the
	// token's text is src[Off:End].
	Off, End int
	// Text is the token's text as written (quotes included).
	Text string
}

// Is reports whether t is the bare word w (case-insensitive) or, for
// punctuation, exactly w.
func (t Token) Is(w string) bool {
	switch t.Kind {
	case Ident:
		return strings.EqualFold(t.Text, w)
	case Punct:
		return t.Text == w
	}
	return false
}

// IsIdent reports whether t can name something: a bare word or a
// back-quoted identifier.
func (t Token) IsIdent() bool { return t.Kind == Ident || t.Kind == QuotedIdent }

// Name returns the identifier t names: back-quotes removed (a doubled
// back-quote stands for one), a bare word as written.
func (t Token) Name() string {
	if t.Kind == QuotedIdent && len(t.Text) >= 2 {
		return strings.ReplaceAll(t.Text[1:len(t.Text)-1], "``", "`")
	}
	return t.Text
}

// StringValue returns the value of a '...' or "..." literal: the quotes
// removed and a doubled quote read as one. Backslashes are literal, as in
// Flink SQL.
func (t Token) StringValue() string {
	if t.Kind != String || len(t.Text) < 2 {
		return t.Text
	}
	q := t.Text[:1]
	return strings.ReplaceAll(t.Text[1:len(t.Text)-1], q+q, q)
}
