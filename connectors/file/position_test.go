package file

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// readFrom opens a reader of src for subtask of parallelism, restores it
// to pos (unless nil) and reads at most limit records (all if limit <
// 0). It returns the rows as JSON lines, the position after Open and
// after each Read, and the Read error (io.EOF at the end; nil when it
// stopped at limit).
func readFrom(t *testing.T, src connectors.Source, subtask, parallelism int, pos []byte, limit int) (string, [][]byte, error) {
	t.Helper()
	r, err := src.Reader(subtask, parallelism)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := r.(connectors.Positioner)
	if pos != nil {
		if err := p.Restore(pos); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	enc, err := jsonformat.NewEncoder(src.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	position := func() []byte {
		b, err := p.Position()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	positions := [][]byte{position()}
	for n := 0; limit < 0 || n < limit; n++ {
		rec, err := r.Read(context.Background())
		if err != nil {
			if err == io.EOF {
				positions = append(positions, position())
			}
			return buf.String(), positions, err
		}
		if err := enc.Encode(&buf, rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		positions = append(positions, position())
	}
	return buf.String(), positions, nil
}

// TestSourceRestoreContinuesExactly stops readers of random files,
// splits and batch sizes at random records and restores new readers to
// their last position: the rows before and after are the rows of a
// straight read, in order, each once.
func TestSourceRestoreContinuesExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 20; iter++ {
		dir := t.TempDir()
		path, nfiles := "in.jsonl", 1
		if iter%2 == 1 {
			path, nfiles = "in", 2+rng.IntN(3)
		}
		id := 0
		for f := 0; f < nfiles; f++ {
			content, _ := randomLines(rng, 20+rng.IntN(60), 1+rng.IntN(120), &id)
			name := filepath.Join(dir, path)
			if path == "in" {
				name = filepath.Join(dir, path, fmt.Sprintf("part-%d.jsonl", f))
			}
			write(t, name, content)
		}
		minSplit := int64(1 + rng.IntN(300))
		for _, par := range []int{1, 3} {
			batch := 1 + rng.IntN(6)
			e := newEnv(t)
			src := e.splitSource(t, dir, map[string]string{"path": path}, nil, batch, minSplit)
			for sub := 0; sub < par; sub++ {
				want, positions, err := readFrom(t, src, sub, par, nil, -1)
				if err != io.EOF {
					t.Fatalf("iter %d: %v", iter, err)
				}
				// Stop after every possible record count, including 0
				// (a position taken right after Open) and the end.
				for stop := 0; stop < len(positions); stop++ {
					before, pos, err := readFrom(t, src, sub, par, nil, stop)
					if err != nil && err != io.EOF {
						t.Fatal(err)
					}
					last := pos[len(pos)-1]
					if !bytes.Equal(last, positions[stop]) {
						t.Fatalf("iter %d: position after %d reads differs between runs", iter, stop)
					}
					// The restored run uses another batch size and source.
					e2 := newEnv(t)
					src2 := e2.splitSource(t, dir, map[string]string{"path": path}, nil, 1+rng.IntN(6), minSplit)
					after, pos2, err := readFrom(t, src2, sub, par, last, -1)
					if err != io.EOF {
						t.Fatalf("iter %d: after restore: %v", iter, err)
					}
					if !bytes.Equal(pos2[0], last) {
						t.Fatalf("iter %d: a restored reader's position before reading is not the restored one", iter)
					}
					if before+after != want {
						t.Fatalf("iter %d parallelism %d subtask %d stop %d (min split %d): rows differ\nbefore %q\nafter  %q\nwant   %q",
							iter, par, sub, stop, minSplit, before, after, want)
					}
					if !bytes.Equal(pos2[len(pos2)-1], positions[len(positions)-1]) {
						t.Fatalf("iter %d: the end position differs after a restore", iter)
					}
				}
			}
		}
	}
}

// badLineFile writes 200 lines of which lines bad are invalid, with CRLF
// ends and some empty lines, and returns the file's content.
func badLineFile(t *testing.T, path string, bad []int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= 200; i++ {
		switch {
		case slices.Contains(bad, i):
			fmt.Fprintf(&b, `{"id":"bad%d"}`+"\r\n", i)
		case i%17 == 0:
			b.WriteString("\r\n")
		default:
			fmt.Fprintf(&b, `{"id":%d}`+"\r\n", i)
		}
	}
	write(t, path, b.String())
	return b.String()
}

var loggedLine = regexp.MustCompile(`in\.jsonl:(\d+): field 'id': expected BIGINT, got \\"bad(\d+)\\"`)

// TestSourceRestoreLineNumbers checks that bad lines read after a
// restore are reported with their exact line numbers, both when the
// position carries the line number (counted before, for a dropped line)
// and when it must be counted afresh.
func TestSourceRestoreLineNumbers(t *testing.T) {
	dir := t.TempDir()
	bad := []int{30, 61, 99, 140, 177}
	badLineFile(t, filepath.Join(dir, "in.jsonl"), bad)
	drop := map[string]string{"path": "in.jsonl", "bad-data": "drop"}
	fail := map[string]string{"path": "in.jsonl"}
	for par := 1; par <= 4; par++ {
		for sub := 0; sub < par; sub++ {
			// A straight run in drop mode gives the subtask's bad lines
			// (each reader logs its first five) and a position after
			// every record.
			e := newEnv(t)
			src := e.splitSource(t, dir, drop, nil, 3, 200)
			_, positions, err := readFrom(t, src, sub, par, nil, -1)
			if err != io.EOF {
				t.Fatal(err)
			}
			var mine []int
			for _, m := range loggedLine.FindAllStringSubmatch(e.logs.String(), -1) {
				if m[1] != m[2] {
					t.Fatalf("bad line %s logged as line %s", m[2], m[1])
				}
				n, _ := strconv.Atoi(m[1])
				mine = append(mine, n)
			}
			for stop, pos := range positions {
				// The drop run's dropped count after stop records tells
				// which bad line comes next.
				e1 := newEnv(t)
				src1 := e1.splitSource(t, dir, drop, nil, 3, 200)
				if _, _, err := readFrom(t, src1, sub, par, nil, stop); err != nil && err != io.EOF {
					t.Fatal(err)
				}
				next := int(e1.stats.Dropped.Load())

				// Fail mode from the same position stops at that line.
				e2 := newEnv(t)
				src2 := e2.splitSource(t, dir, fail, nil, 2, 200)
				_, _, err := readFrom(t, src2, sub, par, pos, -1)
				if next < len(mine) {
					want := fmt.Sprintf(`in.jsonl:%d: field 'id': expected BIGINT, got "bad%d"`, mine[next], mine[next])
					if err == nil || err.Error() != want {
						t.Fatalf("parallelism %d subtask %d stop %d: got %v, want %s", par, sub, stop, err, want)
					}
				} else if err != io.EOF {
					t.Fatalf("parallelism %d subtask %d stop %d: %v", par, sub, stop, err)
				}

				// Drop mode from the same position logs the rest, right.
				e3 := newEnv(t)
				src3 := e3.splitSource(t, dir, drop, nil, 5, 200)
				if _, _, err := readFrom(t, src3, sub, par, pos, -1); err != io.EOF {
					t.Fatal(err)
				}
				var rest []int
				for _, m := range loggedLine.FindAllStringSubmatch(e3.logs.String(), -1) {
					if m[1] != m[2] {
						t.Fatalf("after restore: bad line %s logged as line %s", m[2], m[1])
					}
					n, _ := strconv.Atoi(m[1])
					rest = append(rest, n)
				}
				if !slices.Equal(rest, mine[next:]) {
					t.Fatalf("parallelism %d subtask %d stop %d: logged %v after restore, want %v", par, sub, stop, rest, mine[next:])
				}
			}
		}
	}
}

func TestSourceRestoreChangedFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "in", "a.jsonl")
	b := filepath.Join(dir, "in", "b.jsonl")
	write(t, a, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")
	write(t, b, "{\"id\":4}\n{\"id\":5}\n")
	e := newEnv(t)
	opts := map[string]string{"path": "in"}
	src := e.splitSource(t, dir, opts, nil, 1, 1<<20)
	_, positions, err := readFrom(t, src, 0, 1, nil, 1) // inside a.jsonl
	if err != nil {
		t.Fatal(err)
	}
	pos := positions[len(positions)-1]
	restore := func(subtask, parallelism int, pos []byte) error {
		t.Helper()
		e := newEnv(t)
		src := e.splitSource(t, dir, opts, nil, 1, 1<<20)
		r, err := src.Reader(subtask, parallelism)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		return r.(connectors.Positioner).Restore(pos)
	}
	if err := restore(0, 1, pos); err != nil {
		t.Fatal(err)
	}
	if err := restore(1, 2, pos); err == nil || !strings.Contains(err.Error(), "subtask 0 of 1's, not subtask 1 of 2's") {
		t.Fatalf("restore with another parallelism: %v", err)
	}

	// Another file is added: the plan changed.
	write(t, filepath.Join(dir, "in", "c.jsonl"), "{\"id\":6}\n")
	if err := restore(0, 1, pos); err == nil || !strings.Contains(err.Error(), "the input files changed since the checkpoint") {
		t.Fatalf("restore after adding a file: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "in", "c.jsonl")); err != nil {
		t.Fatal(err)
	}

	// The current file is rewritten with the same size.
	old, _ := os.Stat(a)
	write(t, a, "{\"id\":7}\n{\"id\":8}\n{\"id\":9}\n")
	later := old.ModTime().Add(3 * time.Second)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("file source 't': file %s changed since the checkpoint (modified %s, was %s)",
		filepath.Join("in", "a.jsonl"), later.UTC().Format(time.RFC3339Nano), old.ModTime().UTC().Format(time.RFC3339Nano))
	if err := restore(0, 1, pos); err == nil || err.Error() != want {
		t.Fatalf("restore after a rewrite: got %v, want %s", err, want)
	}

	// It grows.
	write(t, a, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":10}\n")
	want = fmt.Sprintf("file source 't': file %s changed since the checkpoint (size 37, was 27)", filepath.Join("in", "a.jsonl"))
	if err := restore(0, 1, pos); err == nil || err.Error() != want {
		t.Fatalf("restore after an append: got %v, want %s", err, want)
	}

	// It is gone.
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	if err := restore(0, 1, pos); err == nil || !strings.Contains(err.Error(), "file in/a.jsonl, read when the checkpoint was taken, is no longer an input file") {
		t.Fatalf("restore after a removal: %v", err)
	}
}

func TestSourceRestoreCorruptPosition(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "in.jsonl"), "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")
	e := newEnv(t)
	src := e.splitSource(t, dir, map[string]string{"path": "in.jsonl"}, nil, 1, 1<<20)
	_, positions, err := readFrom(t, src, 0, 1, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	good := positions[len(positions)-1]
	restore := func(pos []byte) error {
		r, err := src.Reader(0, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		return r.(connectors.Positioner).Restore(pos)
	}
	if err := restore(good); err != nil {
		t.Fatal(err)
	}
	var bad [][]byte
	for n := 0; n < len(good); n++ {
		bad = append(bad, good[:n]) // every truncation
	}
	bad = append(bad, append(slices.Clone(good), 0), []byte("garbage"), nil)
	// An offset beyond the file: re-encode with the offset changed.
	p, err := decodePosition(good)
	if err != nil {
		t.Fatal(err)
	}
	p.offset = 1000
	bad = append(bad, p.encode())
	p.offset, p.split = -1, 5 // a split past the end
	bad = append(bad, p.encode())
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 2000; i++ {
		b := slices.Clone(good)
		for k := 1 + rng.IntN(3); k > 0; k-- {
			b[rng.IntN(len(b))] = byte(rng.Uint32())
		}
		if err := restore(b); err != nil && !strings.Contains(err.Error(), "file source 't'") {
			t.Fatalf("random corruption: unclear error %v", err)
		}
	}
	for _, b := range bad {
		if err := restore(b); err == nil || !strings.HasPrefix(err.Error(), "file source 't': ") {
			t.Fatalf("position %q: got %v", b, err)
		}
	}

	// Restore after reading started is refused.
	r, err := src.Reader(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if err := r.(connectors.Positioner).Restore(good); err == nil {
		t.Fatal("Restore after Read succeeded")
	}
}
