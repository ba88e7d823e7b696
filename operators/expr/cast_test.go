package expr

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

func cast(e Expr, to arrow.DataType) *Cast { return &Cast{Input: e, To: to} }

func TestCastNumeric(t *testing.T) {
	runCases(t, []exprCase{
		{name: "bigint to int", e: cast(col(0, BigInt), Int), cols: []input{in(BigInt, 1, -5, nil, math.MinInt32)},
			want: []any{1, -5, nil, math.MinInt32}},
		{name: "bigint to int overflow", e: cast(col(0, BigInt), Int), cols: []input{in(BigInt, 1, 1<<40)},
			wantErr: "value 1099511627776 is out of range for INT"},
		{name: "null rows do not overflow", e: cast(cast(col(0, Varchar), BigInt), Int),
			cols: []input{in(Varchar, nil, "3")}, want: []any{nil, 3}},
		{name: "double to bigint truncates", e: cast(col(0, Double), BigInt),
			cols: []input{in(Double, 1.9, -1.9, math.Copysign(0, -1))}, want: []any{1, -1, 0}},
		{name: "double nan to bigint", e: cast(col(0, Double), BigInt), cols: []input{in(Double, math.NaN())},
			wantErr: "value NaN is out of range for BIGINT"},
		{name: "double huge to bigint", e: cast(col(0, Double), BigInt), cols: []input{in(Double, 9.3e18)},
			wantErr: "9.3E18"},
		{name: "double to float overflow", e: cast(col(0, Double), Float), cols: []input{in(Double, 1e300)},
			wantErr: "out of range for FLOAT"},
		{name: "double to float", e: cast(col(0, Double), Float), cols: []input{in(Double, 0.5, math.Inf(1))},
			want: []any{0.5, math.Inf(1)}},
		{name: "int to double", e: cast(col(0, Int), Double), cols: []input{in(Int, 3)}, want: []any{3.0}},
		{name: "bigint to decimal", e: cast(col(0, BigInt), Decimal(19, 2)), cols: []input{in(BigInt, 12, -3)},
			want: []any{"12.00", "-3.00"}},
		{name: "bigint to decimal overflow", e: cast(col(0, BigInt), Decimal(3, 1)), cols: []input{in(BigInt, 100)},
			wantErr: "value 100 is out of range for DECIMAL(3, 1)"},
		{name: "decimal to bigint truncates", e: cast(col(0, Decimal(5, 2)), BigInt),
			cols: []input{in(Decimal(5, 2), "1.99", "-1.99")}, want: []any{1, -1}},
		{name: "decimal to double", e: cast(col(0, Decimal(5, 2)), Double),
			cols: []input{in(Decimal(5, 2), "1.25")}, want: []any{1.25}},
		{name: "decimal rescale rounds", e: cast(col(0, Decimal(5, 3)), Decimal(5, 1)),
			cols: []input{in(Decimal(5, 3), "1.250", "-1.249")}, want: []any{"1.3", "-1.2"}},
		{name: "double to decimal", e: cast(col(0, Double), Decimal(10, 2)),
			cols: []input{in(Double, 0.1, 2.675, -1e-9)}, want: []any{"0.10", "2.68", "0.00"}},
		{name: "double nan to decimal", e: cast(col(0, Double), Decimal(10, 2)), cols: []input{in(Double, math.NaN())},
			wantErr: "out of range"},
		{name: "bool to int", e: cast(col(0, Boolean), Int), cols: []input{in(Boolean, true, false, nil)},
			want: []any{1, 0, nil}},
		{name: "bool to decimal", e: cast(col(0, Boolean), Decimal(3, 1)), cols: []input{in(Boolean, true)},
			want: []any{"1.0"}},
		{name: "double to bool", e: cast(col(0, Double), Boolean), cols: []input{in(Double, 0.0, 2.0)},
			want: []any{false, true}},
		{name: "decimal to bool", e: cast(col(0, Decimal(3, 1)), Boolean), cols: []input{in(Decimal(3, 1), "0.0", "0.1")},
			want: []any{false, true}},
		{name: "timestamp to date", e: cast(col(0, Timestamp), Date),
			cols: []input{in(Timestamp, "2024-01-01 23:59:59.999", "1969-12-31 12:00:00")},
			want: []any{"2024-01-01", "1969-12-31"}},
		{name: "date to timestamp", e: cast(col(0, Date), Timestamp), cols: []input{in(Date, "2024-02-29")},
			want: []any{"2024-02-29 00:00:00.000"}},
		{name: "identity", e: cast(col(0, BigInt), BigInt), cols: []input{in(BigInt, 1)}, want: []any{1}},
		{name: "null literal to anything", e: cast(lit(nil, Null), Timestamp), cols: []input{in(BigInt, 1, 2)},
			want: []any{nil, nil}},
		{name: "bigint to timestamp refused", e: cast(col(0, BigInt), Timestamp), cols: []input{in(BigInt, 1)},
			wantErr: "cannot cast BIGINT to TIMESTAMP(3)"},
		{name: "timestamp to bigint refused", e: cast(col(0, Timestamp), BigInt), cols: []input{in(Timestamp, 1)},
			wantErr: "cannot cast TIMESTAMP(3) to BIGINT"},
	})
}

