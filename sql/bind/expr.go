package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/types"
)

// expr binds an expression over scope s. It returns nil after recording an
// error; callers pass nil on without reporting again.
func (sc *stmtCtx) expr(n ast.ExprNode, s *scope) expr.Expr {
	if s.agg != nil {
		if k, ok := sc.groupedRef(n, s.agg); ok {
			return k
		}
	}
	switch e := n.(type) {
	case *ast.ParenthesesExpr:
		return sc.expr(e.Expr, s)
	case *ast.ColumnNameExpr:
		return sc.column(e, s)
	case ast.ValueExpr:
		return sc.literal(e)
	case *ast.BinaryOperationExpr:
		return sc.binary(e, s)
	case *ast.UnaryOperationExpr:
		return sc.unary(e, s)
	case *ast.IsNullExpr:
		return sc.isNull(e, s)
	case *ast.PatternInExpr:
		return sc.in(e, s)
	case *ast.BetweenExpr:
		return sc.between(e, s)
	case *ast.PatternLikeOrIlikeExpr:
		return sc.like(e, s)
	case *ast.CaseExpr:
		return sc.caseExpr(e, s)
	case *ast.FuncCallExpr:
		return sc.call(e, s)
	case *ast.FuncCastExpr:
		sc.errorf(sc.off(e), "unsupported conversion syntax: use CAST(x AS type)")
	case *ast.AggregateFuncExpr:
		return sc.aggregate(e, s)
	case *ast.WindowFuncExpr:
		sc.errorf(sc.off(e), "window functions (%s ... OVER) are not supported yet", strings.ToUpper(e.Name))
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.CompareSubqueryExpr:
		sc.errorf(sc.off(e), "subqueries in expressions are not supported yet")
	case *ast.IsTruthExpr:
		sc.errorf(sc.off(e), "IS TRUE and IS FALSE are not supported yet")
	case *ast.PatternRegexpExpr:
		sc.errorf(sc.off(e), "REGEXP is not supported: use REGEXP_EXTRACT")
	case *ast.RowExpr:
		sc.errorf(sc.off(e), "row constructors are not supported")
	case *ast.VariableExpr:
		sc.errorf(sc.off(e), "variables are not supported")
	default:
		sc.errorf(sc.off(n), "this expression is not supported")
	}
	return nil
}

// column resolves a column name.
func (sc *stmtCtx) column(e *ast.ColumnNameExpr, s *scope) expr.Expr {
	n := e.Name
	off := sc.off(e)
	if n.Schema.O != "" {
		sc.errorf(off, "database-qualified names (%s.%s.%s) are not supported", n.Schema.O, n.Table.O, n.Name.O)
		return nil
	}
	idx, ambiguous := s.lookup(n.Table.O, n.Name.O)
	switch {
	case ambiguous:
		sc.errorf(off, "column reference %s is ambiguous", n.Name.O)
		return nil
	case idx < 0 && n.Table.O != "" && !s.hasQual(n.Table.O):
		sc.errorf(off, "unknown table or alias %s in %s.%s", n.Table.O, n.Table.O, n.Name.O)
		return nil
	case idx < 0:
		sc.errorf(off, "column %s not found%s", n.Name.O, s.describe())
		return nil
	}
	c := s.cols[idx]
	if s.agg != nil {
		sc.errorf(off, "column %s is not being grouped: use it in GROUP BY or inside an aggregate function", c.name)
		return nil
	}
	return &expr.Column{Index: idx, Name: c.name, DataType: c.typ}
}

// describe names the sources of a scope for "not found" messages.
func (s *scope) describe() string {
	var quals []string
	seen := map[string]bool{}
	for _, c := range s.cols {
		if c.qual != "" && !seen[strings.ToLower(c.qual)] {
			seen[strings.ToLower(c.qual)] = true
			quals = append(quals, c.qual)
		}
	}
	if len(quals) == 0 {
		return ""
	}
	return " in " + strings.Join(quals, ", ")
}

// opOff is the offset of a binary operator: the token just before its
// right operand.
func (sc *stmtCtx) opOff(right ast.ExprNode) int {
	if t, ok := sc.tokenBefore(sc.off(right)); ok {
		return t.Off
	}
	return sc.off(right)
}

var arithFns = map[opcode.Op]string{
	opcode.Plus: expr.FnAdd, opcode.Minus: expr.FnSub, opcode.Mul: expr.FnMul,
	opcode.Div: expr.FnDiv, opcode.Mod: expr.FnMod,
}

