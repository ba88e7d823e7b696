package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	gojson "github.com/goccy/go-json"
	"golang.org/x/tools/txtar"

	"github.com/weir-stream/weir/engine"
)

// A golden test is a txtar archive in testdata/golden:
//
//	-- query.sql --          the SQL file, run exactly as `weir run` would
//	-- NAME --               input files, written next to query.sql
//	-- want/NAME --          expected rows (JSON lines) of the file sink NAME
//	-- want/stdout --        expected rows of bare SELECTs
//	-- error --              or: the exact compile error (FILE:LINE:COL: msg)
//	-- runtime-error --      or: text the run's error must contain
//	-- dropped --            bad records the sources skipped, in total
//	-- late --               rows window operators dropped as late, in total
//
// Rows compare as multisets of JSON objects; every archive runs with batch
// size 1 and the default, at parallelism 1 and 4, and all must agree.
func TestGolden(t *testing.T) {
	forEachGolden(t, "*.txtar", func(t *testing.T, ar *txtar.Archive) {
		for _, batch := range []int{1, engine.DefaultBatchSize} {
			for _, par := range []int{1, 4} {
				t.Run(fmt.Sprintf("batch%d_par%d", batch, par), func(t *testing.T) {
					runGolden(t, ar, batch, par, engine.StateConfig{})
				})
			}
		}
	})
}

// TestGoldenWindowsBadgerBackend runs every windowed golden query with
// its window state in Badger, keeping at most 1 entry per subtask in
// memory (so partials go to disk and come back nearly every batch): the
// rows must be the golden ones, state must have gone to disk, and the
// working directory must be gone after the run.
func TestGoldenWindowsBadgerBackend(t *testing.T) {
	forEachGolden(t, "window_*.txtar", func(t *testing.T, ar *txtar.Archive) {
		for _, batch := range []int{1, engine.DefaultBatchSize} {
			for _, par := range []int{1, 4} {
				t.Run(fmt.Sprintf("batch%d_par%d", batch, par), func(t *testing.T) {
					work := t.TempDir()
					job := runGolden(t, ar, batch, par, engine.StateConfig{Backend: engine.BackendBadger, Dir: work, ResidentEntries: 1})
					if left, _ := os.ReadDir(work); len(left) != 0 {
						t.Errorf("the run left %d files in the state backend's directory", len(left))
					}
					if job == nil {
						return // an error case
					}
					var written int64
					for _, m := range job.Metrics() {
						written += m.StateWrittenOut
					}
					if written == 0 {
						t.Error("no window state went to disk")
					}
				})
			}
		}
	})
}

// forEachGolden runs fn, as a parallel subtest named after the archive,
// on every archive in testdata/golden matching pattern.
func forEachGolden(t *testing.T, pattern string, fn func(t *testing.T, ar *txtar.Archive)) {
	files, err := filepath.Glob(filepath.Join("testdata/golden", pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden tests match %s", pattern)
	}
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			t.Parallel()
			fn(t, ar)
		})
	}
}

// golden is an archive unpacked: its sections, with the input files
// written into a directory.
type golden struct {
	query                                      []byte
	want                                       map[string]string
	wantErr, wantRunErr, wantDropped, wantLate string
	hasErr, hasRunErr                          bool
}

