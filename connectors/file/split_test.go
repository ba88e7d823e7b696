package file

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weir-stream/weir/connectors"
)

// TestAssignSplitsCover checks that the splits of all subtasks cover
// every file once, in contiguous pieces, in subtask order, and that no
// piece is under minSplit bytes unless its file is.
func TestAssignSplitsCover(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 300; iter++ {
		files := make([]inputFile, 1+rng.IntN(6))
		for i := range files {
			files[i] = inputFile{path: fmt.Sprint(i), size: int64(rng.IntN(5000))}
			if rng.IntN(5) == 0 {
				files[i].size = 0
			}
		}
		minSplit := int64(1 + rng.IntN(800))
		for n := 1; n <= 9; n++ {
			type piece struct {
				split
				subtask int
			}
			var all []piece
			for s := 0; s < n; s++ {
				for _, sp := range assignSplits(files, s, n, minSplit) {
					all = append(all, piece{sp, s})
				}
			}
			k := 0
			for _, f := range files {
				var at int64
				for {
					if k >= len(all) || all[k].file.path != f.path {
						t.Fatalf("iter %d n=%d: file %s (size %d) not covered to its end (at %d)", iter, n, f.path, f.size, at)
					}
					p := all[k]
					k++
					if p.start != at {
						t.Fatalf("iter %d n=%d: file %s: piece starts at %d, want %d", iter, n, f.path, p.start, at)
					}
					if k > 1 && all[k-2].subtask > p.subtask {
						t.Fatalf("iter %d n=%d: pieces out of subtask order", iter, n)
					}
					if p.end < 0 {
						if p.start > 0 && f.size-p.start < minSplit {
							t.Fatalf("iter %d n=%d: last piece of %d bytes under minSplit %d", iter, n, f.size-p.start, minSplit)
						}
						break
					}
					if p.end-p.start < minSplit {
						t.Fatalf("iter %d n=%d: piece [%d,%d) under minSplit %d", iter, n, p.start, p.end, minSplit)
					}
					at = p.end
				}
			}
			if k != len(all) {
				t.Fatalf("iter %d n=%d: %d extra pieces", iter, n, len(all)-k)
			}
			if n == 1 && len(all) != len(files) {
				t.Fatalf("parallelism 1 split files")
			}
		}
	}
}

func TestAssignSplitsBalancesOneLargeFile(t *testing.T) {
	files := []inputFile{{path: "big", size: 100 << 20}}
	for n := 1; n <= 8; n++ {
		for s := 0; s < n; s++ {
			sp := assignSplits(files, s, n, minSplitBytes)
			if len(sp) != 1 {
				t.Fatalf("n=%d subtask %d: %d splits", n, s, len(sp))
			}
			end := sp[0].end
			if end < 0 {
				end = files[0].size
			}
			if size := end - sp[0].start; size < files[0].size/int64(n)-1 || size > files[0].size/int64(n)+1 {
				t.Fatalf("n=%d subtask %d: split of %d bytes", n, s, size)
			}
		}
	}
	small := []inputFile{{path: "small", size: minSplitBytes - 1}}
	if got := assignSplits(small, 0, 4, minSplitBytes); len(got) != 1 || got[0].end != -1 {
		t.Fatalf("a small file was split: %+v", got)
	}
	if m := maxSplits(append(small, files...), minSplitBytes); m != 101 {
		t.Fatalf("max splits %d, want 101", m)
	}
}

// randomLines builds a JSON-lines file: records with unique ids and
// names of random length (some longer than a split), empty and blank
// lines, CRLF ends, and sometimes a BOM or no final newline. It returns
// the content and the number of records.
func randomLines(rng *rand.Rand, lines, maxName int, id *int) (string, int) {
	var b strings.Builder
	if rng.IntN(3) == 0 {
		b.WriteString("\xEF\xBB\xBF")
	}
	recs := 0
	for i := 0; i < lines; i++ {
		switch rng.IntN(8) {
		case 0:
			// an empty line
		case 1:
			b.WriteString(" \t ")
		default:
			*id++
			recs++
			fmt.Fprintf(&b, `{"id":%d,"name":"%s"}`, *id, strings.Repeat(string(rune('a'+rng.IntN(26))), rng.IntN(maxName)))
		}
		if i == lines-1 && rng.IntN(2) == 0 {
			break // no final newline
		}
		if rng.IntN(4) == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String(), recs
}

// splitSource opens a file source with small splits so that small test
// files are shared by subtasks.
func (e *env) splitSource(t *testing.T, dir string, opts map[string]string, cols []int, batch int, minSplit int64) *Source {
	t.Helper()
	src, err := e.source(t, dir, opts, cols, batch)
	if err != nil {
		t.Fatal(err)
	}
	s := src.(*Source)
	s.minSplit = minSplit
	return s
}

func TestSourceSplitsReadEveryLineOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 40; iter++ {
		dir := t.TempDir()
		path := "in.jsonl"
		nfiles := 1
		if iter%3 == 2 {
			path, nfiles = "in", 1+rng.IntN(4)
		}
		id, recs, size := 0, 0, 0
		for f := 0; f < nfiles; f++ {
			content, n := randomLines(rng, rng.IntN(60), 1+rng.IntN(300), &id)
			name := filepath.Join(dir, path)
			if nfiles > 1 || path == "in" {
				name = filepath.Join(dir, path, fmt.Sprintf("part-%d.jsonl", f))
			}
			write(t, name, content)
			recs += n
			size += len(content)
		}
		minSplit := int64(1 + rng.IntN(200))
		batch := 1 + rng.IntN(5)
		var want string
		for n := 1; n <= 7; n++ {
			e := newEnv(t)
			src := e.splitSource(t, dir, map[string]string{"path": path}, nil, batch, minSplit)
			got, err := readAll(t, src, n, batch)
			if err != nil {
				t.Fatalf("iter %d n=%d: %v", iter, n, err)
			}
			joined := strings.Join(got, "")
			if n == 1 {
				want = joined
				if c := strings.Count(want, "\n"); c != recs {
					t.Fatalf("iter %d: sequential read %d rows, want %d", iter, c, recs)
				}
			} else if joined != want {
				t.Fatalf("iter %d n=%d (min split %d): rows differ from the sequential read\ngot  %q\nwant %q", iter, n, minSplit, joined, want)
			}
			if e.stats.Records.Load() != int64(recs) || e.stats.Bytes.Load() != int64(size) {
				t.Fatalf("iter %d n=%d: stats records=%d bytes=%d, want %d and %d", iter, n, e.stats.Records.Load(), e.stats.Bytes.Load(), recs, size)
			}
		}
	}
}

