package rules

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// MergeProjects merges a Project over a Project into one, substituting
// the inner expressions into the outer ones, unless that would repeat a
// non-trivial inner expression (one used more than once above).
func MergeProjects(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		outer, ok := n.(*plan.Project)
		if !ok {
			return n, false, nil
		}
		inner, ok := outer.Input.(*plan.Project)
		if !ok {
			return n, false, nil
		}
		uses := make([]int, len(inner.Exprs))
		for _, e := range outer.Exprs {
			expr.Walk(e, func(x expr.Expr) bool {
				if c, ok := x.(*expr.Column); ok {
					uses[c.Index]++
				}
				return true
			})
		}
		for i, u := range uses {
			if u > 1 && !isTrivial(inner.Exprs[i]) {
				return n, false, nil
			}
		}
		exprs := make([]expr.Expr, len(outer.Exprs))
		for i, e := range outer.Exprs {
			exprs[i] = substitute(e, inner.Exprs)
		}
		return &plan.Project{Input: inner.Input, Exprs: exprs, Out: outer.Out}, true, nil
	})
}

// RemoveIdentityProjects drops a Project that outputs its input unchanged:
// every input column, in order, with the same names, types and
// nullability.
func RemoveIdentityProjects(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		p, ok := n.(*plan.Project)
		if !ok {
			return n, false, nil
		}
		in := p.Input.Schema()
		if in.NumFields() != len(p.Exprs) {
			return n, false, nil
		}
		for i, e := range p.Exprs {
			c, ok := e.(*expr.Column)
			if !ok || c.Index != i || !fieldsEqual(in.Field(i), p.Out.Field(i)) {
				return n, false, nil
			}
		}
		return p.Input, true, nil
	})
}

func fieldsEqual(a, b arrow.Field) bool {
	return a.Name == b.Name && a.Nullable == b.Nullable && arrow.TypeEqual(a.Type, b.Type)
}
