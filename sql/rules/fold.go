package rules

import (
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// FoldConstants replaces every Call, Cast and Case whose inputs are all
// literals by the literal it evaluates to, using the real evaluator
// (expr.EvalConst), so folding can never disagree with execution. An
// expression the evaluator refuses (say, a CAST of 'abc' to INT) is left
// for run time, which reports it.
func FoldConstants(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		switch x := n.(type) {
		case *plan.Filter:
			if cond, ch := fold(x.Cond); ch {
				return &plan.Filter{Input: x.Input, Cond: cond}, true, nil
			}
		case *plan.Project:
			exprs := make([]expr.Expr, len(x.Exprs))
			changed := false
			for i, e := range x.Exprs {
				var ch bool
				exprs[i], ch = fold(e)
				changed = changed || ch
			}
			if changed {
				return &plan.Project{Input: x.Input, Exprs: exprs, Out: x.Out}, true, nil
			}
		}
		return n, false, nil
	})
}

// fold folds the constant subexpressions of e bottom-up.
func fold(e expr.Expr) (expr.Expr, bool) {
	changed := false
	out := rewrite(e, func(x expr.Expr) expr.Expr {
		if !foldable(x) {
			return x
		}
		lit, err := expr.EvalConst(x, memory.DefaultAllocator)
		if err != nil {
			return x
		}
		changed = true
		return lit
	})
	return out, changed
}

// foldable reports whether x is an operation whose direct inputs are all
// literals.
func foldable(x expr.Expr) bool {
	allLit := func(es ...expr.Expr) bool {
		for _, e := range es {
			if _, ok := e.(*expr.Literal); !ok {
				return false
			}
		}
		return true
	}
	switch n := x.(type) {
	case *expr.Call:
		return allLit(n.Args...)
	case *expr.Cast:
		return allLit(n.Input)
	case *expr.Case:
		for _, w := range n.Whens {
			if !allLit(w.Cond, w.Then) {
				return false
			}
		}
		return allLit(n.Else)
	}
	return false
}
