package engine

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/window"
)

// pausedRows: subtask 0 emits 3 rows (t=0,10,20) and ends; subtask 1
// emits t=0..90 step 10, pausing `pause` before its 4th row.
func pausedRows(pause time.Duration) func(sub, i int) (int64, time.Duration, bool) {
	return func(sub, i int) (int64, time.Duration, bool) {
		if sub == 0 {
			return int64(i * 10), 0, i < 3
		}
		if i == 3 {
			return int64(i * 10), pause, true
		}
		return int64(i * 10), 0, i < 10
	}
}

type countSink struct{ rows *int64 }

func (s countSink) MaxParallelism() int                        { return 1 }
func (s countSink) Writer(int, int) (connectors.Writer, error) { return s, nil }
func (s countSink) Open(context.Context) error                 { return nil }
func (s countSink) Write(_ context.Context, rec arrow.RecordBatch) error {
	c := rec.Column(2).(*array.Int64)
	for i := 0; i < c.Len(); i++ {
		*s.rows += c.Value(i)
	}
	return nil
}
func (s countSink) Close(context.Context) error { return nil }

func TestIdleInputBesideEndedInputKeepsRows(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	spec := window.Spec{Window: window.Window{Kind: window.Tumble, TimeCol: 0, Size: 1000},
		Aggs: []window.AggCall{{Func: window.CountStar, Arg: -1, Type: expr.BigInt}}}
	out := arrow.NewSchema([]arrow.Field{{Name: "ws", Type: expr.Timestamp}, {Name: "we", Type: expr.Timestamp}, {Name: "n", Type: expr.BigInt}}, nil)
	var counted int64
	cfg := Config{Parallelism: 2, Alloc: alloc, ChannelCapacity: 2}.withDefaults()
	sv := &Vertex{ID: 1, Name: "Source", Parallelism: 2, Out: tsSchema,
		Source: &SourceSpec{Table: "ts", Connector: "test", Source: &scriptSource{alloc: alloc, row: pausedRows(300 * time.Millisecond)}, Stats: &connectors.SourceStats{},
			Watermark: tsWatermark(), IdleTimeout: 50 * time.Millisecond}}
	wv := &Vertex{ID: 2, Name: "WindowAggregate", Parallelism: 1, Out: out,
		Ops:  []*OpSpec{{Kind: "WindowAggregate", New: func() (operators.Operator, error) { return window.New(spec, tsSchema, out) }}},
		Sink: &SinkSpec{Table: "count", Connector: "test", Sink: countSink{rows: &counted}}}
	g := &Graph{Pipelines: []*PipelineGraph{{Name: "p", Vertices: []*Vertex{sv, wv},
		Edges: []*Edge{{From: 1, To: 2, Kind: Rebalance}}}}}
	job := &Job{cfg: cfg, graph: g, stopping: make(chan struct{}), counters: map[int]*vertexCounters{}}
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var late int64
	for _, m := range job.Metrics() {
		late += m.LateRows
	}
	t.Logf("rows counted %d of 13, late %d", counted, late)
	if counted != 13 {
		t.Fatalf("in-order rows (watermark delay 500 ms, every row within it) were dropped as late: counted %d of 13, late %d", counted, late)
	}
}
