package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/operators/expr"
)

// render is expr.Expr.String with DECIMAL literals shown with their scale
// (1.50 rather than the raw decimal128.Num).
func render(e expr.Expr) string {
	switch n := e.(type) {
	case *expr.Literal:
		if v, ok := n.Value.(decimal128.Num); ok {
			return v.ToString(n.DataType.(*arrow.Decimal128Type).Scale)
		}
	case *expr.Call:
		args := make([]string, len(n.Args))
		for i, a := range n.Args {
			args[i] = render(a)
		}
		return n.Func + "(" + strings.Join(args, ", ") + ")"
	case *expr.Cast:
		return "CAST(" + render(n.Input) + " AS " + expr.SQLTypeName(n.To) + ")"
	case *expr.Case:
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range n.Whens {
			b.WriteString(" WHEN " + render(w.Cond) + " THEN " + render(w.Then))
		}
		b.WriteString(" ELSE " + render(n.Else) + " END")
		return b.String()
	}
	return e.String()
}
