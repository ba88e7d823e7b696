package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
)

var intSchema = arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)

// seqSource produces the integers [0, n) split over subtasks by i mod
// parallelism, batch rows at a time; n < 0 means never end.
type seqSource struct {
	n, batch int
	alloc    memory.Allocator
	produced atomic.Int64
}

func (s *seqSource) Schema() *arrow.Schema { return intSchema }
func (s *seqSource) Bounded() bool         { return s.n >= 0 }
func (s *seqSource) MaxParallelism() int   { return 0 }
func (s *seqSource) Reader(sub, par int) (connectors.Reader, error) {
	return &seqReader{s: s, next: sub, step: par}, nil
}

type seqReader struct {
	s          *seqSource
	next, step int
}

func (r *seqReader) Open(context.Context) error { return nil }
func (r *seqReader) Close() error               { return nil }
func (r *seqReader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := array.NewInt64Builder(r.s.alloc)
	defer b.Release()
	for b.Len() < r.s.batch && (r.s.n < 0 || r.next < r.s.n) {
		b.Append(int64(r.next))
		r.next += r.step
	}
	if b.Len() == 0 {
		return nil, io.EOF
	}
	col := b.NewArray()
	defer col.Release()
	r.s.produced.Add(int64(col.Len()))
	return array.NewRecordBatch(intSchema, []arrow.Array{col}, int64(col.Len())), nil
}

// collectSink gathers every value written; it can block or fail on demand.
type collectSink struct {
	mu       sync.Mutex
	values   map[int64]int
	closed   int
	aborted  int
	failAt   int64 // fail a Write once this many rows were written (0: never)
	gate     chan struct{}
	written  atomic.Int64
	maxWrite int
}

func newCollectSink() *collectSink { return &collectSink{values: map[int64]int{}} }

func (s *collectSink) MaxParallelism() int { return s.maxWrite }
func (s *collectSink) Writer(int, int) (connectors.Writer, error) {
	return &collectWriter{s: s}, nil
}

type collectWriter struct{ s *collectSink }

func (w *collectWriter) Open(context.Context) error { return nil }
func (w *collectWriter) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if w.s.gate != nil {
		select {
		case <-w.s.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if w.s.failAt > 0 && w.s.written.Load() >= w.s.failAt {
		return errors.New("disk full")
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
		w.s.values[v]++
	}
	w.s.written.Add(rec.NumRows())
	return nil
}
func (w *collectWriter) Close(context.Context) error {
	w.s.mu.Lock()
	w.s.closed++
	w.s.mu.Unlock()
	return nil
}
func (w *collectWriter) Abort() error {
	w.s.mu.Lock()
	w.s.aborted++
	w.s.mu.Unlock()
	return nil
}

// failOp fails on the record holding value bad.
type failOp struct{ bad int64 }

func (o *failOp) Open(context.Context, *operators.Env) error { return nil }
func (o *failOp) Close(context.Context, operators.Emitter) error {
	return nil
}
func (o *failOp) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out operators.Emitter) error {
	for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
		if v == o.bad {
			return fmt.Errorf("cannot handle %d", v)
		}
	}
	rec.Retain()
	return out.Emit(ctx, rec)
}

func testJob(t *testing.T, alloc memory.Allocator, src *seqSource, srcPar int, ops []*OpSpec, sink *collectSink, sinkPar int, edge EdgeKind) *Job {
	t.Helper()
	cfg := Config{Parallelism: srcPar, Alloc: alloc, ChannelCapacity: 2}.withDefaults()
	sv := &Vertex{ID: 1, Name: "Source: seq", Parallelism: srcPar, Out: intSchema,
		Source: &SourceSpec{Table: "seq", Connector: "test", Source: src, Stats: &connectors.SourceStats{}}, Ops: ops}
	kv := &Vertex{ID: 2, Name: "Sink: collect", Parallelism: sinkPar, Out: intSchema,
		Sink: &SinkSpec{Table: "collect", Connector: "test", Sink: sink}}
	e := &Edge{From: 1, To: 2, Kind: edge}
	if edge == Shuffle {
		e.Keys = []int{0}
	}
	g := &Graph{Pipelines: []*PipelineGraph{{Name: "p", Vertices: []*Vertex{sv, kv}, Edges: []*Edge{e}}}}
	return &Job{cfg: cfg, graph: g, stopping: make(chan struct{})}
}

func checkAllOnce(t *testing.T, s *collectSink, n int) {
	t.Helper()
	if len(s.values) != n {
		t.Fatalf("sink saw %d distinct values, want %d", len(s.values), n)
	}
	for v, c := range s.values {
		if c != 1 || v < 0 || v >= int64(n) {
			t.Fatalf("value %d seen %d times", v, c)
		}
	}
}

func TestRunDeliversEveryRowOnceOverEachEdgeKind(t *testing.T) {
	for _, tc := range []struct {
		edge            EdgeKind
		srcPar, sinkPar int
	}{{Rebalance, 4, 1}, {Rebalance, 3, 2}, {Shuffle, 3, 4}, {Forward, 2, 2}} {
		t.Run(fmt.Sprintf("%s_%d_to_%d", tc.edge, tc.srcPar, tc.sinkPar), func(t *testing.T) {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer alloc.AssertSize(t, 0)
			src := &seqSource{n: 10007, batch: 64, alloc: alloc}
			sink := newCollectSink()
			job := testJob(t, alloc, src, tc.srcPar, nil, sink, tc.sinkPar, tc.edge)
			if err := job.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			checkAllOnce(t, sink, 10007)
			if sink.closed != tc.sinkPar || sink.aborted != 0 {
				t.Fatalf("closed %d aborted %d writers, want %d closed", sink.closed, sink.aborted, tc.sinkPar)
			}
			var in, out int64
			for _, m := range job.Metrics() {
				if m.ID == 1 {
					in = m.RowsIn
				} else {
					out = m.RowsOut
				}
			}
			if in != 10007 || out != 10007 {
				t.Fatalf("metrics: source read %d, sink wrote %d", in, out)
			}
		})
	}
}

