package window

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

var snapWindows = []Window{
	{Kind: Tumble, TimeCol: sTS, Size: 10},
	{Kind: Hop, TimeCol: sTS, Slide: 2, Size: 10},
	{Kind: Hop, TimeCol: sTS, Slide: 3, Size: 10},
	{Kind: Hop, TimeCol: sTS, Slide: 7, Size: 4},
	{Kind: Session, TimeCol: sTS, Gap: 4},
	{Kind: Session, TimeCol: sTS, Gap: 9},
}

// snapCase is one random input and schedule for a window and key set.
type snapCase struct {
	spec  Spec
	rec   arrow.RecordBatch
	steps []step
	r     *rand.Rand
}

func forSnapCases(t *testing.T, seeds int, fn func(t *testing.T, c snapCase)) {
	if testing.Short() {
		seeds = 1
	}
	aggs := snapAggs()
	for _, w := range snapWindows {
		for _, keys := range snapKeySets {
			for seed := range seeds {
				t.Run(fmt.Sprintf("%s/keys%v/seed%d", w.Describe("ts"), keys, seed), func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(seed), uint64(len(keys))*31+uint64(w.Size+w.Gap)))
					inMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer inMem.AssertSize(t, 0)
					step64 := int64(1 + r.IntN(3))
					rec := genSnapRecord(inMem, r, 100+r.IntN(200), step64, int64(1+r.IntN(30)))
					defer rec.Release()
					fn(t, snapCase{spec: Spec{Window: w, Keys: keys, Aggs: aggs}, rec: rec,
						steps: genSchedule(r, int(rec.NumRows()), step64), r: r})
				})
			}
		}
	}
}

// runStraight runs the whole schedule on one operator, snapshotting at
// the barriers (after those steps) when snapAt is not nil, which must
// change nothing.
func runStraight(t *testing.T, c snapCase, snapAt []int) ([]string, int64) {
	s := newSnapRun(t, c.spec)
	prev := 0
	for _, b := range append(slices.Clone(snapAt), len(c.steps)) {
		s.apply(c.rec, c.steps[prev:b], nil)
		prev = b
		if b < len(c.steps) {
			s.snapshot()
		}
	}
	return s.finish(), s.env.Metrics.LateRows.Load()
}

// TestSnapshotRestoreDifferential: for random inputs, schedules and
// barriers, a run that is snapshotted at each barrier and continued by a
// new operator restored from the snapshot (and given the watermark of the
// barrier) emits exactly the rows of an uninterrupted run and counts the
// same late rows, for every window kind, key path and aggregate. Taking
// snapshots without restarting changes nothing either.
func TestSnapshotRestoreDifferential(t *testing.T) {
	forSnapCases(t, 2, func(t *testing.T, c snapCase) {
		barriers := make([]int, 1+c.r.IntN(3))
		for i := range barriers {
			barriers[i] = c.r.IntN(len(c.steps) + 1)
		}
		slices.Sort(barriers)
		want, wantLate := runStraight(t, c, nil)
		if got, late := runStraight(t, c, barriers); !slices.Equal(got, want) || late != wantLate {
			t.Fatalf("snapshots without a restart changed the output (%d rows, want %d; late %d, want %d)\n%s",
				len(got), len(want), late, wantLate, diff(got, want))
		}

		var got []string
		var late int64
		s := newSnapRun(t, c.spec)
		prev := 0
		for _, b := range barriers {
			s.apply(c.rec, c.steps[prev:b], nil)
			prev = b
			blobs := s.snapshot()
			entries := s.env.Metrics.StateEntries.Load()
			got = append(got, s.output()...)
			late += s.env.Metrics.LateRows.Load()
			s = restoreInto(t, c.spec, blobs, s.wm)
			if n := s.env.Metrics.StateEntries.Load(); n != entries {
				t.Fatalf("StateEntries = %d after restore, %d at the barrier", n, entries)
			}
			if len(s.out.recs) != 0 {
				t.Fatalf("the barrier's watermark fired %d records after restore", len(s.out.recs))
			}
		}
		s.apply(c.rec, c.steps[prev:], nil)
		got = append(got, s.finish()...)
		late += s.env.Metrics.LateRows.Load()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("with restarts at steps %v: %d rows, want %d\n%s", barriers, len(got), len(want), diff(got, want))
		}
		if late != wantLate {
			t.Fatalf("with restarts at steps %v: LateRows %d, want %d", barriers, late, wantLate)
		}
	})
}

