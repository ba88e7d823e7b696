package engine

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/diag"
)

// EdgeKind says how records travel from the subtasks of one vertex to
// those of the next.
type EdgeKind string

// Edge kinds.
const (
	// Forward connects subtask i to subtask i; both sides have the same
	// parallelism.
	Forward EdgeKind = "forward"
	// Rebalance spreads whole records round-robin over the downstream
	// subtasks (used when parallelism changes and no key matters).
	Rebalance EdgeKind = "rebalance"
	// Shuffle hash-partitions rows by key columns, so equal keys meet in
	// one downstream subtask.
	Shuffle EdgeKind = "shuffle"
)

// Graph is a job's physical dataflow: every pipeline of the SQL file, each a
// chain of vertices.
type Graph struct {
	Pipelines []*PipelineGraph
}

// PipelineGraph is the physical dataflow of one INSERT or SELECT.
type PipelineGraph struct {
	Name     string
	Pos      diag.Pos
	Vertices []*Vertex
	Edges    []*Edge
}

// Vertex is a chain of operators run together by each of its subtasks.
type Vertex struct {
	// ID is unique within the job.
	ID          int
	Name        string
	Parallelism int
	// Source, when set, feeds the chain; the vertex has no input edge.
	Source *SourceSpec
	// Ops run in order on every record.
	Ops []*OpSpec
	// Sink, when set, receives the chain's output; the vertex has no
	// output edge.
	Sink *SinkSpec
	// Out is the schema of the records the vertex emits (or writes).
	Out *arrow.Schema
}

// SourceSpec is an opened source table.
type SourceSpec struct {
	Table     string
	Connector string
	Source    connectors.Source
	Stats     *connectors.SourceStats
	// Watermark is how the source's subtasks compute event time, or nil
	// when the table declares no WATERMARK.
	Watermark *WatermarkSpec
	// IdleTimeout ('scan.watermark.idle-timeout'): a subtask that reads
	// nothing for this long is ignored by downstream watermarks until it
	// reads again. Zero disables it.
	IdleTimeout time.Duration
}

// WatermarkSpec is a table's WATERMARK FOR clause, bound to the records
// its source produces.
type WatermarkSpec struct {
	// Expr is evaluated on every row; the subtask's watermark is its
	// largest value so far.
	Expr expr.Expr
	// Schema is the schema of the source's records.
	Schema *arrow.Schema
	// TimeCol is the event-time column in those records (-1 if the
	// expression reads none directly).
	TimeCol int
}

// SinkSpec is an opened sink table ("stdout" for a bare SELECT).
type SinkSpec struct {
	Table     string
	Connector string
	Sink      connectors.Sink
}

// OpSpec describes one operator and makes a fresh instance per subtask.
type OpSpec struct {
	// Kind is the operator kind ("Calc", "Filter", "Project").
	Kind string
	// Detail is a one-line description for EXPLAIN.
	Detail string
	// StateTables names the state the operator keeps (none for stateless
	// operators).
	StateTables []string
	// New builds the operator for one subtask.
	New func() (operators.Operator, error)
}

// Edge connects two vertices of a pipeline.
type Edge struct {
	From, To int
	Kind     EdgeKind
	// Keys are the column indices hashed by a Shuffle edge.
	Keys []int
}
