package engine

import "sync/atomic"

// counter is a row counter updated by one subtask and read by anyone.
type counter struct{ n atomic.Int64 }

func (c *counter) add(n int64) {
	if c != nil {
		c.n.Add(n)
	}
}

// VertexMetrics are the live counters of one vertex, summed over its
// subtasks.
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
}

// vertexCounters hold a vertex's counters, shared by its subtasks.
type vertexCounters struct {
	in, out counter
}
