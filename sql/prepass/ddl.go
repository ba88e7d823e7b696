package prepass

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/lex"
	"github.com/weir-stream/weir/sql/types"
)

// TableDef is a parsed CREATE TABLE statement.
type TableDef struct {
	// Name is the table name as written (the last part of a dotted name).
	Name string
	// Off is where CREATE is; NameOff where the name is.
	Off, NameOff int
	// IfNotExists is set by CREATE TABLE IF NOT EXISTS.
	IfNotExists bool
	Columns     []ColumnDef
	Watermark   *WatermarkDef
	// Options are the WITH options in the order written.
	Options []Option
	// HasWith reports whether a WITH clause was written.
	HasWith bool
}

// ColumnDef is one column of a CREATE TABLE.
type ColumnDef struct {
	Name    string
	Off     int
	Type    arrow.DataType
	NotNull bool
	// Metadata is set for a column declared METADATA [FROM 'key']
	// [VIRTUAL]; nil for a physical column.
	Metadata *MetadataDef
}

// WatermarkDef is WATERMARK FOR col AS expr.
type WatermarkDef struct {
	// Off is where WATERMARK is.
	Off int
	// Column is the event-time column's name and ColumnOff where it is.
	Column    string
	ColumnOff int
	// Expr is the expression rewritten for the TiDB parser as
	// "SELECT expr", offsets preserved.
	Expr *Text
	// ExprOff is where the expression starts.
	ExprOff int
}

// Option is one 'key' = 'value' of a WITH clause.
type Option struct {
	Key, Value string
	// Off is where the key is.
	Off int
}

// tableParser walks the tokens of one CREATE TABLE.
type tableParser struct {
	p    *pass
	toks []lex.Token
	i    int
	errs *diag.List
}

func (tp *tableParser) peek() (lex.Token, bool) {
	if tp.i < len(tp.toks) {
		return tp.toks[tp.i], true
	}
	return lex.Token{}, false
}

// offHere is the offset of the current token, or the end of the
// statement.
func (tp *tableParser) offHere() int {
	if t, ok := tp.peek(); ok {
		return t.Off
	}
	return tp.toks[len(tp.toks)-1].End
}

func (tp *tableParser) fail(off int, format string, args ...any) {
	tp.p.errorf(tp.errs, off, format, args...)
}

// expect consumes the word or punctuation w, or reports what was found.
func (tp *tableParser) expect(w, context string) bool {
	t, ok := tp.peek()
	if ok && t.Is(w) {
		tp.i++
		return true
	}
	if !ok {
		tp.fail(tp.offHere(), "expected %s %s, found the end of the statement", w, context)
	} else {
		tp.fail(t.Off, "expected %s %s, found %s", w, context, t.Text)
	}
	return false
}

// createTable parses CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name
// (items) [COMMENT '...'] WITH (options).
func (p *pass) createTable(toks []lex.Token, errs *diag.List) *TableDef {
	tp := &tableParser{p: p, toks: toks, errs: errs, i: 1}
	def := &TableDef{Off: toks[0].Off}
	if toks[tp.i].Is("TEMPORARY") {
		tp.i++
	}
	tp.i++ // TABLE
	if tp.i+2 < len(toks) && toks[tp.i].Is("IF") && toks[tp.i+1].Is("NOT") && toks[tp.i+2].Is("EXISTS") {
		def.IfNotExists = true
		tp.i += 3
	}
	name, off, ok := tp.dottedName("a table name")
	if !ok {
		return nil
	}
	def.Name, def.NameOff = name, off
	open := tp.i
	if !tp.expect("(", "after the table name") {
		return nil
	}
	close := matching(toks, open)
	if close < 0 {
		tp.fail(toks[open].Off, "the column list is not closed (missing ))")
		return nil
	}
	before := len(*errs)
	tp.items(def, close)
	tp.i = close + 1
	for tp.i < len(toks) {
		t := toks[tp.i]
		switch {
		case t.Is("COMMENT") && tp.i+1 < len(toks) && toks[tp.i+1].Kind == lex.String:
			tp.i += 2
		case t.Is("WITH") && !def.HasWith:
			def.HasWith = true
			tp.i++
			tp.options(def)
		case t.Is("PARTITIONED"):
			tp.fail(t.Off, "PARTITIONED BY is not supported yet")
			return nil
		default:
			tp.fail(t.Off, "unexpected %s after the column list of CREATE TABLE", t.Text)
			return nil
		}
		if len(*errs) > before {
			return nil
		}
	}
	if len(*errs) > before {
		return nil
	}
	return def
}

