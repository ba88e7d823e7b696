package types

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/lex"
)

// MaxDecimalPrecision is the largest DECIMAL precision (Arrow's Decimal128).
const MaxDecimalPrecision = 38

// unsupported are type names Flink knows that Weir does not handle yet.
var unsupported = map[string]bool{
	"TIME": true, "BYTES": true, "BINARY": true, "VARBINARY": true, "ARRAY": true,
	"MAP": true, "ROW": true, "MULTISET": true, "INTERVAL": true, "RAW": true,
	"TIMESTAMP_LTZ": true, "TEXT": true, "JSON": true, "NULL": true,
}

// Parse reads a SQL type name starting at toks[i] and returns its Arrow
// type and the index of the first token after it. Errors carry the offset
// of the offending token. TINYINT and SMALLINT widen to INT; TIMESTAMP and
// TIMESTAMP(0..3) are TIMESTAMP(3) (milliseconds); a higher precision is
// refused.
func Parse(toks []lex.Token, i int) (arrow.DataType, int, *lex.Error) {
	if i >= len(toks) {
		end := 0
		if len(toks) > 0 {
			end = toks[len(toks)-1].End
		}
		return nil, i, &lex.Error{Off: end, Msg: "expected a type name"}
	}
	t := toks[i]
	if t.Kind != lex.Ident {
		return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("expected a type name, found %s", t.Text)}
	}
	name := strings.ToUpper(t.Text)
	i++
	switch name {
	case "BOOLEAN", "BOOL":
		return expr.Boolean, i, nil
	case "TINYINT", "SMALLINT", "INT", "INTEGER":
		return expr.Int, i, nil
	case "BIGINT":
		return expr.BigInt, i, nil
	case "FLOAT", "REAL":
		return expr.Float, i, nil
	case "DOUBLE":
		if i < len(toks) && toks[i].Is("PRECISION") {
			i++
		}
		return expr.Double, i, nil
	case "DECIMAL", "DEC", "NUMERIC":
		params, next, err := parseParams(toks, i, 2)
		if err != nil {
			return nil, next, err
		}
		p, s := int64(10), int64(0)
		if len(params) > 0 {
			p = params[0].v
			if p < 1 || p > MaxDecimalPrecision {
				return nil, next, &lex.Error{Off: params[0].off, Msg: fmt.Sprintf("DECIMAL precision must be between 1 and %d, got %d", MaxDecimalPrecision, p)}
			}
		}
		if len(params) > 1 {
			s = params[1].v
			if s > p {
				return nil, next, &lex.Error{Off: params[1].off, Msg: fmt.Sprintf("DECIMAL scale %d is larger than its precision %d", s, p)}
			}
		}
		return expr.Decimal(int32(p), int32(s)), next, nil
	case "VARCHAR", "STRING", "CHAR", "CHARACTER":
		if name == "CHARACTER" && i < len(toks) && toks[i].Is("VARYING") {
			i++
		}
		if name == "STRING" {
			return expr.Varchar, i, nil
		}
		params, next, err := parseParams(toks, i, 1)
		if err != nil {
			return nil, next, err
		}
		if len(params) > 0 && params[0].v < 1 {
			return nil, next, &lex.Error{Off: params[0].off, Msg: fmt.Sprintf("%s length must be at least 1", name)}
		}
		return expr.Varchar, next, nil
	case "TIMESTAMP":
		params, next, err := parseParams(toks, i, 1)
		if err != nil {
			return nil, next, err
		}
		if len(params) > 0 && params[0].v > 3 {
			return nil, next, &lex.Error{Off: params[0].off, Msg: fmt.Sprintf("TIMESTAMP(%d) is not supported: timestamps are kept in milliseconds, use TIMESTAMP(3)", params[0].v)}
		}
		if next+2 < len(toks) && toks[next].Is("WITHOUT") && toks[next+1].Is("TIME") && toks[next+2].Is("ZONE") {
			next += 3
		} else if next < len(toks) && toks[next].Is("WITH") && next+1 < len(toks) && (toks[next+1].Is("LOCAL") || toks[next+1].Is("TIME")) {
			return nil, next, &lex.Error{Off: t.Off, Msg: "TIMESTAMP WITH TIME ZONE is not supported yet: use TIMESTAMP(3)"}
		}
		return expr.Timestamp, next, nil
	case "DATE":
		return expr.Date, i, nil
	}
	if unsupported[name] {
		return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("type %s is not supported yet", name)}
	}
	return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("unknown type %s", t.Text)}
}

type param struct {
	v   int64
	off int
}

// parseParams reads an optional "(n [, m])" with at most max numbers.
func parseParams(toks []lex.Token, i, max int) ([]param, int, *lex.Error) {
	if i >= len(toks) || !toks[i].Is("(") {
		return nil, i, nil
	}
	open := toks[i]
	i++
	var out []param
	for {
		if i >= len(toks) {
			return nil, i, &lex.Error{Off: open.Off, Msg: "type parameters are not closed (missing ))"}
		}
		t := toks[i]
		if t.Kind != lex.Number {
			return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("expected a number in type parameters, found %s", t.Text)}
		}
		v, err := strconv.ParseInt(t.Text, 10, 32)
		if err != nil {
			return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("invalid type parameter %s", t.Text)}
		}
		out = append(out, param{v: v, off: t.Off})
		if len(out) > max {
			return nil, i, &lex.Error{Off: t.Off, Msg: fmt.Sprintf("too many type parameters (at most %d)", max)}
		}
		i++
		if i < len(toks) && toks[i].Is(",") {
			i++
			continue
		}
		if i < len(toks) && toks[i].Is(")") {
			return out, i + 1, nil
		}
		off := open.Off
		if i < len(toks) {
			off = toks[i].Off
		}
		return nil, i, &lex.Error{Off: off, Msg: "expected , or ) in type parameters"}
	}
}
