package window

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/operators/expr"
)

var (
	dec38Schema = arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: expr.Timestamp},
		{Name: "v", Type: expr.Decimal(38, 0)},
	}, nil)
	// nines is the largest DECIMAL(38, 0), 38 nines.
	nines = dec(strings.Repeat("9", 38))
)

func dec(s string) decimal128.Num {
	n, err := decimal128.FromString(s, 38, 0)
	if err != nil {
		panic(err)
	}
	return n
}

// runDecimal feeds vals (one row each, at times ts) to a window with one
// aggregate over DECIMAL(38, 0) and returns the rows emitted, or Close's
// error. Arrow memory must be released either way.
func runDecimal(t *testing.T, w Window, agg AggCall, ts []int64, vals []decimal128.Num) ([]string, error) {
	t.Helper()
	agg.Arg = 1
	h := newHarness(t, Spec{Window: w, Aggs: []AggCall{agg}}, dec38Schema)
	rec := timedRecord(h.mem, dec38Schema, ts, func(b array.Builder, i int) {
		b.(*array.Decimal128Builder).Append(vals[i])
	})
	h.process(rec)
	rec.Release()
	if err := h.op.Close(h.ctx, &h.out); err != nil {
		h.out.rows()
		h.mem.AssertSize(t, 0)
		return nil, err
	}
	rows := h.out.rows()
	slices.Sort(rows)
	h.mem.AssertSize(t, 0)
	return rows, nil
}

// permutations returns every ordering of vals.
func permutations[T any](vals []T) [][]T {
	if len(vals) <= 1 {
		return [][]T{slices.Clone(vals)}
	}
	var out [][]T
	for i := range vals {
		rest := append(slices.Clone(vals[:i]), vals[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]T{vals[i]}, p...))
		}
	}
	return out
}

// A DECIMAL sum beyond 38 digits is an error naming the aggregate, never
// a wrapped number: four 38-digit values sum past 2^127 and used to wrap
// back into range.
func TestDecimalSumOverflowIsError(t *testing.T) {
	tumble := Window{Kind: Tumble, TimeCol: 0, Size: 10}
	// HOP merges pane partials: the overflow must survive merge too.
	hop := Window{Kind: Hop, TimeCol: 0, Slide: 1, Size: 10}
	neg := nines.Negate()
	cases := []struct {
		name string
		agg  AggCall
		vals []decimal128.Num
		want string
	}{
		{"SUM", AggCall{Func: Sum, Type: expr.Decimal(38, 0)}, []decimal128.Num{nines, nines, nines, nines}, "SUM exceeds DECIMAL(38, 0)"},
		{"SUM negative", AggCall{Func: Sum, Type: expr.Decimal(38, 0)}, []decimal128.Num{neg, neg, neg, neg}, "SUM exceeds DECIMAL(38, 0)"},
		{"SUM just past 38 digits", AggCall{Func: Sum, Type: expr.Decimal(38, 0)}, []decimal128.Num{nines, dec("1")}, "SUM exceeds DECIMAL(38, 0)"},
		{"AVG", AggCall{Func: Avg, Type: expr.Decimal(38, 6)}, []decimal128.Num{nines, nines, nines, nines}, "AVG's sum exceeds DECIMAL(38, 0)"},
		{"SUM DISTINCT", AggCall{Func: Sum, Distinct: true, Type: expr.Decimal(38, 0)},
			[]decimal128.Num{nines, dec("99999999999999999999999999999999999998"), dec("99999999999999999999999999999999999997")},
			"SUM(DISTINCT) exceeds DECIMAL(38, 0)"},
		{"AVG DISTINCT", AggCall{Func: Avg, Distinct: true, Type: expr.Decimal(38, 6)},
			[]decimal128.Num{nines, dec("99999999999999999999999999999999999998"), dec("99999999999999999999999999999999999997")},
			"AVG(DISTINCT)'s sum exceeds DECIMAL(38, 0)"},
	}
	for _, c := range cases {
		for _, w := range []Window{tumble, hop} {
			t.Run(c.name+"/"+w.Describe("ts"), func(t *testing.T) {
				ts := make([]int64, len(c.vals))
				for i := range ts {
					ts[i] = int64(i + 1)
				}
				rows, err := runDecimal(t, w, c.agg, ts, c.vals)
				if err == nil {
					t.Fatalf("got rows %v, want an overflow error", rows)
				}
				// HOP windows of one row fail first for AVG: the
				// average of one 38-digit value does not fit scale 6.
				want := c.want
				if c.agg.Func == Avg && w.Kind == Hop {
					want = "AVG exceeds DECIMAL(38, 6)"
				}
				agg := c.agg
				agg.Arg = 1
				if name := agg.Describe(dec38Schema); !errors.Is(err, errOverflow) ||
					!strings.Contains(err.Error(), name+": numeric overflow: "+want) {
					t.Fatalf("error %q: want numeric overflow naming %s and %q", err, name, want)
				}
			})
		}
	}
}

