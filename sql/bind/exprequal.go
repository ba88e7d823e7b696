package bind

import (
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/types"
)

// sameExpr reports whether two bound expressions over the same input are
// structurally identical: same columns, literals, functions, casts and
// types. A select-list expression that is the same as a GROUP BY
// expression reads the group key.
func sameExpr(a, b expr.Expr) bool {
	if !types.Equal(a.Type(), b.Type()) {
		return false
	}
	switch x := a.(type) {
	case *expr.Column:
		y, ok := b.(*expr.Column)
		return ok && x.Index == y.Index
	case *expr.Literal:
		y, ok := b.(*expr.Literal)
		return ok && x.Value == y.Value
	case *expr.Call:
		y, ok := b.(*expr.Call)
		return ok && x.Func == y.Func && sameExprs(x.Args, y.Args)
	case *expr.Cast:
		y, ok := b.(*expr.Cast)
		return ok && sameExpr(x.Input, y.Input)
	case *expr.Case:
		y, ok := b.(*expr.Case)
		if !ok || len(x.Whens) != len(y.Whens) || !sameExpr(x.Else, y.Else) {
			return false
		}
		for i, w := range x.Whens {
			if !sameExpr(w.Cond, y.Whens[i].Cond) || !sameExpr(w.Then, y.Whens[i].Then) {
				return false
			}
		}
		return true
	}
	return false
}

func sameExprs(a, b []expr.Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameExpr(a[i], b[i]) {
			return false
		}
	}
	return true
}
