package bind

import (
	"sort"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/lex"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/prepass"
)

// Binder binds the statements of one SQL file, in order, against a
// catalog that its CREATE TABLE and CREATE VIEW statements fill. A Binder
// owns a TiDB parser, so it must be used by one goroutine at a time.
type Binder struct {
	file   *lex.File
	cat    *Catalog
	parser *parser.Parser
	errs   diag.List
}

// New returns a binder for file over cat.
func New(file *lex.File, cat *Catalog) *Binder {
	return &Binder{file: file, cat: cat, parser: newParser()}
}

// Errors returns every error found so far, in order.
func (b *Binder) Errors() diag.List { return b.errs }

// Result is a bound statement that runs: an INSERT INTO or a bare SELECT.
type Result struct {
	// Query is the bound (not yet optimised) plan. For an INSERT its
	// schema is Sink.Schema without the VIRTUAL metadata columns
	// (Sink.Virtual), which are never written.
	Query plan.Node
	// Sink is the INSERT's target, nil for a SELECT.
	Sink *catalog.Table
}

// Statement binds a query statement (SELECT, INSERT or CREATE VIEW). It
// returns nil for a CREATE VIEW (which only adds to the catalog) and for a
// statement with errors, which are recorded in Errors.
func (b *Binder) Statement(st *prepass.Stmt) *Result {
	sc := &stmtCtx{b: b, toks: st.Toks, text: st.Query}
	node, ok := sc.parse()
	if !ok {
		return nil
	}
	before := len(b.errs)
	var res *Result
	switch n := node.(type) {
	case *ast.SelectStmt:
		q := sc.query(n)
		if q != nil && sc.requireTyped(q) {
			res = &Result{Query: uniqueOutput(q.node)}
		}
	case *ast.SetOprStmt:
		sc.setOpr(n)
	case *ast.InsertStmt:
		res = sc.insert(n)
	case *ast.CreateViewStmt:
		sc.createView(n, st.Start)
	default:
		sc.errorf(st.Start, "%s is not supported: a file holds CREATE TABLE, CREATE VIEW, INSERT INTO, SELECT and SET statements", statementName(st.Toks))
	}
	if len(b.errs) > before {
		return nil
	}
	return res
}

func statementName(toks []lex.Token) string {
	name := toks[0].Text
	if len(toks) > 1 && toks[1].Kind == lex.Ident {
		name += " " + toks[1].Text
	}
	return name
}

// stmtCtx is what binding one statement (or one watermark expression)
// needs: the statement's tokens to locate things, and the rewritten text
// with its lifted clauses.
type stmtCtx struct {
	b    *Binder
	toks []lex.Token
	text *prepass.Text
}

// errorf records an error at a file offset.
func (sc *stmtCtx) errorf(off int, format string, args ...any) {
	sc.b.errs.Add(sc.b.file.Pos(off), format, args...)
}

// off is the file offset of a node whose position the TiDB parser
// recorded.
func (sc *stmtCtx) off(n ast.Node) int { return sc.text.Base + n.OriginTextPosition() }

// fieldOff is the file offset of a select field.
func (sc *stmtCtx) fieldOff(f *ast.SelectField) int {
	if f.WildCard == nil && f.Expr != nil {
		return sc.off(f.Expr)
	}
	return sc.text.Base + f.Offset
}

// tokIndex returns the index of the first token starting at or after off.
func (sc *stmtCtx) tokIndex(off int) int {
	return sort.Search(len(sc.toks), func(i int) bool { return sc.toks[i].Off >= off })
}

// tokenBefore returns the token just before offset off.
func (sc *stmtCtx) tokenBefore(off int) (lex.Token, bool) {
	i := sc.tokIndex(off)
	if i == 0 {
		return lex.Token{}, false
	}
	return sc.toks[i-1], true
}

// findForward returns the first token at or after off that is word.
func (sc *stmtCtx) findForward(off int, word string) (lex.Token, bool) {
	for i := sc.tokIndex(off); i < len(sc.toks); i++ {
		if sc.toks[i].Is(word) {
			return sc.toks[i], true
		}
	}
	return lex.Token{}, false
}

// findBackward returns the last token before off that is word.
func (sc *stmtCtx) findBackward(off int, word string) (lex.Token, bool) {
	for i := sc.tokIndex(off) - 1; i >= 0; i-- {
		if sc.toks[i].Is(word) {
			return sc.toks[i], true
		}
	}
	return lex.Token{}, false
}

// keywordBefore is the offset of the last token word before off, or off.
func (sc *stmtCtx) keywordBefore(off int, word string) int {
	if t, ok := sc.findBackward(off, word); ok {
		return t.Off
	}
	return off
}

// identAfter returns the offset of the first identifier token named name
// at or after off, or off itself.
func (sc *stmtCtx) identAfter(off int, name string) int {
	for i := sc.tokIndex(off); i < len(sc.toks); i++ {
		t := sc.toks[i]
		if t.IsIdent() && equalFold(t.Name(), name) {
			return t.Off
		}
	}
	return off
}