func TestCastStrings(t *testing.T) {
	s := func(vals ...any) input { return in(Varchar, vals...) }
	c0 := col(0, Varchar)
	runCases(t, []exprCase{
		{name: "to int", e: cast(c0, Int), cols: []input{s("12", " -7 ", "+3", "2147483647", "-2147483648", "1.9", nil)},
			want: []any{12, -7, 3, math.MaxInt32, math.MinInt32, 1, nil}},
		{name: "to int overflow", e: cast(c0, Int), cols: []input{s("2147483648")},
			wantErr: `cannot parse "2147483648" as INT`},
		{name: "to bigint", e: cast(c0, BigInt), cols: []input{s("-9223372036854775808", "9223372036854775807")},
			want: []any{math.MinInt64, math.MaxInt64}},
		{name: "to bigint garbage", e: cast(c0, BigInt), cols: []input{s("12a")}, wantErr: `cannot parse "12a" as BIGINT`},
		{name: "to bigint empty", e: cast(c0, BigInt), cols: []input{s("")}, wantErr: `cannot parse "" as BIGINT`},
		{name: "to double", e: cast(c0, Double), cols: []input{s("1.5", "-1e3", "NaN", "-Infinity", " 2 ")},
			want: []any{1.5, -1000.0, math.NaN(), math.Inf(-1), 2.0}},
		{name: "to double garbage", e: cast(c0, Double), cols: []input{s("one")}, wantErr: `cannot parse "one" as DOUBLE`},
		{name: "to decimal", e: cast(c0, Decimal(6, 2)), cols: []input{s("1.005", "-1.005", "1e2", "0.001", ".5", "-0")},
			want: []any{"1.01", "-1.01", "100.00", "0.00", "0.50", "0.00"}},
		{name: "to decimal overflow", e: cast(c0, Decimal(6, 2)), cols: []input{s("10000")},
			wantErr: `cannot parse "10000" as DECIMAL(6, 2)`},
		{name: "to decimal 38 digits", e: cast(c0, Decimal(38, 0)),
			cols: []input{s("12345678901234567890123456789012345678")},
			want: []any{"12345678901234567890123456789012345678"}},
		{name: "to boolean", e: cast(c0, Boolean), cols: []input{s("true", "FALSE", "T", "0", "yes")},
			want: []any{true, false, true, false, true}},
		{name: "to boolean garbage", e: cast(c0, Boolean), cols: []input{s("maybe")}, wantErr: `"maybe" as BOOLEAN`},
		{name: "to timestamp", e: cast(c0, Timestamp), cols: []input{s(
			"2024-01-01 00:00:10.123", "2024-01-01T00:00:10Z", "2024-01-01", "2024-01-01T01:00:10+01:00",
			"2024-01-01 00:00:10.123456789", "2024-01-01 00:00", "2024-1-2 3:04:05.1", "2024-01-01T00:00:10-0130")},
			want: []any{"2024-01-01 00:00:10.123", "2024-01-01 00:00:10.000", "2024-01-01 00:00:00.000",
				"2024-01-01 00:00:10.000", "2024-01-01 00:00:10.123", "2024-01-01 00:00:00.000",
				"2024-01-02 03:04:05.100", "2024-01-01 01:30:10.000"}},
		{name: "to timestamp invalid", e: cast(c0, Timestamp), cols: []input{s("2024-02-30 00:00:00")},
			wantErr: `cannot parse "2024-02-30 00:00:00" as TIMESTAMP(3)`},
		{name: "to date", e: cast(c0, Date), cols: []input{s("2024-02-29", " 1970-01-01 ")},
			want: []any{"2024-02-29", "1970-01-01"}},
		{name: "to date with time", e: cast(c0, Date), cols: []input{s("2024-02-29 10:00:00")}, wantErr: "as DATE"},
		// Rendering.
		{name: "from bigint", e: cast(col(0, BigInt), Varchar), cols: []input{in(BigInt, -12, nil, math.MinInt64)},
			want: []any{"-12", nil, "-9223372036854775808"}},
		{name: "from double", e: cast(col(0, Double), Varchar),
			cols: []input{in(Double, 1.0, 0.1, 1e7, 1.0e-4, 123456.789, math.NaN(), math.Inf(-1), math.Copysign(0, -1), 1e21, 0.001)},
			want: []any{"1.0", "0.1", "1.0E7", "1.0E-4", "123456.789", "NaN", "-Infinity", "-0.0", "1.0E21", "0.001"}},
		{name: "from float", e: cast(col(0, Float), Varchar), cols: []input{in(Float, 0.1, 3.0e10)},
			want: []any{"0.1", "3.0E10"}},
		{name: "from decimal", e: cast(col(0, Decimal(6, 3)), Varchar),
			cols: []input{in(Decimal(6, 3), "1.5", "-0.05", "0", "-123.456")},
			want: []any{"1.500", "-0.050", "0.000", "-123.456"}},
		{name: "from decimal scale 0", e: cast(col(0, Decimal(38, 0)), Varchar),
			cols: []input{in(Decimal(38, 0), "-99999999999999999999999999999999999999")},
			want: []any{"-99999999999999999999999999999999999999"}},
		{name: "from timestamp", e: cast(col(0, Timestamp), Varchar),
			cols: []input{in(Timestamp, "2024-01-01 00:00:10.1", "1969-12-31 23:59:59.999")},
			want: []any{"2024-01-01 00:00:10.100", "1969-12-31 23:59:59.999"}},
		{name: "from date", e: cast(col(0, Date), Varchar), cols: []input{in(Date, "0001-01-01")}, want: []any{"0001-01-01"}},
		{name: "from boolean", e: cast(col(0, Boolean), Varchar), cols: []input{in(Boolean, true, false, nil)},
			want: []any{"TRUE", "FALSE", nil}},
		{name: "round trip timestamp", e: cast(cast(col(0, Timestamp), Varchar), Timestamp),
			cols: []input{in(Timestamp, "2024-06-30 12:34:56.789")}, want: []any{"2024-06-30 12:34:56.789"}},
	})
}

func TestDecimalToDoubleIsCorrectlyRounded(t *testing.T) {
	for _, tc := range []struct {
		unscaled int64
		scale    int32
		want     float64
	}{
		{1667, 1, 166.7}, {-1667, 1, -166.7}, {1, 1, 0.1}, {3, 1, 0.3}, {123456789012, 6, 123456.789012},
		{0, 3, 0}, {-1, 22, -1e-22},
	} {
		got := decToFloat64(decimal128.FromI64(tc.unscaled), tc.scale)
		if got != tc.want {
			t.Errorf("%d scale %d: got %v, want %v", tc.unscaled, tc.scale, got, tc.want)
		}
	}
	big, _ := decimal128.FromString("12345678901234567890123.456", 38, 3)
	if got := decToFloat64(big, 3); got != 1.2345678901234568e22 {
		t.Errorf("big: got %v", got)
	}
}