func TestFailingOperatorIsNamedAndSinkAborted(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := &seqSource{n: 100000, batch: 100, alloc: alloc}
	sink := newCollectSink()
	op := &OpSpec{Kind: "Boom", New: func() (operators.Operator, error) { return &failOp{bad: 5000}, nil }}
	job := testJob(t, alloc, src, 2, []*OpSpec{op}, sink, 1, Rebalance)
	err := job.Run(context.Background())
	if err == nil {
		t.Fatal("want an error")
	}
	if !strings.Contains(err.Error(), "Source: seq (subtask 1/2): Boom: cannot handle 5000") {
		t.Fatalf("error does not name the operator and subtask: %v", err)
	}
	if sink.closed != 0 || sink.aborted != 1 {
		t.Fatalf("closed %d aborted %d writers; want the writer aborted, not committed", sink.closed, sink.aborted)
	}
}

func TestFailingSinkStopsTheJob(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := &seqSource{n: -1, batch: 100, alloc: alloc}
	sink := newCollectSink()
	sink.failAt = 1000
	job := testJob(t, alloc, src, 2, nil, sink, 1, Rebalance)
	err := job.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Sink: collect (subtask 1/1): sink collect: disk full") {
		t.Fatalf("got %v", err)
	}
}

func TestStopDrainsAndCommits(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := &seqSource{n: -1, batch: 10, alloc: alloc}
	sink := newCollectSink()
	job := testJob(t, alloc, src, 3, nil, sink, 2, Shuffle)
	done := make(chan error)
	go func() { done <- job.Run(context.Background()) }()
	for sink.written.Load() < 1000 {
		time.Sleep(time.Millisecond)
	}
	job.Stop()
	if err := <-done; err != nil {
		t.Fatalf("graceful stop returned %v", err)
	}
	if sink.closed != 2 || sink.aborted != 0 {
		t.Fatalf("closed %d aborted %d; want every writer committed", sink.closed, sink.aborted)
	}
	// Everything the sources produced reached the sink.
	if got, want := sink.written.Load(), src.produced.Load(); got != want {
		t.Fatalf("sink wrote %d rows, sources produced %d", got, want)
	}
}

func TestCancelAborts(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := &seqSource{n: -1, batch: 10, alloc: alloc}
	sink := newCollectSink()
	job := testJob(t, alloc, src, 2, nil, sink, 1, Rebalance)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- job.Run(ctx) }()
	for sink.written.Load() < 100 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if sink.closed != 0 {
		t.Fatal("a cancelled job committed its sink")
	}
}

func TestBackpressureBoundsInFlightRows(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := &seqSource{n: -1, batch: 10, alloc: alloc}
	sink := newCollectSink()
	sink.gate = make(chan struct{})
	job := testJob(t, alloc, src, 2, nil, sink, 1, Rebalance)
	done := make(chan error)
	go func() { done <- job.Run(context.Background()) }()
	time.Sleep(200 * time.Millisecond)
	// Each of 2 sources can fill its 2-slot channel, hold one record it is
	// sending, and the sink holds one: far below anything unbounded.
	if p := src.produced.Load(); p > 2*(2+2)*10+10 {
		t.Fatalf("sources ran ahead of a blocked sink: %d rows produced", p)
	}
	job.Stop()
	close(sink.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestChainedOperatorSeesFinalWatermark(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	op := &watchOp{}
	spec := &OpSpec{Kind: "Watch", New: func() (operators.Operator, error) { return op, nil }}
	job := testJob(t, alloc, &seqSource{n: 100, batch: 10, alloc: alloc}, 1, []*OpSpec{spec}, newCollectSink(), 1, Forward)
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if wms := op.seen(); len(wms) != 1 || wms[0] != MaxWatermark {
		t.Fatalf("watermarks %v, want exactly [+inf] at end of input", wms)
	}
}

// panicOp panics on its first record.
type panicOp struct{}

func (panicOp) Open(context.Context, *operators.Env) error     { return nil }
func (panicOp) Close(context.Context, operators.Emitter) error { return nil }
func (panicOp) Process(context.Context, int, arrow.RecordBatch, operators.Emitter) error {
	var s []int
	_ = s[3]
	return nil
}

func TestPanickingOperatorIsNamedAndAborts(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	sink := newCollectSink()
	spec := &OpSpec{Kind: "Oops", New: func() (operators.Operator, error) { return panicOp{}, nil }}
	job := testJob(t, alloc, &seqSource{n: 100, batch: 10, alloc: alloc}, 1, []*OpSpec{spec}, sink, 1, Forward)
	err := job.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Oops: internal error: runtime error: index out of range") {
		t.Fatalf("got %v", err)
	}
	if sink.closed != 0 || sink.aborted != 1 {
		t.Fatalf("closed %d aborted %d, want the sink aborted", sink.closed, sink.aborted)
	}
}
