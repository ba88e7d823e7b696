package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/state/badgeropt"
	"github.com/weir-stream/weir/state/badgerstate"
)

// tablesEnv returns an Env setup that puts the operator's state in a
// fresh in-memory Badger database, keeping at most resident entries in
// memory.
func tablesEnv(t *testing.T, resident int) func(*operators.Env) {
	return func(env *operators.Env) {
		db, err := badgerstate.Open("", badgeropt.Profile{InMemory: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Error(err)
			}
		})
		env.Tables, env.TablePrefix, env.ResidentEntries = db, "v1/o0/t0/", resident
	}
}

// newSpillRun is newSnapRun on the Badger state backend (resident < 0:
// in memory).
func newSpillRun(t *testing.T, spec Spec, resident int) *snapRun {
	if resident < 0 {
		return newSnapRun(t, spec)
	}
	return &snapRun{harness: newHarnessEnv(t, spec, snapSchema, tablesEnv(t, resident)), wm: noWatermark}
}

// TestSpillDifferential: with its state in Badger and as few as one
// entry kept in memory (so nearly every row loads its partial back and
// every batch writes them all out), the operator emits exactly the rows
// of the in-memory operator and counts the same late rows, for every
// window kind, key path and aggregate. Snapshots in between change
// nothing.
func TestSpillDifferential(t *testing.T) {
	forSnapCases(t, 2, func(t *testing.T, c snapCase) {
		want, wantLate := runStraight(t, c, nil)
		for _, resident := range []int{1, 7, 1000} {
			s := newSpillRun(t, c.spec, resident)
			if s.op.spill == nil && s.op.session.spill == nil {
				t.Fatal("the state is not in Badger")
			}
			mid := c.r.IntN(len(c.steps) + 1)
			s.apply(c.rec, c.steps[:mid], nil)
			s.snapshot()
			s.apply(c.rec, c.steps[mid:], nil)
			got := s.finish()
			if late := s.env.Metrics.LateRows.Load(); !slices.Equal(got, want) || late != wantLate {
				t.Fatalf("resident %d: %d rows, want %d; late %d, want %d\n%s",
					resident, len(got), len(want), late, wantLate, diff(got, want))
			}
			if sp := s.op.spill; sp != nil && (sp.total != 0 || len(sp.panes) != 0) {
				t.Fatalf("resident %d: %d entries in %d panes left in Badger", resident, sp.total, len(sp.panes))
			}
			if s.op.session != nil && s.op.session.spill.stored != 0 {
				t.Fatalf("resident %d: %d sessions left in Badger", resident, s.op.session.spill.stored)
			}
		}
	})
}

// TestSpillRestoreAcrossBackends: a run snapshotted at random barriers
// and continued each time by a new operator, on the Badger backend or in
// memory at random, restored from the snapshot of the one before (so
// each backend restores the other's blobs), gives the rows of an
// uninterrupted run.
func TestSpillRestoreAcrossBackends(t *testing.T) {
	forSnapCases(t, 2, func(t *testing.T, c snapCase) {
		want, wantLate := runStraight(t, c, nil)
		barriers := make([]int, 1+c.r.IntN(3))
		for i := range barriers {
			barriers[i] = c.r.IntN(len(c.steps) + 1)
		}
		slices.Sort(barriers)
		backend := func() int { return []int{-1, 1, 5, 100}[c.r.IntN(4)] }
		var got []string
		var late int64
		used := []int{backend()}
		s := newSpillRun(t, c.spec, used[0])
		prev := 0
		for _, b := range barriers {
			s.apply(c.rec, c.steps[prev:b], nil)
			prev = b
			blobs := s.snapshot()
			entries := s.env.Metrics.StateEntries.Load()
			got = append(got, s.output()...)
			late += s.env.Metrics.LateRows.Load()
			used = append(used, backend())
			n := newSpillRun(t, c.spec, used[len(used)-1])
			if err := n.op.Restore(n.ctx, blobs); err != nil {
				t.Fatalf("backends %v: Restore: %v", used, err)
			}
			n.watermark(s.wm)
			n.wm = s.wm
			s = n
			// Badger counts a key's unmerged partials one by one; memory
			// merges them on restore.
			fromBadger := used[len(used)-2] >= 0 && used[len(used)-1] < 0
			if n := s.env.Metrics.StateEntries.Load(); n != entries && !(fromBadger && n < entries) {
				t.Fatalf("backends %v: StateEntries = %d after restore, %d at the barrier", used, n, entries)
			}
		}
		s.apply(c.rec, c.steps[prev:], nil)
		got = append(got, s.finish()...)
		late += s.env.Metrics.LateRows.Load()
		slices.Sort(got)
		if !slices.Equal(got, want) || late != wantLate {
			t.Fatalf("backends %v (resident; -1 in memory), restarts at %v: %d rows, want %d; late %d, want %d\n%s",
				used, barriers, len(got), len(want), late, wantLate, diff(got, want))
		}
	})
}

// TestSpillEntryCodec: every aggregate's partial survives the per-entry
// encoding the Badger table uses, for chunks around the codec's
// 128-entry batching.
func TestSpillEntryCodec(t *testing.T) {
	for _, n := range []int{1, 127, 128, 129, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			spec := Spec{Window: Window{Kind: Tumble, TimeCol: sTS, Size: 1 << 40},
				Keys: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, Aggs: snapAggs()}
			h := newHarness(t, spec, snapSchema)
			rec := genSnapRecord(h.mem, rand.New(rand.NewPCG(uint64(n), 1)), n, 1, 5)
			h.process(rec)
			rec.Release()
			var slots []int32
			for _, pn := range h.op.panes.table.Times(nil, math.MaxInt64) {
				h.op.panes.table.Scan(pn, func(_ uint8, _ uint32, v *int32) { slots = append(slots, *v) })
			}
			if n == 300 && len(slots) <= 2*128 {
				t.Fatalf("%d rows made only %d entries", n, len(slots))
			}
			vals, offs := h.op.encodeEntries(nil, nil, slots)
			if len(offs) != len(slots)+1 || offs[len(slots)] != len(vals) {
				t.Fatalf("%d offsets for %d slots, last %d of %d bytes", len(offs), len(slots), offs[len(offs)-1], len(vals))
			}
			for k, s := range slots {
				fresh := h.op.slab.alloc()
				if err := h.op.decodeEntry(vals[offs[k]:offs[k+1]], fresh); err != nil {
					t.Fatalf("entry %d: %v", k, err)
				}
				a, _ := h.op.encodeEntries(nil, nil, []int32{s})
				b, _ := h.op.encodeEntries(nil, nil, []int32{fresh})
				if !slices.Equal(a, b) {
					t.Fatalf("entry %d: decoded partial encodes as %x, want %x", k, b, a)
				}
				h.op.slab.release(fresh)
			}
			h.finish()
		})
	}
}
