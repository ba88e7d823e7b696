package window

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/operators/expr"
)

var mixedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "f", Type: expr.Double, Nullable: true},
	{Name: "b", Type: expr.Boolean, Nullable: true},
	{Name: "d", Type: expr.Decimal(5, 1), Nullable: true},
	{Name: "day", Type: expr.Date, Nullable: true},
	{Name: "x", Type: expr.Float, Nullable: true},
	{Name: "ts", Type: expr.Timestamp},
}, nil)

// Keys of every type, in the general encoded path: -0 groups with 0,
// NaN with NaN, NULL with NULL.
func TestEncodedKeysOfEveryType(t *testing.T) {
	spec := Spec{Window: Window{Kind: Tumble, TimeCol: 5, Size: 100}, Keys: []int{0, 1, 2, 3},
		Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}, {Func: Sum, Arg: 4, Type: expr.Double}}}
	h := newHarness(t, spec, mixedSchema)
	b := array.NewRecordBuilder(h.mem, mixedSchema)
	type row struct {
		f   any
		b   any
		d   any
		day any
		x   any
	}
	rows := []row{
		{0.0, true, int64(15), int32(3), float32(1)},
		{math.Copysign(0, -1), true, int64(15), int32(3), float32(2)},
		{math.NaN(), nil, nil, nil, nil},
		{math.NaN(), nil, nil, nil, float32(0.5)},
		{nil, false, int64(-7), nil, float32(4)},
		{nil, false, int64(-7), nil, nil},
	}
	for i, r := range rows {
		for j, v := range []any{r.f, r.b, r.d, r.day, r.x} {
			fb := b.Field(j)
			switch v := v.(type) {
			case nil:
				fb.AppendNull()
			case float64:
				fb.(*array.Float64Builder).Append(v)
			case bool:
				fb.(*array.BooleanBuilder).Append(v)
			case int64:
				fb.(*array.Decimal128Builder).Append(decimal128.FromI64(v))
			case int32:
				fb.(*array.Date32Builder).Append(arrow.Date32(v))
			case float32:
				fb.(*array.Float32Builder).Append(v)
			}
		}
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(i))
	}
	rec := b.NewRecordBatch()
	b.Release()
	// One row at a time, so each key is looked up again after it exists.
	for i := range rows {
		s := rec.NewSlice(int64(i), int64(i+1))
		h.process(s)
		s.Release()
	}
	rec.Release()
	got := h.finish()
	want := []string{
		"0|true|1.5|3|0|100|2|3",
		"NULL|false|-0.7|NULL|0|100|2|4",
		"NaN|NULL|NULL|NULL|0|100|2|0.5",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

// Every aggregate over a window whose argument values are all NULL: COUNT
// gives 0, the others NULL.
func TestAllNullArguments(t *testing.T) {
	var aggs []AggCall
	for _, a := range diffAggs {
		if a.Arg != cTS {
			aggs = append(aggs, a)
		}
	}
	spec := Spec{Window: Window{Kind: Hop, TimeCol: cTS, Slide: 5, Size: 10}, Keys: []int{cK1}, Aggs: aggs}
	h := newHarness(t, spec, diffSchema)
	ts := int64(7)
	rec := buildRecord(h.mem, []diffRow{{ts: &ts}, {ts: &ts}})
	h.process(rec)
	rec.Release()
	got := h.finish()
	if len(got) != 2 {
		t.Fatalf("got %d rows, want 2 windows: %v", len(got), got)
	}
	want := reference(spec, []diffRow{{ts: &ts}, {ts: &ts}})
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if got[0][:len("NULL|0|10|2|0|0|NULL")] != "NULL|0|10|2|0|0|NULL" {
		t.Fatalf("row %q: want key NULL, COUNT(*) 2, COUNT(x) 0, SUM NULL", got[0])
	}
}
