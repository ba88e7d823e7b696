package operators

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// collector is an Emitter that keeps what it receives (it owns it).
type collector struct{ recs []arrow.RecordBatch }

func (c *collector) Emit(_ context.Context, rec arrow.RecordBatch) error {
	c.recs = append(c.recs, rec)
	return nil
}

func (c *collector) release() {
	for _, r := range c.recs {
		r.Release()
	}
	c.recs = nil
}

var bidSchema = arrow.NewSchema([]arrow.Field{
	{Name: "auction", Type: expr.BigInt, Nullable: true},
	{Name: "price", Type: expr.BigInt, Nullable: true},
	{Name: "channel", Type: expr.Varchar, Nullable: true},
}, nil)

func auction() *expr.Column { return &expr.Column{Index: 0, Name: "auction", DataType: expr.BigInt} }
func price() *expr.Column   { return &expr.Column{Index: 1, Name: "price", DataType: expr.BigInt} }
func channel() *expr.Column { return &expr.Column{Index: 2, Name: "channel", DataType: expr.Varchar} }

func i64(v int64) *expr.Literal { return &expr.Literal{Value: v, DataType: expr.BigInt} }

// bids builds a record (sliced out of a larger one when offset > 0, as
// the engine may pass).
func bids(t *testing.T, alloc memory.Allocator, offset int, auctions []int64, prices []any, channels []any) arrow.RecordBatch {
	t.Helper()
	ab := array.NewInt64Builder(alloc)
	pb := array.NewInt64Builder(alloc)
	cb := array.NewStringBuilder(alloc)
	defer ab.Release()
	defer pb.Release()
	defer cb.Release()
	for i := 0; i < offset; i++ {
		ab.Append(-1)
		pb.AppendNull()
		cb.Append("pad")
	}
	for i := range auctions {
		ab.Append(auctions[i])
		if prices[i] == nil {
			pb.AppendNull()
		} else {
			pb.Append(int64(prices[i].(int)))
		}
		if channels[i] == nil {
			cb.AppendNull()
		} else {
			cb.Append(channels[i].(string))
		}
	}
	cols := []arrow.Array{ab.NewArray(), pb.NewArray(), cb.NewArray()}
	full := array.NewRecordBatch(bidSchema, cols, int64(offset+len(auctions)))
	for _, c := range cols {
		c.Release()
	}
	if offset == 0 {
		return full
	}
	defer full.Release()
	return full.NewSlice(int64(offset), int64(offset+len(auctions)))
}

func rows(rec arrow.RecordBatch) [][]any {
	out := make([][]any, rec.NumRows())
	for i := range out {
		for c := 0; c < int(rec.NumCols()); c++ {
			col := rec.Column(c)
			if col.IsNull(i) {
				out[i] = append(out[i], nil)
				continue
			}
			switch a := col.(type) {
			case *array.Int64:
				out[i] = append(out[i], int(a.Value(i)))
			case *array.String:
				out[i] = append(out[i], a.Value(i))
			case *array.Boolean:
				out[i] = append(out[i], a.Value(i))
			}
		}
	}
	return out
}

