package bind

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/lex"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/types"
)

// boundQuery is a bound SELECT: its plan and, for each output column,
// where the select field that produced it starts (INSERT points type
// errors there).
type boundQuery struct {
	node      plan.Node
	fieldOffs []int
}

// query binds a SELECT into Scan -> [Filter] -> Project, or, when it
// aggregates, into a window aggregation (see aggregateQuery).
func (sc *stmtCtx) query(sel *ast.SelectStmt) *boundQuery {
	before := len(sc.b.errs)
	if sel.Kind != ast.SelectStmtKindSelect || sel.Fields == nil || len(sel.Fields.Fields) == 0 {
		sc.errorf(sc.toks[0].Off, "only SELECT queries are supported here")
		return nil
	}
	start := sc.keywordBefore(sc.fieldOff(sel.Fields.Fields[0]), "SELECT")
	sc.refuseClauses(sel, start)
	if sel.From == nil {
		sc.errorf(start, "a streaming query needs a source table: SELECT ... FROM table")
		return nil
	}
	fromOff := start
	if t, ok := sc.findAtDepth(start, "FROM"); ok {
		fromOff = t.Off
	}
	input, s := sc.from(sel.From.TableRefs, fromOff)
	if input == nil {
		return nil
	}
	node := input
	if sel.Where != nil {
		if cond := sc.condition(sel.Where, s.inClause("WHERE"), "WHERE"); cond != nil {
			node = &plan.Filter{Input: node, Cond: cond}
		}
	}
	if aggregates(sel) {
		return sc.aggregateQuery(sel, node, s, start)
	}
	exprs, fields, offs := sc.selectList(sel.Fields.Fields, s)
	if len(sc.b.errs) > before {
		return nil
	}
	return &boundQuery{
		node:      &plan.Project{Input: node, Exprs: exprs, Out: arrow.NewSchema(fields, nil)},
		fieldOffs: offs,
	}
}

// selectList binds the select fields over s: one expression, output
// field and field offset per output column.
func (sc *stmtCtx) selectList(list []*ast.SelectField, s *scope) (exprs []expr.Expr, fields []arrow.Field, offs []int) {
	for _, f := range list {
		off := sc.fieldOff(f)
		if f.WildCard != nil {
			if s.agg != nil {
				sc.errorf(off, "SELECT * cannot be used with GROUP BY: list the group keys, window bounds and aggregates")
				continue
			}
			qual := f.WildCard.Table.O
			if qual != "" && !s.hasQual(qual) {
				sc.errorf(off, "unknown table %s in %s.*", qual, qual)
				continue
			}
			for i, c := range s.cols {
				if qual == "" || equalFold(c.qual, qual) {
					exprs = append(exprs, &expr.Column{Index: i, Name: c.name, DataType: c.typ})
					fields = append(fields, arrow.Field{Name: c.name, Type: c.typ, Nullable: true})
					offs = append(offs, off)
				}
			}
			continue
		}
		if s.agg != nil {
			// An aliased aggregate names its output column.
			s.agg.alias = ""
			if _, ok := unparen(f.Expr).(*ast.AggregateFuncExpr); ok {
				s.agg.alias = f.AsName.O
			}
		}
		e := sc.expr(f.Expr, s)
		if s.agg != nil {
			s.agg.alias = ""
		}
		if e == nil {
			continue
		}
		name := f.AsName.O
		if name == "" {
			if c, ok := e.(*expr.Column); ok && isColumnRef(f.Expr) {
				name = c.Name
			} else {
				name = fmt.Sprintf("EXPR$%d", len(exprs))
			}
		}
		exprs = append(exprs, e)
		fields = append(fields, arrow.Field{Name: name, Type: e.Type(), Nullable: true})
		offs = append(offs, off)
	}
	return exprs, fields, offs
}