// TestSourceSplitsLongLines has lines longer than the read buffer, so
// splits start inside lines that span several buffer fills.
func TestSourceSplitsLongLines(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 7; i++ {
		size := 10
		if i%2 == 0 {
			size = readBufferSize + 1000*i
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"%s"}`+"\n", i, strings.Repeat("x", size))
	}
	write(t, filepath.Join(dir, "in.jsonl"), b.String())
	for n := 1; n <= 7; n++ {
		e := newEnv(t)
		src := e.splitSource(t, dir, map[string]string{"path": "in.jsonl"}, []int{0}, 2, 1000)
		got, err := readAll(t, src, n, 2)
		if err != nil {
			t.Fatal(err)
		}
		if j := strings.Join(got, ""); j != "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n{\"id\":6}\n{\"id\":7}\n" {
			t.Fatalf("n=%d: got %s", n, j)
		}
	}
}

func TestSourceSplitErrorLineNumber(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 200; i++ {
		switch i {
		case 150:
			b.WriteString(`{"id":"bad"}` + "\r\n")
		case 40, 41:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, `{"id":%d}`+"\r\n", i)
		}
	}
	write(t, filepath.Join(dir, "in.jsonl"), b.String())
	for n := 1; n <= 7; n++ {
		e := newEnv(t)
		src := e.splitSource(t, dir, map[string]string{"path": "in.jsonl"}, nil, 4, 100)
		got, err := readAll(t, src, n, 4)
		want := `in.jsonl:150: field 'id': expected BIGINT, got "bad"`
		if err == nil || err.Error() != want {
			t.Fatalf("n=%d: got %v, want %s", n, err, want)
		}
		if n > 1 && got[0] == "" {
			t.Fatalf("n=%d: the bad line was in the first split", n)
		}
	}
}

func TestSourceSplitOversizedLine(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		if i == 90 {
			fmt.Fprintf(&b, `{"name":"%s"}`+"\n", strings.Repeat("z", 500))
			continue
		}
		fmt.Fprintf(&b, `{"id":%d}`+"\n", i)
	}
	write(t, filepath.Join(dir, "in.jsonl"), b.String())
	for n := 1; n <= 7; n++ {
		e := newEnv(t)
		src := e.splitSource(t, dir, map[string]string{"path": "in.jsonl", "json.max-line-bytes": "200"}, nil, 4, 50)
		_, err := readAll(t, src, n, 4)
		want := "in.jsonl:90: line is over the limit of 200 bytes ('json.max-line-bytes')"
		if err == nil || err.Error() != want {
			t.Fatalf("n=%d: got %v, want %s", n, err, want)
		}
	}
}

func TestSourceSplitDropCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	var b strings.Builder
	bad, good := 0, 0
	var badLines []int
	for i := 1; i <= 400; i++ {
		switch rng.IntN(10) {
		case 0:
			b.WriteString(`{"id":"x"}`)
			bad++
			badLines = append(badLines, i)
		case 1:
			b.WriteString(`{"name":"` + strings.Repeat("w", 150) + `"}`) // over the limit
			bad++
			badLines = append(badLines, i)
		case 2:
			b.WriteString("{\"id\":") // truncated JSON
			bad++
			badLines = append(badLines, i)
		default:
			fmt.Fprintf(&b, `{"id":%d}`, i)
			good++
		}
		b.WriteString("\n")
	}
	write(t, filepath.Join(dir, "in.jsonl"), b.String())
	var want string
	for n := 1; n <= 7; n++ {
		e := newEnv(t)
		src := e.splitSource(t, dir, map[string]string{"path": "in.jsonl", "bad-data": "drop", "json.max-line-bytes": "100"}, nil, 7, 200)
		got, err := readAll(t, src, n, 7)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		joined := strings.Join(got, "")
		if n == 1 {
			want = joined
		} else if joined != want {
			t.Fatalf("n=%d: rows differ from the sequential read", n)
		}
		if d, r := e.stats.Dropped.Load(), e.stats.Records.Load(); d != int64(bad) || r != int64(good) {
			t.Fatalf("n=%d: dropped %d records %d, want %d and %d", n, d, r, bad, good)
		}
		// Every logged line number is a bad line's, and each reader logs
		// its first bad lines.
		logs := e.logs.String()
		logged := 0
		for _, l := range badLines {
			if strings.Contains(logs, fmt.Sprintf("in.jsonl:%d: ", l)) {
				logged++
			}
		}
		if logged != strings.Count(logs, "dropped a bad record") || logged < min(bad, loggedBadLines) {
			t.Fatalf("n=%d: %d of %d logged drops name a bad line:\n%s", n, logged, strings.Count(logs, "dropped a bad record"), logs)
		}
		if n == 1 && logged != loggedBadLines {
			t.Fatalf("one reader logged %d drops", logged)
		}
	}
}

var _ connectors.Source = (*Source)(nil)
