package rules

import (
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// SimplifyBooleans applies the boolean identities that hold under SQL's
// three-valued logic: x AND TRUE = x, x OR FALSE = x, x AND FALSE = FALSE,
// x OR TRUE = TRUE, NOT TRUE = FALSE, NOT FALSE = TRUE; and drops a
// Filter whose condition is the literal TRUE.
func SimplifyBooleans(n plan.Node) (plan.Node, bool, error) {
	return transform(n, func(n plan.Node) (plan.Node, bool, error) {
		switch x := n.(type) {
		case *plan.Filter:
			cond, changed := simplify(x.Cond)
			if boolLiteral(cond, true) {
				return x.Input, true, nil
			}
			if changed {
				return &plan.Filter{Input: x.Input, Cond: cond}, true, nil
			}
		case *plan.Project:
			exprs := make([]expr.Expr, len(x.Exprs))
			changed := false
			for i, e := range x.Exprs {
				var ch bool
				exprs[i], ch = simplify(e)
				changed = changed || ch
			}
			if changed {
				return &plan.Project{Input: x.Input, Exprs: exprs, Out: x.Out}, true, nil
			}
		}
		return n, false, nil
	})
}

// simplify applies the identities to e bottom-up.
func simplify(e expr.Expr) (expr.Expr, bool) {
	changed := false
	out := rewrite(e, func(x expr.Expr) expr.Expr {
		c, ok := x.(*expr.Call)
		if !ok {
			return x
		}
		switch c.Func {
		case expr.FnAnd, expr.FnOr:
			unit, zero := true, false // AND: TRUE is the unit, FALSE absorbs
			if c.Func == expr.FnOr {
				unit, zero = false, true
			}
			l, r := c.Args[0], c.Args[1]
			switch {
			case boolLiteral(l, zero) || boolLiteral(r, zero):
				changed = true
				return &expr.Literal{Value: zero, DataType: expr.Boolean}
			case boolLiteral(r, unit):
				changed = true
				return l
			case boolLiteral(l, unit):
				changed = true
				return r
			}
		case expr.FnNot:
			if boolLiteral(c.Args[0], true) || boolLiteral(c.Args[0], false) {
				changed = true
				return &expr.Literal{Value: boolLiteral(c.Args[0], false), DataType: expr.Boolean}
			}
		}
		return x
	})
	return out, changed
}
