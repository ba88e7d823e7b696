package engine

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/window"
)

// busyRows never block: 40 rows per subtask, subtask 0 1000 s ahead of
// subtask 1, both in order; then each holds (unbounded, quiet).
func busyRows(sub, i int) (int64, time.Duration, bool) {
	return int64((1-sub)*1_000_000 + i*10), 0, i < 40
}

// slowOp passes records on after a pause (a busy downstream).
type slowOp struct{}

func (slowOp) Open(context.Context, *operators.Env) error     { return nil }
func (slowOp) Close(context.Context, operators.Emitter) error { return nil }
func (slowOp) Process(ctx context.Context, _ int, rec arrow.RecordBatch, out operators.Emitter) error {
	time.Sleep(15 * time.Millisecond)
	rec.Retain()
	return out.Emit(ctx, rec)
}

func TestBackpressureIsNotIdleness(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	spec := window.Spec{Window: window.Window{Kind: window.Tumble, TimeCol: 0, Size: 1000},
		Aggs: []window.AggCall{{Func: window.CountStar, Arg: -1, Type: expr.BigInt}}}
	out := arrow.NewSchema([]arrow.Field{{Name: "ws", Type: expr.Timestamp}, {Name: "we", Type: expr.Timestamp}, {Name: "n", Type: expr.BigInt}}, nil)
	var counted int64
	cfg := Config{Parallelism: 2, Alloc: alloc, ChannelCapacity: 1}.withDefaults()
	sv := &Vertex{ID: 1, Name: "Source", Parallelism: 2, Out: tsSchema,
		Source: &SourceSpec{Table: "ts", Connector: "test", Source: &scriptSource{alloc: alloc, row: busyRows, hold: func(int) bool { return true }}, Stats: &connectors.SourceStats{},
			Watermark: tsWatermark(), IdleTimeout: bpIdleTimeout}}
	wv := &Vertex{ID: 2, Name: "WindowAggregate", Parallelism: 1, Out: out,
		Ops: []*OpSpec{{Kind: "Slow", New: func() (operators.Operator, error) { return slowOp{}, nil }},
			{Kind: "WindowAggregate", New: func() (operators.Operator, error) { return window.New(spec, tsSchema, out) }}},
		Sink: &SinkSpec{Table: "count", Connector: "test", Sink: countSink{rows: &counted}}}
	g := &Graph{Pipelines: []*PipelineGraph{{Name: "p", Vertices: []*Vertex{sv, wv},
		Edges: []*Edge{{From: 1, To: 2, Kind: Rebalance}}}}}
	job := &Job{cfg: cfg, graph: g, stopping: make(chan struct{}), counters: map[int]*vertexCounters{}}
	done := make(chan error, 1)
	go func() { done <- job.Run(context.Background()) }()
	time.Sleep(2500 * time.Millisecond) // 80 rows x 15 ms = 1.2 s
	var late, in int64
	for _, m := range job.Metrics() {
		late += m.LateRows
		if m.ID == 2 {
			in = m.RowsIn
		}
	}
	job.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("window vertex rows in %d", in)
	t.Logf("rows counted %d of 80, late %d", counted, late)
	if late != 0 {
		t.Fatalf("sources that never waited for data were declared idle under backpressure: %d in-order rows dropped", late)
	}
}

var bpIdleTimeout = 20 * time.Millisecond

func TestBackpressureWithoutIdleTimeout(t *testing.T) {
	bpIdleTimeout = 0
	defer func() { bpIdleTimeout = 20 * time.Millisecond }()
	TestBackpressureIsNotIdleness(t)
}
