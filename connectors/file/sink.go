package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// flushBytes is how much encoded output a writer buffers before writing.
const flushBytes = 1 << 20

// Sink writes JSON lines to one file. The file appears at 'path' only
// when the writer closes successfully: rows go to a hidden temporary file
// in the same directory, renamed into place on Close, so a failed job
// leaves no partial file at 'path' (and a previous file there stays until
// the new one replaces it).
//
// With checkpointing, 'path' is a directory instead and every writer
// commits one file per checkpoint into it (see sink_epoch.go).
type Sink struct {
	cfg   connectors.SinkConfig
	shown string
	path  string
}

var _ connectors.Sink = (*Sink)(nil)

// NewSink validates a table's options and returns its sink. It is the
// 'file' connector's SinkFactory.
func NewSink(cfg connectors.SinkConfig) (connectors.Sink, error) {
	if err := connectors.CheckOptions(cfg.Options, acceptedSinkKeys()...); err != nil {
		return nil, err
	}
	if err := checkFormat(cfg.Options); err != nil {
		return nil, err
	}
	shown, abs, err := resolve(cfg.Options, cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Checkpointing {
		if st, err := os.Stat(abs); err == nil && !st.IsDir() {
			return nil, connectors.Optionf(OptionPath, "%s is a file; with checkpointing the file sink writes a file per checkpoint into the directory 'path'", abs)
		}
	} else if st, err := os.Stat(abs); err == nil && st.IsDir() {
		return nil, connectors.Optionf(OptionPath, "%s is a directory; the file sink writes one file", abs)
	}
	if _, err := jsonformat.NewEncoder(cfg.Schema); err != nil {
		return nil, connectors.Optionf(OptionFormat, "%v", err)
	}
	return &Sink{cfg: cfg, shown: shown, path: abs}, nil
}

// MaxParallelism implements connectors.Sink: one file, one writer;
// with checkpointing, any number (each writes its own files).
func (s *Sink) MaxParallelism() int {
	if s.cfg.Checkpointing {
		return 0
	}
	return 1
}

// Writer implements connectors.Sink.
func (s *Sink) Writer(subtask, parallelism int) (connectors.Writer, error) {
	if s.cfg.Checkpointing {
		return s.epochWriter(subtask, parallelism)
	}
	if parallelism != 1 || subtask != 0 {
		return nil, fmt.Errorf("file sink '%s': writes one file, so parallelism must be 1 (got subtask %d of %d)", s.cfg.Table, subtask, parallelism)
	}
	enc, err := jsonformat.NewEncoder(s.cfg.Schema)
	if err != nil {
		return nil, err
	}
	return &writer{staging: staging{sink: s, enc: enc}}, nil
}

// writer stages rows in a temporary file.
type writer struct {
	staging
	// prepared: the temporary file is complete, synced and closed.
	prepared bool
}

var (
	_ connectors.Writer   = (*writer)(nil)
	_ connectors.Aborter  = (*writer)(nil)
	_ connectors.Preparer = (*writer)(nil)
)

// Open implements connectors.Writer: creates the parent directories and
// the temporary file.
func (w *writer) Open(ctx context.Context) error {
	dir := filepath.Dir(w.sink.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return w.errorf("%w", err)
	}
	return w.createTemp(dir, "."+filepath.Base(w.sink.path)+".*.tmp")
}

// Write implements connectors.Writer.
func (w *writer) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if w.tmp == nil {
		return w.errorf("write before open")
	}
	return w.encode(rec)
}

// Prepare implements connectors.Preparer: everything written is flushed
// and synced to the temporary file, which stays invisible at 'path' until
// Close commits it.
func (w *writer) Prepare(ctx context.Context) error {
	if w.tmp == nil || w.prepared {
		return nil
	}
	if w.failed || ctx.Err() != nil {
		return w.errorf("cannot prepare after a failure")
	}
	err := w.flush()
	if err == nil {
		if err = w.tmp.Sync(); err != nil {
			err = w.errorf("%w", err)
		}
	}
	if cerr := w.tmp.Close(); err == nil && cerr != nil {
		err = w.errorf("%w", cerr)
	}
	if err != nil {
		w.failed = true
		return err
	}
	w.prepared = true
	return nil
}

// Close implements connectors.Writer: the file is prepared (if it was
// not) and renamed into place. After a failed Write, or with a cancelled
// ctx, it aborts instead.
func (w *writer) Close(ctx context.Context) error {
	if w.tmp == nil {
		return nil
	}
	if w.failed || ctx.Err() != nil {
		return w.Abort()
	}
	err := w.Prepare(ctx)
	if err == nil {
		if rerr := os.Rename(w.tmp.Name(), w.sink.path); rerr != nil {
			err = w.errorf("%w", rerr)
		}
	}
	if err != nil {
		os.Remove(w.tmp.Name())
	}
	w.tmp = nil
	return err
}

// Abort implements connectors.Aborter: the temporary file is removed and
// nothing appears at 'path'.
func (w *writer) Abort() error {
	if w.tmp == nil {
		return nil
	}
	name := w.tmp.Name()
	var cerr error
	if !w.prepared {
		cerr = w.tmp.Close()
	}
	w.tmp = nil
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return w.errorf("%w", err)
	}
	if cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		return w.errorf("%w", cerr)
	}
	return nil
}