func equalRows(a, b [][]any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func open(t *testing.T, op Operator, alloc memory.Allocator) {
	t.Helper()
	if err := op.Open(context.Background(), &Env{Name: "test", Parallelism: 1, Alloc: alloc}); err != nil {
		t.Fatal(err)
	}
}

func TestFilter(t *testing.T) {
	ctx := context.Background()
	cond := &expr.Call{Func: expr.FnGt, DataType: expr.Boolean, Args: []expr.Expr{price(), i64(10)}}
	for _, offset := range []int{0, 5} {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		op, err := NewFilter(cond, bidSchema)
		if err != nil {
			t.Fatal(err)
		}
		open(t, op, alloc)
		var out collector

		// Some rows kept (NULL price is dropped).
		rec := bids(t, alloc, offset, []int64{1, 2, 3, 4}, []any{5, 20, nil, 11}, []any{"a", "b", "c", nil})
		if err := op.Process(ctx, 0, rec, &out); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		if len(out.recs) != 1 || !equalRows(rows(out.recs[0]), [][]any{{2, 20, "b"}, {4, 11, nil}}) {
			t.Fatalf("offset %d: got %v", offset, out.recs)
		}
		out.release()

		// Every row kept: the same record passes through.
		rec = bids(t, alloc, offset, []int64{1, 2}, []any{50, 60}, []any{"a", "b"})
		if err := op.Process(ctx, 0, rec, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.recs) != 1 || out.recs[0] != rec {
			t.Fatalf("all kept: got %v, want the input record itself", out.recs)
		}
		rec.Release()
		out.release()

		// No row kept: nothing emitted.
		rec = bids(t, alloc, offset, []int64{1}, []any{nil}, []any{"a"})
		if err := op.Process(ctx, 0, rec, &out); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		if len(out.recs) != 0 {
			t.Fatalf("none kept: got %d records", len(out.recs))
		}
		if err := op.Close(ctx, &out); err != nil {
			t.Fatal(err)
		}
		alloc.AssertSize(t, 0)
	}
}

func TestProject(t *testing.T) {
	ctx := context.Background()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	out := arrow.NewSchema([]arrow.Field{
		{Name: "auction", Type: expr.BigInt, Nullable: true},
		{Name: "price_eur", Type: expr.BigInt, Nullable: true},
		{Name: "ch", Type: expr.Varchar, Nullable: true},
	}, nil)
	exprs := []expr.Expr{
		auction(),
		&expr.Call{Func: expr.FnDiv, DataType: expr.BigInt, Args: []expr.Expr{
			&expr.Call{Func: expr.FnMul, DataType: expr.BigInt, Args: []expr.Expr{price(), i64(908)}}, i64(1000)}},
		&expr.Call{Func: expr.FnUpper, DataType: expr.Varchar, Args: []expr.Expr{channel()}},
	}
	op, err := NewProject(exprs, bidSchema, out)
	if err != nil {
		t.Fatal(err)
	}
	open(t, op, alloc)
	var got collector
	defer got.release()
	rec := bids(t, alloc, 3, []int64{7, 8}, []any{1000, nil}, []any{"apple", nil})
	if err := op.Process(ctx, 0, rec, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.recs) != 1 || !got.recs[0].Schema().Equal(out) ||
		!equalRows(rows(got.recs[0]), [][]any{{7, 908, "APPLE"}, {8, nil, nil}}) {
		t.Fatalf("got %v", got.recs)
	}
	if got.recs[0].Column(0) != rec.Column(0) {
		t.Error("a column reference was copied")
	}
	rec.Release()

	// An empty record emits nothing.
	empty := bids(t, alloc, 0, nil, nil, nil)
	if err := op.Process(ctx, 0, empty, &got); err != nil {
		t.Fatal(err)
	}
	empty.Release()
	if len(got.recs) != 1 {
		t.Fatalf("empty input emitted %d records", len(got.recs)-1)
	}
}

func TestProjectErrors(t *testing.T) {
	out := arrow.NewSchema([]arrow.Field{{Name: "x", Type: expr.Varchar}}, nil)
	if _, err := NewProject([]expr.Expr{price()}, bidSchema, out); !errors.Is(err, expr.ErrType) {
		t.Errorf("type mismatch: %v", err)
	}
	if _, err := NewProject(nil, bidSchema, out); err == nil {
		t.Error("field count mismatch accepted")
	}
	if _, err := NewFilter(price(), bidSchema); !errors.Is(err, expr.ErrType) {
		t.Errorf("non-boolean filter: %v", err)
	}

	// A run-time error names the expression and the value, and leaks nothing.
	ctx := context.Background()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	bad := &expr.Cast{Input: channel(), To: expr.BigInt}
	op, err := NewProject([]expr.Expr{auction(), bad},
		bidSchema, arrow.NewSchema([]arrow.Field{{Name: "a", Type: expr.BigInt}, {Name: "b", Type: expr.BigInt}}, nil))
	if err != nil {
		t.Fatal(err)
	}
	open(t, op, alloc)
	rec := bids(t, alloc, 0, []int64{1}, []any{1}, []any{"twelve"})
	defer rec.Release()
	var got collector
	err = op.Process(ctx, 0, rec, &got)
	if err == nil || !strings.Contains(err.Error(), "CAST(channel AS BIGINT)") || !strings.Contains(err.Error(), `"twelve"`) {
		t.Fatalf("got %v", err)
	}
	if len(got.recs) != 0 {
		t.Fatal("emitted despite an error")
	}
}

func TestCalc(t *testing.T) {
	ctx := context.Background()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	// WHERE channel <> 'x' SELECT auction, CAST(channel AS BIGINT): the
	// cast would fail on the filtered-out row, so it must only run on
	// kept rows.
	cond := &expr.Call{Func: expr.FnNe, DataType: expr.Boolean, Args: []expr.Expr{channel(),
		&expr.Literal{Value: "x", DataType: expr.Varchar}}}
	out := arrow.NewSchema([]arrow.Field{{Name: "a", Type: expr.BigInt}, {Name: "n", Type: expr.BigInt}}, nil)
	op, err := NewCalc(cond, []expr.Expr{auction(), &expr.Cast{Input: channel(), To: expr.BigInt}}, bidSchema, out)
	if err != nil {
		t.Fatal(err)
	}
	open(t, op, alloc)
	var got collector
	defer got.release()
	rec := bids(t, alloc, 2, []int64{1, 2, 3}, []any{0, 0, 0}, []any{"10", "x", "-3"})
	if err := op.Process(ctx, 0, rec, &got); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if len(got.recs) != 1 || !equalRows(rows(got.recs[0]), [][]any{{1, 10}, {3, -3}}) {
		t.Fatalf("got %v", got.recs)
	}
	// No condition: a plain projection.
	op2, err := NewCalc(nil, []expr.Expr{auction()}, bidSchema,
		arrow.NewSchema([]arrow.Field{{Name: "a", Type: expr.BigInt}}, nil))
	if err != nil {
		t.Fatal(err)
	}
	open(t, op2, alloc)
	rec = bids(t, alloc, 0, []int64{4}, []any{0}, []any{"x"})
	if err := op2.Process(ctx, 0, rec, &got); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if len(got.recs) != 2 || !equalRows(rows(got.recs[1]), [][]any{{4}}) {
		t.Fatalf("got %v", got.recs)
	}
	// Nothing kept: nothing emitted.
	rec = bids(t, alloc, 0, []int64{5}, []any{0}, []any{"x"})
	if err := op.Process(ctx, 0, rec, &got); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if len(got.recs) != 2 {
		t.Fatalf("emitted for an all-filtered record")
	}
}
