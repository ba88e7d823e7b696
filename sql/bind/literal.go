package bind

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/lex"
	"github.com/weir-stream/weir/sql/types"
)

const numberKind = lex.Number

// tokenAt returns the token that starts exactly at off.
func (sc *stmtCtx) tokenAt(off int) (lex.Token, bool) {
	i := sc.tokIndex(off)
	if i < len(sc.toks) && sc.toks[i].Off == off {
		return sc.toks[i], true
	}
	return lex.Token{}, false
}

// tokenIs reports whether the token after t is word.
func (sc *stmtCtx) tokenIs(off int, t lex.Token, word string) bool {
	i := sc.tokIndex(t.End)
	return i < len(sc.toks) && sc.toks[i].Is(word)
}

// literal binds a constant. Number literals are typed from their text as
// Flink does: INT if it fits, else BIGINT, else DECIMAL; 1.5 is
// DECIMAL(2, 1); 1e3 is DOUBLE. INTERVAL placeholders become durations.
func (sc *stmtCtx) literal(e ast.ValueExpr) expr.Expr {
	off := sc.off(e)
	if iv, ok := sc.text.Lifts.Intervals[off]; ok {
		return &expr.Literal{Value: arrow.Duration(iv.Millis), DataType: expr.Duration}
	}
	v := e.GetValue()
	if v == nil {
		return &expr.Literal{DataType: expr.Null}
	}
	tok, ok := sc.tokenAt(off)
	if ok {
		switch {
		case tok.Is("TRUE"):
			return &expr.Literal{Value: true, DataType: expr.Boolean}
		case tok.Is("FALSE"):
			return &expr.Literal{Value: false, DataType: expr.Boolean}
		case tok.Kind == lex.Number:
			return sc.numberLiteral(tok.Text, off)
		}
	}
	if s, ok := v.(string); ok {
		return &expr.Literal{Value: s, DataType: expr.Varchar}
	}
	sc.errorf(off, "unsupported literal %s", e.GetDatumString())
	return nil
}

// numberLiteral types a numeric literal from its text (with an optional
// leading minus).
func (sc *stmtCtx) numberLiteral(text string, off int) expr.Expr {
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			sc.errorf(off, "number %s is out of range", text)
			return nil
		}
		return &expr.Literal{Value: f, DataType: expr.Double}
	}
	if !strings.Contains(text, ".") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return &expr.Literal{Value: int32(n), DataType: expr.Int}
			}
			return &expr.Literal{Value: n, DataType: expr.BigInt}
		}
	}
	digits := strings.TrimLeft(strings.TrimPrefix(text, "-"), "0")
	whole, frac, _ := strings.Cut(digits, ".")
	scale := int32(len(frac))
	prec := max(int32(len(whole))+scale, scale, 1)
	if prec > types.MaxDecimalPrecision {
		sc.errorf(off, "number %s has more than %d digits", text, types.MaxDecimalPrecision)
		return nil
	}
	n, err := decimal128.FromString(text, prec, scale)
	if err != nil {
		sc.errorf(off, "invalid number %s", text)
		return nil
	}
	return &expr.Literal{Value: n, DataType: expr.Decimal(prec, scale)}
}

// coerce converts e to type t for an operand at off: a NULL literal is
// retyped, number literals are converted exactly, a VARCHAR literal is
// parsed as TIMESTAMP or DATE, anything else gets a Cast. The caller
// checked that the conversion is allowed. It returns nil after reporting a
// literal that does not convert.
func (sc *stmtCtx) coerce(e expr.Expr, t arrow.DataType, off int) expr.Expr {
	if types.Equal(e.Type(), t) {
		return e
	}
	if lit, ok := e.(*expr.Literal); ok {
		if lit.Value == nil {
			return &expr.Literal{DataType: t}
		}
		if s, ok := lit.Value.(string); ok && types.IsTemporal(t) {
			v, err := parseTemporal(s, t)
			if err != nil {
				sc.errorf(off, "%s", err)
				return nil
			}
			return &expr.Literal{Value: v, DataType: t}
		}
		if v, ok := convertNumber(lit, t); ok {
			return &expr.Literal{Value: v, DataType: t}
		}
	}
	return &expr.Cast{Input: e, To: t}
}

// convertNumber converts a number literal to a wider numeric type when
// that is exact.
func convertNumber(lit *expr.Literal, t arrow.DataType) (any, bool) {
	var i int64
	isInt := true
	switch v := lit.Value.(type) {
	case int32:
		i = int64(v)
	case int64:
		i = v
	default:
		isInt = false
	}
	switch {
	case isInt && t.ID() == arrow.INT64:
		return i, true
	case isInt && t.ID() == arrow.FLOAT64:
		return float64(i), true
	case isInt && t.ID() == arrow.FLOAT32 && float64(float32(i)) == float64(i):
		return float32(i), true
	case isInt && types.IsDecimal(t):
		d := t.(*arrow.Decimal128Type)
		return rescale(decimal128.FromI64(i), 0, d)
	}
	if n, ok := lit.Value.(decimal128.Num); ok {
		from := lit.DataType.(*arrow.Decimal128Type)
		switch {
		case types.IsDecimal(t):
			return rescale(n, from.Scale, t.(*arrow.Decimal128Type))
		case t.ID() == arrow.FLOAT64:
			return n.ToFloat64(from.Scale), true
		}
	}
	return nil, false
}

// rescale converts n with scale from to type d when no digit is lost.
func rescale(n decimal128.Num, from int32, d *arrow.Decimal128Type) (any, bool) {
	if d.Scale < from {
		return nil, false
	}
	out := n.IncreaseScaleBy(d.Scale - from)
	if !out.FitsInPrecision(d.Precision) {
		return nil, false
	}
	return out, true
}

// timestampLayouts are the accepted TIMESTAMP literal forms.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC3339Nano,
}

// parseTemporal parses a VARCHAR literal as TIMESTAMP(3) (milliseconds,
// UTC) or DATE.
func parseTemporal(s string, t arrow.DataType) (any, error) {
	s = strings.TrimSpace(s)
	if t.ID() == arrow.DATE32 {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, fmt.Errorf("invalid DATE literal '%s': expected yyyy-MM-dd", s)
		}
		return arrow.Date32FromTime(d), nil
	}
	for _, layout := range timestampLayouts {
		if ts, err := time.Parse(layout, s); err == nil {
			return arrow.Timestamp(ts.UnixMilli()), nil
		}
	}
	return nil, fmt.Errorf("invalid TIMESTAMP literal '%s': expected yyyy-MM-dd HH:mm:ss[.SSS]", s)
}
