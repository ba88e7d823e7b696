package file

import (
	"bytes"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors/jsonformat"
)

// staging is what both file sink writers share: rows are encoded into a
// buffer and flushed to a hidden temporary file, which a commit renames.
type staging struct {
	sink   *Sink
	enc    *jsonformat.Encoder
	buf    bytes.Buffer
	tmp    *os.File
	failed bool
}

func (w *staging) errorf(format string, args ...any) error {
	return fmt.Errorf("file sink '%s' (%s): %w", w.sink.cfg.Table, w.sink.shown, fmt.Errorf(format, args...))
}

// createTemp creates the temporary file in dir (pattern as for
// os.CreateTemp), readable like any file the user writes.
func (w *staging) createTemp(dir, pattern string) error {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return w.errorf("%w", err)
	}
	// CreateTemp makes the file private (0600); the committed output is
	// an ordinary file others may read.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return w.errorf("%w", err)
	}
	w.tmp = f
	return nil
}

// encode appends rec's rows, flushing the buffer once it is large.
func (w *staging) encode(rec arrow.RecordBatch) error {
	if err := w.enc.Encode(&w.buf, rec); err != nil {
		w.failed = true
		return w.errorf("%w", err)
	}
	if w.buf.Len() >= flushBytes {
		return w.flush()
	}
	return nil
}

// flush writes the buffer to the temporary file.
func (w *staging) flush() error {
	if _, err := w.tmp.Write(w.buf.Bytes()); err != nil {
		w.failed = true
		return w.errorf("%w", err)
	}
	w.buf.Reset()
	return nil
}
