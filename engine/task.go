package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
)

// task is one subtask of a vertex: it runs the vertex's operator chain on
// records from its source reader or its input channels.
type task struct {
	job      *Job
	v        *Vertex
	subtask  int
	idx      int // index among the job's subtasks
	inputs   []chan message
	router   *router
	counters *vertexCounters

	ops    []operators.Operator
	opened int
	writer connectors.Writer
	head   operators.Emitter
	wms    []int64
	wm     int64
	// idle[i] is set while input i reports it has nothing to send;
	// idleOut while this subtask told its downstream the same.
	idle    []bool
	idleOut bool

	// Checkpointing (ck is nil when the job does not checkpoint).
	ck *coordinator
	// trigger delivers the coordinator's barriers to a source subtask.
	trigger chan message
	// epoch is the checkpoint the records now flowing belong to: the
	// next barrier's epoch.
	epoch uint64
	// ended[i] is set once input i delivered end-of-stream; blocked[i]
	// while input i delivered the barrier being aligned.
	ended, blocked []bool
	aligning       bool
	alignBarrier   message
	alignStart     time.Time
	// inputsChanged asks runInputs to rebuild its select cases.
	inputsChanged bool
	// stopped is set once a stop barrier passed: the subtask exits
	// without flushing its operators (their state is in the checkpoint).
	stopped bool
	// pos is the source reader's position after the last record emitted.
	pos   []byte
	clock *splitClock
	// restoredState is the subtask's part of the checkpoint the job
	// resumes from (nil when it starts fresh).
	restoredState *taskState
}

func (t *task) name() string {
	return fmt.Sprintf("%s (subtask %d/%d)", t.v.Name, t.subtask+1, t.v.Parallelism)
}

// run executes the subtask to completion. A failure is returned with the
// vertex and subtask named.
func (t *task) run(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			t.abort(context.WithoutCancel(ctx))
			err = fmt.Errorf("%s: internal error: %v", t.name(), r)
		}
	}()
	t.wm = MinWatermark
	if err := t.open(ctx); err != nil {
		t.abort(ctx)
		return fmt.Errorf("%s: %w", t.name(), err)
	}
	if t.v.Source != nil {
		err = t.runSource(ctx)
	} else {
		err = t.runInputs(ctx)
	}
	if err == nil && t.stopped {
		t.release(ctx)
		return nil
	}
	if err != nil {
		t.abort(ctx)
		if errors.Is(err, context.Canceled) && context.Cause(ctx) != nil && !errors.Is(context.Cause(ctx), context.Canceled) {
			return nil // another task failed first; its error is the job's
		}
		return fmt.Errorf("%s: %w", t.name(), err)
	}
	if err := t.finish(ctx); err != nil {
		t.abort(ctx)
		return fmt.Errorf("%s: %w", t.name(), err)
	}
	return nil
}

// open builds and opens the chain, last element first.
func (t *task) open(ctx context.Context) error {
	var tail operators.Emitter
	if t.v.Sink != nil {
		w, err := t.v.Sink.Sink.Writer(t.subtask, t.v.Parallelism)
		if err != nil {
			return fmt.Errorf("sink %s: %w", t.v.Sink.Table, err)
		}
		t.writer = w
		if err := w.Open(ctx); err != nil {
			return fmt.Errorf("sink %s: %w", t.v.Sink.Table, err)
		}
		tail = &sinkEmitter{w: w, table: t.v.Sink.Table, rows: &t.counters.out}
	} else {
		t.router.rows = &t.counters.out
		t.router.idle = &t.idleOut
		tail = t.router
	}
	t.ops = make([]operators.Operator, len(t.v.Ops))
	for i, spec := range t.v.Ops {
		op, err := spec.New()
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Kind, err)
		}
		t.ops[i] = op
	}
	next := tail
	for i := len(t.ops) - 1; i >= 0; i-- {
		env := &operators.Env{
			Name: t.v.Ops[i].Kind, Subtask: t.subtask, Parallelism: t.v.Parallelism,
			Alloc: t.job.cfg.Alloc, Logger: t.job.cfg.Logger,
			Metrics: t.counters.ops[i][t.subtask],
		}
		if db := t.job.tables; db != nil {
			env.Tables, env.ResidentEntries = db, t.job.cfg.State.ResidentEntries
			env.TablePrefix = fmt.Sprintf("v%d/o%d/t%d/", t.v.ID, i, t.subtask)
		}
		if err := t.ops[i].Open(ctx, env); err != nil {
			return fmt.Errorf("%s: %w", t.v.Ops[i].Kind, err)
		}
		t.opened++
		next = &opEmitter{op: t.ops[i], name: t.v.Ops[i].Kind, next: next}
	}
	t.head = next
	if t.job.restore != nil {
		st, ok, err := t.job.restore.taskState(t.v.ID, t.subtask)
		if err != nil {
			return err
		}
		if ok {
			t.restoredState = &st
			return t.restoreOps(ctx, st)
		}
	}
	return nil
}

