package jsonformat

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// allTypes is a schema with one column of every SQL type.
func allTypes() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "l", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "d", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "m", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "t", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		{Name: "dt", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
}

func checkedAlloc(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { alloc.AssertSize(t, 0) })
	return alloc
}

func newDecoder(t testing.TB, alloc memory.Allocator, schema *arrow.Schema, cols []int, batch int) *Decoder {
	t.Helper()
	d, err := NewDecoder(DecoderConfig{Schema: schema, Columns: cols, BatchSize: batch, Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Release)
	return d
}

// encodeAll renders a record as JSON lines, for comparisons.
func encodeAll(t testing.TB, rec arrow.RecordBatch) string {
	t.Helper()
	if rec == nil {
		return ""
	}
	enc, err := NewEncoder(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := enc.Encode(&buf, rec); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// decodeLines decodes lines that must all be good and renders the result.
func decodeLines(t testing.TB, d *Decoder, lines ...string) string {
	t.Helper()
	for _, l := range lines {
		if err := d.Append([]byte(l)); err != nil {
			t.Fatalf("decode %q: %v", l, err)
		}
	}
	rec := d.Flush()
	if rec != nil {
		defer rec.Release()
	}
	return strings.TrimSuffix(encodeAll(t, rec), "\n")
}
