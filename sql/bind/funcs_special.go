package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/prepass"
	"github.com/weir-stream/weir/sql/types"
)

// extractUnits are the units EXTRACT accepts (expr.FnExtract).
var extractUnits = map[string]bool{
	"YEAR": true, "QUARTER": true, "MONTH": true, "WEEK": true, "DAY": true, "DOY": true,
	"DOW": true, "HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true, "EPOCH": true,
}

// cast binds CAST(x AS type), whose type the pre-pass lifted.
func (sc *stmtCtx) cast(c *callSite, lifted *prepass.Call, args []expr.Expr) expr.Expr {
	if lifted == nil || len(args) != 1 {
		sc.errorf(c.off, "expected CAST(expression AS type)")
		return nil
	}
	to, next, err := types.Parse(lifted.Type, 0)
	if err != nil {
		sc.errorf(err.Off, "%s", err.Msg)
		return nil
	}
	if next < len(lifted.Type) {
		sc.errorf(lifted.Type[next].Off, "unexpected %s after the type in CAST", lifted.Type[next].Text)
		return nil
	}
	x := args[0]
	if !types.Castable(x.Type(), to) {
		sc.errorf(c.off, "cannot CAST %s to %s", expr.SQLTypeName(x.Type()), expr.SQLTypeName(to))
		return nil
	}
	if lit, ok := x.(*expr.Literal); ok && (lit.Value == nil || (isStringLiteral(lit) && types.IsTemporal(to))) {
		return sc.coerce(x, to, c.offs[0])
	}
	if types.Equal(x.Type(), to) {
		return x
	}
	return &expr.Cast{Input: x, To: to}
}

// extract binds EXTRACT(unit FROM t), whose unit the pre-pass lifted.
func (sc *stmtCtx) extract(c *callSite, lifted *prepass.Call, args []expr.Expr) expr.Expr {
	if lifted == nil || len(args) != 1 {
		sc.errorf(c.off, "expected EXTRACT(unit FROM expression)")
		return nil
	}
	unit := strings.ToUpper(lifted.Unit.Name())
	if !extractUnits[unit] {
		sc.errorf(lifted.Unit.Off, "unknown EXTRACT unit %s: use YEAR, QUARTER, MONTH, WEEK, DAY, DOY, DOW, HOUR, MINUTE, SECOND, MILLISECOND or EPOCH", lifted.Unit.Text)
		return nil
	}
	t := args[0]
	switch {
	case types.IsTemporal(t.Type()):
	case types.IsNull(t.Type()), isStringLiteral(t):
		if t = sc.coerce(t, expr.Timestamp, c.offs[0]); t == nil {
			return nil
		}
	default:
		sc.errorf(c.off, "cannot apply EXTRACT(%s FROM %s): expected a TIMESTAMP(3) or DATE", unit, expr.SQLTypeName(t.Type()))
		return nil
	}
	return &expr.Call{Func: expr.FnExtract, Args: []expr.Expr{&expr.Literal{Value: unit, DataType: expr.Varchar}, t}, DataType: expr.BigInt}
}

// round binds ROUND(x [, digits]); for a DECIMAL, digits must be an
// integer literal, since it decides the result's scale.
func (sc *stmtCtx) round(c *callSite, args []expr.Expr) expr.Expr {
	if len(args) < 1 || len(args) > 2 {
		sc.errorf(c.off, "ROUND takes 1 to 2 arguments, got %d", len(args))
		return nil
	}
	x := args[0]
	var digits expr.Expr = &expr.Literal{Value: int32(0), DataType: expr.Int}
	if len(args) == 2 {
		d, ok := sc.convertArg(args[1], pInt, c.offs[1])
		if !ok || !types.IsNumeric(x.Type()) {
			sc.errorf(c.off, "cannot apply %s: expected ROUND(NUMERIC, [INT])", c.describe(args))
			return nil
		}
		digits = d
	}
	if !types.IsNumeric(x.Type()) {
		sc.errorf(c.off, "cannot apply %s: expected ROUND(NUMERIC, [INT])", c.describe(args))
		return nil
	}
	t := x.Type()
	if types.IsDecimal(t) {
		lit, ok := digits.(*expr.Literal)
		if !ok || lit.Value == nil {
			sc.errorf(c.offs[1], "ROUND of a DECIMAL needs a constant number of digits")
			return nil
		}
		t = types.RoundDecimal(t.(*arrow.Decimal128Type), lit.Value.(int32))
	}
	return &expr.Call{Func: expr.FnRound, Args: []expr.Expr{x, digits}, DataType: t}
}