// loadGolden reads ar's sections and writes its input files into dir.
func loadGolden(t *testing.T, ar *txtar.Archive, dir string) golden {
	t.Helper()
	g := golden{want: map[string]string{}}
	for _, f := range ar.Files {
		switch {
		case f.Name == "query.sql":
			g.query = f.Data
		case f.Name == "error":
			g.wantErr, g.hasErr = strings.TrimSpace(string(f.Data)), true
		case f.Name == "dropped":
			g.wantDropped = strings.TrimSpace(string(f.Data))
		case f.Name == "late":
			g.wantLate = strings.TrimSpace(string(f.Data))
		case f.Name == "runtime-error":
			g.wantRunErr, g.hasRunErr = strings.TrimSpace(string(f.Data)), true
		case strings.HasPrefix(f.Name, "want/"):
			g.want[strings.TrimPrefix(f.Name, "want/")] = string(f.Data)
		default:
			p := filepath.Join(dir, f.Name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if g.query == nil {
		t.Fatal("archive has no query.sql")
	}
	return g
}

// runGolden runs an archive and checks its output; it returns the job
// when it ran to completion.
func runGolden(t *testing.T, ar *txtar.Archive, batch, par int, st engine.StateConfig) *engine.Job {
	dir := t.TempDir()
	g := loadGolden(t, ar, dir)
	query, want := g.query, g.want
	wantErr, wantRunErr, wantDropped, wantLate := g.wantErr, g.wantRunErr, g.wantDropped, g.wantLate
	hasErr, hasRunErr := g.hasErr, g.hasRunErr
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	var stdout bytes.Buffer
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := engine.Config{Parallelism: par, BatchSize: batch, Dir: dir, Stdout: &stdout, Alloc: alloc, Logger: quiet, State: st}
	job, err := engine.Compile("query.sql", query, cfg)
	if hasErr {
		if err == nil {
			t.Fatalf("compiled; want error %q", wantErr)
		}
		if got := strings.TrimSpace(err.Error()); got != wantErr {
			t.Fatalf("error:\n got: %s\nwant: %s", got, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	err = job.Run(context.Background())
	if hasRunErr {
		if err == nil {
			t.Fatalf("ran; want error containing %q", wantRunErr)
		}
		if !strings.Contains(err.Error(), wantRunErr) {
			t.Fatalf("error:\n got: %s\nwant it to contain: %s", err, wantRunErr)
		}
		for name := range want {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil && name != "stdout" {
				t.Errorf("failed run left sink file %s behind", name)
			}
		}
		return nil
	}
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(want) == 0 {
		t.Fatal("archive has no want/ section, error or runtime-error")
	}
	if wantDropped != "" {
		var dropped int64
		for _, m := range job.Metrics() {
			dropped += m.Dropped
		}
		if fmt.Sprint(dropped) != wantDropped {
			t.Errorf("dropped %d bad records, want %s", dropped, wantDropped)
		}
	}
	if wantLate != "" {
		var late int64
		for _, m := range job.Metrics() {
			late += m.LateRows
		}
		if fmt.Sprint(late) != wantLate {
			t.Errorf("%d rows counted late, want %s", late, wantLate)
		}
	}
	for name, w := range want {
		var got string
		if name == "stdout" {
			got = stdout.String()
		} else {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("sink output: %v", err)
			}
			got = string(data)
		}
		compareRows(t, name, got, w)
	}
	return job
}

// compareRows compares two JSON-lines texts as multisets of rows.
func compareRows(t *testing.T, name, got, want string) {
	t.Helper()
	g, err := normalizeRows(got)
	if err != nil {
		t.Fatalf("%s: output is not JSON lines: %v\n%s", name, err, got)
	}
	w, err := normalizeRows(want)
	if err != nil {
		t.Fatalf("%s: expected rows are not JSON lines: %v", name, err)
	}
	if strings.Join(g, "\n") == strings.Join(w, "\n") {
		return
	}
	if len(g)+len(w) <= 40 {
		t.Fatalf("%s: rows differ\n got (%d):\n%s\nwant (%d):\n%s", name, len(g), strings.Join(g, "\n"), len(w), strings.Join(w, "\n"))
	}
	// Large outputs: report the rows only one side has, a few of each.
	count := map[string]int{}
	for _, r := range g {
		count[r]++
	}
	for _, r := range w {
		count[r]--
	}
	var extra, missing []string
	for r, c := range count {
		switch {
		case c > 0 && len(extra) < 5:
			extra = append(extra, r)
		case c < 0 && len(missing) < 5:
			missing = append(missing, r)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	t.Fatalf("%s: got %d rows, want %d\nunexpected (first 5):\n%s\nmissing (first 5):\n%s", name, len(g), len(w),
		strings.Join(extra, "\n"), strings.Join(missing, "\n"))
}

// normalizeRows re-renders each JSON line with sorted keys and sorts the
// lines; numbers keep their text (so 1.50 and 1.5 differ, as decimals do).
func normalizeRows(s string) ([]string, error) {
	var rows []string
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		dec := gojson.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		b, err := gojson.Marshal(m) // map keys are sorted
		if err != nil {
			return nil, err
		}
		rows = append(rows, string(b))
	}
	sort.Strings(rows)
	return rows, nil
}