// dottedName reads name or a.b.c and returns its last part.
func (tp *tableParser) dottedName(what string) (string, int, bool) {
	t, ok := tp.peek()
	if !ok || !t.IsIdent() {
		tp.fail(tp.offHere(), "expected %s", what)
		return "", 0, false
	}
	tp.i++
	for tp.i+1 < len(tp.toks) && tp.toks[tp.i].Is(".") && tp.toks[tp.i+1].IsIdent() {
		t = tp.toks[tp.i+1]
		tp.i += 2
	}
	return t.Name(), t.Off, true
}

// items parses the column list up to the ) at index close.
func (tp *tableParser) items(def *TableDef, close int) {
	start := tp.i
	depth := 0
	for k := start; k <= close; k++ {
		t := tp.toks[k]
		switch {
		case t.Is("("):
			depth++
		case t.Is(")") && k < close:
			depth--
		case (t.Is(",") && depth == 0) || k == close:
			if k == start {
				tp.fail(t.Off, "expected a column definition, found %s", t.Text)
			} else {
				tp.item(def, start, k)
			}
			start = k + 1
		}
	}
}

// item parses the column or WATERMARK definition in toks[from:to].
func (tp *tableParser) item(def *TableDef, from, to int) {
	toks := tp.toks[from:to]
	first := toks[0]
	switch {
	case first.Is("WATERMARK") && len(toks) > 1 && toks[1].Is("FOR"):
		tp.watermark(def, toks, tp.toks[to].Off)
		return
	case first.Is("PRIMARY") || first.Is("CONSTRAINT") || first.Is("UNIQUE"):
		tp.fail(first.Off, "table constraints (PRIMARY KEY) are not supported yet")
		return
	case !first.IsIdent():
		tp.fail(first.Off, "expected a column name, found %s", first.Text)
		return
	}
	col := ColumnDef{Name: first.Name(), Off: first.Off}
	if len(toks) < 2 {
		tp.fail(first.Off, "column %s has no type", col.Name)
		return
	}
	if toks[1].Is("AS") {
		tp.fail(first.Off, "computed columns are not supported yet")
		return
	}
	t, next, err := types.Parse(toks, 1)
	if err != nil {
		tp.fail(err.Off, "%s", err.Msg)
		return
	}
	col.Type = t
	for next < len(toks) {
		t := toks[next]
		switch {
		case t.Is("NOT") && next+1 < len(toks) && toks[next+1].Is("NULL"):
			col.NotNull = true
			next += 2
		case t.Is("NULL"):
			next++
		case t.Is("COMMENT") && next+1 < len(toks) && toks[next+1].Kind == lex.String:
			next += 2
		case t.Is("METADATA") && col.Metadata != nil:
			tp.fail(t.Off, "METADATA is written twice in the definition of column %s", col.Name)
			return
		case t.Is("METADATA"):
			md, after, ok := tp.metadata(col.Name, toks, next)
			if !ok {
				return
			}
			col.Metadata, next = md, after
		case t.Is("VIRTUAL") && col.Metadata != nil:
			tp.fail(t.Off, "VIRTUAL must follow METADATA [FROM 'key'] directly, and only once, in the definition of column %s", col.Name)
			return
		case t.Is("VIRTUAL"):
			tp.fail(t.Off, "VIRTUAL is only allowed after METADATA, as in %s BIGINT METADATA FROM 'offset' VIRTUAL", col.Name)
			return
		case t.Is("PRIMARY"):
			tp.fail(t.Off, "table constraints (PRIMARY KEY) are not supported yet")
			return
		default:
			tp.fail(t.Off, "unexpected %s in the definition of column %s", t.Text, col.Name)
			return
		}
	}
	def.Columns = append(def.Columns, col)
}

