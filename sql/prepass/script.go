package prepass

import (
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/lex"
)

// Kind says what a statement is and which field of Stmt describes it.
type Kind int

// The statement kinds.
const (
	// Query is anything handed to the TiDB parser: SELECT, INSERT, CREATE
	// VIEW, and every statement the pre-pass does not recognise.
	Query Kind = iota + 1
	// CreateTable is CREATE TABLE, parsed by the pre-pass.
	CreateTable
	// Set is SET 'key' = 'value'.
	Set
)

// Script is a SQL file split into statements.
type Script struct {
	File  *lex.File
	Stmts []*Stmt
	// Broken are the names of tables whose CREATE TABLE had errors, so
	// that later statements naming them do not report them again.
	Broken []string
}

// Stmt is one statement of a script.
type Stmt struct {
	Kind Kind
	// Start and End are the byte offsets of the statement's first token
	// and of the end of its last token (the ; excluded).
	Start, End int
	// Toks are the statement's tokens, with file offsets.
	Toks []lex.Token
	// Query is the rewritten text of a Query statement.
	Query *Text
	// Table is the parsed CREATE TABLE.
	Table *TableDef
	// Set is the parsed SET.
	Set *SetDef
}

// Text is SQL for the TiDB parser: the user's text rewritten without moving
// any offset, plus what was lifted out of it.
type Text struct {
	// SQL is the text to parse.
	SQL string
	// Base is the file offset of SQL[0]: an offset o reported by the
	// parser is the file offset Base+o.
	Base int
	// Lifts holds the lifted clauses, keyed by file offset.
	Lifts *Lifts
}

// Lifts are the pieces of a query the pre-pass rewrote, keyed by the file
// offset of the node the TiDB parser sees in their place.
type Lifts struct {
	// Intervals are INTERVAL literals, each replaced by a blank string
	// literal starting at the INTERVAL keyword.
	Intervals map[int]Interval
	// Calls are CAST, EXTRACT and SESSION calls whose name was replaced by
	// a placeholder of the same width (WCAS, WEXTRCT, WSESSON).
	Calls map[int]*Call
}

// Interval is a day-time INTERVAL literal.
type Interval struct {
	// Millis is the interval's length in milliseconds.
	Millis int64
	// Text is the literal as written, for messages and EXPLAIN.
	Text string
}

// Call is a function call whose syntax the pre-pass rewrote.
type Call struct {
	// Name is the function as the user wrote it, upper case: CAST,
	// EXTRACT or SESSION.
	Name string
	// Type are the tokens of CAST's target type.
	Type []lex.Token
	// Unit is EXTRACT's unit token.
	Unit lex.Token
}

// Placeholder names the rewritten calls get; each has the width of the
// name it replaces.
const (
	castName    = "WCAS"
	extractName = "WEXTRCT"
	sessionName = "WSESSON"
)

// Run lexes src and splits it into statements, parsing CREATE TABLE and SET
// and rewriting the queries for the TiDB parser. It returns every error
// found; statements with errors are left out of the script.
func Run(name, src string) (*Script, diag.List) {
	f := lex.NewFile(name, src)
	s := &Script{File: f}
	var errs diag.List
	res, lerr := lex.Lex(src)
	if lerr != nil {
		errs.Add(f.Pos(lerr.Off), "%s", lerr.Msg)
		return s, errs
	}
	p := &pass{file: f, comments: res.Comments}
	start := 0
	toks := res.Tokens
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && !toks[i].Is(";") {
			continue
		}
		if i > start {
			st, serrs := p.statement(toks[start:i])
			errs = append(errs, serrs...)
			switch {
			case len(serrs) == 0:
				s.Stmts = append(s.Stmts, st)
			case st.Kind == CreateTable:
				if name, ok := tableName(toks[start:i]); ok {
					s.Broken = append(s.Broken, name)
				}
			}
		}
		start = i + 1
	}
	return s, errs
}

// pass holds what the pre-pass needs across statements.
type pass struct {
	file     *lex.File
	comments []lex.Span
}

func (p *pass) errorf(errs *diag.List, off int, format string, args ...any) {
	errs.Add(p.file.Pos(off), format, args...)
}

// statement classifies and pre-processes one statement.
func (p *pass) statement(toks []lex.Token) (*Stmt, diag.List) {
	st := &Stmt{Start: toks[0].Off, End: toks[len(toks)-1].End, Toks: toks}
	var errs diag.List
	switch {
	case isCreate(toks, "TABLE"):
		st.Kind = CreateTable
		st.Table = p.createTable(toks, &errs)
	case toks[0].Is("SET"):
		st.Kind = Set
		st.Set = p.set(toks, &errs)
	case isCreate(toks, "FUNCTION"):
		p.errorf(&errs, toks[0].Off, "CREATE FUNCTION is not supported yet")
	default:
		st.Kind = Query
		st.Query = p.rewrite(toks, st.Start, st.End, "", &errs)
	}
	return st, errs
}

// isCreate reports whether toks start with CREATE [TEMPORARY] what.
func isCreate(toks []lex.Token, what string) bool {
	if len(toks) < 2 || !toks[0].Is("CREATE") {
		return false
	}
	i := 1
	if toks[i].Is("TEMPORARY") && len(toks) > 2 {
		i++
	}
	return toks[i].Is(what)
}

// matching returns the index of the ) that closes the ( at toks[open], or
// -1.
func matching(toks []lex.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].Is("("):
			depth++
		case toks[i].Is(")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// tableName finds the table name of a CREATE TABLE, however malformed the
// rest is.
func tableName(toks []lex.Token) (string, bool) {
	i := 2
	if toks[1].Is("TEMPORARY") {
		i++
	}
	if i+2 < len(toks) && toks[i].Is("IF") && toks[i+1].Is("NOT") && toks[i+2].Is("EXISTS") {
		i += 3
	}
	if i >= len(toks) || !toks[i].IsIdent() {
		return "", false
	}
	for i+2 < len(toks) && toks[i+1].Is(".") && toks[i+2].IsIdent() {
		i += 2
	}
	return toks[i].Name(), true
}
