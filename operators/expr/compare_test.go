package expr

import (
	"math"
	"testing"
)

func TestCompare(t *testing.T) {
	negZero := math.Copysign(0, -1)
	runCases(t, []exprCase{
		{name: "bigint lt", e: call(FnLt, Boolean, col(0, BigInt), col(1, BigInt)),
			cols: []input{in(BigInt, 1, 2, math.MinInt64, nil), in(BigInt, 2, 2, math.MaxInt64, 1)},
			want: []any{true, false, true, nil}},
		{name: "all ops with literal", e: call(FnAnd, Boolean,
			call(FnGe, Boolean, col(0, BigInt), i64(2)), call(FnLe, Boolean, col(0, BigInt), i64(3))),
			cols: []input{in(BigInt, 1, 2, 3, 4)}, want: []any{false, true, true, false}},
		{name: "literal on the left flips", e: call(FnGt, Boolean, i64(2), col(0, BigInt)),
			cols: []input{in(BigInt, 1, 2, 3)}, want: []any{true, false, false}},
		{name: "ne", e: call(FnNe, Boolean, col(0, Int), i32(2)),
			cols: []input{in(Int, 1, 2, nil)}, want: []any{true, false, nil}},
		{name: "double nan and negative zero", e: call(FnEq, Boolean, col(0, Double), col(1, Double)),
			cols: []input{in(Double, math.NaN(), negZero, 1.5), in(Double, math.NaN(), 0.0, 1.5)},
			want: []any{false, true, true}},
		{name: "double nan lt", e: call(FnLt, Boolean, col(0, Double), f64(1)),
			cols: []input{in(Double, math.NaN(), math.Inf(-1))}, want: []any{false, true}},
		{name: "strings by bytes", e: call(FnLt, Boolean, col(0, Varchar), col(1, Varchar)),
			cols: []input{in(Varchar, "a", "B", "", "é", "ab"), in(Varchar, "b", "a", "a", "z", "ab")},
			want: []any{true, true, true, false, false}},
		{name: "string eq literal", e: call(FnEq, Boolean, col(0, Varchar), str("héllo")),
			cols: []input{in(Varchar, "héllo", "hello", "", nil)}, want: []any{true, false, false, nil}},
		{name: "string ge literal left", e: call(FnGe, Boolean, str("m"), col(0, Varchar)),
			cols: []input{in(Varchar, "a", "m", "z")}, want: []any{true, true, false}},
		{name: "booleans", e: call(FnLt, Boolean, col(0, Boolean), col(1, Boolean)),
			cols: []input{in(Boolean, false, true, true, nil), in(Boolean, true, false, true, true)},
			want: []any{true, false, false, nil}},
		{name: "decimals", e: call(FnGt, Boolean, col(0, Decimal(5, 2)), dec("1.00", 5, 2)),
			cols: []input{in(Decimal(5, 2), "1.01", "-1.01", "1.00", nil)}, want: []any{true, false, false, nil}},
		{name: "timestamps", e: call(FnLe, Boolean, col(0, Timestamp), col(1, Timestamp)),
			cols: []input{in(Timestamp, "2024-01-01 00:00:00", "1969-12-31 23:59:59.999"),
				in(Timestamp, "2024-01-01 00:00:00.001", "1969-12-31 23:59:59.998")},
			want: []any{true, false}},
		{name: "dates", e: call(FnEq, Boolean, col(0, Date), col(1, Date)),
			cols: []input{in(Date, "2024-02-29", "1900-01-01"), in(Date, "2024-02-29", "1900-01-02")},
			want: []any{true, false}},
		{name: "empty", e: call(FnEq, Boolean, col(0, Varchar), str("x")), cols: []input{in(Varchar)}, want: []any{}},
		{name: "null literal", e: call(FnEq, Boolean, col(0, Varchar), lit(nil, Varchar)),
			cols: []input{in(Varchar, "x")}, want: []any{nil}},
		{name: "type mismatch", e: call(FnEq, Boolean, col(0, BigInt), i32(1)),
			cols: []input{in(BigInt, 1)}, wantErr: "want the same type"},
		{name: "decimal scale mismatch", e: call(FnEq, Boolean, col(0, Decimal(5, 2)), dec("1.0", 5, 1)),
			cols: []input{in(Decimal(5, 2), "1.00")}, wantErr: "want the same type"},
	})
}

