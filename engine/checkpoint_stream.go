package engine

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/weir-stream/weir/state/checkpoint"
)

// streamBudget bounds the bytes of operator state a checkpoint holds in
// memory on their way to the store. Below it (all of an in-memory state
// of tens of MiB) snapshots never wait; above it (state the Badger
// backend keeps on disk), a subtask's snapshot waits for the store to
// take what it already handed over.
const streamBudget = 64 << 20

// partStream writes the operator-state parts of one epoch into the
// checkpoint store while the subtasks snapshot, so that a checkpoint
// holds at most streamBudget bytes of them in memory rather than the
// whole state. One goroutine owns the epoch's Writer until done closes;
// then persist adds the small parts and commits.
type partStream struct {
	epoch  uint64
	budget int64
	w      *checkpoint.Writer
	sem    *semaphore.Weighted
	wake   chan struct{} // a part was queued, or the stream closed
	done   chan struct{}
	err    error // the first Put error (read once done is closed)

	mu     sync.Mutex
	queue  []streamPart // handed over, not yet written
	closed bool
}

type streamPart struct {
	name string
	data []byte
}

// newPartStream starts streaming into w with at most budget bytes in
// flight.
func newPartStream(w *checkpoint.Writer, budget int64) *partStream {
	s := &partStream{epoch: w.Epoch(), budget: budget, w: w, sem: semaphore.NewWeighted(budget),
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go s.run()
	return s
}

// run writes the queued parts until the stream is closed and drained.
func (s *partStream) run() {
	defer close(s.done)
	for {
		s.mu.Lock()
		batch, closed := s.queue, s.closed
		s.queue = nil
		s.mu.Unlock()
		for _, p := range batch {
			if s.err == nil {
				if err := s.w.Put(p.name, p.data); err != nil {
					s.err = fmt.Errorf("checkpoint %d: %s: %w", s.epoch, p.name, err)
				}
			}
			s.sem.Release(s.weight(p.data))
		}
		if len(batch) == 0 {
			if closed {
				return
			}
			<-s.wake
		}
	}
}

func (s *partStream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// weight is what a part counts against the budget (a part larger than
// the budget counts as all of it, and goes alone).
func (s *partStream) weight(data []byte) int64 { return min(int64(len(data)), s.budget) }

// put hands a part over, waiting while the budget is spent. It reports
// false when the stream was closed (the epoch is being persisted or was
// abandoned): the caller keeps the part in its ack instead.
func (s *partStream) put(ctx context.Context, name string, data []byte) (bool, error) {
	if err := s.sem.Acquire(ctx, s.weight(data)); err != nil {
		return false, context.Cause(ctx)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.sem.Release(s.weight(data))
		return false, nil
	}
	s.queue = append(s.queue, streamPart{name: name, data: data})
	s.mu.Unlock()
	s.signal()
	return true, nil
}

// finish closes the stream, waits until every part handed over is in the
// Writer, and returns the Writer and the first error.
func (s *partStream) finish() (*checkpoint.Writer, error) {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
	<-s.done
	return s.w, s.err
}
