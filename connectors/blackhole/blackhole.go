package blackhole

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
)

// Sink discards rows; any number of writers share its counter.
type Sink struct {
	rows atomic.Int64
}

var _ connectors.Sink = (*Sink)(nil)

// NewSink accepts only the 'connector' option. It is the 'blackhole'
// connector's SinkFactory.
func NewSink(cfg connectors.SinkConfig) (connectors.Sink, error) {
	if err := connectors.CheckOptions(cfg.Options); err != nil {
		return nil, err
	}
	return &Sink{}, nil
}

// Rows is the number of rows written so far, over all writers.
func (s *Sink) Rows() int64 { return s.rows.Load() }

// MaxParallelism implements connectors.Sink: no limit.
func (s *Sink) MaxParallelism() int { return 0 }

// Writer implements connectors.Sink.
func (s *Sink) Writer(subtask, parallelism int) (connectors.Writer, error) {
	return &writer{sink: s}, nil
}

type writer struct{ sink *Sink }

// Open implements connectors.Writer.
func (w *writer) Open(ctx context.Context) error { return nil }

// Write implements connectors.Writer: counts the rows.
func (w *writer) Write(ctx context.Context, rec arrow.RecordBatch) error {
	w.sink.rows.Add(rec.NumRows())
	return nil
}

// Close implements connectors.Writer.
func (w *writer) Close(ctx context.Context) error { return nil }