func TestLogic(t *testing.T) {
	T, F := true, false
	a := in(Boolean, T, T, T, F, F, F, nil, nil, nil)
	b := in(Boolean, T, F, nil, T, F, nil, T, F, nil)
	runCases(t, []exprCase{
		{name: "and", e: call(FnAnd, Boolean, col(0, Boolean), col(1, Boolean)), cols: []input{a, b},
			want: []any{T, F, nil, F, F, F, nil, F, nil}},
		{name: "or", e: call(FnOr, Boolean, col(0, Boolean), col(1, Boolean)), cols: []input{a, b},
			want: []any{T, T, T, T, F, nil, T, nil, nil}},
		{name: "and null literal", e: call(FnAnd, Boolean, col(0, Boolean), lit(nil, Boolean)),
			cols: []input{in(Boolean, T, F, nil)}, want: []any{nil, F, nil}},
		{name: "or true literal", e: call(FnOr, Boolean, col(0, Boolean), lit(true, Boolean)),
			cols: []input{in(Boolean, T, F, nil)}, want: []any{T, T, T}},
		{name: "not", e: call(FnNot, Boolean, col(0, Boolean)),
			cols: []input{in(Boolean, T, F, nil)}, want: []any{F, T, nil}},
		{name: "three-way and", e: call(FnAnd, Boolean, col(0, Boolean), col(1, Boolean), lit(true, Boolean)),
			cols: []input{a, b}, want: []any{T, F, nil, F, F, F, nil, F, nil}},
		{name: "is null", e: call(FnIsNull, Boolean, col(0, Varchar)),
			cols: []input{in(Varchar, "a", nil, "")}, want: []any{F, T, F}},
		{name: "is not null", e: call(FnIsNotNull, Boolean, col(0, BigInt)),
			cols: []input{in(BigInt, 1, nil)}, want: []any{T, F}},
		{name: "is null no nulls", e: call(FnIsNull, Boolean, col(0, BigInt)),
			cols: []input{in(BigInt, 1, 2)}, want: []any{F, F}},
		{name: "is not null all null", e: call(FnIsNotNull, Boolean, col(0, BigInt)),
			cols: []input{in(BigInt, nil, nil)}, want: []any{F, F}},
		{name: "not on non-boolean", e: call(FnNot, Boolean, col(0, BigInt)),
			cols: []input{in(BigInt, 1)}, wantErr: "want BOOLEAN"},
	})
}

func TestIn(t *testing.T) {
	many := []Expr{col(0, BigInt)}
	for i := int64(0); i < 20; i++ {
		many = append(many, i64(i*10))
	}
	runCases(t, []exprCase{
		{name: "strings", e: call(FnIn, Boolean, call(FnLower, Varchar, col(0, Varchar)), str("apple"), str("google")),
			cols: []input{in(Varchar, "Apple", "GOOGLE", "bing", nil)}, want: []any{true, true, false, nil}},
		{name: "with null item", e: call(FnIn, Boolean, col(0, BigInt), i64(1), lit(nil, BigInt)),
			cols: []input{in(BigInt, 1, 2, nil)}, want: []any{true, nil, nil}},
		{name: "large set", e: call(FnIn, Boolean, many...),
			cols: []input{in(BigInt, 0, 190, 15, nil)}, want: []any{true, true, false, nil}},
		{name: "column items", e: call(FnIn, Boolean, col(0, BigInt), col(1, BigInt), i64(7)),
			cols: []input{in(BigInt, 1, 7, 3, 3), in(BigInt, 1, 2, nil, 4)}, want: []any{true, true, nil, false}},
		{name: "decimals", e: call(FnIn, Boolean, col(0, Decimal(4, 1)), dec("1.5", 4, 1)),
			cols: []input{in(Decimal(4, 1), "1.5", "2.0")}, want: []any{true, false}},
		{name: "booleans", e: call(FnIn, Boolean, col(0, Boolean), lit(true, Boolean)),
			cols: []input{in(Boolean, true, false, nil)}, want: []any{true, false, nil}},
		{name: "doubles", e: call(FnIn, Boolean, col(0, Double), f64(0), f64(math.NaN())),
			cols: []input{in(Double, math.Copysign(0, -1), math.NaN())}, want: []any{true, false}},
		{name: "type mismatch", e: call(FnIn, Boolean, col(0, BigInt), str("a")),
			cols: []input{in(BigInt, 1)}, wantErr: "list item 1 is VARCHAR"},
	})
}

