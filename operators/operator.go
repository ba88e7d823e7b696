package operators

import (
	"context"
	"log/slog"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/state/badgerstate"
)

// Env is what the runtime gives an operator subtask when it opens.
type Env struct {
	// Name is the operator's name in the job graph, for errors and metrics.
	Name string
	// Subtask is this instance's index in [0, Parallelism).
	Subtask     int
	Parallelism int
	// Alloc allocates every Arrow buffer the operator builds.
	Alloc memory.Allocator
	// Logger is for operational messages.
	Logger *slog.Logger
	// Metrics receives the operator's counters; never nil.
	Metrics *Metrics
	// Tables, when not nil, is the Badger database an operator keeps its
	// state tables in (SET 'state.backend.type' = 'badger'); nil keeps
	// state in memory.
	Tables *badgerstate.DB
	// TablePrefix starts the name of every table this operator instance
	// creates in Tables, unique within the job (vertex, operator and
	// subtask).
	TablePrefix string
	// ResidentEntries bounds how many state entries an operator on
	// Tables keeps in memory between batches (0: its default).
	ResidentEntries int
}

// Emitter passes records downstream. Emit takes ownership of rec (the
// operator must not Release it afterwards). Empty records may be dropped.
type Emitter interface {
	Emit(ctx context.Context, rec arrow.RecordBatch) error
}

// Operator is one step of a pipeline, run by one goroutine per subtask.
// Lifecycle: Open once, Process for every input record, Close at end of
// input to flush. The runtime, not the operator, handles watermarks
// alignment, barriers and end-of-stream over several inputs.
type Operator interface {
	// Open prepares the operator; the schema of each input is known from
	// its compiled configuration.
	Open(ctx context.Context, env *Env) error
	// Process handles one input record. rec is borrowed: the runtime
	// releases it after Process returns, so an operator that keeps it
	// must Retain it.
	Process(ctx context.Context, input int, rec arrow.RecordBatch, out Emitter) error
	// Close is called once after the last input record (end of stream) or
	// on shutdown; it flushes anything buffered and releases resources.
	Close(ctx context.Context, out Emitter) error
}

// WatermarkHandler is implemented by operators that react to event time:
// the runtime calls OnWatermark with each new (minimum over inputs)
// watermark in milliseconds, and forwards the returned watermark downstream.
type WatermarkHandler interface {
	OnWatermark(ctx context.Context, wm int64, out Emitter) (int64, error)
}