var compareFns = map[opcode.Op]string{
	opcode.EQ: expr.FnEq, opcode.NE: expr.FnNe, opcode.LT: expr.FnLt,
	opcode.LE: expr.FnLe, opcode.GT: expr.FnGt, opcode.GE: expr.FnGe,
}

// binary binds arithmetic, comparison and AND/OR.
func (sc *stmtCtx) binary(e *ast.BinaryOperationExpr, s *scope) expr.Expr {
	l, r := sc.expr(e.L, s), sc.expr(e.R, s)
	if l == nil || r == nil {
		return nil
	}
	op := sc.opOff(e.R)
	opText := sc.toks[sc.tokIndex(op)].Text
	if fn, ok := arithFns[e.Op]; ok {
		return sc.arith(fn, opText, l, r, op)
	}
	if fn, ok := compareFns[e.Op]; ok {
		return sc.compare(fn, opText, l, r, sc.off(e.L), sc.off(e.R), op)
	}
	switch e.Op {
	case opcode.LogicAnd, opcode.LogicOr:
		fn := expr.FnAnd
		if e.Op == opcode.LogicOr {
			fn = expr.FnOr
		}
		l, r = sc.boolOperand(l, opText, op), sc.boolOperand(r, opText, op)
		if l == nil || r == nil {
			return nil
		}
		return &expr.Call{Func: fn, Args: []expr.Expr{l, r}, DataType: expr.Boolean}
	}
	sc.errorf(op, "operator %s is not supported", opText)
	return nil
}

// boolOperand checks that e can be an operand of AND, OR or NOT.
func (sc *stmtCtx) boolOperand(e expr.Expr, opText string, op int) expr.Expr {
	switch {
	case types.IsNull(e.Type()):
		return sc.coerce(e, expr.Boolean, op)
	case e.Type().ID() != arrow.BOOL:
		sc.errorf(op, "%s needs BOOLEAN operands, got %s", strings.ToUpper(opText), expr.SQLTypeName(e.Type()))
		return nil
	}
	return e
}

// arith types an arithmetic operator; TIMESTAMP +/- INTERVAL is
// TIMESTAMP.
func (sc *stmtCtx) arith(fn, opText string, l, r expr.Expr, op int) expr.Expr {
	lt, rt := l.Type(), r.Type()
	isTS := func(t arrow.DataType) bool { return t.ID() == arrow.TIMESTAMP }
	isIv := func(t arrow.DataType) bool { return t.ID() == arrow.DURATION }
	switch {
	case (fn == expr.FnAdd || fn == expr.FnSub) && isTS(lt) && isIv(rt):
		return &expr.Call{Func: fn, Args: []expr.Expr{l, r}, DataType: expr.Timestamp}
	case fn == expr.FnAdd && isIv(lt) && isTS(rt):
		return &expr.Call{Func: fn, Args: []expr.Expr{r, l}, DataType: expr.Timestamp}
	case (fn == expr.FnAdd || fn == expr.FnSub) && isIv(rt) && types.IsNull(lt):
		return &expr.Literal{DataType: expr.Timestamp}
	case types.IsNull(lt) && types.IsNull(rt):
		sc.errorf(op, "cannot apply %s to NULL and NULL: the type is unknown, use CAST", opText)
		return nil
	case types.IsNull(lt) && types.IsNumeric(rt):
		l, lt = sc.coerce(l, rt, op), rt
	case types.IsNull(rt) && types.IsNumeric(lt):
		r, rt = sc.coerce(r, lt, op), lt
	}
	a, ok := types.Arithmetic(fn, lt, rt)
	if !ok {
		hint := ""
		if lt.ID() == arrow.DATE32 && isIv(rt) {
			hint = ": CAST the DATE to TIMESTAMP(3) first"
		}
		sc.errorf(op, "operator %s cannot be applied to %s and %s%s", opText, expr.SQLTypeName(lt), expr.SQLTypeName(rt), hint)
		return nil
	}
	return &expr.Call{Func: fn, Args: []expr.Expr{sc.coerce(l, a.Left, op), sc.coerce(r, a.Right, op)}, DataType: a.Result}
}

// commonType is the type two operands are compared in. A VARCHAR literal
// meeting a TIMESTAMP or DATE takes the temporal type.
func commonType(l, r expr.Expr) (arrow.DataType, bool) {
	if t, ok := types.Common(l.Type(), r.Type()); ok {
		return t, true
	}
	if isStringLiteral(l) && types.IsTemporal(r.Type()) {
		return r.Type(), true
	}
	if isStringLiteral(r) && types.IsTemporal(l.Type()) {
		return l.Type(), true
	}
	return nil, false
}

func isStringLiteral(e expr.Expr) bool {
	lit, ok := e.(*expr.Literal)
	return ok && lit.Value != nil && types.IsString(lit.DataType)
}