// unparen strips the parentheses around an expression.
func unparen(n ast.ExprNode) ast.ExprNode {
	for {
		p, ok := n.(*ast.ParenthesesExpr)
		if !ok {
			return n
		}
		n = p.Expr
	}
}

// uniqueOutput gives the output columns of a bare SELECT distinct names,
// as Flink (Calcite) does: the first keeps its name, later ones get the
// lowest free numeric suffix (a, a0, a1), so that every column has its own
// key in a JSON row. Names compare case-insensitively, as lookups do. n is
// returned as is when its names are already distinct; otherwise it is
// wrapped in a renaming Project (n itself is not changed).
func uniqueOutput(n plan.Node) plan.Node {
	fields := append([]arrow.Field(nil), n.Schema().Fields()...)
	used := make(map[string]bool, len(fields))
	for _, f := range fields {
		used[strings.ToLower(f.Name)] = true
	}
	seen := make(map[string]bool, len(fields))
	renamed := false
	for i, f := range fields {
		if key := strings.ToLower(f.Name); !seen[key] {
			seen[key] = true
			continue
		}
		for k := 0; ; k++ {
			cand := fmt.Sprintf("%s%d", f.Name, k)
			if key := strings.ToLower(cand); !used[key] {
				used[key], seen[key] = true, true
				fields[i].Name = cand
				renamed = true
				break
			}
		}
	}
	if !renamed {
		return n
	}
	exprs := make([]expr.Expr, len(fields))
	for i, f := range n.Schema().Fields() {
		exprs[i] = &expr.Column{Index: i, Name: f.Name, DataType: f.Type}
	}
	md := n.Schema().Metadata()
	return &plan.Project{Input: n, Exprs: exprs, Out: arrow.NewSchema(fields, &md)}
}

// isColumnRef reports whether n is a (possibly parenthesised) column name.
func isColumnRef(n ast.ExprNode) bool {
	for {
		switch e := n.(type) {
		case *ast.ColumnNameExpr:
			return true
		case *ast.ParenthesesExpr:
			n = e.Expr
		default:
			return false
		}
	}
}

// requireTyped refuses output columns whose type is an untyped NULL.
func (sc *stmtCtx) requireTyped(q *boundQuery) bool {
	ok := true
	for i, f := range q.node.Schema().Fields() {
		if types.IsNull(f.Type) {
			sc.errorf(q.fieldOffs[i], "the type of NULL column %s is unknown: use CAST(NULL AS type)", f.Name)
			ok = false
		}
	}
	return ok
}

// refuseClauses reports the SELECT clauses that are not supported yet.
func (sc *stmtCtx) refuseClauses(sel *ast.SelectStmt, start int) {
	at := func(word string) int {
		if t, ok := sc.findAtDepth(start, word); ok {
			return t.Off
		}
		return start
	}
	if sel.With != nil {
		sc.errorf(sc.keywordBefore(start, "WITH"), "WITH (common table expressions) is not supported yet")
	}
	if sel.Distinct {
		sc.errorf(at("DISTINCT"), "SELECT DISTINCT is not supported yet")
	}
	if len(sel.WindowSpecs) > 0 {
		sc.errorf(at("WINDOW"), "WINDOW clauses are not supported yet")
	}
	if sel.OrderBy != nil {
		sc.errorf(at("ORDER"), "ORDER BY is not supported yet")
	}
	if sel.Limit != nil {
		sc.errorf(at("LIMIT"), "LIMIT is not supported yet")
	}
	if sel.LockInfo != nil && sel.LockInfo.LockType != ast.SelectLockNone {
		sc.errorf(at("FOR"), "locking clauses are not supported")
	}
	if sel.SelectIntoOpt != nil {
		sc.errorf(at("INTO"), "SELECT INTO is not supported: use INSERT INTO table SELECT")
	}
}

