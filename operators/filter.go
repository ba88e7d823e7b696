package operators

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/compute/exec"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// Filter keeps the rows where a BOOLEAN condition is TRUE (not FALSE, not
// NULL). A record whose rows are all kept is passed on as it is
// (retained); a record with none kept emits nothing.
type Filter struct {
	cond  *expr.Evaluator
	alloc memory.Allocator
}

var _ Operator = (*Filter)(nil)

// NewFilter compiles cond, which must be BOOLEAN, against the input
// schema.
func NewFilter(cond expr.Expr, in *arrow.Schema) (Operator, error) {
	return newFilter(cond, in)
}

func newFilter(cond expr.Expr, in *arrow.Schema) (*Filter, error) {
	ev, err := expr.Compile(cond, in)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	if !arrow.TypeEqual(ev.Type(), expr.Boolean) {
		return nil, fmt.Errorf("filter: %w: condition %s is %s, want BOOLEAN",
			expr.ErrType, cond, expr.SQLTypeName(ev.Type()))
	}
	return &Filter{cond: ev, alloc: memory.DefaultAllocator}, nil
}

// Open implements Operator.
func (f *Filter) Open(_ context.Context, env *Env) error {
	f.alloc = allocOf(env)
	return nil
}

// Process implements Operator.
func (f *Filter) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out Emitter) error {
	kept, err := f.keep(ctx, rec)
	if err != nil || kept == nil {
		return err
	}
	return out.Emit(ctx, kept)
}

// keep returns the kept rows of rec as a record the caller owns (rec
// itself, retained, when every row is kept), or nil when none is.
func (f *Filter) keep(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	if n == 0 {
		return nil, nil
	}
	mask, err := f.cond.Eval(ctx, f.alloc, rec)
	if err != nil {
		return nil, fmt.Errorf("filter %s: %w", f.cond.Expr(), err)
	}
	defer mask.Release()
	switch countTrue(mask) {
	case 0:
		return nil, nil
	case n:
		rec.Retain()
		return rec, nil
	}
	kept, err := compute.FilterRecordBatch(exec.WithAllocator(ctx, f.alloc), rec, mask,
		&compute.FilterOptions{NullSelection: compute.SelectionDropNulls})
	if err != nil {
		return nil, fmt.Errorf("filter %s: selecting rows: %w", f.cond.Expr(), err)
	}
	return kept, nil
}

// countTrue counts the rows of a BOOLEAN array that are TRUE and not NULL.
func countTrue(mask arrow.Array) int {
	b := mask.(*array.Boolean)
	n, off := b.Len(), b.Data().Offset()
	vals := b.Data().Buffers()[1]
	if vals == nil {
		return 0
	}
	if b.NullN() == 0 {
		return bitutil.CountSetBits(vals.Bytes(), off, n)
	}
	valid := b.NullBitmapBytes()
	bits := vals.Bytes()
	count := 0
	for i := 0; i < n; i++ {
		if bitutil.BitIsSet(bits, off+i) && bitutil.BitIsSet(valid, off+i) {
			count++
		}
	}
	return count
}

// Close implements Operator; a filter buffers nothing.
func (f *Filter) Close(context.Context, Emitter) error { return nil }
