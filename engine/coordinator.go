package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	json "github.com/goccy/go-json"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/engine/failpoint"
	"github.com/weir-stream/weir/state/checkpoint"
)

// ack is one subtask's share of a checkpoint: its parts, and the sink
// writer to commit once the checkpoint is durable. A final ack is what a
// subtask left when its input ended: it stands for the subtask in every
// later checkpoint.
type ack struct {
	idx       int // the subtask's index in the job
	vertex    int
	subtask   int
	epoch     uint64
	final     bool
	task      string
	parts     map[string][]byte
	committer connectors.Committer
	table     string
	align     time.Duration // first barrier to last, on this subtask
	pause     time.Duration // time the data path stood still to snapshot
}

// coordinator triggers checkpoints at the sources, collects every
// subtask's acknowledgement, writes the checkpoint atomically and only
// then commits the sinks. One checkpoint is in flight at a time.
//
// Subtasks whose input ended take part through their final ack, so
// checkpoints go on while some sources still run (after FLIP-147): a
// checkpoint is complete when every subtask acknowledged it or has
// finished.
type coordinator struct {
	job      *Job
	store    *checkpoint.Store
	interval time.Duration
	retain   int
	ntasks   int
	events   chan ack
	finals   map[int]ack
	manual   chan struct{}

	// mu orders triggers against sources ending: a barrier is sent only
	// to sources still running, and a source that ends injects any
	// barrier already triggered for it first, so every triggered barrier
	// reaches every subtask that can still see it.
	mu       sync.Mutex
	triggers map[chan message]bool // source trigger -> still running
	next     uint64                // the next epoch to trigger
	// stopped is set once a stop barrier was triggered.
	stopped bool
	// stream takes the operator-state parts of the epoch in flight.
	stream *partStream

	stats *checkpointStats
}

// register gives a source subtask its trigger channel.
func (c *coordinator) register() chan message {
	ch := make(chan message, 1)
	c.mu.Lock()
	if c.triggers == nil {
		c.triggers = map[chan message]bool{}
	}
	c.triggers[ch] = true
	c.mu.Unlock()
	return ch
}

// sourceEnded is called by a source subtask at the end of its input; it
// returns a barrier the subtask must still inject first (ok false if
// none).
func (c *coordinator) sourceEnded(trigger chan message) (m message, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.triggers[trigger] = false
	select {
	case m = <-trigger:
		return m, true
	default:
		return message{}, false
	}
}

// trigger sends the next epoch's barrier to every source subtask still
// running; ok is false when none is (the final checkpoint covers the
// rest).
func (c *coordinator) trigger(stop bool) (epoch uint64, ok bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, running := range c.triggers {
		ok = ok || running
	}
	if !ok {
		return 0, false, nil
	}
	epoch = c.next
	c.next++
	c.stopped = stop
	if old := c.stream; old != nil {
		// An epoch that never completed (the job is failing): drop it.
		w, _ := old.finish()
		_ = w.Abort()
	}
	c.stream = newPartStream(c.store.Begin(epoch), streamBudget)
	for ch, running := range c.triggers {
		if !running {
			continue
		}
		select {
		case ch <- message{kind: msgBarrier, epoch: epoch, stop: stop}:
		default:
			// One checkpoint is in flight at a time, so a source has
			// always taken the previous barrier; never block under mu.
			return epoch, false, fmt.Errorf("checkpoint %d: a source has not taken the previous barrier", epoch)
		}
	}
	return epoch, true, nil
}

// run triggers checkpoints every interval (and on TriggerCheckpoint)
// until the job's tasks are done (done closed) or it fails; on Stop it
// takes a stop checkpoint, after which the job ends.
func (c *coordinator) run(ctx context.Context, done <-chan struct{}) error {
	timer := time.NewTimer(c.interval)
	defer timer.Stop()
	stopping := c.job.stopping
	for {
		stop := false
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		case a := <-c.events:
			if err := c.record(a, nil, 0); err != nil {
				return err
			}
			continue
		case <-timer.C:
		case <-c.manual:
		case <-stopping:
			stop = true
			stopping = nil
		}
		epoch, ok, err := c.trigger(stop)
		if err != nil {
			return err
		}
		if ok {
			if err := c.complete(ctx, done, epoch); err != nil {
				return err
			}
			if stop {
				return nil
			}
		}
		timer.Reset(c.interval)
	}
}

// record files an event from a subtask: a final ack, or an ack of the
// epoch being collected (into got).
func (c *coordinator) record(a ack, got map[int]ack, epoch uint64) error {
	if a.final {
		c.finals[a.idx] = a
		return nil
	}
	if got == nil || a.epoch != epoch {
		return fmt.Errorf("checkpoint: subtask %s acknowledged epoch %d unexpectedly", a.task, a.epoch)
	}
	got[a.idx] = a
	return nil
}

