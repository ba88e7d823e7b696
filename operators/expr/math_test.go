package expr

import (
	"math"
	"testing"
)

func TestNumericFunctions(t *testing.T) {
	d := Decimal(6, 3)
	runCases(t, []exprCase{
		{name: "abs bigint", e: call(FnAbs, BigInt, col(0, BigInt)), cols: []input{in(BigInt, -3, 3, nil, math.MinInt64)},
			want: []any{3, 3, nil, math.MinInt64}},
		{name: "abs int", e: call(FnAbs, Int, col(0, Int)), cols: []input{in(Int, -3, 0)}, want: []any{3, 0}},
		{name: "abs double", e: call(FnAbs, Double, col(0, Double)),
			cols: []input{in(Double, -1.5, math.Copysign(0, -1), math.Inf(-1))}, want: []any{1.5, 0.0, math.Inf(1)}},
		{name: "abs decimal", e: call(FnAbs, d, col(0, d)), cols: []input{in(d, "-1.250", "2.000")},
			want: []any{"1.250", "2.000"}},
		{name: "floor ceil double", e: call(FnFloor, Double, col(0, Double)),
			cols: []input{in(Double, 1.5, -1.5, math.NaN())}, want: []any{1.0, -2.0, math.NaN()}},
		{name: "ceil double", e: call(FnCeil, Double, col(0, Double)),
			cols: []input{in(Double, 1.2, -1.2)}, want: []any{2.0, -1.0}},
		{name: "floor int is identity", e: call(FnFloor, BigInt, col(0, BigInt)), cols: []input{in(BigInt, 5, nil)},
			want: []any{5, nil}},
		{name: "floor decimal", e: call(FnFloor, Decimal(4, 0), col(0, d)),
			cols: []input{in(d, "1.500", "-1.500", "2.000", "-0.001", nil)}, want: []any{"1", "-2", "2", "-1", nil}},
		{name: "ceil decimal", e: call(FnCeil, Decimal(4, 0), col(0, d)),
			cols: []input{in(d, "1.500", "-1.500", "2.000", "0.001")}, want: []any{"2", "-1", "2", "1"}},
		{name: "round double", e: call(FnRound, Double, col(0, Double), i32(2)),
			cols: []input{in(Double, 2.675, -2.675, 1.005, 0.0, math.NaN(), 123.0)},
			want: []any{2.68, -2.68, 1.01, 0.0, math.NaN(), 123.0}},
		{name: "round double negative digits", e: call(FnRound, Double, col(0, Double), i32(-2)),
			cols: []input{in(Double, 1250.0, 1249.9, -1250.0, 49.0, 99999.0)},
			want: []any{1300.0, 1200.0, -1300.0, 0.0, 100000.0}},
		{name: "round double zero digits", e: call(FnRound, Double, col(0, Double), i32(0)),
			cols: []input{in(Double, 0.5, -0.5, 9.5, 1e300)}, want: []any{1.0, -1.0, 10.0, 1e300}},
		{name: "round float", e: call(FnRound, Float, col(0, Float), i32(1)),
			cols: []input{in(Float, 0.25)}, want: []any{float64(float32(0.3))}},
		{name: "round bigint", e: call(FnRound, BigInt, col(0, BigInt), i32(-1)),
			cols: []input{in(BigInt, 15, -15, 14, 7)}, want: []any{20, -20, 10, 10}},
		{name: "round bigint overflow", e: call(FnRound, BigInt, col(0, BigInt), i32(-1)),
			cols: []input{in(BigInt, math.MaxInt64)}, wantErr: "does not fit BIGINT"},
		{name: "round int overflow", e: call(FnRound, Int, col(0, Int), i32(-1)),
			cols: []input{in(Int, math.MaxInt32)}, wantErr: "does not fit INT"},
		{name: "round decimal", e: call(FnRound, Decimal(6, 1), col(0, d), i32(1)),
			cols: []input{in(d, "1.250", "-1.250", "1.249", nil)}, want: []any{"1.3", "-1.3", "1.2", nil}},
		{name: "round decimal negative digits", e: call(FnRound, Decimal(6, 0), col(0, d), i32(-1)),
			cols: []input{in(d, "15.000", "-14.999")}, want: []any{"20", "-10"}},
		{name: "round decimal column digits", e: call(FnRound, d, col(0, d), col(1, Int)),
			cols: []input{in(d, "1.256", "1.256"), in(Int, 2, nil)}, want: []any{"1.260", nil}},
	})
}