// compare types a comparison; lOff and rOff locate the operands (a
// literal that does not convert is reported there).
func (sc *stmtCtx) compare(fn, opText string, l, r expr.Expr, lOff, rOff, op int) expr.Expr {
	t, ok := commonType(l, r)
	if !ok {
		sc.errorf(op, "cannot compare %s and %s with %s", expr.SQLTypeName(l.Type()), expr.SQLTypeName(r.Type()), opText)
		return nil
	}
	if types.IsNull(t) {
		return &expr.Literal{DataType: expr.Boolean}
	}
	l, r = sc.coerce(l, t, lOff), sc.coerce(r, t, rOff)
	if l == nil || r == nil {
		return nil
	}
	return &expr.Call{Func: fn, Args: []expr.Expr{l, r}, DataType: expr.Boolean}
}

// unary binds -x, +x and NOT x. A minus before a number literal makes a
// negative literal.
func (sc *stmtCtx) unary(e *ast.UnaryOperationExpr, s *scope) expr.Expr {
	off := sc.off(e)
	if e.Op == opcode.Minus {
		if v, ok := e.V.(ast.ValueExpr); ok {
			if t, ok := sc.tokenAt(sc.off(v)); ok && t.Kind == numberKind {
				return sc.numberLiteral("-"+t.Text, off)
			}
		}
	}
	x := sc.expr(e.V, s)
	if x == nil {
		return nil
	}
	switch e.Op {
	case opcode.Minus, opcode.Plus:
		t := x.Type()
		if types.IsNull(t) {
			return x
		}
		if !types.IsNumeric(t) {
			sc.errorf(off, "unary %s cannot be applied to %s", e.Op.String(), expr.SQLTypeName(t))
			return nil
		}
		if e.Op == opcode.Plus {
			return x
		}
		return &expr.Call{Func: expr.FnNeg, Args: []expr.Expr{x}, DataType: t}
	case opcode.Not, opcode.Not2:
		x = sc.boolOperand(x, "NOT", off)
		if x == nil {
			return nil
		}
		return not(x)
	}
	sc.errorf(off, "operator %s is not supported", e.Op.String())
	return nil
}

func not(x expr.Expr) expr.Expr {
	return &expr.Call{Func: expr.FnNot, Args: []expr.Expr{x}, DataType: expr.Boolean}
}

// isNull binds x IS [NOT] NULL; an untyped NULL gives a constant.
func (sc *stmtCtx) isNull(e *ast.IsNullExpr, s *scope) expr.Expr {
	x := sc.expr(e.Expr, s)
	if x == nil {
		return nil
	}
	if types.IsNull(x.Type()) {
		return &expr.Literal{Value: !e.Not, DataType: expr.Boolean}
	}
	fn := expr.FnIsNull
	if e.Not {
		fn = expr.FnIsNotNull
	}
	return &expr.Call{Func: fn, Args: []expr.Expr{x}, DataType: expr.Boolean}
}

// in binds x [NOT] IN (v1, ...), all converted to one type.
func (sc *stmtCtx) in(e *ast.PatternInExpr, s *scope) expr.Expr {
	if e.Sel != nil {
		sc.errorf(sc.off(e.Sel), "subqueries in expressions are not supported yet")
		return nil
	}
	x := sc.expr(e.Expr, s)
	if x == nil || len(e.List) == 0 {
		return nil
	}
	items := []expr.Expr{x}
	offs := []int{sc.off(e.Expr)}
	t := x.Type()
	for _, n := range e.List {
		v := sc.expr(n, s)
		if v == nil {
			return nil
		}
		c, ok := commonType(&expr.Literal{DataType: t}, v)
		if isStringLiteral(v) && types.IsTemporal(t) {
			c, ok = t, true
		}
		if !ok {
			sc.errorf(sc.off(n), "IN list item of type %s cannot be compared with %s", expr.SQLTypeName(v.Type()), expr.SQLTypeName(t))
			return nil
		}
		t = c
		items = append(items, v)
		offs = append(offs, sc.off(n))
	}
	if types.IsNull(t) {
		return &expr.Literal{DataType: expr.Boolean}
	}
	for i := range items {
		if items[i] = sc.coerce(items[i], t, offs[i]); items[i] == nil {
			return nil
		}
	}
	var out expr.Expr = &expr.Call{Func: expr.FnIn, Args: items, DataType: expr.Boolean}
	if e.Not {
		out = not(out)
	}
	return out
}

