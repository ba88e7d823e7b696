package window

import (
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/operators/expr"
)

// TestSnapshotDecimalCarry: DECIMAL sums whose running total is past 128
// bits at the barrier (a carry in state) come back exact: the rows after
// the restart bring the sums back within 38 digits, and SUM, AVG and
// SUM(DISTINCT) give what an uninterrupted run gives, for TUMBLE, HOP
// (pane partials) and SESSION.
func TestSnapshotDecimalCarry(t *testing.T) {
	neg := nines.Negate()
	before := []decimal128.Num{nines, nines, dec("5")}
	after := []decimal128.Num{neg, neg, dec("2")}
	aggs := []AggCall{
		{Func: Sum, Arg: 1, Type: expr.Decimal(38, 0)},
		{Func: Avg, Arg: 1, Type: expr.Decimal(38, 6)},
		{Func: Sum, Arg: 1, Distinct: true, Type: expr.Decimal(38, 0)},
		{Func: Max, Arg: 1, Type: expr.Decimal(38, 0)},
	}
	windows := []Window{
		{Kind: Tumble, TimeCol: 0, Size: 100},
		{Kind: Hop, TimeCol: 0, Slide: 50, Size: 100},
		{Kind: Session, TimeCol: 0, Gap: 100},
	}
	feed := func(h *harness, vals []decimal128.Num, t0 int64) {
		ts := make([]int64, len(vals))
		for i := range ts {
			ts[i] = t0 + int64(i)
		}
		rec := timedRecord(h.mem, dec38Schema, ts, func(b array.Builder, i int) {
			b.(*array.Decimal128Builder).Append(vals[i])
		})
		h.process(rec)
		rec.Release()
	}
	for _, w := range windows {
		t.Run(w.Describe("ts"), func(t *testing.T) {
			spec := Spec{Window: w, Aggs: aggs}
			a := newHarness(t, spec, dec38Schema)
			feed(a, before, 10)
			feed(a, after, 20)
			want := a.finish()

			b := newHarness(t, spec, dec38Schema)
			feed(b, before, 10)
			carried := false
			for _, c := range b.op.slab.accs[0].(*sumDecimal).carry {
				carried = carried || c != 0
			}
			if !carried {
				t.Fatal("no carry in state at the barrier: the test does not test it")
			}
			blobs := map[int][]byte{}
			if err := b.op.Snapshot(b.ctx, func(g int, d []byte) error { blobs[g] = d; return nil }); err != nil {
				t.Fatal(err)
			}
			c := newHarness(t, spec, dec38Schema)
			if err := c.op.Restore(c.ctx, blobs); err != nil {
				t.Fatal(err)
			}
			feed(c, after, 20)
			got := c.finish()
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			// SUM is 5 + 2 - the two cancelled 38-digit values.
			if !strings.Contains(got[0], "|7|") {
				t.Fatalf("row %q: want SUM 7", got[0])
			}
		})
	}
}
