package window

import (
	"bytes"
	"context"
	"encoding/binary"
	"maps"
	"math"
	"slices"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/state"
	"github.com/weir-stream/weir/state/badgerstate"
)

// spill keeps TUMBLE and HOP state in a Badger table (the 'badger' state
// backend), so that state is bounded by disk rather than memory.
//
// The in-memory pane table and slab stay as a write buffer of the
// partials rows added to lately: at most resident entries, checked after
// each batch. Past that, every resident partial is written out and its
// slot and key id are freed. A write-out stores, per pane and key group,
// one run (spill_runs.go): its partials sorted by key, as one Badger
// value under (key group, pane, sequence number). Partials merge (every
// aggregate's merge is what HOP windows combine panes with), so a write
// never reads, and rows cost no Badger access at all.
//
// Reads merge: when the watermark passes windows, they fire one key
// group at a time (holding at most a key group's share of a pane in
// memory), merging each key's resident partials with its partials in
// the runs. Once a pane and group has gained maxRuns runs since its last
// compaction, they are compacted (into runs of at most maxRunBytes), so
// the partials of a key do not pile up with the input.
type spill struct {
	tab      *badgerstate.TimeTable
	resident int
	runBytes int // the largest run
	panes    map[int64]*paneRuns
	total    int    // partials in Badger
	seq      uint64 // the sequence number of the last run

	// Scratch.
	key, run []byte
	offs     []int
	eslots   []int32
	eids     []uint32
	egroups  []uint8
	etimes   []int64
	order    []int
	recs     [][]byte
	vals     [][]byte
	times    []int64
	entries  []runEntry
	byGroup  [state.KeyGroups][]residentPartial
	merged   map[uint32]int32
	dst, src []int32
	temps    []int32              // slots of partials read from Badger
	blobHint [state.KeyGroups]int // each group's blob size at the last checkpoint
}

// paneRuns counts a pane's runs and partials in Badger per key group,
// and the runs its last compaction left.
type paneRuns struct {
	runs, partials, base [state.KeyGroups]int32
}

// maxRuns is how many runs a pane and key group may gain before they are
// compacted.
const maxRuns = 16

// maxRunBytes bounds a run's size (a Badger value): a compaction of a
// large pane and group writes several runs.
const maxRunBytes = 256 << 10

// DefaultResidentEntries is how many window state entries an operator on
// the Badger state backend keeps in memory when not told otherwise.
const DefaultResidentEntries = 1 << 16

// useTables moves the operator's state to a Badger table of db named
// name, keeping at most resident entries in memory.
func (o *op) useTables(db *badgerstate.DB, name string, resident int) error {
	if resident <= 0 {
		resident = DefaultResidentEntries
	}
	if o.session != nil {
		return o.useSessionTables(db, name, resident)
	}
	tab, err := db.TimeTable(name)
	if err != nil {
		return err
	}
	o.spill = &spill{tab: tab, resident: resident, panes: make(map[int64]*paneRuns), merged: make(map[uint32]int32),
		runBytes: min(db.MaxValue(), maxRunBytes)}
	return nil
}

// has reports whether Badger holds partials of (pane, group).
func (sp *spill) has(pane int64, g uint8) bool {
	c := sp.panes[pane]
	return c != nil && c.runs[g] > 0
}

