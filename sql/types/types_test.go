package types

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/lex"
)

func lexAll(t *testing.T, s string) []lex.Token {
	t.Helper()
	r, err := lex.Lex(s)
	if err != nil {
		t.Fatal(err)
	}
	return r.Tokens
}

// TestParse covers the mapping from every accepted SQL type name to its
// Arrow type.
func TestParse(t *testing.T) {
	cases := []struct {
		sql  string
		want arrow.DataType
	}{
		{"BOOLEAN", arrow.FixedWidthTypes.Boolean},
		{"bool", arrow.FixedWidthTypes.Boolean},
		{"TINYINT", arrow.PrimitiveTypes.Int32},
		{"SMALLINT", arrow.PrimitiveTypes.Int32},
		{"INT", arrow.PrimitiveTypes.Int32},
		{"INTEGER", arrow.PrimitiveTypes.Int32},
		{"BIGINT", arrow.PrimitiveTypes.Int64},
		{"FLOAT", arrow.PrimitiveTypes.Float32},
		{"REAL", arrow.PrimitiveTypes.Float32},
		{"DOUBLE", arrow.PrimitiveTypes.Float64},
		{"DOUBLE PRECISION", arrow.PrimitiveTypes.Float64},
		{"DECIMAL", &arrow.Decimal128Type{Precision: 10, Scale: 0}},
		{"DECIMAL(7)", &arrow.Decimal128Type{Precision: 7, Scale: 0}},
		{"NUMERIC(38, 18)", &arrow.Decimal128Type{Precision: 38, Scale: 18}},
		{"DEC(5,5)", &arrow.Decimal128Type{Precision: 5, Scale: 5}},
		{"VARCHAR", arrow.BinaryTypes.String},
		{"VARCHAR(255)", arrow.BinaryTypes.String},
		{"STRING", arrow.BinaryTypes.String},
		{"CHAR(3)", arrow.BinaryTypes.String},
		{"CHARACTER VARYING(3)", arrow.BinaryTypes.String},
		{"TIMESTAMP", arrow.FixedWidthTypes.Timestamp_ms},
		{"TIMESTAMP(0)", arrow.FixedWidthTypes.Timestamp_ms},
		{"TIMESTAMP(3)", arrow.FixedWidthTypes.Timestamp_ms},
		{"TIMESTAMP(3) WITHOUT TIME ZONE", arrow.FixedWidthTypes.Timestamp_ms},
		{"DATE", arrow.FixedWidthTypes.Date32},
	}
	for _, c := range cases {
		toks := lexAll(t, c.sql)
		got, next, err := Parse(toks, 0)
		if err != nil || next != len(toks) || !arrow.TypeEqual(got, c.want) {
			t.Errorf("%s: got %v (next %d of %d, err %v), want %v", c.sql, got, next, len(toks), err, c.want)
		}
		// The type renders back with its SQL name.
		if name := expr.SQLTypeName(got); name == "" {
			t.Errorf("%s: no SQL name", c.sql)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ sql, want string }{
		{"TIMESTAMP(6)", "TIMESTAMP(6) is not supported: timestamps are kept in milliseconds, use TIMESTAMP(3)"},
		{"TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP WITH TIME ZONE is not supported yet: use TIMESTAMP(3)"},
		{"DECIMAL(0)", "DECIMAL precision must be between 1 and 38, got 0"},
		{"DECIMAL(39, 2)", "DECIMAL precision must be between 1 and 38, got 39"},
		{"DECIMAL(4, 5)", "DECIMAL scale 5 is larger than its precision 4"},
		{"DECIMAL(4, 1, 1)", "too many type parameters (at most 2)"},
		{"VARCHAR(x)", "expected a number in type parameters, found x"},
		{"VARCHAR(0)", "VARCHAR length must be at least 1"},
		{"BYTES", "type BYTES is not supported yet"},
		{"MAP<INT, INT>", "type MAP is not supported yet"},
		{"UUID", "unknown type UUID"},
		{"'x'", "expected a type name, found 'x'"},
	}
	for _, c := range cases {
		_, _, err := Parse(lexAll(t, c.sql), 0)
		if err == nil || err.Msg != c.want {
			t.Errorf("%s: got %v, want %q", c.sql, err, c.want)
		}
	}
}

func dec(p, s int32) *arrow.Decimal128Type { return &arrow.Decimal128Type{Precision: p, Scale: s} }

func TestDecimalResult(t *testing.T) {
	cases := []struct {
		fn   string
		a, b *arrow.Decimal128Type
		want *arrow.Decimal128Type
	}{
		{expr.FnMul, dec(3, 3), dec(19, 0), dec(23, 3)}, // Nexmark q1: 0.908 * price
		{expr.FnAdd, dec(10, 2), dec(5, 4), dec(13, 4)},
		{expr.FnSub, dec(38, 0), dec(38, 0), dec(38, 0)},
		{expr.FnDiv, dec(10, 2), dec(5, 0), dec(16, 8)},
		{expr.FnDiv, dec(10, 0), dec(10, 0), dec(21, 11)},
		{expr.FnMod, dec(10, 2), dec(5, 0), dec(7, 2)},
		{expr.FnMul, dec(38, 10), dec(38, 10), dec(38, 6)},
	}
	for _, c := range cases {
		if got := DecimalResult(c.fn, c.a, c.b); !arrow.TypeEqual(got, c.want) {
			t.Errorf("%s(%v, %v) = %v, want %v", c.fn, c.a, c.b, got, c.want)
		}
	}
	if got := RoundDecimal(dec(10, 4), 2); !arrow.TypeEqual(got, dec(9, 2)) {
		t.Errorf("ROUND(DECIMAL(10,4), 2) = %v", got)
	}
	if got := RoundDecimal(dec(10, 4), -1); !arrow.TypeEqual(got, dec(7, 0)) {
		t.Errorf("ROUND(DECIMAL(10,4), -1) = %v", got)
	}
	if got := FloorCeilDecimal(dec(10, 4)); !arrow.TypeEqual(got, dec(7, 0)) {
		t.Errorf("FLOOR(DECIMAL(10,4)) = %v", got)
	}
}

func TestArithmeticAndCommon(t *testing.T) {
	i, b, f, d := expr.Int, expr.BigInt, expr.Float, expr.Double
	cases := []struct {
		a, b, common arrow.DataType
	}{
		{i, i, i}, {i, b, b}, {b, dec(10, 2), dec(21, 2)}, {i, f, f}, {f, d, d},
		{dec(5, 2), f, d}, {b, d, d}, {expr.Null, b, b},
		{expr.Date, expr.Timestamp, expr.Timestamp},
	}
	for _, c := range cases {
		got, ok := Common(c.a, c.b)
		if !ok || !arrow.TypeEqual(got, c.common) {
			t.Errorf("Common(%v, %v) = %v %v, want %v", c.a, c.b, got, ok, c.common)
		}
	}
	if _, ok := Common(expr.Varchar, i); ok {
		t.Error("VARCHAR and INT have no common type")
	}
	a, ok := Arithmetic(expr.FnDiv, i, i)
	if !ok || !arrow.TypeEqual(a.Result, i) {
		t.Errorf("INT / INT = %v, want INT", a.Result)
	}
	a, _ = Arithmetic(expr.FnMul, dec(3, 3), b)
	if !arrow.TypeEqual(a.Left, dec(3, 3)) || !arrow.TypeEqual(a.Right, dec(19, 0)) || !arrow.TypeEqual(a.Result, dec(23, 3)) {
		t.Errorf("0.908 * BIGINT = %+v", a)
	}
	if _, ok := Arithmetic(expr.FnAdd, expr.Varchar, i); ok {
		t.Error("VARCHAR + INT must not type")
	}
}

func TestWidensAndCastable(t *testing.T) {
	yes := [][2]arrow.DataType{
		{expr.Int, expr.BigInt}, {expr.BigInt, dec(19, 0)}, {expr.Int, dec(12, 2)},
		{dec(5, 2), dec(10, 4)}, {expr.BigInt, expr.Double}, {expr.Float, expr.Double},
		{expr.Int, expr.Float}, {expr.Null, expr.Varchar}, {expr.Date, expr.Timestamp},
	}
	no := [][2]arrow.DataType{
		{expr.BigInt, expr.Int}, {expr.BigInt, dec(18, 0)}, {dec(10, 4), dec(10, 2)},
		{expr.Double, expr.Float}, {expr.Varchar, expr.Int}, {expr.Timestamp, expr.Date},
		{dec(5, 2), expr.BigInt},
	}
	for _, c := range yes {
		if !Widens(c[0], c[1]) {
			t.Errorf("%v should widen to %v", c[0], c[1])
		}
	}
	for _, c := range no {
		if Widens(c[0], c[1]) {
			t.Errorf("%v should not widen to %v", c[0], c[1])
		}
	}
	if !Castable(expr.Varchar, expr.Timestamp) || !Castable(expr.Boolean, expr.Int) || Castable(expr.Timestamp, expr.Boolean) {
		t.Error("Castable rules")
	}
}
