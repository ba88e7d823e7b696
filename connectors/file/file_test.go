package file

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

func schema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	}, nil)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type env struct {
	alloc *memory.CheckedAllocator
	stats *connectors.SourceStats
	logs  *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	e := &env{alloc: memory.NewCheckedAllocator(memory.NewGoAllocator()), stats: &connectors.SourceStats{}, logs: &bytes.Buffer{}}
	t.Cleanup(func() { e.alloc.AssertSize(t, 0) })
	return e
}

func (e *env) source(t *testing.T, dir string, opts map[string]string, cols []int, batch int) (connectors.Source, error) {
	t.Helper()
	return NewSource(connectors.SourceConfig{
		Table: "t", Schema: schema(), Columns: cols, Options: opts, Dir: dir, BatchSize: batch,
		Alloc: e.alloc, Stats: e.stats, Logger: slog.New(slog.NewTextHandler(e.logs, nil)),
	})
}

// readAll reads every subtask's share and returns the JSON lines of each
// subtask, and the first error.
func readAll(t *testing.T, src connectors.Source, parallelism, batch int) ([]string, error) {
	t.Helper()
	out := make([]string, parallelism)
	for s := 0; s < parallelism; s++ {
		r, err := src.Reader(s, parallelism)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		enc, err := jsonformat.NewEncoder(src.Schema())
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		for {
			rec, err := r.Read(context.Background())
			if err == io.EOF {
				break
			}
			if err != nil {
				r.Close()
				return out, err
			}
			if rec.NumRows() == 0 || rec.NumRows() > int64(batch) {
				t.Errorf("record of %d rows with batch size %d", rec.NumRows(), batch)
			}
			if err := enc.Encode(&buf, rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		out[s] = buf.String()
	}
	return out, nil
}

func TestSourceReadsFile(t *testing.T) {
	dir := t.TempDir()
	content := "\xEF\xBB\xBF{\"id\":1,\"name\":\"a\",\"ts\":\"2024-01-01 00:00:00.5\"}\r\n" +
		"\n" +
		"  \r\n" +
		"{\"id\":2,\"extra\":true}\n" +
		"{\"name\":\"c\",\"ts\":1000}" // no final newline
	write(t, filepath.Join(dir, "in.jsonl"), content)
	e := newEnv(t)
	src, err := e.source(t, dir, map[string]string{"connector": "file", "path": "in.jsonl", "format": "json"}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !src.Bounded() || src.MaxParallelism() != 1 {
		t.Fatal("a single file is bounded with max parallelism 1")
	}
	got, err := readAll(t, src, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":1,"name":"a","ts":"2024-01-01 00:00:00.500"}
{"id":2,"name":null,"ts":null}
{"id":null,"name":"c","ts":"1970-01-01 00:00:01.000"}
`
	if got[0] != want {
		t.Fatalf("got\n%s\nwant\n%s", got[0], want)
	}
	if e.stats.Records.Load() != 3 || e.stats.Bytes.Load() != int64(len(content)) || e.stats.Dropped.Load() != 0 {
		t.Fatalf("stats records=%d bytes=%d (want %d) dropped=%d", e.stats.Records.Load(), e.stats.Bytes.Load(), len(content), e.stats.Dropped.Load())
	}
}

func TestSourceProjection(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "in.jsonl"), `{"id":1,"name":"a","ts":"bad but not projected"}`+"\n")
	e := newEnv(t)
	src, err := e.source(t, dir, map[string]string{"path": "in.jsonl"}, []int{1, 0}, 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, src, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != `{"name":"a","id":1}`+"\n" {
		t.Fatalf("got %s", got[0])
	}
}

const badInput = `{"id":1}
{"id":"x"}
{"id":3
{"id":4}
not json
{"id":6}
` + "{\"name\":\"\xff\"}\n"

func TestSourceBadDataFail(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "data", "in.jsonl"), badInput)
	e := newEnv(t)
	src, err := e.source(t, dir, map[string]string{"path": "data/in.jsonl"}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, src, 1, 10)
	want := `data/in.jsonl:2: field 'id': expected BIGINT, got "x"`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	var fe *jsonformat.FieldError
	if !errors.As(err, &fe) || fe.Field != "id" {
		t.Fatalf("error does not wrap the FieldError: %v", err)
	}
}

func TestSourceBadDataDrop(t *testing.T) {
	dir := t.TempDir()
	long := `{"name":"` + strings.Repeat("y", 300) + `"}` + "\n"
	write(t, filepath.Join(dir, "in.jsonl"), badInput+long+`{"id":9}`+"\n")
	e := newEnv(t)
	src, err := e.source(t, dir, map[string]string{"path": "in.jsonl", "bad-data": "drop", "json.max-line-bytes": "100"}, []int{0}, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, src, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\"id\":1}\n{\"id\":4}\n{\"id\":6}\n{\"id\":9}\n"; got[0] != want {
		t.Fatalf("got\n%s", got[0])
	}
	if d := e.stats.Dropped.Load(); d != 5 {
		t.Fatalf("dropped %d, want 5", d)
	}
	logs := e.logs.String()
	for _, w := range []string{"level=WARN", "in.jsonl:2: field 'id'", "in.jsonl:3: invalid JSON", "in.jsonl:7: invalid UTF-8", "in.jsonl:8: line is over the limit of 100 bytes"} {
		if !strings.Contains(logs, w) {
			t.Errorf("logs lack %q:\n%s", w, logs)
		}
	}
}

func TestSourceDirectorySplit(t *testing.T) {
	dir := t.TempDir()
	var all []string
	for i, name := range []string{"b.json", "a.json", "c.json", "d.json", "e.json"} {
		line := `{"id":` + string(rune('0'+i)) + "}\n"
		write(t, filepath.Join(dir, "in", name), line)
		all = append(all, line)
	}
	write(t, filepath.Join(dir, "in", ".hidden.tmp"), "garbage\n")
	write(t, filepath.Join(dir, "in", "_SUCCESS"), "")
	if err := os.Mkdir(filepath.Join(dir, "in", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{1, 2, 3, 5} {
		e := newEnv(t)
		src, err := e.source(t, dir, map[string]string{"path": "in"}, []int{0}, 4)
		if err != nil {
			t.Fatal(err)
		}
		if src.MaxParallelism() != 5 {
			t.Fatalf("max parallelism %d", src.MaxParallelism())
		}
		got, err := readAll(t, src, p, 4)
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(got, "")
		for _, l := range all {
			if strings.Count(joined, l) != 1 {
				t.Fatalf("parallelism %d: %q read %d times", p, l, strings.Count(joined, l))
			}
		}
		if p == 1 && got[0] != "{\"id\":1}\n{\"id\":0}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n" {
			t.Fatalf("files not read in name order: %s", got[0])
		}
	}
}

func TestSourceOptionErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "in.jsonl"), "{}\n")
	cases := []struct {
		opts      map[string]string
		key, want string
	}{
		{map[string]string{"path": "missing.jsonl"}, "path", "no such file or directory"},
		{map[string]string{}, "path", "required"},
		{map[string]string{"path": "in.jsonl", "format": "csv"}, "format", "accepted: 'json'"},
		{map[string]string{"path": "in.jsonl", "bad-data": "ignore"}, "bad-data", "accepted: 'fail', 'drop'"},
		{map[string]string{"path": "in.jsonl", "json.max-line-bytes": "-1"}, "json.max-line-bytes", "positive"},
		{map[string]string{"path": "in.jsonl", "paht": "x"}, "paht", "accepted: 'bad-data', 'connector', 'format', 'json.max-line-bytes', 'path'"},
	}
	for _, tc := range cases {
		e := newEnv(t)
		_, err := e.source(t, dir, tc.opts, nil, 10)
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || oe.Key != tc.key || !strings.Contains(oe.Msg, tc.want) {
			t.Errorf("options %v: got %v, want option %q error containing %q", tc.opts, err, tc.key, tc.want)
		}
	}
}