// floorCeil binds FLOOR(x) and CEIL(x); a DECIMAL result has scale 0.
func (sc *stmtCtx) floorCeil(c *callSite, args []expr.Expr) expr.Expr {
	if len(args) != 1 {
		sc.errorf(c.off, "%s takes 1 argument(s), got %d", c.name, len(args))
		return nil
	}
	t := args[0].Type()
	if !types.IsNumeric(t) {
		sc.errorf(c.off, "cannot apply %s: expected %s(NUMERIC)", c.describe(args), c.name)
		return nil
	}
	if types.IsDecimal(t) {
		t = types.FloorCeilDecimal(t.(*arrow.Decimal128Type))
	}
	fn := expr.FnCeil
	if c.name == "FLOOR" {
		fn = expr.FnFloor
	}
	return &expr.Call{Func: fn, Args: args, DataType: t}
}

// coalesce binds COALESCE(a, b, ...), all converted to their common type.
func (sc *stmtCtx) coalesce(c *callSite, args []expr.Expr) expr.Expr {
	if len(args) == 0 {
		sc.errorf(c.off, "COALESCE takes at least 1 argument(s), got 0")
		return nil
	}
	t := expr.Null
	for _, a := range args {
		n, ok := types.Common(t, a.Type())
		if !ok {
			sc.errorf(c.off, "cannot apply %s: the arguments have no common type", c.describe(args))
			return nil
		}
		t = n
	}
	if types.IsNull(t) {
		sc.errorf(c.off, "the type of COALESCE(NULL, ...) is unknown: use CAST")
		return nil
	}
	out := make([]expr.Expr, len(args))
	for i, a := range args {
		if out[i] = sc.coerce(a, t, c.offs[i]); out[i] == nil {
			return nil
		}
	}
	return &expr.Call{Func: expr.FnCoalesce, Args: out, DataType: t}
}

// trim binds TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) and TRIM(s).
func (sc *stmtCtx) trim(c *callSite, e *ast.FuncCallExpr, s *scope) expr.Expr {
	fn := expr.FnTrim
	nodes := e.Args
	if len(nodes) == 3 {
		if d, ok := nodes[2].(*ast.TrimDirectionExpr); ok {
			switch d.Direction {
			case ast.TrimLeading:
				fn = expr.FnLTrim
			case ast.TrimTrailing:
				fn = expr.FnRTrim
			}
			nodes = nodes[:2]
		}
	}
	args := make([]expr.Expr, 0, 2)
	for _, n := range nodes {
		a := sc.expr(n, s)
		if a == nil {
			return nil
		}
		args = append(args, a)
	}
	if len(args) == 1 {
		args = append(args, space)
	}
	for i, a := range args {
		v, ok := sc.convertArg(a, pString, c.off)
		if !ok {
			sc.errorf(c.off, "cannot apply TRIM to %s: expected VARCHAR", expr.SQLTypeName(a.Type()))
			return nil
		}
		if v == nil {
			return nil
		}
		args[i] = v
	}
	return &expr.Call{Func: fn, Args: args, DataType: expr.Varchar}
}

// typedLiteral binds DATE '...' and TIMESTAMP '...'.
func (sc *stmtCtx) typedLiteral(e *ast.FuncCallExpr, off int) expr.Expr {
	t := expr.Timestamp
	if e.FnName.L == ast.DateLiteral {
		t = expr.Date
	}
	if len(e.Args) != 1 {
		sc.errorf(off, "malformed %s literal", expr.SQLTypeName(t))
		return nil
	}
	v, ok := e.Args[0].(ast.ValueExpr)
	if !ok {
		sc.errorf(off, "malformed %s literal", expr.SQLTypeName(t))
		return nil
	}
	s, ok := v.GetValue().(string)
	if !ok {
		sc.errorf(off, "malformed %s literal", expr.SQLTypeName(t))
		return nil
	}
	val, err := parseTemporal(s, t)
	if err != nil {
		sc.errorf(off, "%s", err)
		return nil
	}
	return &expr.Literal{Value: val, DataType: t}
}
