package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

var bg = context.Background()

func epochSink(t *testing.T, dir, path string) *Sink {
	t.Helper()
	s, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: map[string]string{"path": path}, Dir: dir, Checkpointing: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxParallelism() != 0 {
		t.Fatalf("max parallelism %d with checkpointing, want 0 (any)", s.MaxParallelism())
	}
	return s.(*Sink)
}

// epochWriterOf opens subtask's writer as a Committer.
func epochWriterOf(t *testing.T, s *Sink, subtask, parallelism int) *epochWriter {
	t.Helper()
	w, err := s.Writer(subtask, parallelism)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Open(bg); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.(connectors.Preparer); ok {
		t.Fatal("with checkpointing the writer commits per epoch; it must not be a Preparer")
	}
	return w.(*epochWriter)
}

// rows returns a record of rows with the given ids.
func rows(t *testing.T, alloc memory.Allocator, ids ...int) arrow.RecordBatch {
	t.Helper()
	var lines []string
	for _, id := range ids {
		lines = append(lines, fmt.Sprintf(`{"id":%d}`, id))
	}
	return decodeRecord(t, alloc, lines...)
}

func writeIDs(t *testing.T, alloc memory.Allocator, w connectors.Writer, ids ...int) {
	t.Helper()
	rec := rows(t, alloc, ids...)
	defer rec.Release()
	if err := w.Write(bg, rec); err != nil {
		t.Fatal(err)
	}
}

// jsonOf is what the sink writes for rows with the given ids.
func jsonOf(ids ...int) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "{\"id\":%d,\"name\":null,\"ts\":null}\n", id)
	}
	return b.String()
}

// visible lists the directory's non-hidden files with their contents.
func visible(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// hidden lists the directory's in-progress files.
func hidden(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			if !isInProgress(e.Name()) {
				t.Fatalf("unexpected hidden file %s", e.Name())
			}
			out = append(out, e.Name())
		}
	}
	return out
}

func sameFiles(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("file %s holds %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestEpochSinkCommitsPartsInOrder(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	s := epochSink(t, dir, "out/parts") // created if missing
	out := filepath.Join(dir, "out", "parts")
	w0, w1 := epochWriterOf(t, s, 0, 2), epochWriterOf(t, s, 1, 2)

	// Epoch 1: both write; nothing is visible before Commit.
	writeIDs(t, alloc, w0, 1, 2)
	writeIDs(t, alloc, w1, 3)
	writeIDs(t, alloc, w0, 4)
	d0, err := w0.PreCommit(bg, 1)
	if err != nil || d0 == nil {
		t.Fatalf("PreCommit: %q, %v", d0, err)
	}
	d1, err := w1.PreCommit(bg, 1)
	if err != nil || d1 == nil {
		t.Fatalf("PreCommit: %q, %v", d1, err)
	}
	if v := visible(t, out); len(v) != 0 || len(hidden(t, out)) != 2 {
		t.Fatalf("before Commit: visible %v, hidden %v", v, hidden(t, out))
	}
	// Rows of the next epoch go to a new file, even while epoch 1 commits.
	writeIDs(t, alloc, w0, 5)
	if err := w0.Commit(bg, 1); err != nil {
		t.Fatal(err)
	}
	if err := w1.Commit(bg, 1); err != nil {
		t.Fatal(err)
	}
	if err := w1.Commit(bg, 1); err != nil { // again: harmless
		t.Fatal(err)
	}
	want := map[string]string{
		"part-00000000000000000001-0000.json": jsonOf(1, 2, 4),
		"part-00000000000000000001-0001.json": jsonOf(3),
	}
	sameFiles(t, visible(t, out), want)

	// Epoch 2: subtask 1 writes nothing (no file), an empty record
	// neither.
	bld := array.NewRecordBuilder(alloc, schema())
	empty := bld.NewRecordBatch()
	bld.Release()
	if err := w1.Write(bg, empty); err != nil {
		t.Fatal(err)
	}
	empty.Release()
	if d, err := w1.PreCommit(bg, 2); err != nil || d != nil {
		t.Fatalf("empty epoch: %q, %v", d, err)
	}
	if _, err := w0.PreCommit(bg, 2); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*epochWriter{w0, w1} {
		if err := w.Commit(bg, 2); err != nil {
			t.Fatal(err)
		}
	}
	want["part-00000000000000000002-0000.json"] = jsonOf(5)
	sameFiles(t, visible(t, out), want)

	// Epoch 10 is the final one: PreCommit, Close, then Commit.
	writeIDs(t, alloc, w1, 6)
	if _, err := w1.PreCommit(bg, 10); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*epochWriter{w0, w1} {
		if err := w.Close(bg); err != nil {
			t.Fatal(err)
		}
	}
	if err := w1.Commit(bg, 10); err != nil {
		t.Fatal(err)
	}
	want["part-00000000000000000010-0001.json"] = jsonOf(6)
	sameFiles(t, visible(t, out), want)
	if h := hidden(t, out); len(h) != 0 {
		t.Fatalf("in-progress files left: %v", h)
	}
	// Lexical order is commit order.
	var names []string
	for n := range visible(t, out) {
		names = append(names, n)
	}
	slices.Sort(names)
	if names[len(names)-1] != "part-00000000000000000010-0001.json" || names[2] != "part-00000000000000000002-0000.json" {
		t.Fatalf("names do not sort in commit order: %v", names)
	}
	st, err := os.Stat(filepath.Join(out, names[0]))
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("part file mode %v, %v", st.Mode(), err)
	}

	// Epochs only grow.
	w := epochWriterOf(t, s, 0, 2)
	if _, err := w.PreCommit(bg, 12); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PreCommit(bg, 12); err == nil {
		t.Fatal("PreCommit of the same epoch twice succeeded")
	}
	w.Close(bg)
}

