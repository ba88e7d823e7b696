package operators

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// Project computes one output column per expression. A column reference
// passes the input column through without copying.
type Project struct {
	evals []*expr.Evaluator
	out   *arrow.Schema
	alloc memory.Allocator
}

var _ Operator = (*Project)(nil)

// NewProject compiles exprs against the input schema in; out has one field
// per expression, of the expression's type.
func NewProject(exprs []expr.Expr, in, out *arrow.Schema) (Operator, error) {
	return newProject(exprs, in, out)
}

func newProject(exprs []expr.Expr, in, out *arrow.Schema) (*Project, error) {
	if out == nil || out.NumFields() != len(exprs) {
		n := 0
		if out != nil {
			n = out.NumFields()
		}
		return nil, fmt.Errorf("project: %d expressions for %d output fields", len(exprs), n)
	}
	p := &Project{out: out, alloc: memory.DefaultAllocator}
	for i, e := range exprs {
		ev, err := expr.Compile(e, in)
		if err != nil {
			return nil, fmt.Errorf("project: column %d (%s): %w", i, out.Field(i).Name, err)
		}
		if want := out.Field(i).Type; !arrow.TypeEqual(ev.Type(), want) {
			return nil, fmt.Errorf("project: column %d (%s): %w: expression %s is %s, output field is %s",
				i, out.Field(i).Name, expr.ErrType, e, expr.SQLTypeName(ev.Type()), expr.SQLTypeName(want))
		}
		p.evals = append(p.evals, ev)
	}
	return p, nil
}

// Open implements Operator.
func (p *Project) Open(_ context.Context, env *Env) error {
	p.alloc = allocOf(env)
	return nil
}

// Process implements Operator: it emits one record with the projected
// columns for every non-empty input record.
func (p *Project) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out Emitter) error {
	if rec.NumRows() == 0 {
		return nil
	}
	res, err := p.project(ctx, rec)
	if err != nil {
		return err
	}
	return out.Emit(ctx, res)
}

// project evaluates every expression over rec into a new record.
func (p *Project) project(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(p.evals))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, ev := range p.evals {
		arr, err := ev.Eval(ctx, p.alloc, rec)
		if err != nil {
			return nil, fmt.Errorf("project %s: %w", ev.Expr(), err)
		}
		cols[i] = arr
	}
	return array.NewRecordBatch(p.out, cols, rec.NumRows()), nil
}

// Close implements Operator; a projection buffers nothing.
func (p *Project) Close(context.Context, Emitter) error { return nil }
