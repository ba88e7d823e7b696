package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators/expr"
)

// watermarkGen evaluates the table's WATERMARK expression on records and
// tracks the newest event time seen.
type watermarkGen struct {
	ev      *expr.Evaluator
	timeCol int // rowtime column in the source's records, -1 if unknown
	alloc   memory.Allocator
	newest  int64
}

func newWatermarkGen(spec *WatermarkSpec, alloc memory.Allocator) (*watermarkGen, error) {
	ev, err := expr.Compile(spec.Expr, spec.Schema)
	if err != nil {
		return nil, err
	}
	return &watermarkGen{ev: ev, timeCol: spec.TimeCol, alloc: alloc, newest: MinWatermark}, nil
}

// observe returns the largest watermark-expression value over rec's rows
// (MinWatermark if all are NULL); it does not keep rec.
func (g *watermarkGen) observe(ctx context.Context, rec arrow.RecordBatch) (int64, error) {
	arr, err := g.ev.Eval(ctx, g.alloc, rec)
	if err != nil {
		return MinWatermark, fmt.Errorf("watermark %s: %w", g.ev.Expr(), err)
	}
	wm := maxTimestamp(arr)
	arr.Release()
	if g.timeCol >= 0 {
		g.newest = max(g.newest, maxTimestamp(rec.Column(g.timeCol)))
	}
	return wm, nil
}

// splitClock keeps one watermark per split a reader owns (Kafka
// partitions, files; a plain reader is one split). The subtask's
// watermark is the minimum over its unfinished splits, leaving out splits
// that produced nothing for the idle timeout (when one is set). Each
// split's watermark is the largest expression value it has produced, so
// it never goes back. Idleness is measured on the source's waiting clock
// (time spent waiting for the reader), never on time spent blocked
// downstream: backpressure is not idleness.
type splitClock struct {
	idle time.Duration
	wm   map[int]int64
	last map[int]time.Duration
}

func newSplitClock(splits []int, idle, now time.Duration) *splitClock {
	c := &splitClock{idle: idle, wm: map[int]int64{}, last: map[int]time.Duration{}}
	c.sync(splits, now)
	return c
}

