package builtin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/blackhole"
)

func TestRegistry(t *testing.T) {
	r := Registry()
	if got := strings.Join(r.SourceNames(), ","); got != "file,kafka,nexmark" {
		t.Errorf("sources %s", got)
	}
	if got := strings.Join(r.SinkNames(), ","); got != "blackhole,file,kafka,stdout" {
		t.Errorf("sinks %s", got)
	}
}

var bidSchema = arrow.NewSchema([]arrow.Field{
	{Name: "auction", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "bidder", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "url", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "date_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// copyAll runs one source subtask into one sink writer.
func copyAll(t testing.TB, src connectors.Source, sink connectors.Sink) int64 {
	t.Helper()
	r, err := src.Reader(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := sink.Writer(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Open(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int64
	for {
		rec, err := r.Read(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
		if err := w.Write(ctx, rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestNexmarkToFileToStdout runs generator -> file sink -> file source ->
// stdout and checks the text survives the trip unchanged.
func TestNexmarkToFileToStdout(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	reg := Registry()
	dir := t.TempDir()
	srcF, _ := reg.Source("nexmark")
	gen, err := srcF(connectors.SourceConfig{Table: "bid", Schema: bidSchema, Options: map[string]string{"connector": "nexmark", "table": "bid", "events.num": "5000"}, BatchSize: 1000, Alloc: alloc, Stats: &connectors.SourceStats{}})
	if err != nil {
		t.Fatal(err)
	}
	sinkF, _ := reg.Sink("file")
	fsink, err := sinkF(connectors.SinkConfig{Table: "out", Schema: bidSchema, Options: map[string]string{"connector": "file", "path": "bids.jsonl"}, Dir: dir, Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	if n := copyAll(t, gen, fsink); n != 4600 {
		t.Fatalf("generated %d bids, want 4600", n)
	}
	fileF, _ := reg.Source("file")
	fsrc, err := fileF(connectors.SourceConfig{Table: "in", Schema: bidSchema, Options: map[string]string{"connector": "file", "path": "bids.jsonl"}, Dir: dir, BatchSize: 777, Alloc: alloc, Stats: &connectors.SourceStats{}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	stdF, _ := reg.Sink("stdout")
	std, err := stdF(connectors.SinkConfig{Schema: bidSchema, Options: map[string]string{"connector": "stdout"}, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	copyAll(t, fsrc, std)
	written, err := os.ReadFile(filepath.Join(dir, "bids.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, out.Bytes()) {
		t.Fatal("file -> stdout changed the JSON lines")
	}
}

// BenchmarkFileToBlackhole reads Nexmark bid JSON lines from a file into
// a blackhole sink: the whole file source path, decode included.
func BenchmarkFileToBlackhole(b *testing.B) {
	dir := b.TempDir()
	reg := Registry()
	srcF, _ := reg.Source("nexmark")
	gen, err := srcF(connectors.SourceConfig{Schema: bidSchema, Options: map[string]string{"table": "bid", "events.num": "220000"}, BatchSize: 4096, Stats: &connectors.SourceStats{}})
	if err != nil {
		b.Fatal(err)
	}
	sinkF, _ := reg.Sink("file")
	fsink, err := sinkF(connectors.SinkConfig{Schema: bidSchema, Options: map[string]string{"path": "bids.jsonl"}, Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	rows := copyAll(b, gen, fsink)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		fileF, _ := reg.Source("file")
		fsrc, err := fileF(connectors.SourceConfig{Schema: bidSchema, Options: map[string]string{"path": "bids.jsonl"}, Dir: dir, BatchSize: 4096, Stats: &connectors.SourceStats{}})
		if err != nil {
			b.Fatal(err)
		}
		bh, _ := blackhole.NewSink(connectors.SinkConfig{})
		if n := copyAll(b, fsrc, bh); n != rows {
			b.Fatal(fmt.Sprint("rows ", n))
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(rows*int64(b.N))/cpu.Seconds(), "rows/cpu-s")
	}
}