// watermark parses WATERMARK FOR col AS expr; end is the offset of the ,
// or ) after it.
func (tp *tableParser) watermark(def *TableDef, toks []lex.Token, end int) {
	kw := toks[0]
	if def.Watermark != nil {
		tp.fail(kw.Off, "a table can have only one WATERMARK")
		return
	}
	if len(toks) < 3 || !toks[2].IsIdent() {
		tp.fail(kw.Off, "expected WATERMARK FOR column AS expression")
		return
	}
	if len(toks) < 4 || !toks[3].Is("AS") {
		off := end
		if len(toks) >= 4 {
			off = toks[3].Off
		}
		tp.fail(off, "expected AS after WATERMARK FOR %s", toks[2].Name())
		return
	}
	if len(toks) < 5 {
		tp.fail(toks[3].Off, "expected an expression after WATERMARK FOR %s AS", toks[2].Name())
		return
	}
	exprToks := toks[4:]
	start, stop := exprToks[0].Off, exprToks[len(exprToks)-1].End
	before := len(*tp.errs)
	text := tp.p.rewrite(exprToks, start, stop, "SELECT ", tp.errs)
	if len(*tp.errs) > before {
		return
	}
	def.Watermark = &WatermarkDef{
		Off: kw.Off, Column: toks[2].Name(), ColumnOff: toks[2].Off,
		Expr: text, ExprOff: start,
	}
}

// options parses ( key = value, ... ) after WITH.
func (tp *tableParser) options(def *TableDef) {
	open := tp.i
	if !tp.expect("(", "after WITH") {
		return
	}
	close := matching(tp.toks, open)
	if close < 0 {
		tp.fail(tp.toks[open].Off, "the WITH options are not closed (missing ))")
		tp.i = len(tp.toks)
		return
	}
	seen := map[string]bool{}
	for tp.i < close {
		key, off, ok := tp.optionKey(close)
		if !ok {
			return
		}
		if !tp.expect("=", "after option key "+key) {
			return
		}
		v, ok := tp.peek()
		if !ok || tp.i >= close || (v.Kind != lex.String && v.Kind != lex.Number && v.Kind != lex.Ident) {
			tp.fail(tp.offHere(), "expected a quoted value for option %s", key)
			return
		}
		tp.i++
		value := v.Text
		if v.Kind == lex.String {
			value = v.StringValue()
		}
		if seen[key] {
			tp.fail(off, "option %s is given twice", key)
			return
		}
		seen[key] = true
		def.Options = append(def.Options, Option{Key: key, Value: value, Off: off})
		if tp.i < close && !tp.expect(",", "between options") {
			return
		}
		if tp.i == close && tp.toks[close-1].Is(",") {
			tp.fail(tp.toks[close-1].Off, "unexpected , before )")
			return
		}
	}
	tp.i = close + 1
}

// optionKey reads a quoted key, or an unquoted one such as
// scan.startup.mode (adjacent words, dots and dashes).
func (tp *tableParser) optionKey(close int) (string, int, bool) {
	t := tp.toks[tp.i]
	if t.Kind == lex.String {
		tp.i++
		return t.StringValue(), t.Off, true
	}
	if !t.IsIdent() {
		tp.fail(t.Off, "expected an option key, found %s", t.Text)
		return "", 0, false
	}
	var b strings.Builder
	b.WriteString(t.Name())
	tp.i++
	for tp.i < close && tp.toks[tp.i].Off == tp.toks[tp.i-1].End && !tp.toks[tp.i].Is("=") {
		b.WriteString(tp.toks[tp.i].Name())
		tp.i++
	}
	return b.String(), t.Off, true
}
