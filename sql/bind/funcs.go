package bind

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/prepass"
	"github.com/weir-stream/weir/sql/types"
)

// param is the kind of value a function parameter takes.
type param int

const (
	pString    param = iota + 1 // VARCHAR
	pInt                        // INT (BIGINT is narrowed)
	pNumeric                    // any number, kept as is
	pTimestamp                  // TIMESTAMP(3) (DATE widened, VARCHAR literals parsed)
)

func (p param) String() string {
	switch p {
	case pString:
		return "VARCHAR"
	case pInt:
		return "INT"
	case pNumeric:
		return "NUMERIC"
	}
	return "TIMESTAMP(3)"
}

// funcDef describes a scalar function with a fixed signature.
type funcDef struct {
	fn     string
	params []param
	// optional is how many trailing params may be left out.
	optional int
	// variadic repeats the last param.
	variadic bool
	// implicit are arguments the kernel takes after the user's, which
	// the SQL form leaves out (LTRIM(s) trims the characters of ' ').
	implicit []expr.Expr
	// result computes the result type from the converted arguments.
	result func(args []expr.Expr) arrow.DataType
	// check validates the converted arguments further (e.g. a regex).
	check func(sc *stmtCtx, c *callSite, args []expr.Expr) bool
}

func fixed(t arrow.DataType) func([]expr.Expr) arrow.DataType {
	return func([]expr.Expr) arrow.DataType { return t }
}

func firstArgType(args []expr.Expr) arrow.DataType { return args[0].Type() }

// space is the default set of characters TRIM, LTRIM and RTRIM remove.
var space = &expr.Literal{Value: " ", DataType: expr.Varchar}

// functions are the scalar functions with a plain signature, by upper-case
// name. CAST, EXTRACT, TRIM, ROUND, FLOOR, CEIL, MOD, COALESCE and the
// group window functions (groupwindow.go) are bound by special cases in
// call.
var functions = map[string]*funcDef{
	"LOWER":            {fn: expr.FnLower, params: []param{pString}, result: fixed(expr.Varchar)},
	"UPPER":            {fn: expr.FnUpper, params: []param{pString}, result: fixed(expr.Varchar)},
	"CHAR_LENGTH":      {fn: expr.FnCharLength, params: []param{pString}, result: fixed(expr.Int)},
	"CHARACTER_LENGTH": {fn: expr.FnCharLength, params: []param{pString}, result: fixed(expr.Int)},
	"SUBSTRING":        {fn: expr.FnSubstring, params: []param{pString, pInt, pInt}, optional: 1, result: fixed(expr.Varchar)},
	"SUBSTR":           {fn: expr.FnSubstring, params: []param{pString, pInt, pInt}, optional: 1, result: fixed(expr.Varchar)},
	"CONCAT":           {fn: expr.FnConcat, params: []param{pString}, variadic: true, result: fixed(expr.Varchar)},
	"LTRIM":            {fn: expr.FnLTrim, params: []param{pString}, implicit: []expr.Expr{space}, result: fixed(expr.Varchar)},
	"RTRIM":            {fn: expr.FnRTrim, params: []param{pString}, implicit: []expr.Expr{space}, result: fixed(expr.Varchar)},
	"REPLACE":          {fn: expr.FnReplace, params: []param{pString, pString, pString}, result: fixed(expr.Varchar)},
	"REGEXP_EXTRACT":   {fn: expr.FnRegexpExtract, params: []param{pString, pString, pInt}, optional: 1, result: fixed(expr.Varchar), check: checkRegex},
	"SPLIT_INDEX":      {fn: expr.FnSplitIndex, params: []param{pString, pString, pInt}, result: fixed(expr.Varchar)},
	"ABS":              {fn: expr.FnAbs, params: []param{pNumeric}, result: firstArgType},
	"DATE_FORMAT":      {fn: expr.FnDateFormat, params: []param{pTimestamp, pString}, result: fixed(expr.Varchar), check: checkDateFormat},
}