// findAtDepth returns the first token word at or after off that is at the
// same parenthesis depth as off, stopping where that depth closes.
func (sc *stmtCtx) findAtDepth(off int, word string) (lex.Token, bool) {
	depth := 0
	for i := sc.tokIndex(off); i < len(sc.toks); i++ {
		t := sc.toks[i]
		switch {
		case t.Is("("):
			depth++
		case t.Is(")"):
			depth--
			if depth < 0 {
				return lex.Token{}, false
			}
		case depth == 0 && t.Is(word):
			return t, true
		}
	}
	return lex.Token{}, false
}

// from binds the FROM clause: one table, view or derived table.
func (sc *stmtCtx) from(j *ast.Join, fromOff int) (plan.Node, *scope) {
	if j.Right != nil {
		off := fromOff
		if t, ok := sc.findAtDepth(fromOff, "JOIN"); ok {
			off = t.Off
		} else if t, ok := sc.findAtDepth(fromOff, ","); ok {
			off = t.Off
		}
		sc.errorf(off, "JOIN is not supported yet")
		return nil, nil
	}
	switch l := j.Left.(type) {
	case *ast.Join:
		return sc.from(l, fromOff)
	case *ast.TableSource:
		return sc.tableSource(l, fromOff)
	}
	sc.errorf(fromOff, "unsupported FROM clause")
	return nil, nil
}

// tableSource binds a table or view name, or a derived table.
func (sc *stmtCtx) tableSource(ts *ast.TableSource, fromOff int) (plan.Node, *scope) {
	switch src := ts.Source.(type) {
	case *ast.TableName:
		off := sc.identAfter(fromOff, src.Name.O)
		qual := src.Name.O
		if ts.AsName.O != "" {
			qual = ts.AsName.O
		}
		if v, ok := sc.b.cat.View(src.Name.O); ok {
			return v.Query, newScope(qual, v.Query.Schema())
		}
		t, ok := sc.b.cat.Table(src.Name.O)
		if !ok {
			if sc.b.cat.Broken(src.Name.O) {
				return nil, nil // its declaration's errors were reported
			}
			sc.errorf(off, "table %s not found", src.Name.O)
			return nil, nil
		}
		cols := make([]int, t.Schema.NumFields())
		for i := range cols {
			cols[i] = i
		}
		scan := &plan.Scan{Table: t, Columns: cols, Out: t.Schema, Pos: sc.b.file.Pos(off)}
		if t.Watermark != nil {
			// Out is the whole table, so the table's expression is already
			// bound over it.
			scan.Watermark = t.Watermark.Expr
		}
		return scan, newScope(qual, t.Schema)
	case *ast.SelectStmt:
		q := sc.query(src)
		if q == nil || !sc.requireTyped(q) {
			return nil, nil
		}
		return q.node, newScope(ts.AsName.O, q.node.Schema())
	case *ast.SetOprStmt:
		sc.setOpr(src)
		return nil, nil
	}
	sc.errorf(fromOff, "unsupported FROM item")
	return nil, nil
}

// setOpr refuses UNION, EXCEPT and INTERSECT at their keyword.
func (sc *stmtCtx) setOpr(n *ast.SetOprStmt) {
	off := sc.toks[0].Off
	for _, w := range []string{"UNION", "EXCEPT", "INTERSECT"} {
		if t, ok := sc.findForward(off, w); ok {
			sc.errorf(t.Off, "%s is not supported yet", w)
			return
		}
	}
	sc.errorf(off, "set operations (UNION) are not supported yet")
}

// condition binds a WHERE-like condition, which must be BOOLEAN.
func (sc *stmtCtx) condition(n ast.ExprNode, s *scope, clause string) expr.Expr {
	e := sc.expr(n, s)
	if e == nil {
		return nil
	}
	if types.IsNull(e.Type()) {
		return sc.coerce(e, expr.Boolean, sc.off(n))
	}
	if e.Type().ID() != arrow.BOOL {
		sc.errorf(sc.off(n), "%s condition must be BOOLEAN, got %s", clause, expr.SQLTypeName(e.Type()))
		return nil
	}
	return e
}
