package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// With checkpointing, the file sink's 'path' is a directory. Each writer
// subtask stages its rows in a hidden in-progress file there and, when
// the checkpoint that covers them is durable, renames it to
// part-<epoch>-<subtask>.json: the epoch zero-padded to 20 digits and the
// subtask to 4, so that the names sort in commit order.
const (
	inProgressPrefix = ".part-"
	inProgressSuffix = ".inprogress"
)

// partPattern matches the name of a committed part file.
var partPattern = regexp.MustCompile(`^part-[0-9]{20}-[0-9]{4,}\.json$`)

// partName is the committed name of subtask's file for epoch.
func partName(epoch uint64, subtask int) string {
	return fmt.Sprintf("part-%020d-%04d.json", epoch, subtask)
}

// isInProgress reports whether name is an in-progress file of the sink.
func isInProgress(name string) bool {
	return strings.HasPrefix(name, inProgressPrefix) && strings.HasSuffix(name, inProgressSuffix) &&
		len(name) > len(inProgressPrefix)+len(inProgressSuffix)
}

// txn is one prepared epoch of a writer, as PreCommit describes it: the
// in-progress file Tmp is renamed to Final, both in the sink's directory.
type txn struct {
	Tmp   string `json:"tmp"`
	Final string `json:"final"`
}