// complete waits until every subtask acknowledged epoch or finished, then
// writes and commits it.
func (c *coordinator) complete(ctx context.Context, done <-chan struct{}, epoch uint64) error {
	began := time.Now()
	got := map[int]ack{}
	for !c.covered(got) {
		select {
		case a := <-c.events:
			if err := c.record(a, got, epoch); err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
	return c.persist(ctx, epoch, c.collect(got), began, false)
}

// covered reports whether every subtask acknowledged (in got) or finished.
func (c *coordinator) covered(got map[int]ack) bool {
	for i := range c.ntasks {
		_, acked := got[i]
		_, final := c.finals[i]
		if !acked && !final {
			return false
		}
	}
	return true
}

// collect lists each subtask's share: its ack, else its final ack.
func (c *coordinator) collect(got map[int]ack) []ack {
	out := make([]ack, 0, c.ntasks)
	for i := range c.ntasks {
		if a, ok := got[i]; ok {
			out = append(out, a)
		} else {
			out = append(out, c.finals[i])
		}
	}
	return out
}

// persist writes epoch with the parts of acks and the job's own part,
// then commits every sink transaction prepared for it (a finished
// subtask's final transaction once, in the first checkpoint after it).
func (c *coordinator) persist(ctx context.Context, epoch uint64, acks []ack, began time.Time, final bool) error {
	w, err := c.writer(epoch)
	if err != nil {
		_ = w.Abort()
		return err
	}
	if err := w.Put(jobPart, c.job.jobState(epoch, final)); err != nil {
		_ = w.Abort()
		return err
	}
	st := CheckpointStats{Epoch: epoch, Final: final}
	for _, a := range acks {
		for name, data := range a.parts {
			if err := w.Put(name, data); err != nil {
				_ = w.Abort()
				return fmt.Errorf("checkpoint %d: %s: %w", epoch, a.task, err)
			}
		}
		st.Alignment = max(st.Alignment, a.align)
		st.Pause = max(st.Pause, a.pause)
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("checkpoint %d: %w", epoch, err)
	}
	st.Bytes = w.Bytes()
	st.Written = time.Since(began)
	failpoint.Hit(failpoint.BeforeCommit)
	committed := 0
	for _, a := range acks {
		if a.committer == nil {
			continue
		}
		if err := guard(func() error { return a.committer.Commit(ctx, a.epoch) }); err != nil {
			return fmt.Errorf("checkpoint %d: %s: committing sink %s: %w", epoch, a.task, a.table, err)
		}
		if a.final {
			c.committedFinal(a)
		}
		committed++
		if committed == 1 {
			failpoint.Hit(failpoint.DuringCommit)
		}
	}
	if err := c.store.MarkCommitted(epoch); err != nil {
		c.job.cfg.Logger.Warn("recording the commit failed (a restart commits again)", "epoch", epoch, "err", err)
	}
	st.Duration = time.Since(began)
	st.Time = time.Now()
	c.stats.add(st)
	if err := c.store.Retain(c.retain); err != nil {
		c.job.cfg.Logger.Warn("pruning old checkpoints failed", "dir", c.job.cfg.Checkpoint.Dir, "err", err)
	}
	c.job.cfg.Logger.Debug("checkpoint complete", "epoch", epoch, "bytes", st.Bytes, "duration", st.Duration,
		"alignment", st.Alignment, "pause", st.Pause)
	return nil
}

// writer returns epoch's Writer: the stream's, once every part handed to
// it is written, or a new one.
func (c *coordinator) writer(epoch uint64) (*checkpoint.Writer, error) {
	c.mu.Lock()
	s := c.stream
	if s != nil && s.epoch == epoch {
		c.stream = nil
	} else {
		s = nil
	}
	c.mu.Unlock()
	if s == nil {
		return c.store.Begin(epoch), nil
	}
	return s.finish()
}

// streamFor returns the stream of epoch, or nil.
func (c *coordinator) streamFor(epoch uint64) *partStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stream != nil && c.stream.epoch == epoch {
		return c.stream
	}
	return nil
}

// abandon aborts the epoch a failed or cancelled job left in flight.
func (c *coordinator) abandon() {
	c.mu.Lock()
	s := c.stream
	c.stream = nil
	c.mu.Unlock()
	if s != nil {
		w, _ := s.finish()
		_ = w.Abort()
	}
}

// committedFinal drops a finished subtask's transaction from its final
// ack once committed: later checkpoints carry its state without it.
func (c *coordinator) committedFinal(a ack) {
	name := taskPart(a.vertex, a.subtask)
	var st taskState
	if err := json.Unmarshal(a.parts[name], &st); err == nil {
		st.Prepared = nil
		if data, err := json.Marshal(st); err == nil {
			parts := maps.Clone(a.parts)
			parts[name] = data
			a.parts = parts
		}
	}
	a.committer = nil
	c.finals[a.idx] = a
}

// finish writes the final checkpoint once every subtask ended its input
// and commits the sinks' last transactions. After a stop checkpoint there
// is nothing left to write.
func (c *coordinator) finish(ctx context.Context) error {
	for {
		select {
		case a := <-c.events:
			if err := c.record(a, nil, 0); err != nil {
				return err
			}
			continue
		default:
		}
		break
	}
	c.mu.Lock()
	epoch, stopped := c.next, c.stopped
	c.mu.Unlock()
	if stopped {
		return nil
	}
	if !c.covered(nil) {
		return errors.New("final checkpoint: not every subtask finished its input")
	}
	return c.persist(ctx, epoch, c.collect(nil), time.Now(), true)
}
