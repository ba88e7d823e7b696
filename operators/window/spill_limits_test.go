package window

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/state/badgeropt"
	"github.com/weir-stream/weir/state/badgerstate"
)

// TestSpillLargePane: a pane whose key groups hold more than a Badger
// value may (a small profile's memtables make the limit about 20 KB)
// compacts into several runs per group instead of failing, and fires
// every key with its exact count.
func TestSpillLargePane(t *testing.T) {
	const keys = 200_000
	spec := Spec{Window: Window{Kind: Tumble, TimeCol: 3, Size: 1 << 40}, Keys: []int{0},
		Aggs: []AggCall{{Func: CountStar, Arg: -1, Type: expr.BigInt}}}
	db, err := badgerstate.Open("", badgeropt.Profile{InMemory: true, MemTableSize: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := newHarnessEnv(t, spec, benchBids, func(env *operators.Env) {
		env.Tables, env.TablePrefix, env.ResidentEntries = db, "t/", 500
	})
	r := rand.New(rand.NewPCG(5, 6))
	for pass := range 2 {
		perm := r.Perm(keys)
		for lo := 0; lo < keys; lo += 4096 {
			b := array.NewRecordBuilder(h.mem, benchBids)
			for _, k := range perm[lo:min(lo+4096, keys)] {
				b.Field(0).(*array.Int64Builder).Append(int64(k))
				b.Field(1).(*array.Int64Builder).Append(0)
				b.Field(2).(*array.Int64Builder).Append(0)
				b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(pass))
			}
			rec := b.NewRecordBatch()
			b.Release()
			h.process(rec)
			rec.Release()
		}
	}
	sp := h.op.spill
	split := false
	for _, c := range sp.panes {
		for g := range c.base {
			split = split || c.base[g] > 1
		}
	}
	if !split {
		t.Fatalf("no compaction wrote more than one run (run limit %d bytes)", sp.runBytes)
	}
	rows := h.finish()
	if len(rows) != keys {
		t.Fatalf("%d rows, want %d", len(rows), keys)
	}
	for _, row := range rows {
		if !strings.HasSuffix(row, "|0|1099511627776|2") {
			t.Fatalf("row %s: want a count of 2 in the window [0, 2^40)", row)
		}
	}
}

// TestSpillRestoreChecksPartials: a corrupt blob (its CRC recomputed)
// that the memory backend refuses at Restore is refused at Restore by the
// Badger backend too, not accepted and failed on later when its windows
// fire; neither panics.
func TestSpillRestoreChecksPartials(t *testing.T) {
	for si, spec := range corruptSpecs {
		spec := withAggs(spec)
		t.Run(spec.Window.Describe("ts"), func(t *testing.T) {
			s := newSpillRun(t, spec, 3)
			r := rand.New(rand.NewPCG(uint64(si), 11))
			rec := genSnapRecord(s.mem, r, 200, 1, 20)
			s.process(rec)
			rec.Release()
			blobs := s.snapshot()
			refused := 0
			groups := slices.Sorted(maps.Keys(blobs))
			if len(groups) > 8 {
				groups = groups[:8]
			}
			for _, g := range groups {
				b := blobs[g]
				for range max(25, 200/len(groups)) {
					bad := slices.Clone(b[:len(b)-snapTrailer])
					at := snapHeader + r.IntN(len(bad)-snapHeader)
					bad[at] ^= byte(1 + r.IntN(255))
					one := map[int][]byte{g: withCRC(bad)}
					memErr := restoreErr(t, spec, one)
					badger := newSpillRun(t, spec, 3)
					badgerErr := badger.op.Restore(badger.ctx, one)
					if memErr != nil && badgerErr == nil {
						t.Fatalf("group %d, byte %d: the memory backend refuses the blob (%v), the Badger backend takes it", g, at, memErr)
					}
					if memErr != nil {
						refused++
					}
				}
			}
			if refused == 0 {
				t.Fatal("no corruption was refused: the test corrupts nothing that matters")
			}
		})
	}
}
