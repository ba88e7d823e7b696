package window

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/state"
)

// session is one open session of a key: [start, end) and its partial.
type session struct {
	start, end int64
	slot       int32
}

// keySessions are a key's open sessions (few: usually one).
type keySessions struct {
	list []session
}

// sessions runs SESSION windows. A row at t opens [t, t+gap); sessions
// of a key that overlap or touch merge, combining their partials.
//
// A session must end before math.MaxInt64, the final watermark that end
// of input sends, or it could never fire: a row with t+gap >= MaxInt64 is
// outside the representable time range, and is dropped and counted as
// late (never given a clamped end).
//
// A session fires when the watermark passes its end (wm > end, where
// TUMBLE and HOP windows fire at wm >= end): a watermark wm still admits
// rows at t == wm, and such a row touches, so extends, a session ending
// at wm. Firing at wm == end would make results depend on batching. A
// row is late when, after merging, its session would already have fired:
// it touches no open session and t+gap < watermark.
//
// Which keys may have a session to fire is tracked by a min-heap of
// (end, key) pushed when a session opens; an entry whose session has
// grown since is pushed again with the new end when popped.
type sessions struct {
	gap   int64
	table state.Keyed[uint32, *keySessions]
	heap  endHeap
	pool  []*keySessions
	open  int // open sessions (state entries)
	// byID is each key id's entry of table (nil for none), so Snapshot
	// reads the sessions in id order without a lookup per key.
	byID []*keySessions

	// Merges found while assigning a batch, applied after the batch's
	// rows are added (so slots stay valid during the batch).
	dst, src []int32
	freed    []int32

	spill *sessSpill // state in Badger, or nil (session_spill.go)
}

func newSessions(gap int64) *sessions {
	return &sessions{gap: gap, table: state.NewMemKeyed[uint32, *keySessions]()}
}

// assign finds each row's session slot, opening and merging sessions,
// and returns how many rows were late, had a NULL time or were outside
// the representable time range.
func (ss *sessions) assign(o *op, tcol *array.Timestamp, ids []uint32, slots []int32) int64 {
	times := fixedValues[int64](tcol)
	nulls := tcol.NullN() != 0
	var late int64
	for i, t := range times {
		if nulls && tcol.IsNull(i) {
			slots[i] = -1
			late++
			continue
		}
		if t >= math.MaxInt64-ss.gap {
			// Outside the representable time range: the session's end
			// t+gap would not be below the final watermark, MaxInt64.
			slots[i] = -1
			late++
			continue
		}
		id := ids[i]
		group := o.keys.groups[id]
		ks, ok := ss.table.Get(group, id)
		if !ok && ss.spill != nil {
			ks, ok = ss.spill.load(o, ss, id, group)
		}
		end := t + ss.gap
		target := -1
		if ok {
			target = ss.absorb(ks, t, end)
		}
		if target >= 0 {
			slots[i] = ks.list[target].slot
			continue
		}
		if end < o.wm || (o.floors != nil && end < o.floors[group]) {
			slots[i] = -1
			late++
			continue
		}
		if !ok {
			ks = ss.newKey()
			ss.table.Put(group, id, ks)
			ss.setByID(id, ks)
			o.keys.ref(id)
		}
		slot := o.slab.alloc()
		ks.list = append(ks.list, session{start: t, end: end, slot: slot})
		ss.open++
		ss.heap.push(end, id)
		slots[i] = slot
	}
	return late
}

// absorb merges [t, end) into the key's sessions it overlaps or touches,
// returning the index of the merged session, or -1 when none does.
func (ss *sessions) absorb(ks *keySessions, t, end int64) int {
	target := -1
	for j := 0; j < len(ks.list); j++ {
		s := &ks.list[j]
		if s.start > end || t > s.end {
			continue
		}
		if target < 0 {
			target = j
			s.start, s.end = min(s.start, t), max(s.end, end)
			continue
		}
		// A second session overlaps: fold it into the target.
		tg := &ks.list[target]
		tg.start, tg.end = min(tg.start, s.start), max(tg.end, s.end)
		ss.dst = append(ss.dst, tg.slot)
		ss.src = append(ss.src, s.slot)
		ss.freed = append(ss.freed, s.slot)
		ks.list = append(ks.list[:j], ks.list[j+1:]...)
		ss.open--
		j--
	}
	// The merged sessions each touched [t, end), so their union is one
	// interval and reaches no other session: one pass suffices.
	return target
}

