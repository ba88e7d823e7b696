package stdout

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

func record(t *testing.T, alloc memory.Allocator, n int) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(alloc, schema)
	defer b.Release()
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%2 == 1 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append("foo")
		}
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(1704067210123))
	}
	return b.NewRecordBatch()
}

func write(t *testing.T, opts map[string]string, out *bytes.Buffer, rec arrow.RecordBatch) {
	t.Helper()
	sink, err := NewSink(connectors.SinkConfig{Table: "t", Schema: rec.Schema(), Options: opts, Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := sink.Writer(0, 1)
	if err := w.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFormats(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	rec := record(t, alloc, 2)
	defer rec.Release()
	var js, text bytes.Buffer
	write(t, map[string]string{"connector": "stdout"}, &js, rec)
	write(t, map[string]string{"connector": "stdout", "format": "text"}, &text, rec)
	if want := `{"id":0,"s":"foo","ts":"2024-01-01 00:00:10.123"}` + "\n" + `{"id":1,"s":null,"ts":"2024-01-01 00:00:10.123"}` + "\n"; js.String() != want {
		t.Errorf("json:\n%s", js.String())
	}
	if want := "+I[0, foo, 2024-01-01 00:00:10.123]\n+I[1, null, 2024-01-01 00:00:10.123]\n"; text.String() != want {
		t.Errorf("text:\n%s", text.String())
	}
}

// lockedCheck fails if two Writes overlap.
type lockedCheck struct {
	mu  sync.Mutex
	buf bytes.Buffer
	t   *testing.T
}

func (l *lockedCheck) Write(p []byte) (int, error) {
	if !l.mu.TryLock() {
		l.t.Error("concurrent writes to stdout")
		return 0, errors.New("overlap")
	}
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func TestWritersDoNotInterleave(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	rec := record(t, alloc, 500)
	defer rec.Release()
	out := &lockedCheck{t: t}
	sink, err := NewSink(connectors.SinkConfig{Schema: rec.Schema(), Options: map[string]string{"format": "json"}, Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for s := 0; s < 4; s++ {
		w, _ := sink.Writer(s, 4)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := w.Write(context.Background(), rec); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(lines) != 4*20*500 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"id":`) || !strings.HasSuffix(l, `"}`) {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	for _, opts := range []map[string]string{{"format": "csv"}, {"path": "x"}} {
		_, err := NewSink(connectors.SinkConfig{Schema: schema, Options: opts})
		var oe *connectors.OptionError
		if !errors.As(err, &oe) {
			t.Errorf("%v: got %v", opts, err)
		}
	}
}
