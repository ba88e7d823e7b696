package window

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// corruptSpecs are windows whose state has every part: encoded keys of
// every type, every aggregate, pane runs or sessions.
var corruptSpecs = []Spec{
	{Window: Window{Kind: Hop, TimeCol: sTS, Slide: 2, Size: 10}, Keys: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
	{Window: Window{Kind: Session, TimeCol: sTS, Gap: 5}, Keys: []int{2}},
	{Window: Window{Kind: Tumble, TimeCol: sTS, Size: 10}, Keys: []int{1}},
	{Window: Window{Kind: Tumble, TimeCol: sTS, Size: 10}},
}

// snapshotOf runs a random input (without the final watermark) through
// spec's operator and returns its snapshot.
func snapshotOf(t testing.TB, spec Spec, seed uint64) map[int][]byte {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(seed, 9))
	rec := genSnapRecord(mem, r, 200, 1, 20)
	defer rec.Release()
	o, err := newOp(spec, snapSchema, outSchema(spec, snapSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Process(t.Context(), 0, rec, nil); err != nil {
		t.Fatal(err)
	}
	blobs := map[int][]byte{}
	if err := o.Snapshot(t.Context(), func(g int, b []byte) error { blobs[g] = b; return nil }); err != nil {
		t.Fatal(err)
	}
	return blobs
}

// restoreErr restores blobs into a fresh operator of spec; it must not
// panic. When the restore succeeds the operator is closed (which must
// not panic either).
func restoreErr(t testing.TB, spec Spec, blobs map[int][]byte) error {
	o, err := newOp(spec, snapSchema, outSchema(spec, snapSchema))
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	if err := o.Open(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	o.alloc = mem
	if err := o.Restore(t.Context(), blobs); err != nil {
		return err
	}
	d := &discard{}
	_ = o.Close(t.Context(), d) // a crafted sum may not fit its type: an error
	mem.AssertSize(t, 0)
	return nil
}

// withCRC returns body with its checksum appended.
func withCRC(body []byte) []byte {
	return le.AppendUint32(slices.Clip(body), crc32.Checksum(body, crcTable))
}

func withAggs(s Spec) Spec {
	s.Aggs = snapAggs()
	return s
}

// TestRestoreRejectsCorruptState: truncated, bit-flipped, re-versioned,
// mislabelled and structurally broken blobs are errors naming the key
// group, never panics, and a blob of another query is refused as such.
func TestRestoreRejectsCorruptState(t *testing.T) {
	for si, spec := range corruptSpecs {
		spec := withAggs(spec)
		t.Run(spec.Window.Describe("ts"), func(t *testing.T) {
			blobs := snapshotOf(t, spec, uint64(si))
			if len(blobs) == 0 {
				t.Fatal("no state to corrupt")
			}
			if err := restoreErr(t, spec, blobs); err != nil {
				t.Fatalf("intact blobs: %v", err)
			}
			r := rand.New(rand.NewPCG(uint64(si), 1))
			// The smallest and the largest blob.
			var picked []int
			for g := range blobs {
				picked = append(picked, g)
			}
			slices.SortFunc(picked, func(x, y int) int { return len(blobs[x]) - len(blobs[y]) })
			picked = slices.Compact([]int{picked[0], picked[len(picked)-1]})
			// cuts are the lengths to cut a blob of n bytes to: every
			// length in the header, then a sample.
			cuts := func(from, n int) []int {
				var c []int
				for k := from; k < n; k++ {
					if k < snapHeader+24 || r.IntN(n/100+1) == 0 {
						c = append(c, k)
					}
				}
				return c
			}
			for _, g := range picked {
				b := blobs[g]
				mustFail := func(what string, bad []byte, want string) {
					t.Helper()
					err := restoreErr(t, spec, map[int][]byte{g: bad})
					if err == nil {
						t.Fatalf("group %d, %s: restored", g, what)
					}
					if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("key group %d", g)) || !strings.Contains(msg, want) {
						t.Fatalf("group %d, %s: error %q, want one naming the group and %q", g, what, msg, want)
					}
				}
				for _, n := range cuts(0, len(b)) {
					mustFail(fmt.Sprintf("truncated to %d bytes", n), b[:n], "")
				}
				for range 100 {
					bad := slices.Clone(b)
					bad[r.IntN(len(bad))] ^= 1 << r.IntN(8)
					mustFail("a flipped bit", bad, "")
				}
				bad := slices.Clone(b)
				bad[4] = snapSessionKeys + 1
				mustFail("another version", withCRC(bad[:len(bad)-4]), "version 4")
				bad = slices.Clone(b)
				copy(bad, "JUNK")
				mustFail("another magic", bad, "not window operator state")
				mustFail("an empty blob", nil, "truncated")
				for other := range 128 {
					if _, ok := blobs[other]; !ok {
						err := restoreErr(t, spec, map[int][]byte{other: b})
						if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("key group %d: the blob holds key group %d", other, g)) {
							t.Fatalf("blob of group %d restored as group %d: %v", g, other, err)
						}
						break
					}
				}
				// Structurally broken with a valid checksum: cut
				// anywhere after the header, or random bytes changed;
				// a cut must fail, a change must not panic.
				body := b[:len(b)-snapTrailer]
				for _, n := range cuts(snapHeader, len(body)) {
					mustFail(fmt.Sprintf("cut to %d bytes, checksum fixed", n), withCRC(body[:n]), "")
				}
				mustFail("a byte appended", withCRC(append(slices.Clone(body), 0)), "bytes after the last aggregate")
				for range 200 {
					bad := slices.Clone(body)
					for range 1 + r.IntN(3) {
						bad[snapHeader+r.IntN(len(bad)-snapHeader)] = byte(r.Uint32())
					}
					_ = restoreErr(t, spec, map[int][]byte{g: withCRC(bad)})
				}
			}
		})
	}
}

// TestRestoreRefusesOtherQueries: a blob is refused, with a message
// saying so, by an operator whose window, keys or aggregates differ.
func TestRestoreRefusesOtherQueries(t *testing.T) {
	base := withAggs(corruptSpecs[0])
	blobs := snapshotOf(t, base, 1)
	others := map[string]Spec{}
	s := base
	s.Window.Size = 12
	others["another size"] = s
	s = base
	s.Window.Slide = 5
	others["another slide"] = s
	s = base
	s.Window = Window{Kind: Tumble, TimeCol: sTS, Size: 10}
	others["another kind"] = s
	s = base
	s.Keys = []int{1, 2, 3, 4, 5, 6, 7, 9, 8}
	others["other key types"] = s
	s = base
	s.Aggs = slices.Clone(base.Aggs[:len(base.Aggs)-1])
	others["one aggregate less"] = s
	s = base
	s.Aggs = slices.Clone(base.Aggs)
	s.Aggs[0] = AggCall{Func: Count, Arg: 1, Type: expr.BigInt}
	others["another aggregate"] = s
	for name, spec := range others {
		err := restoreErr(t, spec, blobs)
		if err == nil || !errors.Is(err, errDifferentQuery) ||
			!strings.Contains(err.Error(), "window state was written by a different query: the state is of HOP(slide 2 ms, size 10 ms)") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := restoreErr(t, base, blobs); err != nil {
		t.Errorf("same query: %v", err)
	}
}

// TestRestoreNeedsFreshOperator: Restore into an operator that already
// has state or a watermark is an error, not a merge.
func TestRestoreNeedsFreshOperator(t *testing.T) {
	spec := withAggs(corruptSpecs[2])
	blobs := snapshotOf(t, spec, 2)
	h := newHarness(t, spec, snapSchema)
	h.watermark(5)
	if err := h.op.Restore(h.ctx, blobs); err == nil {
		t.Fatal("Restore after a watermark succeeded")
	}
	if err := h.op.Restore(h.ctx, nil); err != nil {
		t.Fatalf("Restore of nothing: %v", err)
	}
	h.finish()
}

// FuzzRestore feeds Restore arbitrary blobs with a valid checksum (so the
// decoder itself is exercised): it must return an error or restore state
// that closes without panicking.
func FuzzRestore(f *testing.F) {
	for si, spec := range corruptSpecs {
		for g, b := range snapshotOf(f, withAggs(spec), uint64(si)) {
			f.Add(si, g, b[:len(b)-snapTrailer])
		}
	}
	f.Fuzz(func(t *testing.T, si, g int, body []byte) {
		if si < 0 || si >= len(corruptSpecs) {
			return
		}
		_ = restoreErr(t, withAggs(corruptSpecs[si]), map[int][]byte{g: withCRC(body)})
	})
}