// decodeTxn parses a description PreCommit returned, checking that both
// names are plain file names of the expected form.
func decodeTxn(b []byte) (txn, error) {
	var t txn
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&t); err != nil {
		return t, err
	}
	if d.More() {
		return t, errors.New("trailing data")
	}
	if !isInProgress(t.Tmp) || strings.ContainsAny(t.Tmp, `/\`) {
		return t, fmt.Errorf("in-progress file name %q", t.Tmp)
	}
	if !partPattern.MatchString(t.Final) {
		return t, fmt.Errorf("part file name %q", t.Final)
	}
	return t, nil
}

// commit renames t's in-progress file to its final name in dir. It is
// idempotent: when the in-progress file is gone and the final file
// exists, the transaction was committed already. It does not sync dir.
func commitTxn(dir string, t txn) error {
	tmp, final := filepath.Join(dir, t.Tmp), filepath.Join(dir, t.Final)
	if _, err := os.Lstat(final); err == nil {
		if _, err := os.Lstat(tmp); errors.Is(err, os.ErrNotExist) {
			return nil // committed before
		} else if err != nil {
			return err
		}
		return fmt.Errorf("cannot commit %s: %s exists already (an epoch number was reused?)", t.Tmp, t.Final)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot commit %s as %s: the in-progress file is gone", t.Tmp, t.Final)
		}
		return err
	}
	return nil
}

// syncDir makes the directory's entries (creations, renames, removals)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

var _ connectors.Recoverer = (*Sink)(nil)

// Recover implements connectors.Recoverer (with checkpointing only): it
// commits the transactions prepared for the restored checkpoint (those
// committed before the crash stay as they are), then removes every
// in-progress file left in the directory, the rows of a crashed run
// written after its last checkpoint, so they never become visible.
func (s *Sink) Recover(ctx context.Context, epoch uint64, prepared [][]byte, parallelism int) error {
	if !s.cfg.Checkpointing {
		return fmt.Errorf("file sink '%s': Recover without checkpointing", s.cfg.Table)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	errorf := func(format string, args ...any) error {
		return fmt.Errorf("file sink '%s' (%s): recovering checkpoint %d: %w", s.cfg.Table, s.shown, epoch, fmt.Errorf(format, args...))
	}
	if err := os.MkdirAll(s.path, 0o755); err != nil {
		return errorf("%w", err)
	}
	for _, d := range prepared {
		if len(d) == 0 {
			continue
		}
		t, err := decodeTxn(d)
		if err != nil {
			return errorf("corrupt transaction %q: %w", d, err)
		}
		if err := commitTxn(s.path, t); err != nil {
			return errorf("%w", err)
		}
	}
	entries, err := os.ReadDir(s.path)
	if err != nil {
		return errorf("%w", err)
	}
	for _, e := range entries {
		if !isInProgress(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(s.path, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return errorf("%w", err)
		}
	}
	if err := syncDir(s.path); err != nil {
		return errorf("%w", err)
	}
	return nil
}

// epochWriter writes one subtask's rows with checkpointing: a file per
// checkpoint epoch, committed in two phases.
type epochWriter struct {
	// staging's tmp is the in-progress file of the current epoch,
	// created with the epoch's first row.
	staging
	subtask int
	opened  bool
	// last is the epoch of the last PreCommit (if any).
	last    uint64
	anyPrep bool

	// mu guards pending: Commit runs on another goroutine.
	mu      sync.Mutex
	pending map[uint64]txn // prepared, not yet committed, by epoch
}

var (
	_ connectors.Writer    = (*epochWriter)(nil)
	_ connectors.Committer = (*epochWriter)(nil)
	_ connectors.Aborter   = (*epochWriter)(nil)
)

func (s *Sink) epochWriter(subtask, parallelism int) (connectors.Writer, error) {
	if parallelism < 1 || subtask < 0 || subtask >= parallelism {
		return nil, fmt.Errorf("file sink '%s': subtask %d of %d", s.cfg.Table, subtask, parallelism)
	}
	enc, err := jsonformat.NewEncoder(s.cfg.Schema)
	if err != nil {
		return nil, err
	}
	return &epochWriter{staging: staging{sink: s, enc: enc}, subtask: subtask, pending: map[uint64]txn{}}, nil
}

// Open implements connectors.Writer: creates the directory if missing.
func (w *epochWriter) Open(ctx context.Context) error {
	if err := os.MkdirAll(w.sink.path, 0o755); err != nil {
		return w.errorf("%w", err)
	}
	w.opened = true
	return nil
}

// Write implements connectors.Writer: the rows go to the epoch's
// in-progress file.
func (w *epochWriter) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if !w.opened {
		return w.errorf("write before open")
	}
	if w.failed {
		return w.errorf("write after a failure")
	}
	if rec.NumRows() == 0 {
		return nil
	}
	if w.tmp == nil {
		if err := w.create(); err != nil {
			w.failed = true
			return err
		}
	}
	return w.encode(rec)
}

// create starts the epoch's in-progress file.
func (w *epochWriter) create() error {
	return w.createTemp(w.sink.path, fmt.Sprintf("%s%04d-*%s", inProgressPrefix, w.subtask, inProgressSuffix))
}

// PreCommit implements connectors.Committer: the epoch's in-progress file
// is flushed, synced and closed, and described as {"tmp", "final"}; nil
// if no row was written in the epoch. Later rows go to a new file.
func (w *epochWriter) PreCommit(ctx context.Context, epoch uint64) ([]byte, error) {
	if w.failed {
		return nil, w.errorf("cannot prepare epoch %d after a failure", epoch)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if w.anyPrep && epoch <= w.last {
		return nil, w.errorf("PreCommit of epoch %d after epoch %d", epoch, w.last)
	}
	w.anyPrep, w.last = true, epoch
	if w.tmp == nil {
		return nil, nil
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
	name := w.tmp.Name()
	w.tmp = nil
	if err == nil {
		// The in-progress file's name must survive a crash for Recover.
		if err = syncDir(w.sink.path); err != nil {
			err = w.errorf("%w", err)
		}
	}
	if err != nil {
		w.failed = true
		os.Remove(name)
		return nil, err
	}
	t := txn{Tmp: filepath.Base(name), Final: partName(epoch, w.subtask)}
	desc, err := json.Marshal(t)
	if err != nil {
		return nil, w.errorf("%w", err)
	}
	w.mu.Lock()
	w.pending[epoch] = t
	w.mu.Unlock()
	return desc, nil
}

// Commit implements connectors.Committer: the file prepared for epoch
// (and any earlier one still pending) is renamed to its final name and
// the directory synced. Committing an epoch again, or one without rows,
// does nothing.
func (w *epochWriter) Commit(ctx context.Context, epoch uint64) error {
	w.mu.Lock()
	var epochs []uint64
	for e := range w.pending {
		if e <= epoch {
			epochs = append(epochs, e)
		}
	}
	w.mu.Unlock()
	if len(epochs) == 0 {
		return nil
	}
	slices.Sort(epochs)
	for _, e := range epochs {
		w.mu.Lock()
		t := w.pending[e]
		w.mu.Unlock()
		if err := commitTxn(w.sink.path, t); err != nil {
			return w.errorf("committing epoch %d: %w", e, err)
		}
		w.mu.Lock()
		delete(w.pending, e)
		w.mu.Unlock()
	}
	if err := syncDir(w.sink.path); err != nil {
		return w.errorf("committing epoch %d: %w", epoch, err)
	}
	return nil
}

// Abort implements connectors.Aborter: the current in-progress file is
// removed. Prepared files stay for the sink's Recover to commit (if
// their checkpoint completed) or remove.
func (w *epochWriter) Abort() error {
	if w.tmp == nil {
		return nil
	}
	name := w.tmp.Name()
	cerr := w.tmp.Close()
	w.tmp = nil
	w.buf.Reset()
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return w.errorf("%w", err)
	}
	if cerr != nil {
		return w.errorf("%w", cerr)
	}
	return nil
}

// Close implements connectors.Writer: it only releases resources. Rows
// written after the last PreCommit are discarded (their in-progress file
// is removed): only Commit makes rows visible.
func (w *epochWriter) Close(ctx context.Context) error {
	return w.Abort()
}
