package expr

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Builders for expression trees in tests.

func col(i int, t arrow.DataType) *Column {
	return &Column{Index: i, Name: fmt.Sprintf("c%d", i), DataType: t}
}

func lit(v any, t arrow.DataType) *Literal { return &Literal{Value: v, DataType: t} }

func call(fn string, t arrow.DataType, args ...Expr) *Call {
	return &Call{Func: fn, Args: args, DataType: t}
}

func str(s string) *Literal  { return lit(s, Varchar) }
func i32(v int32) *Literal   { return lit(v, Int) }
func i64(v int64) *Literal   { return lit(v, BigInt) }
func f64(v float64) *Literal { return lit(v, Double) }

func dec(s string, p, sc int32) *Literal {
	n, err := decimal128.FromString(s, p, sc)
	if err != nil {
		panic(err)
	}
	return lit(n, Decimal(p, sc))
}

// input is a test column: a type and its values (nil is NULL).
type input struct {
	typ  arrow.DataType
	vals []any
}

func in(t arrow.DataType, vals ...any) input { return input{typ: t, vals: vals} }

// build makes an array from Go values; decimals are given as strings.
func build(t testing.TB, alloc memory.Allocator, typ arrow.DataType, vals []any) arrow.Array {
	t.Helper()
	b := array.NewBuilder(alloc, typ)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.Int32Builder:
			bb.Append(int32(toInt(v)))
		case *array.Int64Builder:
			bb.Append(toInt(v))
		case *array.Float32Builder:
			bb.Append(float32(v.(float64)))
		case *array.Float64Builder:
			bb.Append(v.(float64))
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.Decimal128Builder:
			dt := typ.(*arrow.Decimal128Type)
			n, err := decimal128.FromString(v.(string), dt.Precision, dt.Scale)
			if err != nil {
				t.Fatalf("decimal %v: %v", v, err)
			}
			bb.Append(n)
		case *array.TimestampBuilder:
			switch x := v.(type) {
			case string:
				ms, ok := parseTimestamp(x)
				if !ok {
					t.Fatalf("bad timestamp %q", x)
				}
				bb.Append(arrow.Timestamp(ms))
			default:
				bb.Append(arrow.Timestamp(toInt(v)))
			}
		case *array.Date32Builder:
			switch x := v.(type) {
			case string:
				d, _, ok := parseDate(x)
				if !ok {
					t.Fatalf("bad date %q", x)
				}
				bb.Append(arrow.Date32(d))
			default:
				bb.Append(arrow.Date32(toInt(v)))
			}
		case *array.DurationBuilder:
			bb.Append(arrow.Duration(toInt(v)))
		default:
			t.Fatalf("no test builder for %s", typ)
		}
	}
	return b.NewArray()
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	}
	panic(fmt.Sprintf("not an integer: %T", v))
}

// values reads an array back as Go values: DECIMAL as its string,
// TIMESTAMP as "yyyy-MM-dd HH:mm:ss.SSS", DATE as "yyyy-MM-dd", FLOAT as
// float64, INT as int (so tests can write plain literals).
func values(arr arrow.Array) []any {
	out := make([]any, arr.Len())
	for i := range out {
		if arr.IsNull(i) {
			continue
		}
		switch a := arr.(type) {
		case *array.Boolean:
			out[i] = a.Value(i)
		case *array.Int32:
			out[i] = int(a.Value(i))
		case *array.Int64:
			out[i] = int(a.Value(i))
		case *array.Float32:
			out[i] = float64(a.Value(i))
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.Decimal128:
			out[i] = string(appendDecimal(nil, a.Value(i), a.DataType().(*arrow.Decimal128Type).Scale))
		case *array.Timestamp:
			out[i] = string(appendTimestamp(nil, int64(a.Value(i))))
		case *array.Date32:
			out[i] = string(appendDate(nil, int64(a.Value(i))))
		case *array.Duration:
			out[i] = int(a.Value(i))
		default:
			out[i] = fmt.Sprintf("?%T", arr)
		}
	}
	return out
}

// evalCase compiles e over the inputs and evaluates it twice: on plain
// arrays and on arrays sliced out of padded ones (non-zero offsets). It
// checks both agree, that nothing leaks, and returns the values or the
// error text.
func evalCase(t *testing.T, e Expr, cols ...input) ([]any, error) {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: fmt.Sprintf("c%d", i), Type: c.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	ev, err := Compile(e, schema)
	if err != nil {
		return nil, err
	}
	n := -1
	for _, c := range cols {
		n = len(c.vals)
	}
	if n < 0 {
		n = 1
	}
	var results [2][]any
	var errs [2]error
	for pass := 0; pass < 2; pass++ {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		arrs := make([]arrow.Array, len(cols))
		for i, c := range cols {
			if pass == 0 {
				arrs[i] = build(t, alloc, c.typ, c.vals)
				continue
			}
			// Pad with 3 rows in front and 2 behind, then slice.
			var pad []any
			if len(c.vals) > 0 {
				pad = []any{c.vals[len(c.vals)-1], nil, c.vals[0]}
			} else {
				pad = []any{nil, nil, nil}
			}
			padded := append(append(append([]any{}, pad...), c.vals...), nil, pad[0])
			full := build(t, alloc, c.typ, padded)
			arrs[i] = array.NewSlice(full, 3, int64(3+len(c.vals)))
			full.Release()
		}
		rec := array.NewRecordBatch(schema, arrs, int64(n))
		for _, a := range arrs {
			a.Release()
		}
		out, err := ev.Eval(context.Background(), alloc, rec)
		if err == nil {
			if out.Len() != n {
				t.Errorf("%s: got %d rows, want %d", e, out.Len(), n)
			}
			if !arrow.TypeEqual(out.DataType(), e.Type()) {
				t.Errorf("%s: result type %s, want %s", e, out.DataType(), e.Type())
			}
			results[pass] = values(out)
			out.Release()
		}
		errs[pass] = err
		rec.Release()
		alloc.AssertSize(t, 0)
	}
	if (errs[0] == nil) != (errs[1] == nil) || !sameValues(results[0], results[1]) {
		t.Errorf("%s: sliced input disagrees: %v / %v vs %v / %v", e, results[0], errs[0], results[1], errs[1])
	}
	return results[0], errs[0]
}

func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if fa, ok := a[i].(float64); ok {
			fb, ok := b[i].(float64)
			if !ok || !(fa == fb && math.Signbit(fa) == math.Signbit(fb) || math.IsNaN(fa) && math.IsNaN(fb)) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// exprCase is one row of a table-driven expression test.
type exprCase struct {
	name    string
	e       Expr
	cols    []input
	want    []any
	wantErr string // substring of the error; empty means success
}

func runCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalCase(t, c.e, c.cols...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("%s: error %v, want one containing %q", c.e, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", c.e, err)
			}
			if !sameValues(got, c.want) {
				t.Fatalf("%s:\n got %#v\nwant %#v", c.e, got, c.want)
			}
		})
	}
}

func arrowDuration(ms int64) arrow.Duration { return arrow.Duration(ms) }

func decimalFromInt(v int64) decimal128.Num { return decimal128.FromI64(v) }