// sync makes the clock's splits exactly ids: finished splits leave, new
// ones join at MinWatermark.
func (c *splitClock) sync(ids []int, now time.Duration) {
	if len(ids) == len(c.wm) {
		same := true
		for _, id := range ids {
			if _, ok := c.wm[id]; !ok {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	keep := make(map[int]bool, len(ids))
	for _, id := range ids {
		keep[id] = true
		if _, ok := c.wm[id]; !ok {
			c.wm[id] = MinWatermark
			c.last[id] = now
		}
	}
	for id := range c.wm {
		if !keep[id] {
			delete(c.wm, id)
			delete(c.last, id)
		}
	}
}

// observe folds a batch's watermark into its split.
func (c *splitClock) observe(split int, wm int64, now time.Duration) {
	if cur, ok := c.wm[split]; !ok || wm > cur {
		c.wm[split] = wm
	}
	c.last[split] = now
}

// current is the minimum over active splits; ok is false when there is
// none (every split idle or finished).
func (c *splitClock) current(now time.Duration) (wm int64, ok bool) {
	wm = MaxWatermark
	for s, w := range c.wm {
		if c.idle > 0 && now-c.last[s] > c.idle {
			continue
		}
		ok = true
		wm = min(wm, w)
	}
	return wm, ok
}

// maxTimestamp is the largest non-NULL value of a TIMESTAMP array, or
// MinWatermark.
func maxTimestamp(a arrow.Array) int64 {
	ts, ok := a.(*array.Timestamp)
	if !ok {
		return MinWatermark
	}
	m := MinWatermark
	vals := ts.TimestampValues()
	if ts.NullN() == 0 {
		for _, v := range vals {
			m = max(m, int64(v))
		}
		return m
	}
	for i, v := range vals {
		if ts.IsValid(i) {
			m = max(m, int64(v))
		}
	}
	return m
}

// readResult is one Read's outcome, passed from the reading goroutine,
// with the reader's split state and position taken right after that Read
// (a reader is only ever called from one goroutine at a time). A result
// with barrier set is a checkpoint barrier to inject instead.
type readResult struct {
	rec     arrow.RecordBatch
	err     error
	split   int
	splits  []int
	pos     []byte
	barrier *message
}

// runSource reads the source until it ends, the job is asked to stop, or
// a stop barrier passed. After every record it advances the subtask's
// watermark (if the table declares one); with an idle timeout, a subtask
// that reads nothing for that long tells its downstream it is idle. With
// checkpoints, it injects the coordinator's barriers between records,
// and Stop reaches it as a stop barrier rather than as the end of input.
func (t *task) runSource(ctx context.Context) error {
	spec := t.v.Source
	r, err := spec.Source.Reader(t.subtask, t.v.Parallelism)
	if err != nil {
		return fmt.Errorf("source %s: %w", spec.Table, err)
	}
	defer r.Close()
	var positioner connectors.Positioner
	stopCh := t.job.stopping
	if t.ck != nil {
		var ok bool
		if positioner, ok = r.(connectors.Positioner); !ok {
			return fmt.Errorf("source %s: the %s connector cannot take part in checkpoints (its reader has no position to save)", spec.Table, spec.Connector)
		}
		// Stop reaches a checkpointing source as a stop barrier.
		stopCh = nil
		if st := t.restoredState; st != nil && st.Watermark == MaxWatermark {
			// The source had read all its input when the checkpoint was
			// taken: it stays finished (its operators already flushed).
			t.pos = st.Position
			return t.sourceEnded(ctx)
		}
		if st := t.restoredState; st != nil && st.Position != nil {
			if err := positioner.Restore(st.Position); err != nil {
				return fmt.Errorf("source %s: restoring checkpoint %d: %w", spec.Table, t.job.restore.cp.Epoch, err)
			}
		}
	}
	stopped := func() bool {
		select {
		case <-stopCh:
			return true
		default:
			return false
		}
	}
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-stopCh:
			cancel()
		case <-readCtx.Done():
		}
	}()
	var gen *watermarkGen
	if spec.Watermark != nil {
		if gen, err = newWatermarkGen(spec.Watermark, t.job.cfg.Alloc); err != nil {
			return fmt.Errorf("source %s: %w", spec.Table, err)
		}
	}
	if err := t.openReader(ctx, readCtx, cancel, r); err != nil {
		if stopped() && ctx.Err() == nil && errors.Is(err, context.Canceled) {
			return t.sourceEnded(ctx)
		}
		if errors.Is(err, errStoppedInOpen) {
			return t.stopBeforeReading(ctx)
		}
		return fmt.Errorf("source %s: %w", spec.Table, err)
	}
	if positioner != nil {
		if t.pos, err = positioner.Position(); err != nil {
			return fmt.Errorf("source %s: position: %w", spec.Table, err)
		}
	}
	sr, _ := r.(connectors.SplitReader)
	if st := t.restoredState; st != nil && gen != nil && st.Splits != nil {
		t.clock = newSplitClock(nil, spec.IdleTimeout, 0)
		maps.Copy(t.clock.wm, st.Splits)
		for s := range st.Splits {
			t.clock.last[s] = 0
		}
	}
	// waited is the source's waiting clock: the total time spent waiting
	// for the reader, which is what split idleness is measured on.
	var waited time.Duration
	next := func() readResult {
		res := readResult{}
		res.rec, res.err = r.Read(readCtx)
		if sr != nil {
			res.split, res.splits = sr.LastSplit(), sr.Splits()
		}
		return res
	}
	if spec.IdleTimeout > 0 || t.ck != nil {
		results, stop := readAhead(readCtx, r, sr, positioner)
		defer stop()
		next = t.waitNext(ctx, readCtx, results, spec.IdleTimeout)
	}
	for {
		if stopped() {
			return t.sourceEnded(ctx)
		}
		began := time.Now()
		res := next()
		waited += time.Since(began)
		if res.barrier != nil {
			if err := t.barrier(ctx, *res.barrier, 0); err != nil {
				return err
			}
			if t.stopped {
				return nil
			}
			continue
		}
		rec, err := res.rec, res.err
		if errors.Is(err, io.EOF) {
			if res.pos != nil {
				t.pos = res.pos
			}
			return t.sourceEnded(ctx)
		}
		if err != nil {
			// A read interrupted by Stop is the end of input; any other
			// error, even one that races with Stop, fails the job.
			if stopped() && ctx.Err() == nil && readCtx.Err() != nil && errors.Is(err, context.Canceled) {
				return t.sourceEnded(ctx)
			}
			return fmt.Errorf("source %s: %w", spec.Table, err)
		}
		t.counters.in.add(rec.NumRows())
		var batchWM int64
		if gen != nil {
			if batchWM, err = gen.observe(ctx, rec); err != nil {
				rec.Release()
				return fmt.Errorf("source %s: %w", spec.Table, err)
			}
			t.counters.newest[t.subtask].Store(gen.newest)
		}
		t.idleOut = false
		if err := t.head.Emit(ctx, rec); err != nil {
			return err
		}
		if res.pos != nil {
			t.pos = res.pos
		}
		if gen != nil {
			if t.clock == nil {
				t.clock = newSplitClock(splitsOf(sr, res.splits), spec.IdleTimeout, waited)
			}
			t.clock.observe(res.split, batchWM, waited)
			if sr != nil {
				t.clock.sync(res.splits, waited)
			}
			if wm, ok := t.clock.current(waited); ok && wm > t.wm {
				if err := t.setWatermark(ctx, wm); err != nil {
					return err
				}
			}
		}
	}
}

// errStoppedInOpen: Stop came while a checkpointing source was opening.
var errStoppedInOpen = errors.New("stopped while opening")

// openReader opens r. With checkpoints, Stop reaches a source as a stop
// barrier, which it can only inject once open; so that Stop is not held
// up by an Open that blocks (a broker down), Stop cancels the Open.
func (t *task) openReader(ctx, readCtx context.Context, cancel context.CancelFunc, r connectors.Reader) error {
	if t.ck == nil {
		return r.Open(readCtx)
	}
	opened := make(chan struct{})
	interrupted := make(chan bool, 1)
	go func() {
		select {
		case <-t.job.stopping:
			cancel()
			interrupted <- true
		case <-opened:
			interrupted <- false
		}
	}()
	err := r.Open(readCtx)
	close(opened)
	if <-interrupted && err != nil && ctx.Err() == nil {
		return errStoppedInOpen
	}
	if err == nil && readCtx.Err() != nil && ctx.Err() == nil {
		return errStoppedInOpen // opened just as Stop cancelled it
	}
	return err
}

// stopBeforeReading takes part in the stop checkpoint for a source that
// Stop caught before it read anything: its position is still where the
// run started (the restored one, or none: the configured start).
func (t *task) stopBeforeReading(ctx context.Context) error {
	if st := t.restoredState; st != nil {
		t.pos = st.Position
	}
	for {
		select {
		case m := <-t.trigger:
			if err := t.barrier(ctx, m, 0); err != nil {
				return err
			}
			if m.stop {
				return nil
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// sourceEnded is where a source subtask's input ends (or drains after
// Stop). With checkpoints, it first injects a barrier already triggered
// for it, so that every triggered checkpoint reaches every subtask.
func (t *task) sourceEnded(ctx context.Context) error {
	if t.ck == nil {
		return nil
	}
	if m, ok := t.ck.sourceEnded(t.trigger); ok {
		if err := t.barrier(ctx, m, 0); err != nil {
			return err
		}
	}
	return nil
}

// splitsOf lists a reader's splits: its own for a SplitReader, else the
// one split 0.
func splitsOf(sr connectors.SplitReader, splits []int) []int {
	if sr == nil {
		return []int{0}
	}
	return splits
}

// waitNext returns a read function that waits for the next result or
// checkpoint barrier. With an idle timeout, when no result comes for that
// long, it declares the subtask idle downstream. The quiet spell runs from
// the first wait after a result until the next result: barriers handed
// out in between do not restart it. A result that is already waiting
// always wins over the timer, so a source slowed by backpressure is never
// taken for idle.
func (t *task) waitNext(ctx, readCtx context.Context, results <-chan readResult, timeout time.Duration) func() readResult {
	var timer *time.Timer
	if timeout > 0 {
		timer = time.NewTimer(timeout)
		timer.Stop()
	}
	var quietSince time.Time // zero: not in a quiet spell
	return func() readResult {
		select {
		case m := <-t.trigger:
			return readResult{barrier: &m}
		default:
		}
		select {
		case res := <-results:
			quietSince = time.Time{}
			return res
		default:
		}
		var timerC <-chan time.Time
		if timer != nil {
			if quietSince.IsZero() {
				quietSince = time.Now()
			}
			timer.Reset(max(0, timeout-time.Since(quietSince)))
			defer timer.Stop()
			timerC = timer.C
		}
		for {
			select {
			case res := <-results:
				quietSince = time.Time{}
				return res
			case m := <-t.trigger:
				return readResult{barrier: &m}
			case <-timerC:
				select {
				case res := <-results:
					quietSince = time.Time{}
					return res
				default:
				}
				if err := t.goIdle(ctx); err != nil {
					return readResult{err: err}
				}
			case <-readCtx.Done():
				return readResult{err: context.Cause(readCtx)}
			}
		}
	}
}

// readAhead reads r on its own goroutine, so the source task can notice
// idleness and checkpoint barriers while a Read blocks. Each result
// carries the reader's position after it (when p is set). stop ends the
// goroutine (cancelling its Read) and releases a record it could not
// hand over.
func readAhead(ctx context.Context, r connectors.Reader, sr connectors.SplitReader, p connectors.Positioner) (<-chan readResult, func()) {
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan readResult)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			res := readResult{}
			res.rec, res.err = r.Read(ctx)
			if sr != nil {
				res.split, res.splits = sr.LastSplit(), sr.Splits()
			}
			if p != nil && (res.err == nil || errors.Is(res.err, io.EOF)) {
				pos, err := p.Position()
				if err != nil {
					if res.rec != nil {
						res.rec.Release()
					}
					res = readResult{err: fmt.Errorf("position: %w", err)}
				}
				res.pos = pos
			}
			rec, err := res.rec, res.err
			select {
			case results <- res:
			case <-ctx.Done():
				if rec != nil {
					rec.Release()
				}
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return results, func() {
		cancel()
		<-done
	}
}