// putRuns stores the partials of (pane, group) whose key records and
// values are given (sorted by key, keys distinct) as runs of at most
// runBytes each.
func (sp *spill) putRuns(g uint8, pane int64, recs, vals [][]byte) error {
	limit := sp.runBytes
	for i := 0; i < len(recs); {
		size, j := binary.MaxVarintLen64, i
		for ; j < len(recs); j++ {
			n := 2*binary.MaxVarintLen64 + len(recs[j]) + len(vals[j])
			if j > i && size+n > limit {
				break
			}
			size += n
		}
		sp.run = appendRun(sp.run[:0], recs[i:j], vals[i:j])
		if err := sp.putRun(g, pane, sp.run, j-i); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// putRun stores a run of n partials of (pane, group) under a new
// sequence number.
func (sp *spill) putRun(g uint8, pane int64, run []byte, n int) error {
	sp.seq++
	sp.key = binary.BigEndian.AppendUint64(sp.key[:0], sp.seq)
	if err := sp.tab.Put(g, pane, sp.key, run); err != nil {
		return err
	}
	c := sp.panes[pane]
	if c == nil {
		c = new(paneRuns)
		sp.panes[pane] = c
	}
	c.runs[g]++
	c.partials[g] += int32(n)
	sp.total += n
	return nil
}

// afterBatch writes the resident partials out once there are too many.
func (sp *spill) afterBatch(o *op) error {
	if o.panes.table.Len() <= sp.resident {
		return nil
	}
	return sp.writeOut(o, math.MaxInt64, true)
}

// writeOut moves every resident partial of the panes that start before
// before to Badger, a run per pane and key group, freeing their slots and
// key ids. With compact, a pane and group that reached maxRuns runs is
// compacted (a checkpoint leaves that to the next write-out, so as not
// to pause the data path for it).
func (sp *spill) writeOut(o *op, before int64, compact bool) error {
	p := o.panes
	sp.times = p.table.Times(sp.times[:0], before)
	if len(sp.times) == 0 {
		return nil
	}
	sp.eslots, sp.eids, sp.egroups, sp.etimes = sp.eslots[:0], sp.eids[:0], sp.egroups[:0], sp.etimes[:0]
	for _, pn := range sp.times {
		p.table.Evict(pn, func(g uint8, id uint32, v *int32) {
			sp.eslots = append(sp.eslots, *v)
			sp.eids = append(sp.eids, id)
			sp.egroups = append(sp.egroups, g)
			sp.etimes = append(sp.etimes, pn)
		})
	}
	// Every partial's key record and value, in one buffer each.
	var vbuf []byte
	vbuf, sp.offs = o.encodeEntries(nil, sp.offs, sp.eslots)
	var kbuf []byte
	kends := make([]int, len(sp.eids))
	for k, id := range sp.eids {
		kbuf = o.keys.appendKeyRecord(kbuf, id)
		kends[k] = len(kbuf)
	}
	keyOf := func(k int) []byte {
		start := 0
		if k > 0 {
			start = kends[k-1]
		}
		return kbuf[start:kends[k]]
	}
	// Order the partials by (pane, group, key record): panes come out of
	// the table in order, so a counting pass by group within each pane
	// and a sort of each group's keys.
	sp.order = growTo(sp.order[:0], len(sp.eslots))
	for lo := 0; lo < len(sp.eslots); {
		hi := lo
		for hi < len(sp.eslots) && sp.etimes[hi] == sp.etimes[lo] {
			hi++
		}
		var at [state.KeyGroups + 1]int
		for k := lo; k < hi; k++ {
			at[sp.egroups[k]+1]++
		}
		for g := range state.KeyGroups {
			at[g+1] += at[g]
		}
		starts := at
		for k := lo; k < hi; k++ {
			g := sp.egroups[k]
			sp.order[lo+at[g]] = k
			at[g]++
		}
		for g := range state.KeyGroups {
			slices.SortFunc(sp.order[lo+starts[g]:lo+starts[g+1]], func(a, b int) int { return bytes.Compare(keyOf(a), keyOf(b)) })
		}
		lo = hi
	}
	var err error
	for i := 0; i < len(sp.order) && err == nil; {
		a := sp.order[i]
		pn, g := sp.etimes[a], sp.egroups[a]
		sp.recs, sp.vals = sp.recs[:0], sp.vals[:0]
		j := i
		for ; j < len(sp.order) && sp.etimes[sp.order[j]] == pn && sp.egroups[sp.order[j]] == g; j++ {
			k := sp.order[j]
			sp.recs = append(sp.recs, keyOf(k))
			sp.vals = append(sp.vals, vbuf[sp.offs[k]:sp.offs[k+1]])
		}
		err = sp.putRuns(g, pn, sp.recs, sp.vals)
		if c := sp.panes[pn]; err == nil && compact && c.runs[g]-c.base[g] >= maxRuns {
			err = sp.compact(o, g, pn)
		}
		i = j
	}
	for k, slot := range sp.eslots {
		id := sp.eids[k]
		if p.cacheSlot[id] == slot {
			p.cacheSlot[id] = -1
		}
		o.slab.release(slot)
		o.keys.unref(id)
	}
	if err != nil {
		return err
	}
	o.metrics.StateWrittenOut.Add(int64(len(sp.eslots)))
	return sp.tab.Flush()
}

// readRuns loads the partials of (group, pane), sorted by key.
func (sp *spill) readRuns(g uint8, pane int64) ([]runEntry, error) {
	sp.entries = sp.entries[:0]
	err := sp.tab.Scan(g, pane, func(_, val []byte) error {
		var err error
		sp.entries, err = parseRun(sp.entries, bytes.Clone(val))
		return err
	})
	if err != nil {
		return nil, errRun(pane, g, err)
	}
	sortRuns(sp.entries)
	return sp.entries, nil
}

// compact merges the runs of (group, pane) into one.
func (sp *spill) compact(o *op, g uint8, pane int64) error {
	es, err := sp.readRuns(g, pane)
	if err != nil {
		return err
	}
	var slots []int32
	sp.recs = sp.recs[:0]
	err = o.mergeRuns(es, func(key []byte, slot int32) error {
		sp.recs = append(sp.recs, key)
		slots = append(slots, slot)
		return nil
	})
	defer func() {
		for _, s := range slots {
			o.slab.release(s)
		}
	}()
	if err != nil {
		return errRun(pane, g, err)
	}
	vbuf, offs := o.encodeEntries(nil, nil, slots)
	sp.vals = sp.vals[:0]
	for k := range slots {
		sp.vals = append(sp.vals, vbuf[offs[k]:offs[k+1]])
	}
	if _, err := sp.tab.Evict(g, pane); err != nil {
		return err
	}
	c := sp.panes[pane]
	sp.total -= int(c.partials[g])
	c.runs[g], c.partials[g] = 0, 0
	if err := sp.putRuns(g, pane, sp.recs, sp.vals); err != nil {
		return err
	}
	c.base[g] = c.runs[g]
	return nil
}

// fire emits every window whose end is in (prev, wm], in order of end,
// merging each key's resident partials with those in Badger, a key group
// at a time; then it deletes the panes no open window covers.
func (sp *spill) fire(ctx context.Context, o *op, prev, wm int64, out operators.Emitter) error {
	p := o.panes
	// The panes before wm, resident or in Badger, and the windows of
	// theirs that end by wm.
	sp.times = p.table.Times(sp.times[:0], wm)
	for pn := range maps.Keys(sp.panes) {
		if pn < wm {
			sp.times = append(sp.times, pn)
		}
	}
	slices.Sort(sp.times)
	sp.times = slices.Compact(sp.times)
	if wm < math.MinInt64+p.size || wm-p.size < p.minStart {
		return nil // no window has ended
	}
	starts := p.windowStarts(sp.times, prev, wm)
	if len(starts) == 0 {
		return nil
	}
	// The resident partials of those windows' panes (the windows are
	// consecutive: the panes from the first start to the last end), by
	// key group.
	for g := range sp.byGroup {
		sp.byGroup[g] = sp.byGroup[g][:0]
	}
	for _, pn := range sp.times {
		if pn < starts[0] || pn >= starts[len(starts)-1]+p.size {
			continue
		}
		p.table.Scan(pn, func(g uint8, id uint32, v *int32) {
			sp.byGroup[g] = append(sp.byGroup[g], residentPartial{pane: pn, id: id, slot: *v})
		})
	}
	for _, s := range starts {
		end := s + p.size
		for g := range state.KeyGroups {
			if o.firedBefore(uint8(g), end) {
				continue
			}
			if err := sp.fireGroup(o, s, end, uint8(g)); err != nil {
				return err
			}
			if err := o.flushIfFull(ctx, out); err != nil {
				return err
			}
		}
	}
	if err := o.flush(ctx, out); err != nil {
		return err
	}
	for _, pn := range sp.times {
		if p.lastEnd(pn) > wm {
			continue
		}
		p.table.Evict(pn, func(_ uint8, id uint32, v *int32) {
			if p.cacheSlot[id] == *v {
				p.cacheSlot[id] = -1
			}
			o.slab.release(*v)
			o.keys.unref(id)
		})
		c := sp.panes[pn]
		if c == nil {
			continue
		}
		for g := range state.KeyGroups {
			if c.runs[g] == 0 {
				continue
			}
			if _, err := sp.tab.Evict(uint8(g), pn); err != nil {
				return err
			}
			sp.total -= int(c.partials[g])
		}
		delete(sp.panes, pn)
	}
	return sp.tab.Flush()
}

// residentPartial is a resident (pane, key) partial of a firing window.
type residentPartial struct {
	pane int64
	id   uint32
	slot int32
}

// fireGroup queues the rows of key group g of the window [s, end): each
// key's partials of the window's panes, resident and in Badger, merged
// into a new slot.
func (sp *spill) fireGroup(o *op, s, end int64, g uint8) error {
	p := o.panes
	clear(sp.merged)
	sp.dst, sp.src, sp.temps = sp.dst[:0], sp.src[:0], sp.temps[:0]
	row := func(id uint32) int32 {
		r, ok := sp.merged[id]
		if !ok {
			r = o.slab.alloc()
			sp.merged[id] = r
			o.keys.ref(id)
			o.fired.add(id, s, end, r)
			o.fired.release = append(o.fired.release, r)
			o.fired.unref = append(o.fired.unref, id)
		}
		return r
	}
	for _, rp := range sp.byGroup[g] {
		if rp.pane >= s && rp.pane < end {
			sp.dst = append(sp.dst, row(rp.id))
			sp.src = append(sp.src, rp.slot)
		}
	}
	for pn := s; pn < end; pn += p.pane {
		if !sp.has(pn, g) {
			continue
		}
		es, err := sp.readRuns(g, pn)
		if err != nil {
			return err
		}
		err = o.mergeRuns(es, func(rec []byte, slot int32) error {
			sp.temps = append(sp.temps, slot)
			id, err := o.keys.lookupKey(rec, g)
			if err != nil {
				return err
			}
			sp.dst = append(sp.dst, row(id))
			sp.src = append(sp.src, slot)
			return nil
		})
		if err != nil {
			for _, t := range sp.temps {
				o.slab.release(t)
			}
			return errRun(pn, g, err)
		}
	}
	o.slab.merge(sp.dst, sp.src)
	for _, t := range sp.temps {
		o.slab.release(t)
	}
	return nil
}