// TestRestoreKeyGroupSubsets: the groups of one snapshot, split in two
// and restored into two operators that then get only the rows of their
// groups (routed by a copy of the shuffle's hash), give together the
// output of one uninterrupted operator: every key is in the group the
// shuffle routes it to, and blobs are self-contained.
func TestRestoreKeyGroupSubsets(t *testing.T) {
	snapshotInParallel(t)
	forSnapCases(t, 1, func(t *testing.T, c snapCase) {
		if len(c.spec.Keys) == 0 {
			t.Skip("no keys: one group")
		}
		want, wantLate := runStraight(t, c, nil)
		barrier := c.r.IntN(len(c.steps) + 1)
		s := newSnapRun(t, c.spec)
		s.apply(c.rec, c.steps[:barrier], nil)
		blobs := s.snapshot()
		got := s.output()
		late := s.env.Metrics.LateRows.Load()

		owned := [2]map[int]bool{{}, {}}
		parts := [2]map[int][]byte{{}, {}}
		for g := range 128 {
			i := c.r.IntN(2)
			owned[i][g] = true
			if b, ok := blobs[g]; ok {
				parts[i][g] = b
			}
		}
		entries := int64(0)
		for i := range 2 {
			p := restoreInto(t, c.spec, parts[i], s.wm)
			entries += p.env.Metrics.StateEntries.Load()
			p.apply(c.rec, c.steps[barrier:], routeTo(p.mem, c.spec.Keys, owned[i]))
			got = append(got, p.finish()...)
			late += p.env.Metrics.LateRows.Load()
		}
		if n := s.env.Metrics.StateEntries.Load(); entries != n {
			t.Errorf("the two halves restored %d entries, the snapshot had %d", entries, n)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("split restore at step %d: %d rows, want %d\n%s", barrier, len(got), len(want), diff(got, want))
		}
		if late != wantLate {
			t.Fatalf("split restore: LateRows %d, want %d", late, wantLate)
		}
	})
}