// TestEpochSinkRecoverAfterPreCommit crashes after PreCommit (with rows
// of the next epoch in progress): Recover commits the prepared file
// once and removes the rest, however often it runs, and whether or not
// the commit happened before the crash.
func TestEpochSinkRecoverAfterPreCommit(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	for _, committed := range []bool{false, true} {
		dir := t.TempDir()
		s := epochSink(t, dir, "out")
		out := filepath.Join(dir, "out")
		w := epochWriterOf(t, s, 3, 4)
		writeIDs(t, alloc, w, 1, 2)
		desc, err := w.PreCommit(bg, 7)
		if err != nil {
			t.Fatal(err)
		}
		if committed {
			if err := w.Commit(bg, 7); err != nil {
				t.Fatal(err)
			}
		}
		writeIDs(t, alloc, w, 3) // epoch 8, never checkpointed
		if err := w.flush(); err != nil {
			t.Fatal(err)
		}
		// Crash: the writer is dropped without Close or Abort.
		w.tmp.Close()
		if n := len(hidden(t, out)); n != 1+btoi(!committed) {
			t.Fatalf("%d in-progress files before recovery", n)
		}

		want := map[string]string{"part-00000000000000000007-0003.json": jsonOf(1, 2)}
		for run := 0; run < 2; run++ { // Recover itself may be retried
			s2 := epochSink(t, dir, "out")
			if err := s2.Recover(bg, 7, [][]byte{desc}, 2); err != nil {
				t.Fatalf("committed %v run %d: %v", committed, run, err)
			}
			sameFiles(t, visible(t, out), want)
			if h := hidden(t, out); len(h) != 0 {
				t.Fatalf("in-progress files left after Recover: %v", h)
			}
		}
		// The new run's writer commits later epochs beside it.
		s3 := epochSink(t, dir, "out")
		w3 := epochWriterOf(t, s3, 0, 1)
		writeIDs(t, alloc, w3, 3)
		if _, err := w3.PreCommit(bg, 8); err != nil {
			t.Fatal(err)
		}
		if err := w3.Commit(bg, 8); err != nil {
			t.Fatal(err)
		}
		w3.Close(bg)
		want["part-00000000000000000008-0000.json"] = jsonOf(3)
		sameFiles(t, visible(t, out), want)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEpochSinkCrashMidEpoch crashes with rows written since the last
// checkpoint and a file prepared for a checkpoint that never completed:
// nothing of them becomes visible, and Recover removes their files.
func TestEpochSinkCrashMidEpoch(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	s := epochSink(t, dir, "out")
	out := filepath.Join(dir, "out")
	a, b := epochWriterOf(t, s, 0, 2), epochWriterOf(t, s, 1, 2)
	writeIDs(t, alloc, a, 1)
	descA, err := a.PreCommit(bg, 4) // checkpoint 4 completes
	if err != nil {
		t.Fatal(err)
	}
	writeIDs(t, alloc, a, 2)
	if _, err := a.PreCommit(bg, 5); err != nil { // checkpoint 5 does not
		t.Fatal(err)
	}
	writeIDs(t, alloc, a, 3) // in progress
	writeIDs(t, alloc, b, 4) // b never reached a barrier
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	a.tmp.Close()
	b.tmp.Close()
	if v := visible(t, out); len(v) != 0 {
		t.Fatalf("visible before any commit: %v", v)
	}

	s2 := epochSink(t, dir, "out")
	if err := s2.Recover(bg, 4, [][]byte{descA}, 2); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, visible(t, out), map[string]string{"part-00000000000000000004-0000.json": jsonOf(1)})
	if h := hidden(t, out); len(h) != 0 {
		t.Fatalf("in-progress files left: %v", h)
	}

	// A fresh start (no checkpoint) removes in-progress files too, and
	// keeps files that are not the sink's.
	write(t, filepath.Join(out, ".part-0000-x.inprogress"), "stale\n")
	write(t, filepath.Join(out, "notes.txt"), "mine\n")
	if err := epochSink(t, dir, "out").Recover(bg, 0, nil, 1); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, visible(t, out), map[string]string{"part-00000000000000000004-0000.json": jsonOf(1), "notes.txt": "mine\n"})
	if h := hidden(t, out); len(h) != 0 {
		t.Fatalf("in-progress files left: %v", h)
	}
}

