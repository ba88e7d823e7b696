package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

func decodeRecord(t *testing.T, alloc memory.Allocator, lines ...string) arrow.RecordBatch {
	t.Helper()
	d, err := jsonformat.NewDecoder(jsonformat.DecoderConfig{Schema: schema(), Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	for _, l := range lines {
		if err := d.Append([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	return d.Flush()
}

func openWriter(t *testing.T, dir, path string) connectors.Writer {
	t.Helper()
	sink, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: map[string]string{"connector": "file", "path": path, "format": "json"}, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if sink.MaxParallelism() != 1 {
		t.Fatal("file sink must have max parallelism 1")
	}
	w, err := sink.Writer(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSinkWritesAtomically(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	w := openWriter(t, dir, "out/deep/result.jsonl")
	rec := decodeRecord(t, alloc, `{"id":1,"name":"a\"b","ts":0}`, `{"id":2}`)
	defer rec.Release()
	for i := 0; i < 2; i++ {
		if err := w.Write(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
	}
	final := filepath.Join(dir, "out", "deep", "result.jsonl")
	if _, err := os.Stat(final); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file visible before Close: %v", err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(final)
	if err != nil {
		t.Fatal(err)
	}
	line := "{\"id\":1,\"name\":\"a\\\"b\",\"ts\":\"1970-01-01 00:00:00.000\"}\n{\"id\":2,\"name\":null,\"ts\":null}\n"
	if string(got) != line+line {
		t.Fatalf("got %s", got)
	}
	assertOnlyFile(t, filepath.Join(dir, "out", "deep"), "result.jsonl")
}

func assertOnlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("directory holds %v, want %v", got, names)
	}
}

func TestSinkAbortLeavesNothing(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	dir := t.TempDir()
	rec := decodeRecord(t, alloc, `{"id":1}`)
	defer rec.Release()

	w := openWriter(t, dir, "a.jsonl")
	if err := w.Write(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if err := w.(connectors.Aborter).Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A cancelled context at Close aborts too, and keeps an older file.
	write(t, filepath.Join(dir, "b.jsonl"), "old\n")
	w = openWriter(t, dir, "b.jsonl")
	if err := w.Write(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "b.jsonl")); string(got) != "old\n" {
		t.Fatalf("aborted write replaced the old file: %q", got)
	}
	assertOnlyFile(t, dir, "b.jsonl")
}

func TestSinkOptionErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		opts map[string]string
		key  string
	}{
		{map[string]string{"path": "x", "format": "avro"}, "format"},
		{map[string]string{"path": "x", "bad-data": "drop"}, "bad-data"},
		{map[string]string{}, "path"},
		{map[string]string{"path": "."}, "path"},
	} {
		_, err := NewSink(connectors.SinkConfig{Table: "out", Schema: schema(), Options: tc.opts, Dir: dir})
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || oe.Key != tc.key {
			t.Errorf("%v: got %v, want an error on %q", tc.opts, err, tc.key)
		}
	}
}
