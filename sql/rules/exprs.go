package rules

import (
	"github.com/weir-stream/weir/operators/expr"
)

// rewrite rebuilds e bottom-up, replacing each node by f's result; nodes
// are copied, never mutated.
func rewrite(e expr.Expr, f func(expr.Expr) expr.Expr) expr.Expr {
	switch n := e.(type) {
	case *expr.Call:
		args := make([]expr.Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = rewrite(a, f)
		}
		e = &expr.Call{Func: n.Func, Args: args, DataType: n.DataType}
	case *expr.Cast:
		e = &expr.Cast{Input: rewrite(n.Input, f), To: n.To}
	case *expr.Case:
		whens := make([]expr.When, len(n.Whens))
		for i, w := range n.Whens {
			whens[i] = expr.When{Cond: rewrite(w.Cond, f), Then: rewrite(w.Then, f)}
		}
		e = &expr.Case{Whens: whens, Else: rewrite(n.Else, f), DataType: n.DataType}
	}
	return f(e)
}

// substitute replaces each column reference $i in e by exprs[i].
func substitute(e expr.Expr, exprs []expr.Expr) expr.Expr {
	return rewrite(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.Column); ok {
			return exprs[c.Index]
		}
		return x
	})
}

// columnsUsed marks in used the input columns e reads.
func columnsUsed(e expr.Expr, used []bool) {
	expr.Walk(e, func(x expr.Expr) bool {
		if c, ok := x.(*expr.Column); ok && c.Index < len(used) {
			used[c.Index] = true
		}
		return true
	})
}

// remap renumbers the column references of e by mapping (old -> new).
func remap(e expr.Expr, mapping []int) expr.Expr {
	return rewrite(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.Column); ok && mapping[c.Index] != c.Index {
			return &expr.Column{Index: mapping[c.Index], Name: c.Name, DataType: c.DataType}
		}
		return x
	})
}

// isTrivial reports whether e is cheap to repeat: a column or a literal.
func isTrivial(e expr.Expr) bool {
	switch e.(type) {
	case *expr.Column, *expr.Literal:
		return true
	}
	return false
}

// boolLiteral reports whether e is the BOOLEAN literal v.
func boolLiteral(e expr.Expr, v bool) bool {
	l, ok := e.(*expr.Literal)
	if !ok || l.Value == nil {
		return false
	}
	b, ok := l.Value.(bool)
	return ok && b == v
}
