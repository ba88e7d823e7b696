package blackhole

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

func TestCountsRows(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	s, err := NewSink(connectors.SinkConfig{Options: map[string]string{"connector": "blackhole"}})
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewInt64Builder(alloc)
	b.AppendValues([]int64{1, 2, 3}, nil)
	col := b.NewArray()
	b.Release()
	rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil), []arrow.Array{col}, 3)
	col.Release()
	defer rec.Release()
	for sub := 0; sub < 2; sub++ {
		w, _ := s.Writer(sub, 2)
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
	if got := s.(*Sink).Rows(); got != 6 {
		t.Fatalf("rows %d", got)
	}
	var oe *connectors.OptionError
	if _, err := NewSink(connectors.SinkConfig{Options: map[string]string{"path": "x"}}); !errors.As(err, &oe) || oe.Key != "path" {
		t.Fatalf("unknown option: %v", err)
	}
}
