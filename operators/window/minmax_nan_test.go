package window

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators/expr"
)

// MIN and MAX of FLOAT and DOUBLE follow Java's Double.compare (-0.0 <
// 0.0 < +Inf < NaN) whatever the order rows arrive in, through the
// update path (TUMBLE) and the merge path (HOP panes), with and without
// NULLs.
func TestMinMaxFloatTotalOrder(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	cases := []struct {
		vals     []float64
		min, max string
	}{
		{[]float64{nan, 1, 2}, "1", "NaN"},
		{[]float64{nan, nan}, "NaN", "NaN"},
		{[]float64{inf, nan, -inf}, "-Inf", "NaN"},
		{[]float64{negZero, 0, 0}, "-0", "0"},
		{[]float64{nan, negZero, 3, 0}, "-0", "NaN"},
		{[]float64{2, 1, 3}, "1", "3"},
	}
	windows := []Window{
		{Kind: Tumble, TimeCol: 0, Size: 100},
		{Kind: Hop, TimeCol: 0, Slide: 1, Size: 100}, // one pane per row
	}
	for _, typ := range []arrow.DataType{expr.Double, expr.Float} {
		sch := arrow.NewSchema([]arrow.Field{
			{Name: "ts", Type: expr.Timestamp},
			{Name: "v", Type: typ, Nullable: true},
		}, nil)
		spec := func(w Window) Spec {
			return Spec{Window: w, Aggs: []AggCall{
				{Func: Min, Arg: 1, Type: typ},
				{Func: Max, Arg: 1, Type: typ},
			}}
		}
		for ci, c := range cases {
			for oi, vals := range permutations(c.vals) {
				for _, w := range windows {
					for _, withNull := range []bool{false, true} {
						name := fmt.Sprintf("%s/case%d/order%d/%s/null=%v", typ, ci, oi, w.Kind, withNull)
						t.Run(name, func(t *testing.T) {
							h := newHarness(t, spec(w), sch)
							ts := make([]int64, len(vals), len(vals)+1)
							for i := range ts {
								ts[i] = int64(i)
							}
							if withNull {
								ts = append(ts, int64(len(vals)))
							}
							rec := timedRecord(h.mem, sch, ts, func(b array.Builder, i int) {
								switch {
								case i == len(vals):
									b.AppendNull()
								case typ.ID() == arrow.FLOAT32:
									b.(*array.Float32Builder).Append(float32(vals[i]))
								default:
									b.(*array.Float64Builder).Append(vals[i])
								}
							})
							h.process(rec)
							rec.Release()
							rows := h.finish()
							// The window starting at 0 holds every row.
							i := slices.IndexFunc(rows, func(r string) bool { return strings.HasPrefix(r, "0|100|") })
							if i < 0 {
								t.Fatalf("no window [0, 100) in %v", rows)
							}
							if want := "0|100|" + c.min + "|" + c.max; rows[i] != want {
								t.Fatalf("got %s, want %s", rows[i], want)
							}
						})
					}
				}
			}
		}
	}
}
