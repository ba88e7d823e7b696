package bind

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
)

// aggregation is a window aggregation being bound: its group keys and
// window (from GROUP BY), and the aggregate calls the select list and
// HAVING make. Expressions bound in its scope read the aggregation's
// output: the keys, then window_start and window_end, then one column
// per aggregate call.
type aggregation struct {
	// in is the scope of the FROM item; keys, the window's time column
	// and aggregate arguments are bound over it.
	in *scope
	// keys are the GROUP BY expressions other than the window, over in.
	keys     []expr.Expr
	keyNames []string
	// exprKeys is true when some key is not a plain column, so that any
	// expression, not just a column name, may match one.
	exprKeys bool
	win      *groupWindow
	calls    []*aggCall
	// alias names the next new aggregate call: the select field being
	// bound is exactly that call and has an alias.
	alias string
}

// aggCall is one aggregate call of the select list or HAVING.
type aggCall struct {
	fn       windowspec.AggFunc
	arg      expr.Expr // over aggregation.in; nil for COUNT(*)
	distinct bool
	typ      arrow.DataType
	name     string
}

// Output column indices of the aggregation.
func (a *aggregation) startCol() int     { return len(a.keys) }
func (a *aggregation) endCol() int       { return len(a.keys) + 1 }
func (a *aggregation) callCol(i int) int { return len(a.keys) + 2 + i }

// boundRef is the output column for window_start (end false) or
// window_end.
func (a *aggregation) boundRef(end bool) expr.Expr {
	if end {
		return &expr.Column{Index: a.endCol(), Name: "window_end", DataType: expr.Timestamp}
	}
	return &expr.Column{Index: a.startCol(), Name: "window_start", DataType: expr.Timestamp}
}

// add registers an aggregate call, reusing an identical earlier one, and
// returns the output column that holds its result.
func (a *aggregation) add(c *aggCall) expr.Expr {
	for i, o := range a.calls {
		if o.fn == c.fn && o.distinct == c.distinct && (o.arg == nil) == (c.arg == nil) && (o.arg == nil || sameExpr(o.arg, c.arg)) {
			return &expr.Column{Index: a.callCol(i), Name: o.name, DataType: o.typ}
		}
	}
	c.name = a.alias
	if c.name == "" {
		c.name = fmt.Sprintf("$a%d", len(a.calls))
	}
	a.alias = ""
	a.calls = append(a.calls, c)
	return &expr.Column{Index: a.callCol(len(a.calls) - 1), Name: c.name, DataType: c.typ}
}

// groupedRef returns the group key column that n stands for, if n binds
// (over the FROM item) to the same expression as a GROUP BY key. Binding
// errors of this trial are discarded: n is bound again, in the
// aggregation's scope, when it is not a key.
func (sc *stmtCtx) groupedRef(n ast.ExprNode, a *aggregation) (expr.Expr, bool) {
	switch n.(type) {
	case *ast.AggregateFuncExpr, ast.ValueExpr:
		return nil, false
	}
	if len(a.keys) == 0 || (!a.exprKeys && !isColumnRef(n)) {
		return nil, false
	}
	before := len(sc.b.errs)
	e := sc.expr(n, a.in)
	sc.b.errs = sc.b.errs[:before]
	if e == nil {
		return nil, false
	}
	for i, k := range a.keys {
		if sameExpr(e, k) {
			return &expr.Column{Index: i, Name: a.keyNames[i], DataType: k.Type()}, true
		}
	}
	return nil, false
}