// callSite is a function call being bound.
type callSite struct {
	name  string // upper case, as the user wrote it
	off   int
	nodes []ast.ExprNode
	offs  []int
}

// describe renders NAME(T1, T2) for messages.
func (c *callSite) describe(args []expr.Expr) string {
	ts := make([]string, len(args))
	for i, a := range args {
		ts[i] = expr.SQLTypeName(a.Type())
	}
	return c.name + "(" + strings.Join(ts, ", ") + ")"
}

// call binds a function call.
func (sc *stmtCtx) call(e *ast.FuncCallExpr, s *scope) expr.Expr {
	off := sc.off(e)
	c := &callSite{name: strings.ToUpper(e.FnName.O), off: off, nodes: e.Args}
	// Prefer the name as the user spelled it (TiDB normalises some, e.g.
	// CEILING), unless the call is synthesised from an operator (||).
	if t, ok := sc.tokenAt(off); ok && t.IsIdent() && sc.tokenIs(off, t, "(") {
		c.name = strings.ToUpper(t.Name())
	}
	var lifted *prepass.Call
	if prepass.IsPlaceholder(e.FnName.O) {
		lifted = sc.text.Lifts.Calls[off]
		if lifted != nil {
			c.name = lifted.Name
		}
	}
	switch e.FnName.L {
	case ast.DateLiteral, ast.TimestampLiteral:
		return sc.typedLiteral(e, off)
	case ast.TimeLiteral:
		sc.errorf(off, "TIME literals are not supported yet")
		return nil
	case ast.Trim:
		return sc.trim(c, e, s)
	}
	for _, n := range e.Args {
		c.offs = append(c.offs, sc.off(n))
	}
	if _, ok := windowKinds[c.name]; ok {
		sc.errorf(off, "%s is a group window function: it can only be an item of GROUP BY", c.name)
		return nil
	}
	if fn, end, ok := windowBoundName(c.name); ok {
		return sc.windowBound(c, e, s, fn, end)
	}
	for w := range windowKinds {
		if strings.HasPrefix(c.name, w+"_") {
			sc.errorf(off, "%s is not supported: use %s_START or %s_END", c.name, w, w)
			return nil
		}
	}
	args := make([]expr.Expr, len(e.Args))
	for i, n := range e.Args {
		if args[i] = sc.expr(n, s); args[i] == nil {
			return nil
		}
	}
	switch c.name {
	case "CAST":
		return sc.cast(c, lifted, args)
	case "EXTRACT":
		return sc.extract(c, lifted, args)
	case "ROUND":
		return sc.round(c, args)
	case "FLOOR", "CEIL", "CEILING":
		return sc.floorCeil(c, args)
	case "MOD":
		if len(args) != 2 {
			sc.errorf(off, "MOD takes 2 arguments, got %d", len(args))
			return nil
		}
		return sc.arith(expr.FnMod, "MOD", args[0], args[1], off)
	case "COALESCE":
		return sc.coalesce(c, args)
	}
	def, ok := functions[c.name]
	if !ok {
		sc.errorf(off, "unknown function %s", c.name)
		return nil
	}
	return sc.apply(c, def, args)
}

// apply checks arity and converts the arguments to def's signature.
func (sc *stmtCtx) apply(c *callSite, def *funcDef, args []expr.Expr) expr.Expr {
	n := len(def.params)
	if len(args) < n-def.optional || (!def.variadic && len(args) > n) {
		sc.errorf(c.off, "%s takes %s, got %d", c.name, arity(n-def.optional, n, def.variadic), len(args))
		return nil
	}
	out := make([]expr.Expr, len(args))
	for i, a := range args {
		p := def.params[min(i, n-1)]
		v, ok := sc.convertArg(a, p, c.offs[i])
		if !ok {
			sc.errorf(c.off, "cannot apply %s: expected %s", c.describe(args), signature(c.name, def))
			return nil
		}
		if v == nil {
			return nil
		}
		out[i] = v
	}
	if def.check != nil && !def.check(sc, c, out) {
		return nil
	}
	out = append(out, def.implicit...)
	return &expr.Call{Func: def.fn, Args: out, DataType: def.result(out)}
}