func TestCoalesceAndCase(t *testing.T) {
	runCases(t, []exprCase{
		{name: "coalesce", e: call(FnCoalesce, BigInt, col(0, BigInt), col(1, BigInt), i64(-1)),
			cols: []input{in(BigInt, 1, nil, nil), in(BigInt, 2, 3, nil)}, want: []any{1, 3, -1}},
		{name: "coalesce no nulls passes through", e: call(FnCoalesce, Varchar, col(0, Varchar), str("x")),
			cols: []input{in(Varchar, "a", "b")}, want: []any{"a", "b"}},
		{name: "coalesce all null", e: call(FnCoalesce, Varchar, col(0, Varchar), lit(nil, Varchar)),
			cols: []input{in(Varchar, nil, "é")}, want: []any{nil, "é"}},
		{name: "coalesce booleans", e: call(FnCoalesce, Boolean, col(0, Boolean), col(1, Boolean)),
			cols: []input{in(Boolean, nil, true, nil), in(Boolean, false, nil, nil)}, want: []any{false, true, nil}},
		{name: "coalesce decimals", e: call(FnCoalesce, Decimal(5, 2), col(0, Decimal(5, 2)), dec("0.00", 5, 2)),
			cols: []input{in(Decimal(5, 2), nil, "1.50")}, want: []any{"0.00", "1.50"}},
		{name: "case", e: &Case{DataType: Varchar, Whens: []When{
			{Cond: call(FnLt, Boolean, col(0, BigInt), i64(10)), Then: str("small")},
			{Cond: call(FnLt, Boolean, col(0, BigInt), i64(100)), Then: call(FnUpper, Varchar, str("medium"))},
		}, Else: lit(nil, Varchar)},
			cols: []input{in(BigInt, 5, 50, 500, nil)}, want: []any{"small", "MEDIUM", nil, nil}},
		{name: "case with column branches", e: &Case{DataType: BigInt, Whens: []When{
			{Cond: col(1, Boolean), Then: col(0, BigInt)},
		}, Else: call(FnNeg, BigInt, col(0, BigInt))},
			cols: []input{in(BigInt, 1, 2, 3, nil), in(Boolean, true, false, nil, true)}, want: []any{1, -2, -3, nil}},
		{name: "case all rows one branch", e: &Case{DataType: Double, Whens: []When{
			{Cond: call(FnIsNotNull, Boolean, col(0, Double)), Then: col(0, Double)},
		}, Else: f64(0)},
			cols: []input{in(Double, 1.5, 2.5)}, want: []any{1.5, 2.5}},
		{name: "case guards a failing cast", e: &Case{DataType: BigInt, Whens: []When{
			{Cond: call(FnLike, Boolean, col(0, Varchar), str("n:%")), Then: lit(nil, BigInt)},
		}, Else: &Cast{Input: col(0, Varchar), To: BigInt}},
			cols: []input{in(Varchar, "12", "n:a", "-3")}, want: []any{12, nil, -3}},
		{name: "case unguarded failing cast", e: &Case{DataType: BigInt, Whens: []When{
			{Cond: call(FnEq, Boolean, col(0, Varchar), str("x")), Then: i64(0)},
		}, Else: &Cast{Input: col(0, Varchar), To: BigInt}},
			cols: []input{in(Varchar, "12", "bad")}, wantErr: `cannot parse "bad" as BIGINT`},
		{name: "case booleans and dates", e: &Case{DataType: Date, Whens: []When{
			{Cond: col(0, Boolean), Then: col(1, Date)},
		}, Else: lit(nil, Date)},
			cols: []input{in(Boolean, true, false), in(Date, "2024-01-01", "2024-01-02")}, want: []any{"2024-01-01", nil}},
		{name: "case branch type mismatch", e: &Case{DataType: BigInt, Whens: []When{
			{Cond: col(0, Boolean), Then: i32(1)},
		}, Else: i64(0)}, cols: []input{in(Boolean, true)}, wantErr: "THEN 1 is INT"},
	})
}