// applyMerges folds merged-away sessions into their targets, in the
// order the merges happened, and frees their slots.
func (ss *sessions) applyMerges(o *op) {
	o.slab.merge(ss.dst, ss.src)
	for _, s := range ss.freed {
		o.slab.release(s)
	}
	ss.dst, ss.src, ss.freed = ss.dst[:0], ss.src[:0], ss.freed[:0]
}

// setByID records ks as key id's sessions.
func (ss *sessions) setByID(id uint32, ks *keySessions) {
	if int(id) >= len(ss.byID) {
		ss.byID = growTo(ss.byID, max(int(id)+1, 2*len(ss.byID)))
	}
	ss.byID[id] = ks
}

func (ss *sessions) newKey() *keySessions {
	if k := len(ss.pool); k > 0 {
		ks := ss.pool[k-1]
		ss.pool = ss.pool[:k-1]
		return ks
	}
	return &keySessions{}
}

// fire emits every session whose end is before wm.
func (ss *sessions) fire(ctx context.Context, o *op, wm int64, out operators.Emitter) error {
	if ss.spill != nil {
		return ss.spill.fire(ctx, o, ss, wm, out)
	}
	return ss.fireResident(ctx, o, wm, out)
}

// fireResident emits every session in memory whose end is before wm.
func (ss *sessions) fireResident(ctx context.Context, o *op, wm int64, out operators.Emitter) error {
	for ss.heap.len() > 0 && ss.heap.minEnd() < wm {
		id := ss.heap.pop()
		group := o.keys.groups[id]
		ks, ok := ss.table.Get(group, id)
		if !ok {
			continue // stale: the key's sessions already fired
		}
		kept := ks.list[:0]
		next := int64(0)
		for _, s := range ks.list {
			if s.end < wm {
				o.fired.add(id, s.start, s.end, s.slot)
				o.fired.release = append(o.fired.release, s.slot)
				ss.open--
				continue
			}
			if len(kept) == 0 || s.end < next {
				next = s.end
			}
			kept = append(kept, s)
		}
		ks.list = kept
		if len(kept) == 0 {
			ss.table.Delete(group, id)
			ss.byID[id] = nil
			ss.pool = append(ss.pool, ks)
			o.fired.unref = append(o.fired.unref, id)
		} else {
			ss.heap.push(next, id)
		}
		if err := o.flushIfFull(ctx, out); err != nil {
			return err
		}
	}
	return o.flush(ctx, out)
}

// endHeap is a min-heap of (session end, key id).
type endHeap struct {
	ends []int64
	keys []uint32
}

func (h *endHeap) len() int           { return len(h.ends) }
func (h *endHeap) minEnd() int64      { return h.ends[0] }
func (h *endHeap) less(i, j int) bool { return h.ends[i] < h.ends[j] }
func (h *endHeap) swap(i, j int) {
	h.ends[i], h.ends[j] = h.ends[j], h.ends[i]
	h.keys[i], h.keys[j] = h.keys[j], h.keys[i]
}

func (h *endHeap) push(end int64, key uint32) {
	h.ends = append(h.ends, end)
	h.keys = append(h.keys, key)
	for i := len(h.ends) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h *endHeap) pop() uint32 {
	key := h.keys[0]
	n := len(h.ends) - 1
	h.swap(0, n)
	h.ends, h.keys = h.ends[:n], h.keys[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h.less(l, m) {
			m = l
		}
		if r < n && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h.swap(i, m)
		i = m
	}
	return key
}
