package expr

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func schemaOf(types ...arrow.DataType) *arrow.Schema {
	fs := make([]arrow.Field, len(types))
	for i, t := range types {
		fs[i] = arrow.Field{Name: "c" + string(rune('0'+i)), Type: t, Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

func TestCompileErrors(t *testing.T) {
	s := schemaOf(BigInt, Varchar)
	cases := []struct {
		e    Expr
		is   error
		text string
	}{
		{col(2, BigInt), ErrType, "index 2 out of range"},
		{col(0, Varchar), ErrType, "input column 0 is BIGINT"},
		{call("nope", BigInt, col(0, BigInt)), ErrUnknownFunction, `"nope"`},
		{call(FnAdd, nil, col(0, BigInt), i64(1)), ErrType, "no result type"},
		{lit(int32(1), BigInt), ErrType, "does not match type BIGINT"},
		{call(FnLike, Boolean, col(1, Varchar), str("a"), str("ab")), ErrInvalidValue, "single character"},
		{call(FnAbs, BigInt), ErrType, "takes 1 arguments"},
		{&Case{DataType: BigInt, Whens: []When{{Cond: col(0, BigInt), Then: i64(1)}}, Else: i64(0)}, ErrType, "want BOOLEAN"},
		{&Cast{Input: col(0, BigInt), To: arrow.PrimitiveTypes.Uint8}, ErrType, "unsupported type"},
		{nil, ErrType, "nil expression"},
	}
	for _, c := range cases {
		_, err := Compile(c.e, s)
		if err == nil || !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("Compile(%v): error %v, want %v containing %q", c.e, err, c.is, c.text)
		}
	}
}

func TestColumnIsZeroCopy(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	s := schemaOf(Varchar)
	arr := build(t, alloc, Varchar, []any{"a", "b"})
	rec := array.NewRecordBatch(s, []arrow.Array{arr}, 2)
	arr.Release()
	defer rec.Release()
	ev, err := Compile(col(0, Varchar), s)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ev.Eval(context.Background(), alloc, rec)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if out != rec.Column(0) {
		t.Fatal("column reference copied its input")
	}
}

func TestEvalSchemaMismatch(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	ev, err := Compile(call(FnAdd, BigInt, col(0, BigInt), i64(1)), schemaOf(BigInt))
	if err != nil {
		t.Fatal(err)
	}
	arr := build(t, alloc, Varchar, []any{"x"})
	rec := array.NewRecordBatch(schemaOf(Varchar), []arrow.Array{arr}, 1)
	arr.Release()
	defer rec.Release()
	if _, err := ev.Eval(context.Background(), alloc, rec); !errors.Is(err, ErrSchema) {
		t.Fatalf("got %v, want ErrSchema", err)
	}
}

func TestEvalConst(t *testing.T) {
	cases := []struct {
		e    Expr
		want any
	}{
		{call(FnAdd, BigInt, i64(2), i64(3)), int64(5)},
		{call(FnUpper, Varchar, str("abc")), "ABC"},
		{call(FnDiv, BigInt, i64(1), i64(0)), nil},
		{&Cast{Input: str("2024-01-01 00:00:10.123"), To: Timestamp}, arrow.Timestamp(1704067210123)},
		{call(FnExtract, BigInt, str("YEAR"), &Cast{Input: str("2024-05-01"), To: Date}), int64(2024)},
		{&Case{DataType: Int, Whens: []When{{Cond: lit(false, Boolean), Then: i32(1)}}, Else: i32(2)}, int32(2)},
		{call(FnMul, Decimal(5, 2), dec("1.5", 2, 1), dec("1.5", 2, 1)), decimal128.FromI64(225)},
		{call(FnIsNull, Boolean, lit(nil, Varchar)), true},
		{lit(nil, Null), nil},
	}
	for _, c := range cases {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		l, err := EvalConst(c.e, alloc)
		if err != nil {
			t.Errorf("EvalConst(%s): %v", c.e, err)
			continue
		}
		if l.Value != c.want || !arrow.TypeEqual(l.DataType, c.e.Type()) {
			t.Errorf("EvalConst(%s) = %#v (%s), want %#v", c.e, l.Value, l.DataType, c.want)
		}
		alloc.AssertSize(t, 0)
	}
	if _, err := EvalConst(call(FnAdd, BigInt, col(0, BigInt), i64(1)), nil); !errors.Is(err, ErrType) {
		t.Errorf("EvalConst with a column: %v, want ErrType", err)
	}
	if _, err := EvalConst(&Cast{Input: str("x"), To: Int}, nil); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("EvalConst of a bad cast: %v, want ErrInvalidValue", err)
	}
}

// TestConcurrentEval runs one evaluator (with a pattern cache) from
// several goroutines; run with -race.
func TestConcurrentEval(t *testing.T) {
	s := schemaOf(Varchar, Varchar)
	ev, err := Compile(call(FnLike, Boolean, col(0, Varchar), col(1, Varchar)), s)
	if err != nil {
		t.Fatal(err)
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	a := build(t, alloc, Varchar, []any{"abc", "abd", "xyz", "abc"})
	b := build(t, alloc, Varchar, []any{"a%", "%d", "x_z", "%z"})
	rec := array.NewRecordBatch(s, []arrow.Array{a, b}, 4)
	a.Release()
	b.Release()
	defer rec.Release()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				out, err := ev.Eval(context.Background(), alloc, rec)
				if err != nil {
					t.Error(err)
					return
				}
				if got := values(out); !sameValues(got, []any{true, true, true, false}) {
					t.Errorf("got %v", got)
				}
				out.Release()
			}
		}()
	}
	wg.Wait()
}

func TestCanceledContext(t *testing.T) {
	ev, err := Compile(i64(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	if _, err := ev.Eval(ctx, nil, rec); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
