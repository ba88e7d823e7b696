package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/prepass"
)

// groupWindow is the TUMBLE, HOP or SESSION call of a GROUP BY.
type groupWindow struct {
	// name is TUMBLE, HOP or SESSION.
	name string
	// spec's TimeCol is not set yet: the planner places the time column.
	spec windowspec.Window
	// time is the time attribute column of the FROM item.
	time *expr.Column
}

// describe renders the window as SQL, for messages.
func (w *groupWindow) describe() string { return w.spec.Describe(w.time.Name) }

// windowKinds maps the group window functions to their kind and the
// arguments they take after the time attribute.
var windowKinds = map[string]struct {
	kind   windowspec.Kind
	params []string
}{
	"TUMBLE":  {windowspec.Tumble, []string{"size"}},
	"HOP":     {windowspec.Hop, []string{"slide", "size"}},
	"SESSION": {windowspec.Session, []string{"gap"}},
}

// windowCall reports whether n is a call of TUMBLE, HOP or SESSION and
// returns it with the function's upper-case name.
func (sc *stmtCtx) windowCall(n ast.ExprNode) (*ast.FuncCallExpr, string, bool) {
	call, ok := unparen(n).(*ast.FuncCallExpr)
	if !ok {
		return nil, "", false
	}
	name := sc.callName(call)
	if _, ok := windowKinds[name]; !ok {
		return nil, "", false
	}
	return call, name, true
}

// callName is a function call's name as the user wrote it, upper case:
// the pre-pass's placeholders are resolved (WSESSON is SESSION).
func (sc *stmtCtx) callName(e *ast.FuncCallExpr) string {
	off := sc.off(e)
	if prepass.IsPlaceholder(e.FnName.O) {
		if l := sc.text.Lifts.Calls[off]; l != nil {
			return l.Name
		}
	}
	if t, ok := sc.tokenAt(off); ok && t.IsIdent() {
		return strings.ToUpper(t.Name())
	}
	return strings.ToUpper(e.FnName.O)
}

// groupWindow binds a GROUP BY window call over the FROM item input,
// whose scope is s.
func (sc *stmtCtx) groupWindow(e *ast.FuncCallExpr, name string, input plan.Node, s *scope) *groupWindow {
	off := sc.off(e)
	def := windowKinds[name]
	if len(e.Args) != 1+len(def.params) {
		sc.errorf(off, "%s takes %d arguments (time attribute, %s), got %d", name, 1+len(def.params), strings.Join(def.params, ", "), len(e.Args))
		return nil
	}
	if containsAggregation(input) {
		sc.errorf(off, "a %s window over a view or subquery that aggregates is not supported yet", name)
		return nil
	}
	t := sc.timeAttribute(e.Args[0], input, s)
	ivs := make([]int64, len(def.params))
	ok := t != nil
	for i, p := range def.params {
		ms, good := sc.windowInterval(e.Args[1+i], s, name, p)
		ivs[i], ok = ms, ok && good
	}
	if !ok {
		return nil
	}
	w := &groupWindow{name: name, spec: windowspec.Window{Kind: def.kind}, time: t}
	switch def.kind {
	case windowspec.Tumble:
		w.spec.Size = ivs[0]
	case windowspec.Hop:
		w.spec.Slide, w.spec.Size = ivs[0], ivs[1]
		if n := windowspec.PanesPerWindow(w.spec.Slide, w.spec.Size); n > windowspec.MaxPanesPerWindow {
			sc.errorf(off, "%s with slide %s and size %s would combine %d panes of gcd(slide, size) per window each time one fires; at most %d are supported (use a larger slide, or a slide that divides the size)",
				name, windowspec.Interval(w.spec.Slide), windowspec.Interval(w.spec.Size), n, windowspec.MaxPanesPerWindow)
			return nil
		}
	case windowspec.Session:
		w.spec.Gap = ivs[0]
	}
	return w
}

// timeAttribute binds a window's time argument, which must be a time
// attribute column of the FROM item.
func (sc *stmtCtx) timeAttribute(n ast.ExprNode, input plan.Node, s *scope) *expr.Column {
	e := sc.expr(n, s.inClause("GROUP BY"))
	if e == nil {
		return nil
	}
	const msg = "window can only be defined over a time attribute column (a table's WATERMARK FOR column, read unchanged through views and subqueries)"
	c, ok := e.(*expr.Column)
	if !ok {
		sc.errorf(sc.off(n), "%s, not over an expression", msg)
		return nil
	}
	if !timeAttributes(input)[c.Index] {
		sc.errorf(sc.off(n), "%s: %s is not one", msg, c.Name)
		return nil
	}
	return c
}

