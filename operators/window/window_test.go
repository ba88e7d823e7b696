package window

import (
	"errors"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

var bidSchema = arrow.NewSchema([]arrow.Field{
	{Name: "auction", Type: expr.BigInt, Nullable: true},
	{Name: "price", Type: expr.BigInt, Nullable: true},
	{Name: "ts", Type: expr.Timestamp, Nullable: true},
}, nil)

func bidRecord(mem memory.Allocator, auctions []int64, prices []int64, times []int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, bidSchema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(auctions, nil)
	b.Field(1).(*array.Int64Builder).AppendValues(prices, nil)
	for _, t := range times {
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(t))
	}
	return b.NewRecordBatch()
}

func countPerAuction(w Window) Spec {
	return Spec{Window: w, Keys: []int{0}, Aggs: []AggCall{
		{Func: CountStar, Arg: -1, Type: expr.BigInt},
		{Func: Max, Arg: 1, Type: expr.BigInt},
	}}
}

func (h *harness) feed(auctions, prices, times []int64) {
	rec := bidRecord(h.mem, auctions, prices, times)
	h.process(rec)
	rec.Release()
}

func TestLateRowsDroppedAndCounted(t *testing.T) {
	h := newHarness(t, countPerAuction(Window{Kind: Tumble, TimeCol: 2, Size: 10}), bidSchema)
	h.feed([]int64{1, 1, 2}, []int64{5, 7, 9}, []int64{1, 9, 12})
	h.watermark(10) // fires [0, 10)
	if got := h.out.rows(); !slices.Equal(got, []string{"1|0|10|2|7"}) {
		t.Fatalf("first fire = %v", got)
	}
	if n := h.env.Metrics.StateEntries.Load(); n != 1 {
		t.Fatalf("StateEntries = %d, want 1 (auction 2 in [10, 20))", n)
	}
	// t=3 and t=9 are late ([0,10) fired); t=10 is on time.
	h.feed([]int64{1, 3, 1}, []int64{100, 100, 1}, []int64{3, 9, 10})
	if n := h.env.Metrics.LateRows.Load(); n != 2 {
		t.Fatalf("LateRows = %d, want 2", n)
	}
	got := h.finish()
	if want := []string{"1|10|20|1|1", "2|10|20|1|9"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestEmptyInputAndEmptyWindows(t *testing.T) {
	h := newHarness(t, countPerAuction(Window{Kind: Hop, TimeCol: 2, Slide: 5, Size: 10}), bidSchema)
	empty := bidRecord(h.mem, nil, nil, nil)
	h.process(empty)
	empty.Release()
	h.watermark(100)
	if got := h.finish(); len(got) != 0 {
		t.Fatalf("empty input emitted %v", got)
	}
	// Rows far apart: the windows between them are never emitted.
	h = newHarness(t, countPerAuction(Window{Kind: Hop, TimeCol: 2, Slide: 5, Size: 10}), bidSchema)
	h.feed([]int64{1, 1}, []int64{1, 2}, []int64{0, 1000})
	got := h.finish()
	want := []string{"1|-5|5|1|1", "1|0|10|1|1", "1|1000|1010|1|2", "1|995|1005|1|2"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// A row bridging two sessions merges them, whichever order rows arrive
// in.
func TestSessionBridge(t *testing.T) {
	spec := countPerAuction(Window{Kind: Session, TimeCol: 2, Gap: 10})
	for _, order := range [][]int{{0, 1, 2}, {2, 0, 1}, {1, 2, 0}} {
		times := []int64{0, 18, 9} // 9 bridges [0,10) and [18,28)
		h := newHarness(t, spec, bidSchema)
		for _, i := range order {
			h.feed([]int64{7}, []int64{times[i]}, []int64{times[i]})
		}
		if got := h.finish(); !slices.Equal(got, []string{"7|0|28|3|18"}) {
			t.Fatalf("order %v: got %v", order, got)
		}
	}
	// Without the bridge: two sessions; a watermark at 11 fires the
	// first only (it passed its end, 10).
	h := newHarness(t, spec, bidSchema)
	h.feed([]int64{7, 7}, []int64{1, 2}, []int64{0, 25})
	h.watermark(11)
	if got := h.out.rows(); !slices.Equal(got, []string{"7|0|10|1|1"}) {
		t.Fatalf("watermark 11 fired %v", got)
	}
	if got := h.finish(); !slices.Equal(got, []string{"7|25|35|1|2"}) {
		t.Fatalf("close fired %v", got)
	}
}

func TestBadSpecs(t *testing.T) {
	out := func(s Spec) *arrow.Schema { return outSchema(s, bidSchema) }
	cases := []Spec{
		{Window: Window{Kind: Tumble, TimeCol: 0, Size: 10}},                 // time column not a TIMESTAMP
		{Window: Window{Kind: Tumble, TimeCol: 2, Size: 0}},                  // zero size
		{Window: Window{Kind: Hop, TimeCol: 2, Slide: 0, Size: 10}},          // zero slide
		{Window: Window{Kind: Session, TimeCol: 2, Gap: -1}},                 // negative gap
		{Window: Window{Kind: Tumble, TimeCol: 2, Size: 10}, Keys: []int{9}}, // no such key
		{Window: Window{Kind: Tumble, TimeCol: 2, Size: 10}, Aggs: []AggCall{{Func: Sum, Arg: 1, Type: expr.Int}}},
		{Window: Window{Kind: Tumble, TimeCol: 2, Size: 10}, Aggs: []AggCall{{Func: Sum, Arg: 2, Type: expr.Timestamp}}},
		{Window: Window{Kind: Tumble, TimeCol: 2, Size: 10}, Aggs: []AggCall{{Func: "MEDIAN", Arg: 1, Type: expr.BigInt}}},
	}
	for i, s := range cases {
		if _, err := New(s, bidSchema, out(s)); !errors.Is(err, ErrSpec) {
			t.Errorf("case %d: err = %v, want ErrSpec", i, err)
		}
	}
}

// Integer SUM wraps like Java's; a DECIMAL sum is exact.
func TestSumOverflowWrapsAndDecimalExact(t *testing.T) {
	spec := Spec{Window: Window{Kind: Tumble, TimeCol: 2, Size: 10}, Aggs: []AggCall{
		{Func: Sum, Arg: 1, Type: expr.BigInt},
	}}
	h := newHarness(t, spec, bidSchema)
	h.feed([]int64{1, 1}, []int64{1<<63 - 1, 2}, []int64{1, 2})
	if got := h.finish(); !slices.Equal(got, []string{"0|10|-9223372036854775807"}) {
		t.Fatalf("got %v", got)
	}
}

// A record that does not match the compiled input schema is an error.
func TestMismatchedRecord(t *testing.T) {
	h := newHarness(t, countPerAuction(Window{Kind: Tumble, TimeCol: 2, Size: 10}), bidSchema)
	other := arrow.NewSchema([]arrow.Field{
		{Name: "auction", Type: expr.Varchar},
		{Name: "price", Type: expr.BigInt},
		{Name: "ts", Type: expr.Timestamp},
	}, nil)
	b := array.NewRecordBuilder(h.mem, other)
	b.Field(0).(*array.StringBuilder).Append("x")
	b.Field(1).(*array.Int64Builder).Append(1)
	b.Field(2).(*array.TimestampBuilder).Append(1)
	rec := b.NewRecordBatch()
	b.Release()
	err := h.op.Process(h.ctx, 0, rec, &h.out)
	rec.Release()
	if err == nil {
		t.Fatal("Process accepted a record with a VARCHAR auction column")
	}
	h.finish()
}