// A sum whose running total passes 128 bits but ends within 38 digits is
// exact, in every order of its rows; one that ends beyond is an error in
// every order.
func TestDecimalSumExactWhateverTheOrder(t *testing.T) {
	neg := nines.Negate()
	cases := []struct {
		vals []decimal128.Num
		want string // "" for an overflow error
	}{
		{[]decimal128.Num{nines, nines, neg}, nines.ToString(0)},
		{[]decimal128.Num{nines, nines, neg, neg, dec("7")}, "7"},
		{[]decimal128.Num{neg, neg, nines, dec("3")}, "-" + strings.Repeat("9", 37) + "6"},
		{[]decimal128.Num{neg, neg, nines, dec("-1")}, ""}, // -10^38: 39 digits
		{[]decimal128.Num{nines, nines, nines, neg}, ""},
	}
	// TUMBLE adds every row to one slot; SESSION(10 ms) over rows at 0,
	// 20, 10, 30, 40 opens two sessions and merges them when the row at
	// 10 bridges them. Both end as one window of every row.
	windows := []struct {
		w     Window
		times []int64
		start string
	}{
		{Window{Kind: Tumble, TimeCol: 0, Size: 100}, []int64{0, 1, 2, 3, 4}, "0|100|"},
		{Window{Kind: Session, TimeCol: 0, Gap: 10}, []int64{0, 20, 10, 30, 40}, "0|"},
	}
	for i, c := range cases {
		for j, vals := range permutations(c.vals) {
			for _, w := range windows {
				t.Run(fmt.Sprintf("case%d/order%d/%s", i, j, w.w.Describe("ts")), func(t *testing.T) {
					rows, err := runDecimal(t, w.w, AggCall{Func: Sum, Type: expr.Decimal(38, 0)}, w.times[:len(vals)], vals)
					if c.want == "" {
						if !errors.Is(err, errOverflow) {
							t.Fatalf("got %v, %v; want an overflow error", rows, err)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) != 1 || !strings.HasPrefix(rows[0], w.start) || !strings.HasSuffix(rows[0], "|"+c.want) {
						t.Fatalf("rows %v: want one window %s...|%s", rows, w.start, c.want)
					}
				})
			}
		}
	}
}

// AVG of DECIMAL is exact even when its sum, scaled to the result's
// scale, passes 38 digits; it fails only when the average itself does
// not fit.
func TestDecimalAvgWideQuotient(t *testing.T) {
	w := Window{Kind: Tumble, TimeCol: 0, Size: 10}
	avg := AggCall{Func: Avg, Type: expr.Decimal(38, 6)}
	big31 := dec("9" + strings.Repeat("0", 31)) // 9e31: 9e37 at scale 6
	rows, err := runDecimal(t, w, avg, []int64{1, 2, 3}, []decimal128.Num{big31, big31, dec("1")})
	if err != nil {
		t.Fatal(err)
	}
	// (1.8e32 + 1) / 3 = 6e31 + 0.333333...
	want := "0|10|6" + strings.Repeat("0", 31) + ".333333"
	if !slices.Equal(rows, []string{want}) {
		t.Fatalf("rows %v, want %s", rows, want)
	}
	rows, err = runDecimal(t, w, avg, []int64{1}, []decimal128.Num{dec("1" + strings.Repeat("0", 32))})
	if !errors.Is(err, errOverflow) || !strings.Contains(err.Error(), "AVG exceeds DECIMAL(38, 6)") {
		t.Fatalf("got %v, %v; want AVG exceeds DECIMAL(38, 6)", rows, err)
	}
}
