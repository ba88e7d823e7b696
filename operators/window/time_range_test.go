package window

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
)

var tsOnlySchema = arrow.NewSchema([]arrow.Field{{Name: "ts", Type: expr.Timestamp}}, nil)

var countStar = []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}

// referenceRange computes TUMBLE/HOP counts in arbitrary precision: a row
// is counted late when any window covering it starts before MinInt64 or
// ends after MaxInt64, skipped when no window covers it, and otherwise
// counted in each of its windows.
func referenceRange(slide, size int64, times []int64) (rows []string, late int64) {
	counts := map[[2]int64]int64{}
	minT, maxT := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	bs, bz := big.NewInt(slide), big.NewInt(size)
	for _, t := range times {
		bt := big.NewInt(t)
		// k from floor((t-size)/slide)+1 to floor(t/slide).
		k := new(big.Int).Sub(bt, bz)
		k.Div(k.Sub(k, new(big.Int).Mod(k, bs)), bs) // exact floor
		k.Add(k, big.NewInt(1))
		hi := new(big.Int).Sub(bt, new(big.Int).Mod(bt, bs))
		hi.Div(hi, bs)
		var wins [][2]int64
		ok := true
		for ; k.Cmp(hi) <= 0; k.Add(k, big.NewInt(1)) {
			s := new(big.Int).Mul(k, bs)
			e := new(big.Int).Add(s, bz)
			if s.Cmp(minT) < 0 || e.Cmp(maxT) > 0 {
				ok = false
				break
			}
			wins = append(wins, [2]int64{s.Int64(), e.Int64()})
		}
		if !ok {
			late++
			continue
		}
		for _, w := range wins {
			counts[w]++
		}
	}
	for w, n := range counts {
		rows = append(rows, fmt.Sprintf("%d|%d|%d", w[0], w[1], n))
	}
	slices.Sort(rows)
	return rows, late
}

// Rows near the ends of int64 whose windows would start before MinInt64
// or end after MaxInt64 are dropped and counted in LateRows, never
// silently lost or given wrapped bounds; rows whose windows fit are
// output, also with watermarks firing windows near MinInt64.
func TestTimeRangeEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	shapes := [][2]int64{{1000, 1000}, {1, 1}, {3, 10}, {5, 3}, {7, 7}, {4, 6}, {1 << 39, 1 << 40}, {1 << 40, 1 << 39}}
	for range 20 {
		shapes = append(shapes, [2]int64{1 + r.Int64N(20), 1 + r.Int64N(20)})
	}
	for _, sh := range shapes {
		slide, size := sh[0], sh[1]
		t.Run(fmt.Sprintf("slide%d/size%d", slide, size), func(t *testing.T) {
			var times []int64
			for range 60 {
				times = append(times, math.MinInt64+r.Int64N(60), math.MaxInt64-r.Int64N(60))
			}
			times = append(times, math.MinInt64, math.MaxInt64, 0, -1)
			slices.Sort(times)
			w := Window{Kind: Hop, TimeCol: 0, Slide: slide, Size: size}
			if slide == size {
				w = Window{Kind: Tumble, TimeCol: 0, Size: size}
			}
			h := newHarness(t, Spec{Window: w, Aggs: countStar}, tsOnlySchema)
			// Batches in time order, each followed by a watermark just
			// below the next batch's first row: nothing is late, and
			// windows near MinInt64 fire incrementally.
			for i := 0; i < len(times); {
				j := min(i+1+r.IntN(8), len(times))
				rec := timedRecord(h.mem, tsOnlySchema, times[i:j], nil)
				h.process(rec)
				rec.Release()
				if j < len(times) && times[j] > math.MinInt64 {
					h.watermark(times[j] - 1)
				}
				i = j
			}
			got := h.finish()
			want, late := referenceRange(slide, size, times)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d rows, want %d\n%s", len(got), len(want), diff(got, want))
			}
			if n := h.env.Metrics.LateRows.Load(); n != late {
				t.Fatalf("LateRows = %d, want %d", n, late)
			}
		})
	}
}

// The reviewer's TUMBLE case: one row past each end is counted, one
// just inside each end is output.
func TestTumbleTimeRangeCounted(t *testing.T) {
	h := newHarness(t, Spec{Window: Window{Kind: Tumble, TimeCol: 0, Size: 1000}, Aggs: countStar}, tsOnlySchema)
	first := int64(math.MinInt64 / 1000 * 1000)         // -9223372036854775000
	last := int64((math.MaxInt64 - 1000) / 1000 * 1000) // 9223372036854774000
	rec := timedRecord(h.mem, tsOnlySchema, []int64{math.MinInt64 + 5, first + 5, last + 5, math.MaxInt64 - 5}, nil)
	h.process(rec)
	rec.Release()
	got := h.finish()
	want := []string{
		fmt.Sprintf("%d|%d|1", first, first+1000),
		fmt.Sprintf("%d|%d|1", last, last+1000),
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if n := h.env.Metrics.LateRows.Load(); n != 2 {
		t.Fatalf("LateRows = %d, want 2", n)
	}
}

// A SESSION row whose end t+gap would reach MaxInt64 is counted, not
// given a clamped window_end == window_start; sessions just inside the
// ends of time fire at end of input with their full bounds.
func TestSessionTimeRange(t *testing.T) {
	h := newHarness(t, Spec{Window: Window{Kind: Session, TimeCol: 0, Gap: 10}, Aggs: countStar}, tsOnlySchema)
	rec := timedRecord(h.mem, tsOnlySchema, []int64{
		math.MinInt64, math.MinInt64 + 3,
		// One session: [MaxInt64-30, MaxInt64-11) extended by the row
		// at MaxInt64-11 to end at MaxInt64-1.
		math.MaxInt64 - 30, math.MaxInt64 - 21, math.MaxInt64 - 11,
		math.MaxInt64 - 10, math.MaxInt64 - 5, math.MaxInt64,
	}, nil)
	h.process(rec)
	rec.Release()
	got := h.finish()
	want := []string{
		fmt.Sprintf("%d|%d|2", int64(math.MinInt64), int64(math.MinInt64+13)),
		fmt.Sprintf("%d|%d|3", int64(math.MaxInt64-30), int64(math.MaxInt64-1)),
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if n := h.env.Metrics.LateRows.Load(); n != 3 {
		t.Fatalf("LateRows = %d, want 3", n)
	}
}