func arity(lo, hi int, variadic bool) string {
	switch {
	case variadic:
		return fmt.Sprintf("at least %d argument(s)", lo)
	case lo == hi:
		return fmt.Sprintf("%d argument(s)", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

func signature(name string, def *funcDef) string {
	ps := make([]string, len(def.params))
	for i, p := range def.params {
		ps[i] = p.String()
		if i >= len(def.params)-def.optional {
			ps[i] = "[" + ps[i] + "]"
		}
	}
	if def.variadic {
		ps[len(ps)-1] += ", ..."
	}
	return name + "(" + strings.Join(ps, ", ") + ")"
}

// convertArg converts an argument to a parameter kind. ok is false when
// the type does not fit; a nil expression with ok means a literal failed
// to convert and was reported.
func (sc *stmtCtx) convertArg(a expr.Expr, p param, off int) (expr.Expr, bool) {
	t := a.Type()
	switch p {
	case pString:
		if types.IsString(t) || types.IsNull(t) {
			return sc.coerce(a, expr.Varchar, off), true
		}
	case pInt:
		if types.IsInteger(t) || types.IsNull(t) {
			return sc.coerce(a, expr.Int, off), true
		}
	case pNumeric:
		if types.IsNumeric(t) {
			return a, true
		}
	case pTimestamp:
		if t.ID() == arrow.TIMESTAMP || t.ID() == arrow.DATE32 || types.IsNull(t) || isStringLiteral(a) {
			return sc.coerce(a, expr.Timestamp, off), true
		}
	}
	return nil, false
}

// checkRegex validates a literal regular expression at bind time.
func checkRegex(sc *stmtCtx, c *callSite, args []expr.Expr) bool {
	lit, ok := args[1].(*expr.Literal)
	if !ok || lit.Value == nil {
		return true
	}
	if _, err := regexp.Compile(lit.Value.(string)); err != nil {
		sc.errorf(c.offs[1], "invalid regular expression in %s: %s", c.name, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return false
	}
	return true
}

// checkDateFormat validates a literal DATE_FORMAT pattern at bind time.
func checkDateFormat(sc *stmtCtx, c *callSite, args []expr.Expr) bool {
	p, ok := stringValue(args[1])
	if !ok {
		return true
	}
	if err := expr.CheckDateFormat(p); err != nil {
		sc.errorf(c.offs[1], "%s", invalidValueMsg(err))
		return false
	}
	return true
}

// checkLikeLiteral validates a literal LIKE pattern (with a literal or
// no escape) at bind time; off locates the pattern.
func (sc *stmtCtx) checkLikeLiteral(args []expr.Expr, off int) bool {
	pattern, ok := stringValue(args[1])
	if !ok {
		return true
	}
	esc := ""
	if len(args) == 3 {
		if esc, ok = stringValue(args[2]); !ok {
			return true
		}
	}
	if err := expr.CheckLikePattern(pattern, esc); err != nil {
		sc.errorf(off, "%s", invalidValueMsg(err))
		return false
	}
	return true
}

// stringValue is the value of a non-NULL VARCHAR literal.
func stringValue(e expr.Expr) (string, bool) {
	lit, ok := e.(*expr.Literal)
	if !ok || lit.Value == nil {
		return "", false
	}
	s, ok := lit.Value.(string)
	return s, ok
}

// invalidValueMsg is an expr.ErrInvalidValue error's text without the
// sentinel's prefix.
func invalidValueMsg(err error) string {
	return strings.TrimPrefix(err.Error(), expr.ErrInvalidValue.Error()+": ")
}