// between binds x [NOT] BETWEEN lo AND hi as x >= lo AND x <= hi (or
// x < lo OR x > hi).
func (sc *stmtCtx) between(e *ast.BetweenExpr, s *scope) expr.Expr {
	x, lo, hi := sc.expr(e.Expr, s), sc.expr(e.Left, s), sc.expr(e.Right, s)
	if x == nil || lo == nil || hi == nil {
		return nil
	}
	kw := sc.keywordBefore(sc.off(e.Left), "BETWEEN")
	ge, le, join := expr.FnGe, expr.FnLe, expr.FnAnd
	if e.Not {
		ge, le, join = expr.FnLt, expr.FnGt, expr.FnOr
	}
	a := sc.compare(ge, "BETWEEN", x, lo, sc.off(e.Expr), sc.off(e.Left), kw)
	if a == nil {
		return nil
	}
	b := sc.compare(le, "BETWEEN", x, hi, sc.off(e.Expr), sc.off(e.Right), kw)
	if b == nil {
		return nil
	}
	return &expr.Call{Func: join, Args: []expr.Expr{a, b}, DataType: expr.Boolean}
}

// like binds x [NOT] LIKE pattern [ESCAPE c].
func (sc *stmtCtx) like(e *ast.PatternLikeOrIlikeExpr, s *scope) expr.Expr {
	kw := sc.opOff(e.Pattern)
	if !e.IsLike {
		sc.errorf(kw, "ILIKE is not supported: use LOWER(x) LIKE pattern")
		return nil
	}
	x, p := sc.expr(e.Expr, s), sc.expr(e.Pattern, s)
	if x == nil || p == nil {
		return nil
	}
	args := []expr.Expr{x, p}
	if e.EscapeExplicit {
		args = append(args, &expr.Literal{Value: string(rune(e.Escape)), DataType: expr.Varchar})
	}
	for i, a := range args {
		switch {
		case types.IsNull(a.Type()):
			args[i] = sc.coerce(a, expr.Varchar, kw)
		case !types.IsString(a.Type()):
			sc.errorf(kw, "LIKE needs VARCHAR operands, got %s LIKE %s", expr.SQLTypeName(x.Type()), expr.SQLTypeName(p.Type()))
			return nil
		}
	}
	if !sc.checkLikeLiteral(args, sc.off(e.Pattern)) {
		return nil
	}
	var out expr.Expr = &expr.Call{Func: expr.FnLike, Args: args, DataType: expr.Boolean}
	if e.Not {
		out = not(out)
	}
	return out
}

// caseExpr binds searched and simple CASE; a simple CASE x WHEN v is
// bound as x = v.
func (sc *stmtCtx) caseExpr(e *ast.CaseExpr, s *scope) expr.Expr {
	off := sc.off(e)
	var value expr.Expr
	if e.Value != nil {
		if value = sc.expr(e.Value, s); value == nil {
			return nil
		}
	}
	var (
		whens   []expr.When
		results []expr.Expr
		offs    []int
	)
	for _, w := range e.WhenClauses {
		var cond expr.Expr
		if value != nil {
			v := sc.expr(w.Expr, s)
			if v == nil {
				return nil
			}
			cond = sc.compare(expr.FnEq, "=", value, v, sc.off(e.Value), sc.off(w.Expr), sc.off(w.Expr))
		} else {
			cond = sc.condition(w.Expr, s, "WHEN")
		}
		then := sc.expr(w.Result, s)
		if cond == nil || then == nil {
			return nil
		}
		whens = append(whens, expr.When{Cond: cond, Then: then})
		results = append(results, then)
		offs = append(offs, sc.off(w.Result))
	}
	var elseExpr expr.Expr
	if e.ElseClause != nil {
		if elseExpr = sc.expr(e.ElseClause, s); elseExpr == nil {
			return nil
		}
		results = append(results, elseExpr)
		offs = append(offs, sc.off(e.ElseClause))
	}
	t := expr.Null
	for i, r := range results {
		c, ok := types.Common(t, r.Type())
		if !ok {
			sc.errorf(offs[i], "CASE results have incompatible types %s and %s", expr.SQLTypeName(t), expr.SQLTypeName(r.Type()))
			return nil
		}
		t = c
	}
	if types.IsNull(t) {
		sc.errorf(off, "the type of this CASE is unknown (every result is NULL): use CAST")
		return nil
	}
	for i := range whens {
		whens[i].Then = sc.coerce(whens[i].Then, t, offs[i])
	}
	if elseExpr == nil {
		elseExpr = &expr.Literal{DataType: t}
	} else {
		elseExpr = sc.coerce(elseExpr, t, offs[len(offs)-1])
	}
	return &expr.Case{Whens: whens, Else: elseExpr, DataType: t}
}
