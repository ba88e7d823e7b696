package engine

import (
	"sync/atomic"

	"github.com/weir-stream/weir/operators"
)

// counter is a row counter updated by one subtask and read by anyone.
type counter struct{ n atomic.Int64 }

func (c *counter) add(n int64) {
	if c != nil {
		c.n.Add(n)
	}
}

// VertexMetrics are the live counters of one vertex, summed (or, for
// watermarks, taken as the minimum) over its subtasks.
type VertexMetrics struct {
	// ID is the vertex's ID in the graph.
	ID int
	// Name is the vertex's name.
	Name string
	// RowsIn counts rows entering the vertex (read by a source, or
	// received from upstream).
	RowsIn int64
	// RowsOut counts rows leaving it (sent downstream, or written to its
	// sink).
	RowsOut int64
	// Dropped counts bad records a source skipped ('bad-data' = 'drop').
	Dropped int64
	// LateRows counts rows its operators dropped as late.
	LateRows int64
	// StateEntries is the number of state entries its operators hold.
	StateEntries int64
	// StateWrittenOut counts the state entries its operators moved from
	// memory to disk (the Badger state backend).
	StateWrittenOut int64
	// Watermark is the vertex's event-time clock in epoch milliseconds:
	// the minimum over its subtasks (MinWatermark before any, MaxWatermark
	// once every input ended). HasWatermark is false when no watermark
	// reached it yet.
	Watermark    int64
	HasWatermark bool
	// NewestEvent is the newest event time any source of the job has
	// read, and WatermarkLag how far Watermark trails it (milliseconds),
	// when both are known.
	NewestEvent  int64
	WatermarkLag int64
	// Partitions are a partitioned source's per-partition counters
	// (Kafka: records and bytes read, consumer lag), sorted by topic and
	// partition; nil for other vertices.
	Partitions []PartitionMetrics
}

// PartitionMetrics are one source partition's counters.
type PartitionMetrics struct {
	Topic     string
	Partition int32
	Records   int64
	Bytes     int64
	// Lag is the consumer lag in records (-1 until known).
	Lag int64
}

// vertexCounters hold a vertex's counters, shared by its subtasks.
type vertexCounters struct {
	in, out counter
	// ops[i][s] are operator i's metrics in subtask s.
	ops [][]*operators.Metrics
	// wm[s] is subtask s's current watermark.
	wm []atomic.Int64
	// newest[s] is the newest event time subtask s's source read.
	newest []atomic.Int64
}

func newVertexCounters(v *Vertex) *vertexCounters {
	c := &vertexCounters{
		ops:    make([][]*operators.Metrics, len(v.Ops)),
		wm:     make([]atomic.Int64, v.Parallelism),
		newest: make([]atomic.Int64, v.Parallelism),
	}
	for i := range c.ops {
		c.ops[i] = make([]*operators.Metrics, v.Parallelism)
		for s := range c.ops[i] {
			c.ops[i][s] = &operators.Metrics{}
		}
	}
	for s := range c.wm {
		c.wm[s].Store(MinWatermark)
		c.newest[s].Store(MinWatermark)
	}
	return c
}

// fill adds the counters to m.
func (c *vertexCounters) fill(m *VertexMetrics) {
	m.RowsIn = c.in.n.Load()
	m.RowsOut = c.out.n.Load()
	for _, subtasks := range c.ops {
		for _, om := range subtasks {
			m.LateRows += om.LateRows.Load()
			m.StateEntries += om.StateEntries.Load()
			m.StateWrittenOut += om.StateWrittenOut.Load()
		}
	}
	low := MaxWatermark
	for s := range c.wm {
		low = min(low, c.wm[s].Load())
	}
	m.Watermark = low
	m.HasWatermark = len(c.wm) > 0 && low != MinWatermark
}

// newestEvent is the newest event time the vertex's subtasks read.
func (c *vertexCounters) newestEvent() int64 {
	n := MinWatermark
	for s := range c.newest {
		n = max(n, c.newest[s].Load())
	}
	return n
}