// TestRestoreMixedWatermarks: two subtasks own disjoint key groups and
// reach different watermarks; one operator restored from both snapshots
// (as after a change of key-group owners) and given the higher watermark
// behaves as the two would have, had they received that watermark at the
// barrier: each group's windows fire exactly once. A snapshot taken
// between Restore and that watermark keeps each group's own watermark.
func TestRestoreMixedWatermarks(t *testing.T) {
	snapshotInParallel(t)
	forSnapCases(t, 1, func(t *testing.T, c snapCase) {
		if len(c.spec.Keys) == 0 {
			t.Skip("no keys: one group")
		}
		barrier := c.r.IntN(len(c.steps) + 1)
		owned := [2]map[int]bool{{}, {}}
		for g := range 128 {
			owned[g%2][g] = true
		}
		// Subtask 1 sees each watermark late by lag.
		lag := int64(1 + c.r.IntN(25))
		pre := [2][]step{c.steps[:barrier], slices.Clone(c.steps[:barrier])}
		for i := range pre[1] {
			pre[1][i].wm -= lag
		}

		var got, want []string
		var late, wantLate int64
		var subtasks [2]*snapRun
		blobs := map[int][]byte{}
		top := int64(noWatermark)
		for i := range 2 {
			s := newSnapRun(t, c.spec)
			s.apply(c.rec, pre[i], routeTo(s.mem, c.spec.Keys, owned[i]))
			for g, b := range s.snapshot() {
				blobs[g] = b
			}
			rows := s.output()
			got, want = append(got, rows...), append(want, rows...)
			late += s.env.Metrics.LateRows.Load()
			top = max(top, s.wm)
			subtasks[i] = s
		}
		// Reference: the two subtasks get the higher watermark and run
		// on, each with the rows of its groups.
		for i, s := range subtasks {
			s.watermark(top)
			s.apply(c.rec, c.steps[barrier:], routeTo(s.mem, c.spec.Keys, owned[i]))
			want = append(want, s.finish()...)
			wantLate += s.env.Metrics.LateRows.Load()
		}
		slices.Sort(want)

		q := newSnapRun(t, c.spec)
		if err := q.op.Restore(q.ctx, blobs); err != nil {
			t.Fatal(err)
		}
		if c.r.IntN(2) == 0 {
			// Restart once more before the watermark: the blobs keep
			// each group's watermark.
			b := q.snapshot()
			q = newSnapRun(t, c.spec)
			if err := q.op.Restore(q.ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		q.watermark(top)
		q.apply(c.rec, c.steps[barrier:], nil)
		got = append(got, q.finish()...)
		late += q.env.Metrics.LateRows.Load()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("merged restore at step %d (lag %d): %d rows, want %d\n%s", barrier, lag, len(got), len(want), diff(got, want))
		}
		if late != wantLate {
			t.Fatalf("merged restore: LateRows %d, want %d", late, wantLate)
		}
	})
}

// TestRestoreFloorsJudgeLateRows: after restoring groups written at
// different watermarks, and before the watermark passes them all, each
// key's rows are late by its own group's watermark, and windows that had
// fired for it do not fire again, for TUMBLE, HOP and SESSION.
func TestRestoreFloorsJudgeLateRows(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: expr.Timestamp},
		{Name: "k", Type: expr.BigInt},
	}, nil)
	// Two keys in different key groups.
	hiKey, loKey := int64(1), int64(2)
	for intKeyGroup(loKey) == intKeyGroup(hiKey) {
		loKey++
	}
	// hiKey's subtask is at watermark 100 with a row at 102, loKey's at
	// 50 with a row at 52. After restore (watermark 50), hiKey gets rows
	// at 97 and 85, loKey at 55 and 45.
	cases := []struct {
		w    Window
		want []string
		late int64
	}{
		// 97 and 85 are late for hiKey ([90,100) and [80,90) fired at
		// 100), 45 for loKey ([40,50) fired at 50).
		{Window{Kind: Tumble, TimeCol: 0, Size: 10}, []string{
			fmt.Sprintf("%d|100|110|1", hiKey), fmt.Sprintf("%d|50|60|2", loKey)}, 3},
		// 97 joins hiKey's [95,105) only ([90,100) fired), 85 is late;
		// 45 joins loKey's [45,55) only, 55 joins [50,60) and [55,65).
		{Window{Kind: Hop, TimeCol: 0, Slide: 5, Size: 10}, []string{
			fmt.Sprintf("%d|100|110|1", hiKey), fmt.Sprintf("%d|95|105|2", hiKey),
			fmt.Sprintf("%d|45|55|2", loKey), fmt.Sprintf("%d|50|60|2", loKey), fmt.Sprintf("%d|55|65|1", loKey)}, 1},
		// Gap 10: 97 touches hiKey's open [102,112); 85's [85,95) touches
		// nothing and ended before 100: late. 55 and 45 extend loKey's
		// [52,62).
		{Window{Kind: Session, TimeCol: 0, Gap: 10}, []string{
			fmt.Sprintf("%d|97|112|2", hiKey), fmt.Sprintf("%d|45|65|3", loKey)}, 1},
	}
	for _, c := range cases {
		t.Run(c.w.Describe("ts"), func(t *testing.T) {
			spec := Spec{Window: c.w, Keys: []int{1}, Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}}
			blobs := map[int][]byte{}
			lateBefore := int64(0)
			for _, sub := range []struct {
				key, t, wm int64
			}{{hiKey, 102, 100}, {loKey, 52, 50}} {
				h := newHarness(t, spec, sch)
				h.watermark(sub.wm)
				rec := timedRecord(h.mem, sch, []int64{sub.t}, func(b array.Builder, _ int) {
					b.(*array.Int64Builder).Append(sub.key)
				})
				h.process(rec)
				rec.Release()
				err := h.op.Snapshot(h.ctx, func(g int, data []byte) error {
					blobs[g] = data
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				lateBefore += h.env.Metrics.LateRows.Load()
			}
			q := newHarness(t, spec, sch)
			if err := q.op.Restore(q.ctx, blobs); err != nil {
				t.Fatal(err)
			}
			q.watermark(50)
			keys := []int64{hiKey, hiKey, loKey, loKey}
			rec := timedRecord(q.mem, sch, []int64{97, 85, 55, 45}, func(b array.Builder, i int) {
				b.(*array.Int64Builder).Append(keys[i])
			})
			q.process(rec)
			rec.Release()
			got := q.finish()
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if n := q.env.Metrics.LateRows.Load(); n != c.late || lateBefore != 0 {
				t.Errorf("LateRows %d after restore (%d before), want %d", n, lateBefore, c.late)
			}
		})
	}
}

// snapshotInParallel makes Snapshot spread its work over goroutines
// however small the state, for the rest of the test.
func snapshotInParallel(t *testing.T) {
	old := parallelMin
	parallelMin = 0
	t.Cleanup(func() { parallelMin = old })
}

// TestSnapshotParallelSameBytes: a snapshot written by several
// goroutines is byte for byte the one written by one.
func TestSnapshotParallelSameBytes(t *testing.T) {
	for si, spec := range corruptSpecs {
		spec := withAggs(spec)
		serial := snapshotOf(t, spec, uint64(si))
		old := parallelMin
		parallelMin = 0
		parallel := snapshotOf(t, spec, uint64(si))
		parallelMin = old
		if len(serial) != len(parallel) {
			t.Fatalf("%s: %d groups in parallel, %d serially", spec.Window.Describe("ts"), len(parallel), len(serial))
		}
		for g, b := range serial {
			if !slices.Equal(b, parallel[g]) {
				t.Fatalf("%s: group %d differs in parallel", spec.Window.Describe("ts"), g)
			}
		}
	}
}
