package stdout

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// OptionFormat selects 'json' (default) or 'text'.
const OptionFormat = "format"

// Sink prints rows; its writers share one io.Writer.
type Sink struct {
	cfg  connectors.SinkConfig
	out  io.Writer
	text bool
}

// outMu serialises every stdout sink's writes: the sinks of several bare
// SELECTs share one io.Writer (the process's stdout), so a mutex per sink
// would not do.
var outMu sync.Mutex

var _ connectors.Sink = (*Sink)(nil)

// NewSink validates a table's options. It is the 'stdout' connector's
// SinkFactory.
func NewSink(cfg connectors.SinkConfig) (connectors.Sink, error) {
	if err := connectors.CheckOptions(cfg.Options, OptionFormat); err != nil {
		return nil, err
	}
	s := &Sink{cfg: cfg, out: cfg.Stdout}
	if s.out == nil {
		s.out = os.Stdout
	}
	switch f := strings.ToLower(cfg.Options[OptionFormat]); f {
	case "", "json":
		if _, err := jsonformat.NewEncoder(cfg.Schema); err != nil {
			return nil, connectors.Optionf(OptionFormat, "%v", err)
		}
	case "text":
		s.text = true
	default:
		return nil, connectors.Optionf(OptionFormat, "unsupported format '%s'; accepted: 'json', 'text'", cfg.Options[OptionFormat])
	}
	return s, nil
}

// MaxParallelism implements connectors.Sink: no limit.
func (s *Sink) MaxParallelism() int { return 0 }

// Writer implements connectors.Sink.
func (s *Sink) Writer(subtask, parallelism int) (connectors.Writer, error) {
	w := &writer{sink: s}
	if !s.text {
		enc, err := jsonformat.NewEncoder(s.cfg.Schema)
		if err != nil {
			return nil, err
		}
		w.enc = enc
	}
	return w, nil
}

type writer struct {
	sink *Sink
	enc  *jsonformat.Encoder
	buf  bytes.Buffer
}

// Open implements connectors.Writer.
func (w *writer) Open(ctx context.Context) error { return nil }

// Write implements connectors.Writer: renders the batch, then writes it
// in one piece under the package's output mutex.
func (w *writer) Write(ctx context.Context, rec arrow.RecordBatch) error {
	w.buf.Reset()
	if w.enc != nil {
		if err := w.enc.Encode(&w.buf, rec); err != nil {
			return fmt.Errorf("stdout sink '%s': %w", w.sink.cfg.Table, err)
		}
	} else {
		w.buf.Write(appendText(w.buf.AvailableBuffer(), rec))
	}
	outMu.Lock()
	defer outMu.Unlock()
	if _, err := w.sink.out.Write(w.buf.Bytes()); err != nil {
		return fmt.Errorf("stdout sink '%s': %w", w.sink.cfg.Table, err)
	}
	return nil
}

// Close implements connectors.Writer.
func (w *writer) Close(ctx context.Context) error { return nil }
