package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/types"
)

// insert binds INSERT INTO t [(cols)] SELECT ...: query columns match the
// target columns by position, safe widening casts are inserted, and
// target columns left out of the list are NULL. The plan's output is the
// sink's row: t's schema without its METADATA ... VIRTUAL columns.
func (sc *stmtCtx) insert(n *ast.InsertStmt) *Result {
	start := sc.toks[0].Off
	if n.IsReplace {
		sc.errorf(start, "REPLACE is not supported: use INSERT INTO")
		return nil
	}
	if len(n.OnDuplicate) > 0 || n.Setlist {
		sc.errorf(start, "INSERT ... SET and ON DUPLICATE KEY UPDATE are not supported")
		return nil
	}
	var tn *ast.TableName
	if n.Table != nil && n.Table.TableRefs != nil {
		if ts, ok := n.Table.TableRefs.Left.(*ast.TableSource); ok {
			tn, _ = ts.Source.(*ast.TableName)
		}
	}
	if tn == nil {
		sc.errorf(start, "expected INSERT INTO table")
		return nil
	}
	nameOff := start
	if t, ok := sc.findForward(start, "INTO"); ok {
		nameOff = sc.identAfter(t.End, tn.Name.O)
	}
	sink, ok := sc.b.cat.Table(tn.Name.O)
	if !ok {
		if sc.b.cat.Broken(tn.Name.O) {
			return nil // its declaration's errors were reported
		}
		if _, isView := sc.b.cat.View(tn.Name.O); isView {
			sc.errorf(nameOff, "cannot INSERT INTO view %s: only tables can be written", tn.Name.O)
		} else {
			sc.errorf(nameOff, "table %s not found", tn.Name.O)
		}
		return nil
	}
	targets, ok := sc.insertTargets(n, sink, nameOff)
	if !ok {
		return nil
	}
	var q *boundQuery
	switch sel := n.Select.(type) {
	case *ast.SelectStmt:
		q = sc.query(sel)
	case *ast.SetOprStmt:
		sc.setOpr(sel)
	case nil:
		off := start
		if t, found := sc.findForward(nameOff, "VALUES"); found {
			off = t.Off
		}
		sc.errorf(off, "INSERT ... VALUES is not supported: a streaming INSERT reads from a SELECT")
	default:
		sc.errorf(start, "INSERT INTO needs a SELECT")
	}
	if q == nil {
		return nil
	}
	out := q.node.Schema()
	if out.NumFields() != len(targets) {
		hint := ""
		if len(n.Columns) == 0 && len(sink.Virtual) > 0 {
			hint = " (its VIRTUAL metadata columns are not written)"
		}
		sc.errorf(nameOff, "INSERT INTO %s has %d target column(s)%s but the query produces %d", sink.Name, len(targets), hint, out.NumFields())
		return nil
	}
	exprs := make([]expr.Expr, sink.Schema.NumFields())
	for i, target := range targets {
		f := out.Field(i)
		col := sink.Schema.Field(target)
		if !types.Widens(f.Type, col.Type) {
			sc.errorf(q.fieldOffs[i], "cannot insert %s into column %s %s of table %s", expr.SQLTypeName(f.Type), col.Name, expr.SQLTypeName(col.Type), sink.Name)
			continue
		}
		var in expr.Expr = &expr.Column{Index: i, Name: f.Name, DataType: f.Type}
		exprs[target] = sc.coerce(in, col.Type, q.fieldOffs[i])
	}
	writable := writableColumns(sink)
	row := make([]expr.Expr, 0, len(writable))
	for _, j := range writable {
		if exprs[j] == nil {
			col := sink.Schema.Field(j)
			if !col.Nullable && !isTarget(targets, j) {
				sc.errorf(nameOff, "column %s of table %s is NOT NULL and must be in the column list", col.Name, sink.Name)
			}
			exprs[j] = &expr.Literal{DataType: col.Type}
		}
		row = append(row, exprs[j])
	}
	return &Result{Query: &plan.Project{Input: q.node, Exprs: row, Out: sinkSchema(sink)}, Sink: sink}
}

func isTarget(targets []int, j int) bool {
	for _, t := range targets {
		if t == j {
			return true
		}
	}
	return false
}

// insertTargets resolves the INSERT column list: when there is none, every
// column but the VIRTUAL metadata ones, which are never written.
func (sc *stmtCtx) insertTargets(n *ast.InsertStmt, sink *catalog.Table, nameOff int) ([]int, bool) {
	if len(n.Columns) == 0 {
		return writableColumns(sink), true
	}
	seen := map[int]bool{}
	var out []int
	ok := true
	for _, c := range n.Columns {
		off := sc.identAfter(nameOff+1, c.Name.O)
		idx := fieldIndex(sink.Schema, c.Name.O)
		switch {
		case idx < 0:
			sc.errorf(off, "column %s not found in table %s", c.Name.O, sink.Name)
			ok = false
		case seen[idx]:
			sc.errorf(off, "column %s is listed twice", c.Name.O)
			ok = false
		case sink.Virtual[idx]:
			sc.errorf(off, "column %s of table %s is a VIRTUAL metadata column and cannot be written", c.Name.O, sink.Name)
			ok = false
		default:
			seen[idx] = true
			out = append(out, idx)
		}
	}
	return out, ok
}

// fieldIndex finds a column by case-insensitive name.
func fieldIndex(s *arrow.Schema, name string) int {
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// createView binds CREATE VIEW v [(cols)] AS SELECT and adds it to the
// catalog.
func (sc *stmtCtx) createView(n *ast.CreateViewStmt, start int) {
	name := n.ViewName.Name.O
	before := len(sc.b.errs)
	defer func() {
		if len(sc.b.errs) > before {
			sc.b.cat.MarkBroken(name)
		}
	}()
	nameOff := start
	if t, ok := sc.findForward(start, "VIEW"); ok {
		nameOff = sc.identAfter(t.End, name)
	}
	if p, ok := sc.b.cat.Declared(name); ok {
		sc.errorf(nameOff, "%s is already defined at %s", name, p)
		return
	}
	var q *boundQuery
	switch sel := n.Select.(type) {
	case *ast.SelectStmt:
		q = sc.query(sel)
	case *ast.SetOprStmt:
		sc.setOpr(sel)
	}
	if q == nil || !sc.requireTyped(q) {
		return
	}
	proj := q.node.(*plan.Project)
	fields := proj.Out.Fields()
	if len(n.Cols) > 0 {
		if len(n.Cols) != len(fields) {
			sc.errorf(nameOff, "view %s names %d column(s) but its query produces %d", name, len(n.Cols), len(fields))
			return
		}
		for i := range fields {
			fields[i].Name = n.Cols[i].O
		}
	}
	seen := map[string]bool{}
	for i, f := range fields {
		key := strings.ToLower(f.Name)
		if seen[key] {
			sc.errorf(q.fieldOffs[i], "duplicate column name %s in view %s: give it an alias", f.Name, name)
			return
		}
		seen[key] = true
	}
	node := &plan.Project{Input: proj.Input, Exprs: proj.Exprs, Out: arrow.NewSchema(fields, nil)}
	sc.b.cat.AddView(&View{Name: name, Query: node, Pos: sc.b.file.Pos(start)})
}
