package operators

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// Calc is a filter followed by a projection in one step (Flink's Calc):
// the projections run only over the rows the condition keeps.
type Calc struct {
	filter  *Filter // nil when there is no condition
	project *Project
}

var _ Operator = (*Calc)(nil)

// NewCalc compiles cond (nil for none; otherwise BOOLEAN) and exprs
// against the input schema in; out has one field per expression.
func NewCalc(cond expr.Expr, exprs []expr.Expr, in, out *arrow.Schema) (Operator, error) {
	c := &Calc{}
	if cond != nil {
		f, err := newFilter(cond, in)
		if err != nil {
			return nil, err
		}
		c.filter = f
	}
	p, err := newProject(exprs, in, out)
	if err != nil {
		return nil, err
	}
	c.project = p
	return c, nil
}

// Open implements Operator.
func (c *Calc) Open(ctx context.Context, env *Env) error {
	if c.filter != nil {
		if err := c.filter.Open(ctx, env); err != nil {
			return err
		}
	}
	return c.project.Open(ctx, env)
}

// Process implements Operator.
func (c *Calc) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out Emitter) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if c.filter != nil {
		kept, err := c.filter.keep(ctx, rec)
		if err != nil || kept == nil {
			return err
		}
		defer kept.Release()
		rec = kept
	}
	res, err := c.project.project(ctx, rec)
	if err != nil {
		return err
	}
	return out.Emit(ctx, res)
}

// Close implements Operator; Calc buffers nothing.
func (c *Calc) Close(context.Context, Emitter) error { return nil }

// allocOf returns env's allocator or the default one.
func allocOf(env *Env) memory.Allocator {
	if env != nil && env.Alloc != nil {
		return env.Alloc
	}
	return memory.DefaultAllocator
}
