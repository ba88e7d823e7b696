package expr

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// EvalConst evaluates an expression without column references (the
// binder's constant folding) and returns its value as a Literal of the
// expression's type. Errors are those of Compile and Eval.
func EvalConst(e Expr, alloc memory.Allocator) (*Literal, error) {
	if alloc == nil {
		alloc = memory.DefaultAllocator
	}
	hasColumn := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*Column); ok {
			hasColumn = true
		}
		return !hasColumn
	})
	if hasColumn {
		return nil, fmt.Errorf("%w: %s is not constant: it reads a column", ErrType, e)
	}
	ev, err := Compile(e, nil)
	if err != nil {
		return nil, err
	}
	if c, ok := ev.root.(*constNode); ok {
		return c.sc.literal(), nil
	}
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	arr, err := ev.Eval(context.Background(), alloc, rec)
	if err != nil {
		return nil, err
	}
	defer arr.Release()
	s, err := scalarAt(arr, 0)
	if err != nil {
		return nil, err
	}
	return s.literal(), nil
}
