package rules

import (
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/plan"
)

// ProjectIntoWindowAggregate lets a WindowAggregate read the input of the
// Project under it when every column it reads from that Project (keys,
// time column, aggregate arguments) is a plain column reference: the
// Project only renames or reorders, so it is dropped. A Project that
// computes a key or an argument stays, below the aggregation; nothing is
// ever moved above a WindowAggregate, which is a pipeline breaker.
func ProjectIntoWindowAggregate(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		w, ok := n.(*plan.WindowAggregate)
		if !ok {
			return n, false, nil
		}
		p, ok := w.Input.(*plan.Project)
		if !ok {
			return n, false, nil
		}
		col := func(i int) (int, bool) {
			c, ok := p.Exprs[i].(*expr.Column)
			if !ok {
				return 0, false
			}
			return c.Index, true
		}
		spec := windowspec.Spec{Window: w.Spec.Window, Keys: make([]int, len(w.Spec.Keys)), Aggs: make([]windowspec.AggCall, len(w.Spec.Aggs))}
		var good bool
		if spec.Window.TimeCol, good = col(w.Spec.Window.TimeCol); !good {
			return n, false, nil
		}
		for i, k := range w.Spec.Keys {
			if spec.Keys[i], good = col(k); !good {
				return n, false, nil
			}
		}
		for i, a := range w.Spec.Aggs {
			if a.Arg >= 0 {
				if a.Arg, good = col(a.Arg); !good {
					return n, false, nil
				}
			}
			spec.Aggs[i] = a
		}
		return &plan.WindowAggregate{Input: p.Input, Spec: spec, Out: w.Out}, true, nil
	})
}

// pushBelowWindow moves the conjuncts of f's condition that read only
// group keys below the WindowAggregate w, rewritten over w's input.
func pushBelowWindow(f *plan.Filter, w *plan.WindowAggregate) (plan.Node, bool, error) {
	nKeys := len(w.Spec.Keys)
	in := w.Input.Schema()
	keyCols := make([]expr.Expr, nKeys)
	for i, k := range w.Spec.Keys {
		keyCols[i] = &expr.Column{Index: k, Name: in.Field(k).Name, DataType: in.Field(k).Type}
	}
	var below, above []expr.Expr
	for _, c := range conjuncts(f.Cond) {
		used := make([]bool, w.Out.NumFields())
		columnsUsed(c, used)
		onKeys := true
		for i := nKeys; i < len(used); i++ {
			onKeys = onKeys && !used[i]
		}
		if onKeys {
			below = append(below, substitute(c, keyCols))
		} else {
			above = append(above, c)
		}
	}
	if len(below) == 0 {
		return f, false, nil
	}
	var out plan.Node = &plan.WindowAggregate{Input: &plan.Filter{Input: w.Input, Cond: and(below)}, Spec: w.Spec, Out: w.Out}
	if len(above) > 0 {
		out = &plan.Filter{Input: out, Cond: and(above)}
	}
	return out, true, nil
}

// conjuncts splits a condition at its top-level ANDs.
func conjuncts(e expr.Expr) []expr.Expr {
	if c, ok := e.(*expr.Call); ok && c.Func == expr.FnAnd {
		return append(conjuncts(c.Args[0]), conjuncts(c.Args[1])...)
	}
	return []expr.Expr{e}
}

// and joins conditions with AND, left to right.
func and(es []expr.Expr) expr.Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &expr.Call{Func: expr.FnAnd, Args: []expr.Expr{out, e}, DataType: expr.Boolean}
	}
	return out
}
