package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/types"
)

// aggFuncs are the supported aggregate functions by upper-case name.
var aggFuncs = map[string]windowspec.AggFunc{
	"COUNT": windowspec.Count, "SUM": windowspec.Sum, "MIN": windowspec.Min, "MAX": windowspec.Max, "AVG": windowspec.Avg,
}

// aggName is the aggregate's name as the user wrote it, upper case (TiDB
// renames some, e.g. STDDEV to stddev_pop).
func (sc *stmtCtx) aggName(e *ast.AggregateFuncExpr, off int) string {
	if t, ok := sc.tokenAt(off); ok && t.IsIdent() {
		return strings.ToUpper(t.Name())
	}
	return strings.ToUpper(e.F)
}

// aggregate binds an aggregate call in the select list or HAVING of a
// window aggregation, and refuses it anywhere else.
func (sc *stmtCtx) aggregate(e *ast.AggregateFuncExpr, s *scope) expr.Expr {
	off := sc.off(e)
	name := sc.aggName(e, off)
	fn, ok := aggFuncs[name]
	if !ok {
		sc.errorf(off, "aggregate function %s is not supported: use COUNT, SUM, MIN, MAX or AVG", name)
		return nil
	}
	if s.agg == nil {
		switch {
		case s.nestedAgg:
			sc.errorf(off, "aggregate function calls cannot be nested")
		case s.clause != "":
			sc.errorf(off, "aggregate functions are not allowed in %s", s.clause)
		default:
			sc.errorf(off, "aggregate function %s is not allowed here", name)
		}
		return nil
	}
	if sc.isCountStar(off) {
		return s.agg.add(&aggCall{fn: windowspec.CountStar, typ: expr.BigInt})
	}
	if len(e.Args) != 1 {
		sc.errorf(off, "%s takes one argument, got %d", name, len(e.Args))
		return nil
	}
	nested := &scope{cols: s.agg.in.cols, nestedAgg: true}
	arg := sc.expr(e.Args[0], nested)
	if arg == nil {
		return nil
	}
	typ, ok := aggResultType(fn, arg.Type())
	if !ok {
		at := expr.SQLTypeName(arg.Type())
		switch {
		case types.IsNull(arg.Type()):
			sc.errorf(off, "the type of %s(NULL) is unknown: use CAST(NULL AS type)", name)
		case fn == windowspec.Sum || fn == windowspec.Avg:
			sc.errorf(off, "cannot apply %s to %s: expected a number", name, at)
		default:
			sc.errorf(off, "cannot apply %s to %s: expected a number, VARCHAR, BOOLEAN, TIMESTAMP(3) or DATE", name, at)
		}
		return nil
	}
	return s.agg.add(&aggCall{fn: fn, arg: arg, distinct: e.Distinct, typ: typ})
}

// isCountStar reports whether the aggregate at off is written COUNT(*).
func (sc *stmtCtx) isCountStar(off int) bool {
	i := sc.tokIndex(off)
	return i+2 < len(sc.toks) && sc.toks[i].Is("COUNT") && sc.toks[i+1].Is("(") && sc.toks[i+2].Is("*")
}

// aggResultType is the result type of fn over an argument of type t, as
// operators/window documents it (Flink's rules), or false when fn does
// not apply to t.
func aggResultType(fn windowspec.AggFunc, t arrow.DataType) (arrow.DataType, bool) {
	if types.IsNull(t) {
		return nil, false
	}
	switch fn {
	case windowspec.Count:
		return expr.BigInt, true
	case windowspec.Sum:
		switch {
		case types.IsInteger(t):
			return t, true
		case types.IsFloating(t):
			return expr.Double, true
		case types.IsDecimal(t):
			return expr.Decimal(types.MaxDecimalPrecision, t.(*arrow.Decimal128Type).Scale), true
		}
	case windowspec.Avg:
		switch {
		case types.IsInteger(t):
			return t, true
		case types.IsFloating(t):
			return expr.Double, true
		case types.IsDecimal(t):
			return expr.Decimal(types.MaxDecimalPrecision, max(t.(*arrow.Decimal128Type).Scale, 6)), true
		}
	case windowspec.Min, windowspec.Max:
		if types.IsNumeric(t) || types.IsString(t) || types.IsTemporal(t) || t.ID() == arrow.BOOL {
			return t, true
		}
	}
	return nil, false
}
