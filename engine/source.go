package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
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
// with the reader's split state taken right after that Read (a reader is
// only ever called from one goroutine at a time).
type readResult struct {
	rec    arrow.RecordBatch
	err    error
	split  int
	splits []int
}

// runSource reads the source until it ends or the job is asked to stop.
// After every record it advances the subtask's watermark (if the table
// declares one); with an idle timeout, a subtask that reads nothing for
// that long tells its downstream it is idle.
func (t *task) runSource(ctx context.Context) error {
	spec := t.v.Source
	r, err := spec.Source.Reader(t.subtask, t.v.Parallelism)
	if err != nil {
		return fmt.Errorf("source %s: %w", spec.Table, err)
	}
	defer r.Close()
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-t.job.stopping:
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
	if err := r.Open(readCtx); err != nil {
		if t.job.stopRequested() && ctx.Err() == nil && errors.Is(err, context.Canceled) {
			return nil
		}
		return fmt.Errorf("source %s: %w", spec.Table, err)
	}
	sr, _ := r.(connectors.SplitReader)
	var clock *splitClock
	// waited is the source's waiting clock: the total time spent waiting
	// for the reader, which is what split idleness is measured on.
	var waited time.Duration
	// split and splits describe the record just read.
	var split int
	var splits []int
	next := func() (arrow.RecordBatch, error) {
		rec, err := r.Read(readCtx)
		if sr != nil {
			split, splits = sr.LastSplit(), sr.Splits()
		}
		return rec, err
	}
	if spec.IdleTimeout > 0 {
		results, stop := readAhead(readCtx, r, sr)
		defer stop()
		wait := t.idleAware(ctx, readCtx, results, spec.IdleTimeout)
		next = func() (arrow.RecordBatch, error) {
			res := wait()
			split, splits = res.split, res.splits
			return res.rec, res.err
		}
	}
	for {
		if t.job.stopRequested() {
			return nil
		}
		began := time.Now()
		rec, err := next()
		waited += time.Since(began)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A read interrupted by Stop is the end of input; any other
			// error, even one that races with Stop, fails the job.
			if t.job.stopRequested() && ctx.Err() == nil && readCtx.Err() != nil && errors.Is(err, context.Canceled) {
				return nil
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
		if gen != nil {
			if clock == nil {
				clock = newSplitClock(splitsOf(sr, splits), spec.IdleTimeout, waited)
			}
			clock.observe(split, batchWM, waited)
			if sr != nil {
				clock.sync(splits, waited)
			}
			if wm, ok := clock.current(waited); ok && wm > t.wm {
				if err := t.setWatermark(ctx, wm); err != nil {
					return err
				}
			}
		}
	}
}

// splitsOf lists a reader's splits: its own for a SplitReader, else the
// one split 0.
func splitsOf(sr connectors.SplitReader, splits []int) []int {
	if sr == nil {
		return []int{0}
	}
	return splits
}

// idleAware returns a read function that waits for the next result and,
// when none comes for timeout after it started waiting, declares the
// subtask idle downstream (once per quiet spell). A result that is
// already waiting always wins over the timer, so a source slowed by
// backpressure is never taken for idle.
func (t *task) idleAware(ctx, readCtx context.Context, results <-chan readResult, timeout time.Duration) func() readResult {
	timer := time.NewTimer(timeout)
	timer.Stop()
	return func() readResult {
		select {
		case res := <-results:
			return res
		default:
		}
		timer.Reset(timeout)
		defer timer.Stop()
		for {
			select {
			case res := <-results:
				return res
			case <-timer.C:
				select {
				case res := <-results:
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
// idleness while a Read blocks. stop ends the goroutine (cancelling its
// Read) and releases a record it could not hand over.
func readAhead(ctx context.Context, r connectors.Reader, sr connectors.SplitReader) (<-chan readResult, func()) {
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
