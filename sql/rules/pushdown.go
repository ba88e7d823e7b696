package rules

import (
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// PushDownFilters moves every Filter below the Projects under it
// (rewriting its condition in terms of the projection's input) and merges
// adjacent Filters with AND, so each Filter ends up directly above its
// Scan. Above a WindowAggregate, the conjuncts that read only group keys
// move below it (they drop whole groups, so the groups that remain are
// unchanged); conjuncts on window bounds or aggregates stay above. All Weir scalar functions are deterministic, so this never changes
// results.
func PushDownFilters(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		f, ok := n.(*plan.Filter)
		if !ok {
			return n, false, nil
		}
		switch in := f.Input.(type) {
		case *plan.Filter:
			cond := &expr.Call{Func: expr.FnAnd, Args: []expr.Expr{in.Cond, f.Cond}, DataType: expr.Boolean}
			return &plan.Filter{Input: in.Input, Cond: cond}, true, nil
		case *plan.Project:
			pushed, _, err := PushDownFilters(&plan.Filter{Input: in.Input, Cond: substitute(f.Cond, in.Exprs)})
			if err != nil {
				return nil, false, err
			}
			return &plan.Project{Input: pushed, Exprs: in.Exprs, Out: in.Out}, true, nil
		case *plan.WindowAggregate:
			return pushBelowWindow(f, in)
		}
		return n, false, nil
	})
}
