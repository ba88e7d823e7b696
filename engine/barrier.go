package engine

import (
	"context"
	"fmt"
	"maps"
	"time"

	json "github.com/goccy/go-json"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/engine/failpoint"
	"github.com/weir-stream/weir/operators"
)

// onBarrier handles a checkpoint barrier from input: the input is held
// back until the same barrier came from every other open input
// (alignment), then the subtask snapshots and passes the barrier on.
func (t *task) onBarrier(ctx context.Context, input int, m message) error {
	if t.ck == nil {
		return fmt.Errorf("checkpoint barrier %d in a job that does not checkpoint", m.epoch)
	}
	if !t.aligning {
		t.aligning, t.alignBarrier, t.alignStart = true, m, time.Now()
	} else if m.epoch != t.alignBarrier.epoch {
		return fmt.Errorf("checkpoint barrier %d arrived while aligning barrier %d", m.epoch, t.alignBarrier.epoch)
	}
	t.blocked[input] = true
	t.inputsChanged = true
	return t.maybeAligned(ctx)
}

// maybeAligned completes the alignment once every input still open
// delivered the barrier.
func (t *task) maybeAligned(ctx context.Context) error {
	if !t.aligning {
		return nil
	}
	for i := range t.inputs {
		if !t.ended[i] && !t.blocked[i] {
			return nil
		}
	}
	t.aligning = false
	clear(t.blocked)
	t.inputsChanged = true
	return t.barrier(ctx, t.alignBarrier, time.Since(t.alignStart))
}

// barrier takes the subtask's share of checkpoint m.epoch, passes the
// barrier downstream and acknowledges it to the coordinator.
func (t *task) barrier(ctx context.Context, m message, align time.Duration) error {
	began := time.Now()
	a, err := t.snapshot(ctx, m.epoch)
	if err != nil {
		return fmt.Errorf("checkpoint %d: %w", m.epoch, err)
	}
	a.align, a.pause = align, time.Since(began)
	if t.router != nil {
		if err := t.router.broadcast(ctx, message{kind: msgBarrier, epoch: m.epoch, stop: m.stop}); err != nil {
			return err
		}
	}
	if t.v.Source != nil {
		failpoint.Hit(failpoint.AfterBarrier)
	}
	t.epoch = m.epoch + 1
	t.stopped = m.stop
	return t.sendAck(ctx, a)
}

// sendAck hands the coordinator the subtask's share of a checkpoint.
func (t *task) sendAck(ctx context.Context, a ack) error {
	a.idx, a.vertex, a.subtask = t.idx, t.v.ID, t.subtask
	select {
	case t.ck.events <- a:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// snapshot collects the subtask's parts for epoch: its own state, each
// operator's key groups, and the sink's prepared transaction.
func (t *task) snapshot(ctx context.Context, epoch uint64) (ack, error) {
	a := ack{epoch: epoch, task: t.name(), parts: map[string][]byte{}}
	st := taskState{Watermark: t.wm, Position: t.pos}
	if t.clock != nil {
		st.Splits = maps.Clone(t.clock.wm)
	}
	// Operator state goes to the checkpoint store as it comes (a large
	// state is never all in memory twice); what the stream no longer
	// takes stays in the ack.
	stream := t.ck.streamFor(epoch)
	for i, op := range t.ops {
		s, ok := op.(operators.Snapshotter)
		if !ok {
			continue
		}
		err := s.Snapshot(ctx, func(group int, data []byte) error {
			if group < 0 || group >= KeyGroups {
				return fmt.Errorf("key group %d out of range", group)
			}
			name := opPart(t.v.ID, i, group)
			if stream != nil {
				if sent, err := stream.put(ctx, name, data); err != nil || sent {
					return err
				}
			}
			a.parts[name] = data
			return nil
		})
		if err != nil {
			return a, attribute(t.v.Ops[i].Kind, err)
		}
	}
	if err := t.preCommit(ctx, epoch, &a, &st); err != nil {
		return a, err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return a, err
	}
	a.parts[taskPart(t.v.ID, t.subtask)] = data
	return a, nil
}

// preCommit ends the sink writer's transaction for epoch.
func (t *task) preCommit(ctx context.Context, epoch uint64, a *ack, st *taskState) error {
	c, ok := t.writer.(connectors.Committer)
	if t.writer == nil || !ok {
		return nil
	}
	desc, err := c.PreCommit(ctx, epoch)
	if err != nil {
		return fmt.Errorf("sink %s: %w", t.v.Sink.Table, err)
	}
	st.Prepared = desc
	if desc != nil {
		a.committer, a.table = c, t.v.Sink.Table
	}
	return nil
}

// finalState records what the subtask leaves at the end of its input
// (after its operators flushed) for the job's final checkpoint.
func (t *task) finalState(ctx context.Context) error {
	a := ack{epoch: t.epoch, final: true, task: t.name(), parts: map[string][]byte{}}
	st := taskState{Watermark: MaxWatermark, Position: t.pos}
	if err := t.preCommit(ctx, t.epoch, &a, &st); err != nil {
		return err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	a.parts[taskPart(t.v.ID, t.subtask)] = data
	return t.sendAck(ctx, a)
}

// restoreOps loads the operators' state from the checkpoint the job
// resumes from, then replays the restored watermark through the chain so
// event-time operators judge late rows as before.
func (t *task) restoreOps(ctx context.Context, st taskState) error {
	r := t.job.restore
	for i, op := range t.ops {
		s, ok := op.(operators.Snapshotter)
		if !ok {
			continue
		}
		groups, err := r.opGroups(t.v.ID, i, t.subtask, t.v.Parallelism)
		if err != nil {
			return err
		}
		if err := s.Restore(ctx, groups); err != nil {
			return attribute(t.v.Ops[i].Kind, fmt.Errorf("restoring checkpoint %d: %w", r.cp.Epoch, err))
		}
	}
	if st.Watermark > t.wm {
		return t.setWatermark(ctx, st.Watermark)
	}
	return nil
}
