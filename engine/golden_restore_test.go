package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/tools/txtar"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/builtin"
	"github.com/weir-stream/weir/engine"
)

// TestGoldenWindowsKillRestore runs every windowed golden query with
// checkpoints: it holds the file sources after a few records, takes a
// checkpoint there, kills the job (nothing after the checkpoint commits),
// restarts it from the checkpoint, and requires the committed output of
// the two runs together to equal the golden rows of a straight run. The
// runs use the memory and Badger state backends in turn (each restoring
// the other's checkpoints too).
func TestGoldenWindowsKillRestore(t *testing.T) {
	backends := [][2]string{
		{engine.BackendMemory, engine.BackendMemory}, {engine.BackendBadger, engine.BackendBadger},
		{engine.BackendMemory, engine.BackendBadger}, {engine.BackendBadger, engine.BackendMemory},
	}
	forEachGolden(t, "window_*.txtar", func(t *testing.T, ar *txtar.Archive) {
		for _, par := range []int{1, 4} {
			for _, at := range []int{1, 3, 7} {
				b := backends[(par+at)%len(backends)]
				t.Run(fmt.Sprintf("par%d_after%d_%s_%s", par, at, b[0], b[1]), func(t *testing.T) {
					runGoldenKillRestore(t, ar, par, at, b)
				})
			}
		}
	})
}

func runGoldenKillRestore(t *testing.T, ar *txtar.Archive, par, at int, backends [2]string) {
	dir := t.TempDir()
	gold := loadGolden(t, ar, dir)
	if gold.hasErr || gold.hasRunErr {
		t.Skip("an error case: nothing to restore")
	}
	query, want := gold.query, gold.want
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	var stdout bytes.Buffer
	g := &fileGate{at: at, open: make(chan struct{})}
	reg := builtin.Registry()
	fileSource, _ := reg.Source("file")
	reg.RegisterSource("file", func(cfg connectors.SourceConfig) (connectors.Source, error) {
		src, err := fileSource(cfg)
		if err != nil {
			return nil, err
		}
		return &gatedSource{Source: src, g: g}, nil
	})
	stateDir := filepath.Join(t.TempDir(), "state")
	cfg := engine.Config{Parallelism: par, BatchSize: 1, Dir: dir, Stdout: &stdout, Alloc: alloc, Registry: reg,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Checkpoint: engine.CheckpointConfig{Dir: stateDir, Interval: 1 << 40},
		State:      engine.StateConfig{Backend: backends[0], Dir: t.TempDir(), ResidentEntries: 2}}
	job, err := engine.Compile("query.sql", query, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := runAsync(t, ctx, job)
	// Every reader is held at the gate or has ended; then checkpoint.
	waitFor(t, func() bool {
		select {
		case err := <-done:
			done <- err
			return true
		default:
		}
		return g.readers.Load() > 0 && g.held.Load()+g.ended.Load() == g.readers.Load()
	})
	checkpointed := false
	if g.held.Load() > 0 {
		job.TriggerCheckpoint()
		waitFor(t, func() bool { return job.Checkpoints().Completed >= 1 })
		checkpointed = true
	}
	cancel() // the crash: the sources stay held, nothing more is committed
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	if !checkpointed {
		t.Skip("every reader ended before the gate: the input is too short to stop mid-way")
	}

	// Restart from the checkpoint, without the gate.
	close(g.open)
	g.disabled.Store(true)
	cfg.State.Backend = backends[1]
	job, err = engine.Compile("query.sql", query, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Run(context.Background()); err != nil {
		t.Fatalf("restored run: %v", err)
	}
	if job.Checkpoints().Restored == 0 && job.Checkpoints().Completed == 0 {
		t.Fatal("the restored run took no checkpoint")
	}
	for name, w := range want {
		var got string
		if name == "stdout" {
			got = stdout.String()
		} else {
			got = readParts(t, filepath.Join(dir, name))
		}
		compareRows(t, name, got, w)
	}
}

// readParts concatenates the committed part files of a checkpointing file
// sink, in commit order.
func readParts(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("sink output: %v", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("in-progress file %s left behind", e.Name())
			continue
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// fileGate holds every reader of the wrapped sources once it returned
// `at` records, until open is closed.
type fileGate struct {
	at                   int
	open                 chan struct{}
	disabled             atomic.Bool
	readers, held, ended atomic.Int64
}

type gatedSource struct {
	connectors.Source
	g *fileGate
}

func (s *gatedSource) Reader(sub, par int) (connectors.Reader, error) {
	r, err := s.Source.Reader(sub, par)
	if err != nil {
		return nil, err
	}
	s.g.readers.Add(1)
	return &gatedReader{Reader: r, g: s.g}, nil
}

type gatedReader struct {
	connectors.Reader
	g    *fileGate
	n    int
	held bool
}

func (r *gatedReader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if !r.g.disabled.Load() && r.n >= r.g.at && !r.held {
		r.held = true
		r.g.held.Add(1)
		select {
		case <-r.g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rec, err := r.Reader.Read(ctx)
	if errors.Is(err, io.EOF) && !r.held {
		r.held = true
		r.g.ended.Add(1)
	}
	r.n++
	return rec, err
}

func (r *gatedReader) Position() ([]byte, error) {
	p, ok := r.Reader.(connectors.Positioner)
	if !ok {
		return nil, fmt.Errorf("%T has no position", r.Reader)
	}
	return p.Position()
}

func (r *gatedReader) Restore(pos []byte) error {
	p, ok := r.Reader.(connectors.Positioner)
	if !ok {
		return fmt.Errorf("%T has no position", r.Reader)
	}
	return p.Restore(pos)
}

// SplitReader methods pass through when the wrapped reader has them.
func (r *gatedReader) Splits() []int {
	if sr, ok := r.Reader.(connectors.SplitReader); ok {
		return sr.Splits()
	}
	return []int{0}
}

func (r *gatedReader) LastSplit() int {
	if sr, ok := r.Reader.(connectors.SplitReader); ok {
		return sr.LastSplit()
	}
	return 0
}