func TestEpochSinkAbortKeepsPrepared(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	s := epochSink(t, dir, "out")
	out := filepath.Join(dir, "out")
	w := epochWriterOf(t, s, 0, 1)
	writeIDs(t, alloc, w, 1)
	desc, err := w.PreCommit(bg, 1)
	if err != nil {
		t.Fatal(err)
	}
	writeIDs(t, alloc, w, 2)
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if h := hidden(t, out); len(h) != 1 {
		t.Fatalf("after Abort: in-progress files %v, want the prepared one", h)
	}
	// Checkpoint 1 had completed: recovery commits it.
	if err := epochSink(t, dir, "out").Recover(bg, 1, [][]byte{desc}, 1); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, visible(t, out), map[string]string{"part-00000000000000000001-0000.json": jsonOf(1)})
}

// TestEpochSinkConcurrentCommit commits on another goroutine while the
// writer writes and prepares later epochs (run with -race).
func TestEpochSinkConcurrentCommit(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	s := epochSink(t, dir, "out")
	out := filepath.Join(dir, "out")
	w := epochWriterOf(t, s, 0, 1)
	commits := make(chan uint64, 100)
	var wg sync.WaitGroup
	var commitErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for e := range commits {
			if err := w.Commit(bg, e); err != nil && commitErr == nil {
				commitErr = err
			}
		}
	}()
	want := map[string]string{}
	id := 0
	for e := uint64(1); e <= 30; e++ {
		var ids []int
		for k := 0; k < int(e%4); k++ {
			id++
			ids = append(ids, id)
			writeIDs(t, alloc, w, id)
		}
		d, err := w.PreCommit(bg, e)
		if err != nil {
			t.Fatal(err)
		}
		if (d != nil) != (len(ids) > 0) {
			t.Fatalf("epoch %d: description %q for %d rows", e, d, len(ids))
		}
		if len(ids) > 0 {
			want[partName(e, 0)] = jsonOf(ids...)
		}
		commits <- e
	}
	close(commits)
	wg.Wait()
	if commitErr != nil {
		t.Fatal(commitErr)
	}
	if err := w.Close(bg); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, visible(t, out), want)
}

func TestEpochSinkErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "file.json"), "x\n")
	_, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: map[string]string{"path": "file.json"}, Dir: dir, Checkpointing: true})
	var oe *connectors.OptionError
	if !errors.As(err, &oe) || oe.Key != "path" || !strings.Contains(oe.Msg, "is a file") {
		t.Fatalf("a file at 'path': got %v", err)
	}
	// An existing directory is fine with checkpointing (and still an
	// error without).
	if _, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: map[string]string{"path": "."}, Dir: dir, Checkpointing: true}); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []map[string]string{{"path": "d", "format": "csv"}, {"path": "d", "bad-data": "drop"}, {}} {
		_, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: opts, Dir: dir, Checkpointing: true})
		if !errors.As(err, &oe) {
			t.Fatalf("%v: got %v", opts, err)
		}
	}

	s := epochSink(t, dir, "out")
	if _, err := s.Writer(2, 2); err == nil {
		t.Fatal("writer 2 of 2 accepted")
	}
	good, err := os.ReadFile(filepath.Join(dir, "file.json")) // any bytes
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{
		string(good),
		`{"tmp":"../../etc/x.inprogress","final":"part-00000000000000000001-0000.json"}`,
		`{"tmp":".part-0000-1/.inprogress","final":"part-00000000000000000001-0000.json"}`,
		`{"tmp":".part-0000-1.inprogress","final":"../part-00000000000000000001-0000.json"}`,
		`{"tmp":".part-0000-1.inprogress","final":"part-1-0.json"}`,
		`{"tmp":".part-0000-1.inprogress","final":"part-00000000000000000001-0000.json","x":1}`,
		`{"tmp":".part-0000-1.inprogress","final":"part-00000000000000000001-0000.json"} {}`,
	} {
		err := s.Recover(bg, 1, [][]byte{[]byte(d)}, 1)
		if err == nil || !strings.Contains(err.Error(), "corrupt transaction") {
			t.Fatalf("description %s: got %v", d, err)
		}
	}
	// A well-formed description whose files are both gone is an error,
	// not a silent loss.
	err = s.Recover(bg, 1, [][]byte{[]byte(`{"tmp":".part-0000-1.inprogress","final":"part-00000000000000000001-0000.json"}`)}, 1)
	if err == nil || !strings.Contains(err.Error(), "the in-progress file is gone") {
		t.Fatalf("lost transaction: got %v", err)
	}
	// Committing over an existing part (a reused epoch) is refused.
	out := filepath.Join(dir, "out")
	write(t, filepath.Join(out, ".part-0000-2.inprogress"), "new\n")
	write(t, filepath.Join(out, "part-00000000000000000001-0000.json"), "old\n")
	err = commitTxn(out, txn{Tmp: ".part-0000-2.inprogress", Final: "part-00000000000000000001-0000.json"})
	if err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Fatalf("commit over an existing part: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "part-00000000000000000001-0000.json")); string(b) != "old\n" {
		t.Fatalf("existing part replaced: %q", b)
	}
	// Recover on a one-file sink is a mistake.
	one, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: map[string]string{"path": "x.json"}, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := one.(*Sink).Recover(bg, 1, nil, 1); err == nil {
		t.Fatal("Recover without checkpointing succeeded")
	}
}
