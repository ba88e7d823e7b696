package bind

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/types"
)

// noWindowMsg refuses grouping without a group window.
const noWindowMsg = "GROUP BY without a TUMBLE, HOP or SESSION window is not supported yet (updating results come later)"

// aggregates reports whether a SELECT aggregates: it has GROUP BY,
// HAVING or an aggregate call in its select list.
func aggregates(sel *ast.SelectStmt) bool {
	return sel.GroupBy != nil || sel.Having != nil || firstAggregate(sel.Fields) != nil
}

// aggregateQuery binds a SELECT that aggregates, over the FROM item (and
// WHERE) input whose scope is s, into
//
//	Project(keys, time column, aggregate arguments) -> WindowAggregate
//	  -> [Filter(HAVING)] -> Project(select list)
//
// (the innermost Project first). start is where the SELECT begins.
func (sc *stmtCtx) aggregateQuery(sel *ast.SelectStmt, input plan.Node, s *scope, start int) *boundQuery {
	if sel.GroupBy == nil {
		off := start
		if a := firstAggregate(sel.Fields); a != nil {
			off = sc.off(a)
		} else if t, ok := sc.findAtDepth(start, "HAVING"); ok {
			off = t.Off
		}
		sc.errorf(off, "aggregation without GROUP BY is not supported yet: group by a TUMBLE, HOP or SESSION window (updating results come later)")
		return nil
	}
	groupOff := start
	if t, ok := sc.findAtDepth(start, "GROUP"); ok {
		groupOff = t.Off
	}
	before := len(sc.b.errs)
	a := sc.groupBy(sel.GroupBy, input, s, groupOff)
	if a == nil {
		return nil
	}
	as := &scope{cols: s.cols, agg: a}
	exprs, fields, offs := sc.selectList(sel.Fields.Fields, as)
	var having expr.Expr
	if sel.Having != nil {
		having = sc.condition(sel.Having.Expr, as, "HAVING")
	}
	if len(sc.b.errs) > before {
		return nil
	}
	var node plan.Node = a.plan(input)
	if having != nil {
		node = &plan.Filter{Input: node, Cond: having}
	}
	return &boundQuery{
		node:      &plan.Project{Input: node, Exprs: exprs, Out: arrow.NewSchema(fields, nil)},
		fieldOffs: offs,
	}
}

// groupBy binds the GROUP BY clause: the keys and exactly one group
// window. It returns nil after reporting errors.
func (sc *stmtCtx) groupBy(g *ast.GroupByClause, input plan.Node, s *scope, groupOff int) *aggregation {
	before := len(sc.b.errs)
	if g.Rollup {
		off := groupOff
		if t, ok := sc.findAtDepth(groupOff, "ROLLUP"); ok {
			off = t.Off
		}
		sc.errorf(off, "GROUP BY ... WITH ROLLUP is not supported")
	}
	a := &aggregation{in: s.inClause("GROUP BY")}
	sawWindow := false
	for _, it := range g.Items {
		if _, ok := it.Expr.(*ast.PositionExpr); ok {
			sc.errorf(groupOff, "GROUP BY positions (GROUP BY 1) are not supported: name the column")
			continue
		}
		if call, name, ok := sc.windowCall(it.Expr); ok {
			if sawWindow {
				sc.errorf(sc.off(call), "GROUP BY may have only one group window (TUMBLE, HOP or SESSION)")
				continue
			}
			sawWindow = true
			a.win = sc.groupWindow(call, name, input, s)
			continue
		}
		k := sc.expr(it.Expr, a.in)
		if k == nil {
			continue
		}
		if types.IsNull(k.Type()) {
			sc.errorf(sc.off(it.Expr), "cannot GROUP BY an untyped NULL")
			continue
		}
		if a.keyIndex(k) >= 0 {
			continue // grouping twice by the same key groups once
		}
		name := fmt.Sprintf("$f%d", len(a.keys))
		if c, ok := k.(*expr.Column); ok && isColumnRef(it.Expr) {
			name = c.Name
		} else {
			a.exprKeys = true
		}
		a.keys = append(a.keys, k)
		a.keyNames = append(a.keyNames, name)
	}
	if !sawWindow {
		sc.errorf(groupOff, "%s", noWindowMsg)
	}
	if len(sc.b.errs) > before || a.win == nil {
		return nil
	}
	return a
}

// keyIndex is the index of the key k is the same as, or -1.
func (a *aggregation) keyIndex(k expr.Expr) int {
	for i, o := range a.keys {
		if sameExpr(o, k) {
			return i
		}
	}
	return -1
}

// plan builds Project(keys, time column, aggregate arguments) ->
// WindowAggregate over input.
func (a *aggregation) plan(input plan.Node) *plan.WindowAggregate {
	var (
		pre    []expr.Expr
		fields []arrow.Field
	)
	place := func(e expr.Expr, name string) int {
		for i, p := range pre {
			if sameExpr(p, e) {
				return i
			}
		}
		if c, ok := e.(*expr.Column); ok && name == "" {
			name = c.Name
		} else if name == "" {
			name = fmt.Sprintf("$f%d", len(pre))
		}
		pre = append(pre, e)
		fields = append(fields, arrow.Field{Name: name, Type: e.Type(), Nullable: true})
		return len(pre) - 1
	}
	spec := windowspec.Spec{Window: a.win.spec, Keys: make([]int, len(a.keys))}
	out := make([]arrow.Field, 0, len(a.keys)+2+len(a.calls))
	for i, k := range a.keys {
		spec.Keys[i] = place(k, a.keyNames[i])
		out = append(out, arrow.Field{Name: a.keyNames[i], Type: k.Type(), Nullable: true})
	}
	spec.Window.TimeCol = place(a.win.time, "")
	out = append(out,
		arrow.Field{Name: "window_start", Type: expr.Timestamp},
		arrow.Field{Name: "window_end", Type: expr.Timestamp})
	for _, c := range a.calls {
		call := windowspec.AggCall{Func: c.fn, Arg: -1, Distinct: c.distinct, Type: c.typ}
		if c.arg != nil {
			call.Arg = place(c.arg, "")
		}
		spec.Aggs = append(spec.Aggs, call)
		nullable := c.fn != windowspec.Count && c.fn != windowspec.CountStar
		out = append(out, arrow.Field{Name: c.name, Type: c.typ, Nullable: nullable})
	}
	proj := &plan.Project{Input: input, Exprs: pre, Out: arrow.NewSchema(fields, nil)}
	return &plan.WindowAggregate{Input: proj, Spec: spec, Out: arrow.NewSchema(out, nil)}
}

// firstAggregate returns the first aggregate call in a select list
// (outside subqueries), or nil.
func firstAggregate(fields *ast.FieldList) *ast.AggregateFuncExpr {
	if fields == nil {
		return nil
	}
	v := &aggFinder{}
	fields.Accept(v)
	return v.found
}

// aggFinder is an ast.Visitor that finds the first aggregate call.
type aggFinder struct{ found *ast.AggregateFuncExpr }

// Enter implements ast.Visitor.
func (v *aggFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.AggregateFuncExpr:
		if v.found == nil {
			v.found = x
		}
		return n, true
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		return n, true
	}
	return n, v.found != nil
}

// Leave implements ast.Visitor.
func (v *aggFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }
