package engine

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
)

var tsSchema = arrow.NewSchema([]arrow.Field{{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true}}, nil)

// scriptSource emits one-row records of tsSchema. row(sub, i) gives
// subtask sub's i-th event time, a pause to wait before emitting it, and
// whether there is such a row; a subtask without more rows ends, or, when
// hold(sub) is true, blocks until cancelled (an unbounded, quiet input).
type scriptSource struct {
	alloc memory.Allocator
	row   func(sub, i int) (ts int64, pause time.Duration, ok bool)
	hold  func(sub int) bool
}

func (s *scriptSource) Schema() *arrow.Schema { return tsSchema }
func (s *scriptSource) Bounded() bool         { return s.hold == nil }
func (s *scriptSource) MaxParallelism() int   { return 0 }
func (s *scriptSource) Reader(sub, _ int) (connectors.Reader, error) {
	return &scriptReader{s: s, sub: sub}, nil
}

type scriptReader struct {
	s      *scriptSource
	sub, i int
}

func (r *scriptReader) Open(context.Context) error { return nil }
func (r *scriptReader) Close() error               { return nil }
func (r *scriptReader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	ts, pause, ok := r.s.row(r.sub, r.i)
	if !ok {
		if r.s.hold != nil && r.s.hold(r.sub) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, io.EOF
	}
	if pause > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
	}
	r.i++
	b := array.NewTimestampBuilder(r.s.alloc, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
	defer b.Release()
	b.Append(arrow.Timestamp(ts))
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(tsSchema, []arrow.Array{col}, 1), nil
}

// stepRows: subtask s emits s*1000 + i*step for i < n.
func stepRows(n, step int) func(sub, i int) (int64, time.Duration, bool) {
	return func(sub, i int) (int64, time.Duration, bool) {
		return int64(sub*1000 + i*step), 0, i < n
	}
}

// tsWatermark is WATERMARK FOR ts AS ts - INTERVAL '0.5' SECOND.
func tsWatermark() *WatermarkSpec {
	col := &expr.Column{Index: 0, Name: "ts", DataType: expr.Timestamp}
	lit := &expr.Literal{Value: arrow.Duration(500), DataType: expr.Duration}
	return &WatermarkSpec{Expr: &expr.Call{Func: expr.FnSub, Args: []expr.Expr{col, lit}, DataType: expr.Timestamp}, Schema: tsSchema, TimeCol: 0}
}

// watchOp records the watermarks it sees (safe to read while running).
type watchOp struct {
	mu  sync.Mutex
	wms []int64
}

func (o *watchOp) Open(context.Context, *operators.Env) error     { return nil }
func (o *watchOp) Close(context.Context, operators.Emitter) error { return nil }
func (o *watchOp) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out operators.Emitter) error {
	rec.Retain()
	return out.Emit(ctx, rec)
}
func (o *watchOp) OnWatermark(_ context.Context, wm int64, _ operators.Emitter) (int64, error) {
	o.mu.Lock()
	o.wms = append(o.wms, wm)
	o.mu.Unlock()
	return wm, nil
}
func (o *watchOp) seen() []int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]int64(nil), o.wms...)
}

// wmJob: source (par 2) -> rebalance -> watch op + blackhole-like sink (par 1).
func wmJob(t *testing.T, alloc memory.Allocator, src connectors.Source, idle time.Duration, op *watchOp) *Job {
	t.Helper()
	cfg := Config{Parallelism: 2, Alloc: alloc, ChannelCapacity: 2}.withDefaults()
	sv := &Vertex{ID: 1, Name: "Source: ts", Parallelism: 2, Out: tsSchema,
		Source: &SourceSpec{Table: "ts", Connector: "test", Source: src, Stats: &connectors.SourceStats{},
			Watermark: tsWatermark(), IdleTimeout: idle}}
	ov := &Vertex{ID: 2, Name: "Watch", Parallelism: 1, Out: tsSchema,
		Ops:  []*OpSpec{{Kind: "Watch", New: func() (operators.Operator, error) { return op, nil }}},
		Sink: &SinkSpec{Table: "discard", Connector: "test", Sink: discardSink{}}}
	g := &Graph{Pipelines: []*PipelineGraph{{Name: "p", Vertices: []*Vertex{sv, ov},
		Edges: []*Edge{{From: 1, To: 2, Kind: Rebalance}}}}}
	return &Job{cfg: cfg, graph: g, stopping: make(chan struct{}), counters: map[int]*vertexCounters{}}
}

func TestWatermarkReachesEndAndIsMonotonic(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	op := &watchOp{}
	job := wmJob(t, alloc, &scriptSource{alloc: alloc, row: stepRows(100, 10)}, 0, op)
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	wms := op.seen()
	if len(wms) == 0 || wms[len(wms)-1] != MaxWatermark {
		t.Fatalf("watermarks %v: want the last to be +inf", wms)
	}
	for i := 1; i < len(wms); i++ {
		if wms[i] <= wms[i-1] {
			t.Fatalf("watermarks not strictly increasing: %v", wms)
		}
	}
	for _, w := range wms[:len(wms)-1] {
		if w > 1490 {
			t.Fatalf("watermark %d passed every input (latest row 1990, delay 500)", w)
		}
	}
	for _, m := range job.Metrics() {
		if m.ID == 2 && (!m.HasWatermark || m.Watermark != MaxWatermark) {
			t.Fatalf("metrics: %+v", m)
		}
	}
}

// TestMinimumOverInputsAndIdleness drives one subtask's input handling
// message by message.
func TestMinimumOverInputsAndIdleness(t *testing.T) {
	out := make(chan message, 16)
	v := &Vertex{ID: 1, Name: "w", Parallelism: 1}
	tk := &task{job: &Job{}, v: v, inputs: make([]chan message, 3), router: &router{kind: Forward, outs: []chan message{out}},
		counters: newVertexCounters(v), wm: MinWatermark, wms: []int64{MinWatermark, MinWatermark, MinWatermark}}
	ctx := context.Background()
	got := func() []string {
		var s []string
		for {
			select {
			case m := <-out:
				switch m.kind {
				case msgWatermark:
					s = append(s, fmt.Sprint(m.wm))
				case msgIdle:
					s = append(s, "idle")
				case msgEOS:
					s = append(s, "eos")
				}
			default:
				return s
			}
		}
	}
	step := func(input int, m message, want ...string) {
		t.Helper()
		if _, err := tk.handle(ctx, input, m); err != nil {
			t.Fatal(err)
		}
		if g := got(); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Fatalf("after %v from input %d: emitted %v, want %v", m.kind, input, g, want)
		}
	}
	step(0, message{kind: msgWatermark, wm: 100})
	step(1, message{kind: msgWatermark, wm: 50})
	step(2, message{kind: msgWatermark, wm: 70}, "50")
	step(1, message{kind: msgWatermark, wm: 200}, "70")
	step(1, message{kind: msgWatermark, wm: 150})        // an input never goes back
	step(2, message{kind: msgIdle}, "100")               // idle input 2 no longer holds it
	step(0, message{kind: msgIdle}, "200")               // only input 1 is active
	step(1, message{kind: msgIdle}, "idle")              // all idle: tell downstream
	step(2, message{kind: msgWatermark, wm: 90})         // back, but behind: no regress
	step(2, message{kind: msgWatermark, wm: 400}, "400") // 0 and 1 idle, 2 leads
	step(2, message{kind: msgIdle}, "idle")
	// An ended input must not turn "all open inputs idle" into +inf: the
	// idle inputs may still send rows.
	step(0, message{kind: msgEOS})
	step(1, message{kind: msgWatermark, wm: 500}, "500")
	step(1, message{kind: msgEOS}, "idle") // only idle input 2 is left open
	step(2, message{kind: msgEOS})         // +inf travels as end of stream
	if tk.wm != MaxWatermark {
		t.Fatalf("final watermark %d", tk.wm)
	}
}

func TestIdleInputDoesNotStallWatermarks(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	for _, idle := range []time.Duration{0, 50 * time.Millisecond} {
		op := &watchOp{}
		// Subtask 0 produces a row every millisecond forever; subtask 1
		// never produces anything and never ends.
		src := &scriptSource{alloc: alloc,
			row: func(sub, i int) (int64, time.Duration, bool) {
				return int64(i * 10), time.Millisecond, sub == 0
			},
			hold: func(int) bool { return true }}
		job := wmJob(t, alloc, src, idle, op)
		done := make(chan error, 1)
		go func() { done <- job.Run(context.Background()) }()
		deadline := time.Now().Add(2 * time.Second)
		advanced := false
		for time.Now().Before(deadline) && !advanced {
			time.Sleep(20 * time.Millisecond)
			advanced = len(op.seen()) > 0
		}
		job.Stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if idle == 0 && advanced {
			t.Fatalf("without an idle timeout a silent input must hold the watermark back; saw %v", op.seen())
		}
		if idle > 0 && !advanced {
			t.Fatal("with an idle timeout the silent input must be ignored, but the watermark never moved")
		}
	}
}

// discardSink accepts and drops everything.
type discardSink struct{}

func (discardSink) MaxParallelism() int                        { return 0 }
func (discardSink) Writer(int, int) (connectors.Writer, error) { return discardSink{}, nil }
func (discardSink) Open(context.Context) error                 { return nil }
func (discardSink) Write(context.Context, arrow.RecordBatch) error {
	return nil
}
func (discardSink) Close(context.Context) error { return nil }

func TestSplitClockMinimumAndIdleSplits(t *testing.T) {
	t0 := time.Duration(0)
	c := newSplitClock([]int{0, 1, 2}, time.Second, t0)
	c.observe(0, 100, t0)
	c.observe(1, 300, t0)
	if _, ok := c.current(t0); !ok {
		t.Fatal("all splits fresh: want a watermark")
	}
	if wm, _ := c.current(t0); wm != MinWatermark {
		t.Fatalf("split 2 has produced nothing yet: want MinWatermark, got %d", wm)
	}
	// Split 2 stays silent past the idle timeout; 0 and 1 keep producing.
	t1 := t0 + 1500*time.Millisecond
	c.observe(0, 200, t1)
	c.observe(1, 250, t1) // never goes back: stays 300
	if wm, ok := c.current(t1); !ok || wm != 200 {
		t.Fatalf("got %d %v, want 200 with idle split 2 left out", wm, ok)
	}
	// Everything idle.
	if _, ok := c.current(t1 + 2*time.Second); ok {
		t.Fatal("all splits idle: want no watermark")
	}
	// Without an idle timeout a silent split holds the watermark back.
	c = newSplitClock([]int{0, 1}, 0, t0)
	c.observe(0, 100, t0)
	if wm, ok := c.current(t0 + time.Hour); !ok || wm != MinWatermark {
		t.Fatalf("got %d %v", wm, ok)
	}
	// A finished split leaves; the remaining one sets the watermark.
	c.observe(1, 500, t0)
	c.sync([]int{1}, t0)
	if wm, ok := c.current(t0); !ok || wm != 500 {
		t.Fatalf("after split 0 finished: got %d %v, want 500", wm, ok)
	}
}