// windowInterval binds a window's size, slide or gap: a positive
// INTERVAL literal, in milliseconds.
func (sc *stmtCtx) windowInterval(n ast.ExprNode, s *scope, name, param string) (int64, bool) {
	e := sc.expr(n, s.inClause("GROUP BY"))
	if e == nil {
		return 0, false
	}
	off := sc.off(n)
	lit, ok := e.(*expr.Literal)
	if !ok || lit.Value == nil || e.Type().ID() != arrow.DURATION {
		sc.errorf(off, "the %s %s must be an INTERVAL literal, as in INTERVAL '10' SECOND", name, param)
		return 0, false
	}
	ms := int64(lit.Value.(arrow.Duration))
	if ms <= 0 {
		text := windowspec.Interval(ms)
		if iv, ok := sc.text.Lifts.Intervals[off]; ok {
			text = iv.Text
		}
		sc.errorf(off, "the %s %s must be positive, got %s", name, param, text)
		return 0, false
	}
	return ms, true
}

// windowBoundName splits TUMBLE_START and the like into the window
// function and whether it is the _END.
func windowBoundName(name string) (fn string, end, ok bool) {
	for w := range windowKinds {
		switch name {
		case w + "_START":
			return w, false, true
		case w + "_END":
			return w, true, true
		}
	}
	return "", false, false
}

// windowBound binds TUMBLE_START(...), HOP_END(...) and the like: the
// window bounds of the GROUP BY window, whose call they must repeat.
func (sc *stmtCtx) windowBound(c *callSite, e *ast.FuncCallExpr, s *scope, fn string, end bool) expr.Expr {
	if s.agg == nil || s.agg.win == nil {
		sc.errorf(c.off, "%s can only be used with GROUP BY %s(...), in the select list or HAVING", c.name, fn)
		return nil
	}
	w := s.agg.win
	if w.name != fn {
		sc.errorf(c.off, "%s does not match the GROUP BY window %s: use %s_START or %s_END", c.name, w.describe(), w.name, w.name)
		return nil
	}
	same := len(e.Args) == 1+len(windowKinds[fn].params)
	for i := 0; same && i < len(e.Args); i++ {
		a := sc.expr(e.Args[i], s.agg.in)
		if a == nil {
			return nil
		}
		if i == 0 {
			col, ok := a.(*expr.Column)
			same = ok && col.Index == w.time.Index
			continue
		}
		lit, ok := a.(*expr.Literal)
		same = ok && lit.Value != nil && a.Type().ID() == arrow.DURATION && int64(lit.Value.(arrow.Duration)) == w.param(i-1)
	}
	if !same {
		sc.errorf(c.off, "the arguments of %s must repeat those of the GROUP BY window %s", c.name, w.describe())
		return nil
	}
	return s.agg.boundRef(end)
}

// param is the window's i-th interval argument, in SQL order.
func (w *groupWindow) param(i int) int64 {
	switch w.spec.Kind {
	case windowspec.Hop:
		return [2]int64{w.spec.Slide, w.spec.Size}[i]
	case windowspec.Session:
		return w.spec.Gap
	}
	return w.spec.Size
}

// timeAttributes reports, for each output column of n, whether it is a
// time attribute: a table's WATERMARK FOR column, passed through Filters
// and Projects unchanged (a computed expression over it is not one, nor
// is an aggregation's output).
func timeAttributes(n plan.Node) []bool {
	out := make([]bool, n.Schema().NumFields())
	switch x := n.(type) {
	case *plan.Scan:
		if wm := x.Table.Watermark; wm != nil {
			for i, c := range x.Columns {
				out[i] = c == wm.Column
			}
		}
	case *plan.Filter:
		return timeAttributes(x.Input)
	case *plan.Project:
		in := timeAttributes(x.Input)
		for i, e := range x.Exprs {
			if c, ok := e.(*expr.Column); ok {
				out[i] = in[c.Index]
			}
		}
	}
	return out
}

// containsAggregation reports whether the plan n aggregates anywhere.
func containsAggregation(n plan.Node) bool {
	if _, ok := n.(*plan.WindowAggregate); ok {
		return true
	}
	for _, c := range n.Children() {
		if containsAggregation(c) {
			return true
		}
	}
	return false
}