// runInputs consumes the input channels until every one has ended (or a
// stop barrier passed). While a checkpoint barrier is being aligned, the
// inputs that delivered it are not read.
func (t *task) runInputs(ctx context.Context) error {
	t.wms = make([]int64, len(t.inputs))
	for i := range t.wms {
		t.wms[i] = MinWatermark
	}
	t.ended = make([]bool, len(t.inputs))
	t.blocked = make([]bool, len(t.inputs))
	if len(t.inputs) == 1 {
		ch := t.inputs[0]
		for {
			select {
			case m := <-ch:
				done, err := t.handle(ctx, 0, m)
				if err != nil || done || t.stopped {
					return err
				}
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
	}
	cases := make([]reflect.SelectCase, 0, len(t.inputs)+1)
	which := make([]int, 0, len(t.inputs))
	t.inputsChanged = true
	for {
		if t.inputsChanged {
			t.inputsChanged = false
			cases = append(cases[:0], reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
			which = which[:0]
			for i, ch := range t.inputs {
				if !t.ended[i] && !t.blocked[i] {
					cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
					which = append(which, i)
				}
			}
			if len(cases) == 1 {
				return nil
			}
		}
		chosen, v, _ := reflect.Select(cases)
		if chosen == 0 {
			return context.Cause(ctx)
		}
		done, err := t.handle(ctx, which[chosen-1], v.Interface().(message))
		if err != nil || done || t.stopped {
			return err
		}
	}
}

// handle processes one message from input; done reports that every input
// has ended.
func (t *task) handle(ctx context.Context, input int, m message) (done bool, err error) {
	switch m.kind {
	case msgData:
		t.setIdle(input, false)
		t.counters.in.add(m.rec.NumRows())
		return false, t.head.Emit(ctx, m.rec)
	case msgWatermark:
		t.setIdle(input, false)
		return false, t.advance(ctx, input, m.wm)
	case msgIdle:
		t.setIdle(input, true)
		return false, t.advance(ctx, input, t.wms[input])
	case msgBarrier:
		if t.blocked == nil {
			t.ended, t.blocked = make([]bool, len(t.inputs)), make([]bool, len(t.inputs))
		}
		return false, t.onBarrier(ctx, input, m)
	case msgEOS:
		if t.ended == nil {
			t.ended = make([]bool, len(t.inputs))
		}
		t.ended[input] = true
		t.inputsChanged = true
		if err := t.advance(ctx, input, MaxWatermark); err != nil {
			return false, err
		}
		if err := t.maybeAligned(ctx); err != nil {
			return false, err
		}
		for _, e := range t.ended {
			if !e {
				return false, nil
			}
		}
		return true, nil
	}
	return false, fmt.Errorf("unknown message kind %d", m.kind)
}

// advance records input's watermark and, when the minimum over the
// inputs that are not idle moves, passes it through the chain and
// downstream. When every open input is idle, the subtask tells its
// downstream it is idle too, so an idle branch never stalls windows.
func (t *task) advance(ctx context.Context, input int, wm int64) error {
	t.wms[input] = max(t.wms[input], wm)
	// The minimum is over inputs still open and not idle. Ended inputs
	// (+inf) never set it; while an idle input is still open, the
	// watermark can move only as far as the active ones allow, and never
	// to +inf: rows may still come from the idle input.
	low, active, idleOpen := MaxWatermark, false, false
	for i, w := range t.wms {
		switch {
		case w == MaxWatermark:
		case t.idle != nil && t.idle[i]:
			idleOpen = true
		default:
			active = true
			low = min(low, w)
		}
	}
	if !active && idleOpen {
		return t.goIdle(ctx)
	}
	if low <= t.wm {
		return nil
	}
	return t.setWatermark(ctx, low)
}

// setIdle marks an input idle or active again.
func (t *task) setIdle(input int, idle bool) {
	if !idle && t.idle == nil {
		return
	}
	if t.idle == nil {
		t.idle = make([]bool, len(t.inputs))
	}
	t.idle[input] = idle
}

// goIdle tells downstream this subtask has no data to offer for now.
func (t *task) goIdle(ctx context.Context) error {
	if t.idleOut || t.router == nil {
		return nil
	}
	t.idleOut = true
	return t.router.broadcast(ctx, message{kind: msgIdle})
}

// setWatermark moves the subtask's watermark to wm (greater than the
// current one) and propagates it.
func (t *task) setWatermark(ctx context.Context, wm int64) error {
	t.wm = wm
	t.idleOut = false
	t.counters.wm[t.subtask].Store(wm)
	return t.emitWatermark(ctx, wm)
}

// emitWatermark runs wm through the chain's event-time operators, then
// downstream.
func (t *task) emitWatermark(ctx context.Context, wm int64) error {
	for i, op := range t.ops {
		h, ok := op.(operators.WatermarkHandler)
		if !ok {
			continue
		}
		next := t.emitterAfter(i)
		out, err := h.OnWatermark(ctx, wm, next)
		if err != nil {
			return attribute(t.v.Ops[i].Kind, err)
		}
		wm = out
	}
	if t.router != nil && wm != MaxWatermark {
		return t.router.broadcast(ctx, message{kind: msgWatermark, wm: wm})
	}
	return nil
}

// emitterAfter returns the emitter that feeds whatever follows operator i.
func (t *task) emitterAfter(i int) operators.Emitter {
	e := t.head
	for j := 0; j <= i; j++ {
		e = e.(*opEmitter).next
	}
	return e
}

// finish flushes the chain at end of input: the watermark goes to
// +infinity (so every event-time operator fires what it holds), each
// operator closes in order, flushing into the next, then the sink
// prepares its commit (the job commits every sink once all tasks
// succeeded) or downstream hears end-of-stream.
func (t *task) finish(ctx context.Context) error {
	if t.wm != MaxWatermark {
		if err := t.setWatermark(ctx, MaxWatermark); err != nil {
			return err
		}
	}
	for i, op := range t.ops {
		t.opened--
		if err := op.Close(ctx, t.emitterAfter(i)); err != nil {
			t.ops = t.ops[i+1:]
			return attribute(t.v.Ops[i].Kind, err)
		}
	}
	t.ops = nil
	if t.ck != nil {
		if err := t.finalState(ctx); err != nil {
			return err
		}
	}
	if t.writer != nil {
		if p, ok := t.writer.(connectors.Preparer); ok && t.ck == nil {
			if err := p.Prepare(ctx); err != nil {
				return fmt.Errorf("sink %s: %w", t.v.Sink.Table, err)
			}
		}
		t.job.addPrepared(t.writer, t.name(), t.v.Sink.Table)
		t.writer = nil
		return nil
	}
	return t.router.broadcast(ctx, message{kind: msgEOS})
}

// release ends a subtask after a stop barrier: its operators' state is in
// the checkpoint, so they close without emitting, and its sink writer is
// handed to the job, which closes it once the checkpoint committed.
func (t *task) release(ctx context.Context) {
	t.discardOps(ctx)
	if t.writer != nil {
		t.job.addPrepared(t.writer, t.name(), t.v.Sink.Table)
		t.writer = nil
	}
}

// discardOps closes the operators that were opened, dropping whatever
// they would still emit.
func (t *task) discardOps(ctx context.Context) {
	for i := len(t.ops) - t.opened; i < len(t.ops); i++ {
		if t.ops[i] != nil {
			_ = t.ops[i].Close(ctx, discardEmitter{})
		}
	}
	t.ops = nil
	t.opened = 0
}

// abort releases the chain after a failure without committing anything.
func (t *task) abort(ctx context.Context) {
	t.discardOps(ctx)
	if t.writer != nil {
		if a, ok := t.writer.(connectors.Aborter); ok {
			_ = a.Abort()
		} else {
			_ = t.writer.Close(context.WithoutCancel(ctx))
		}
		t.writer = nil
	}
}
