package window

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDifferentialLate lets the watermark run ahead of the rows, so some
// rows are late (all their windows fired: dropped and counted) and some
// HOP rows miss only their earlier windows. The reference replays the
// same schedule: a row joins exactly the windows that end after the
// watermark current at its arrival.
func TestDifferentialLate(t *testing.T) {
	windows := []Window{
		{Kind: Tumble, TimeCol: cTS, Size: 10},
		{Kind: Hop, TimeCol: cTS, Slide: 3, Size: 10},
		{Kind: Hop, TimeCol: cTS, Slide: 5, Size: 3},
	}
	totalLate := int64(0)
	defer func() {
		if totalLate == 0 && !t.Failed() {
			t.Error("no row was late: the schedule does not test lateness")
		}
	}()
	for _, w := range windows {
		for _, keys := range [][]int{nil, {cK1, cK2}} {
			for seed := range 5 {
				t.Run(fmt.Sprintf("%s/keys%v/seed%d", w.Describe("ts"), keys, seed), func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(seed), 7))
					spec := Spec{Window: w, Keys: keys, Aggs: diffAggs}
					rows := genRows(r, 100+r.IntN(200), 1, 30)
					h := newHarness(t, spec, diffSchema)
					rec := buildRecord(h.mem, rows)
					arrivalWM := make([]int64, len(rows))
					wm := int64(noWatermark)
					for i := 0; i < len(rows); {
						j := min(i+1+r.IntN(20), len(rows))
						for k := i; k < j; k++ {
							arrivalWM[k] = wm
						}
						b := rec.NewSlice(int64(i), int64(j))
						h.process(b)
						b.Release()
						i = j
						if r.IntN(2) == 0 {
							// Up to 20 ms past the newest rows: some
							// later rows are late.
							wm = max(wm, int64(j)-60+r.Int64N(40))
							h.watermark(wm)
						}
					}
					rec.Release()
					got := h.finish()
					want, late := referenceLate(spec, rows, arrivalWM)
					if !slices.Equal(got, want) {
						t.Fatalf("got %d rows, want %d\n%s", len(got), len(want), diff(got, want))
					}
					if n := h.env.Metrics.LateRows.Load(); n != late {
						t.Fatalf("LateRows = %d, want %d", n, late)
					}
					totalLate += late - int64(nullTimes(rows))
				})
			}
		}
	}
}

// referenceLate is reference for TUMBLE and HOP with each row's arrival
// watermark: it duplicates rows into the windows they may still join and
// counts the rows that join none (or have no time).
func referenceLate(spec Spec, rows []diffRow, arrivalWM []int64) ([]string, int64) {
	w := spec.Window
	slide := w.Slide
	if w.Kind == Tumble {
		slide = w.Size
	}
	var late int64
	// Each window's rows are computed by the plain reference over the
	// rows that may join it: run it once per window start.
	byStart := map[int64][]diffRow{}
	for i, r := range rows {
		if r.ts == nil {
			late++
			continue
		}
		t := *r.ts
		inAny, joined := false, false
		for s := floorDiv(t, slide) * slide; s+w.Size > t; s -= slide {
			inAny = true
			if s+w.Size > arrivalWM[i] {
				joined = true
				byStart[s] = append(byStart[s], r)
			}
		}
		if inAny && !joined {
			late++
		}
	}
	var out []string
	for s, rs := range byStart {
		for _, line := range reference(spec, rs) {
			// Keep only this window's lines from the plain reference.
			var start int64
			fmt.Sscan(windowStartCell(line, len(spec.Keys)), &start)
			if start == s {
				out = append(out, line)
			}
		}
	}
	slices.Sort(out)
	return out, late
}

// windowStartCell returns the window_start cell of a rendered row.
func windowStartCell(line string, nkeys int) string {
	cells := splitCells(line)
	return cells[nkeys]
}

// splitCells splits a rendered row on |, ignoring | inside quotes.
func splitCells(line string) []string {
	var cells []string
	start, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case '|':
			if !quoted {
				cells = append(cells, line[start:i])
				start = i + 1
			}
		}
	}
	return append(cells, line[start:])
}
