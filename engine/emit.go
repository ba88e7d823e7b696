package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
)

// opEmitter feeds records into the next operator of a chain, releasing
// each one after the operator is done with it.
type opEmitter struct {
	op   operators.Operator
	name string
	next operators.Emitter
	rows *counter
}

func (e *opEmitter) Emit(ctx context.Context, rec arrow.RecordBatch) error {
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	e.rows.add(rec.NumRows())
	return attribute(e.name, guard(func() error { return e.op.Process(ctx, 0, rec, e.next) }))
}

// guard runs fn, turning a panic into an error so the runtime can name
// the stage that panicked and abort cleanly.
func guard(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn()
}

// stageError names the chain stage (operator, sink, or "" for the
// runtime's own channels) where an error happened, so it is named once
// however many operators it passes back through.
type stageError struct {
	stage string
	err   error
}

func (e *stageError) Error() string {
	if e.stage == "" {
		return e.err.Error()
	}
	return e.stage + ": " + e.err.Error()
}

func (e *stageError) Unwrap() error { return e.err }

// attribute wraps err with stage unless a later stage already claimed it.
func attribute(stage string, err error) error {
	if err == nil {
		return nil
	}
	var se *stageError
	if errors.As(err, &se) {
		return err
	}
	return &stageError{stage: stage, err: err}
}

// sinkEmitter hands records to a sink writer.
type sinkEmitter struct {
	w     connectors.Writer
	table string
	rows  *counter
}

func (e *sinkEmitter) Emit(ctx context.Context, rec arrow.RecordBatch) error {
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	e.rows.add(rec.NumRows())
	return attribute("sink "+e.table, guard(func() error { return e.w.Write(ctx, rec) }))
}

// discardEmitter drops records; operators closed after a failure flush
// into it.
type discardEmitter struct{}

func (discardEmitter) Emit(_ context.Context, rec arrow.RecordBatch) error {
	rec.Release()
	return nil
}

// router sends a subtask's output over its vertex's out edge: to one
// channel (forward), round-robin (rebalance) or by key hash (shuffle).
type router struct {
	// idle points at the owning task's idleOut flag.
	idle *bool
	kind EdgeKind
	outs []chan message
	next int
	rows *counter
	part *partitioner
}

func (r *router) Emit(ctx context.Context, rec arrow.RecordBatch) error {
	return attribute("", r.emit(ctx, rec))
}

func (r *router) emit(ctx context.Context, rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		rec.Release()
		return nil
	}
	// Sending data makes this subtask active again in its receivers' eyes.
	if r.idle != nil {
		*r.idle = false
	}
	r.rows.add(rec.NumRows())
	switch r.kind {
	case Shuffle:
		parts, err := r.part.split(ctx, rec)
		rec.Release()
		if err != nil {
			return err
		}
		for i, p := range parts {
			if p == nil {
				continue
			}
			if err := send(ctx, r.outs[i], message{kind: msgData, rec: p}); err != nil {
				for _, rest := range parts[i+1:] {
					if rest != nil {
						rest.Release()
					}
				}
				return err
			}
		}
		return nil
	case Rebalance:
		ch := r.outs[r.next]
		r.next = (r.next + 1) % len(r.outs)
		return send(ctx, ch, message{kind: msgData, rec: rec})
	default:
		return send(ctx, r.outs[0], message{kind: msgData, rec: rec})
	}
}

// broadcast sends a control message to every downstream subtask.
func (r *router) broadcast(ctx context.Context, m message) error {
	for _, ch := range r.outs {
		if err := send(ctx, ch, m); err != nil {
			return err
		}
	}
	return nil
}

// send blocks until the channel takes m or ctx ends; on ctx's end the
// message's record is released.
func send(ctx context.Context, ch chan message, m message) error {
	select {
	case ch <- m:
		return nil
	case <-ctx.Done():
		if m.rec != nil {
			m.rec.Release()
		}
		return context.Cause(ctx)
	}
}
