package window

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/state"
)

// Snapshot and Restore (operators.Snapshotter). The state is the
// partials held between records: TUMBLE and HOP (pane, key) entries,
// SESSION open sessions, each with one slot of every aggregate, and the
// watermark. A key's group is the one its key id records, computed from
// the shuffle's hash when the key was interned (keys.go). Snapshot writes
// one blob per key group that holds state (snapshot_format.go).
//
// After a Restore the watermark is the one the blobs were written at:
// windows that had fired then do not fire again, and rows are late
// exactly when they would have been. Blobs of groups snapshotted at
// different watermarks (groups of several subtasks, when a job restarts
// with other key-group owners) keep their own watermarks as floors until
// the watermark passes them all; the operator's watermark is the lowest.

// snapScratch is Snapshot's working memory, kept between snapshots so a
// snapshot of a large state allocates only its output.
type snapScratch struct {
	// local is, per key id, its index in its group's key list, or -1.
	local []int32
	times []int64
	keys  []uint32 // the keys listed, in order
	// Per group: keys, entries, bytes of key records, pane runs, and
	// bytes of each variable-size aggregate's records.
	nkeys, nents, keyBytes cursors
	runs                   [state.KeyGroups][]paneRun
	accBytes               []cursors
	// The entries and their groups; each key's group; for sessions each
	// key's session count and each session's bounds.
	slots        []int32
	egroups      []uint8
	kidx         []uint32 // panes: each entry's key index in its group
	kgroups      []uint8
	kcounts      []uint32
	starts, ends []int64
	lay          blobLayout
}

// paneRun is a pane start and how many of a group's entries are in it.
type paneRun struct {
	pane int64
	n    int
}

// blobLayout places every group's blob in one buffer: where it starts,
// its size, and where each of its sections starts.
type blobLayout struct {
	start, size cursors
	keys, body  cursors
	accs        []cursors
}

func (sc *snapScratch) reset(accs int) {
	sc.keys, sc.slots, sc.egroups = sc.keys[:0], sc.slots[:0], sc.egroups[:0]
	sc.kgroups, sc.kcounts, sc.starts, sc.ends = sc.kgroups[:0], sc.kcounts[:0], sc.starts[:0], sc.ends[:0]
	sc.nkeys, sc.nents, sc.keyBytes = cursors{}, cursors{}, cursors{}
	for g := range sc.runs {
		sc.runs[g] = sc.runs[g][:0]
	}
	sc.accBytes = growTo(sc.accBytes[:0], accs)
	clear(sc.accBytes)
	sc.lay.accs = growTo(sc.lay.accs[:0], accs)
}

// Snapshot implements operators.Snapshotter: it puts one blob per key
// group holding state, and changes no state. The blobs are disjoint,
// capacity-clipped parts of one buffer (which stays allocated while any
// of them is kept).
func (o *op) Snapshot(ctx context.Context, put func(group int, data []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.spill != nil {
		return o.snapshotSpilled(ctx, put)
	}
	if o.session != nil && o.session.spill != nil {
		return o.snapshotSessionSpill(ctx, put)
	}
	if o.snap == nil {
		o.snap = &snapScratch{}
	}
	sc := o.snap
	sc.reset(len(o.slab.accs))
	var buf []byte
	var err error
	if o.panes != nil {
		buf, err = o.snapshotPanes(sc)
	} else {
		buf, err = o.snapshotSessions(sc)
	}
	if err != nil {
		return err
	}
	lay := &sc.lay
	tasks := make([]func(), 0, 8)
	for w := range 8 {
		tasks = append(tasks, func() {
			for g := w; g < state.KeyGroups; g += 8 {
				if n := lay.size[g]; n > 0 {
					end := lay.start[g] + n - snapTrailer
					le.PutUint32(buf[end:end+snapTrailer], crc32.Checksum(buf[lay.start[g]:end], crcTable))
				}
			}
		})
	}
	runTasks(o.entries() >= parallelMin, tasks)
	for g, n := range lay.size {
		if n == 0 {
			continue
		}
		start, end := lay.start[g], lay.start[g]+n
		if err := put(g, buf[start:end:end]); err != nil {
			return err
		}
	}
	return nil
}

// parallelMin is the number of entries from which Snapshot spreads its
// work over GOMAXPROCS goroutines (and waits for them): the data path is
// paused while it runs, so a large snapshot uses every core it can.
var parallelMin = 1 << 16

// runTasks runs tasks, on up to GOMAXPROCS goroutines when wide, else
// one after the other, and returns when all have run. Tasks must not
// write the same memory.
func runTasks(wide bool, tasks []func()) {
	workers := min(runtime.GOMAXPROCS(0), len(tasks))
	if !wide || workers <= 1 {
		for _, t := range tasks {
			t()
		}
		return
	}
	var next atomic.Int32
	work := func() {
		for i := int(next.Add(1)) - 1; i < len(tasks); i = int(next.Add(1)) - 1 {
			tasks[i]()
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// snapshotPanes writes the TUMBLE and HOP state. It lists the entries in
// pane order, then insertion order (about the order their slots were
// allocated in, so the aggregates are read mostly in memory order), and
// each group's keys in order of first entry, then writes the sections.
func (o *op) snapshotPanes(sc *snapScratch) ([]byte, error) {
	p, keys := o.panes, o.keys
	local := o.snapLocal(sc)
	n := p.table.Len()
	sc.slots = slices.Grow(sc.slots, n)
	sc.egroups = slices.Grow(sc.egroups, n)
	sc.kidx = slices.Grow(sc.kidx[:0], n)
	sc.times = p.table.Times(sc.times[:0], math.MaxInt64)
	// Integer keys (and none) have records of one size.
	varKeys := keys.mode == keysString || keys.mode == keysEncoded
	var cnt cursors
	for _, t := range sc.times {
		p.table.Scan(t, func(g uint8, id uint32, v *int32) {
			sc.slots = append(sc.slots, *v)
			sc.egroups = append(sc.egroups, g)
			l := local[id]
			if l < 0 {
				l = int32(sc.nkeys[g])
				sc.nkeys[g]++
				local[id] = l
				sc.keys = append(sc.keys, id)
				sc.kgroups = append(sc.kgroups, g)
				if varKeys {
					sc.keyBytes[g] += keys.keySize(id)
				}
			}
			sc.kidx = append(sc.kidx, uint32(l))
			cnt[g]++
		})
		for g, c := range cnt {
			if c > 0 {
				sc.runs[g] = append(sc.runs[g], paneRun{pane: t, n: c})
				sc.nents[g] += c
			}
		}
		cnt = cursors{}
	}
	for _, id := range sc.keys {
		local[id] = -1
	}
	if !varKeys {
		for g, n := range sc.nkeys {
			sc.keyBytes[g] = n * keys.keySize(0)
		}
	}
	return o.writeSnapshot(sc, func(buf []byte, bodyCur *cursors) {
		for g, runs := range sc.runs {
			if len(runs) == 0 {
				continue
			}
			c := bodyCur[g]
			le.PutUint32(buf[c:c+4], uint32(len(runs)))
			c += 4
			for _, r := range runs {
				le.PutUint64(buf[c:c+8], uint64(r.pane))
				le.PutUint32(buf[c+8:c+12], uint32(r.n))
				c += 12
			}
			bodyCur[g] = c
		}
		for k, g := range sc.egroups {
			c := bodyCur[g]
			le.PutUint32(buf[c:c+4], sc.kidx[k])
			bodyCur[g] = c + 4
		}
	})
}

// writeSnapshot lays out the blobs from sc's counts and writes their
// sections: keys, aggregates, and the window body, which writeBody
// writes given the buffer and each group's body cursor. The sections are
// written in parallel for a large state.
func (o *op) writeSnapshot(sc *snapScratch, writeBody func(buf []byte, bodyCur *cursors)) ([]byte, error) {
	o.sizeVarAccs(sc)
	buf, err := o.layout(sc)
	if err != nil {
		return nil, err
	}
	keyCur, bodyCur := sc.lay.keys, sc.lay.body
	writeKeys := func() { o.keys.putKeys(buf, sc.keys, sc.kgroups, &keyCur) }
	accCur := o.encodeAccs(buf, sc, func() { writeBody(buf, &bodyCur) }, writeKeys)
	return buf, o.checkLayout(&keyCur, &bodyCur, accCur)
}

// sizeVarAccs adds the sizes of the variable-size aggregates' records to
// sc.accBytes.
func (o *op) sizeVarAccs(sc *snapScratch) {
	for i, a := range o.slab.accs {
		if v, ok := a.(varSizer); ok && a.stateWidth() == 0 {
			v.stateSizes(sc.slots, sc.egroups, &sc.accBytes[i])
		}
	}
}

// encodeAccs writes every aggregate's records, and runs the other
// section writers, in parallel for a large state. It returns where each
// aggregate's writing ended.
func (o *op) encodeAccs(buf []byte, sc *snapScratch, others ...func()) []cursors {
	accCur := slices.Clone(sc.lay.accs)
	tasks := make([]func(), 0, len(o.slab.accs)+len(others))
	for i, a := range o.slab.accs {
		tasks = append(tasks, func() { a.encodeState(buf, sc.slots, sc.egroups, &accCur[i]) })
	}
	runTasks(len(sc.slots) >= parallelMin, append(tasks, others...))
	return accCur
}

// snapLocal returns sc.local covering every key id, all -1.
func (o *op) snapLocal(sc *snapScratch) []int32 {
	n := len(o.keys.refs)
	if old := len(sc.local); old < n {
		sc.local = growTo(sc.local, n)
		for i := old; i < len(sc.local); i++ {
			sc.local[i] = -1
		}
	}
	return sc.local
}

// snapshotSessions writes the SESSION state: it lists the keys that have
// sessions in id order (about the order they were created in, so their
// sessions are read mostly in memory order), each with its sessions in
// list order (which merges depend on), then writes them.
func (o *op) snapshotSessions(sc *snapScratch) ([]byte, error) {
	ss, keys := o.session, o.keys
	for id, ks := range ss.byID {
		if ks == nil {
			continue
		}
		g := keys.groups[id]
		sc.keys = append(sc.keys, uint32(id))
		sc.kgroups = append(sc.kgroups, g)
		sc.kcounts = append(sc.kcounts, uint32(len(ks.list)))
		sc.nkeys[g]++
		sc.nents[g] += len(ks.list)
		sc.keyBytes[g] += keys.keySize(uint32(id))
		for _, s := range ks.list {
			sc.slots = append(sc.slots, s.slot)
			sc.egroups = append(sc.egroups, g)
			sc.starts = append(sc.starts, s.start)
			sc.ends = append(sc.ends, s.end)
		}
	}
	return o.writeSnapshot(sc, func(buf []byte, bodyCur *cursors) {
		j := 0
		for k, g := range sc.kgroups {
			c := bodyCur[g]
			n := int(sc.kcounts[k])
			le.PutUint32(buf[c:c+4], uint32(n))
			c += 4
			for ; n > 0; n-- {
				le.PutUint64(buf[c:c+8], uint64(sc.starts[j]))
				le.PutUint64(buf[c+8:c+16], uint64(sc.ends[j]))
				c += 16
				j++
			}
			bodyCur[g] = c
		}
	})
}

// layout sizes every group's blob from sc's counts, places them in one
// new buffer and writes their headers.
func (o *op) layout(sc *snapScratch) ([]byte, error) {
	desc := o.stateDesc()
	lay := &sc.lay
	hdr := snapHeader + uvarintLen(uint64(len(desc))) + len(desc) + 4
	total := 0
	for g, n := range sc.nents {
		lay.size[g] = 0
		if n == 0 {
			continue
		}
		c := total
		lay.start[g] = c
		lay.keys[g] = c + hdr
		c += hdr + sc.keyBytes[g]
		lay.body[g] = c
		if o.panes != nil {
			c += 4 + 12*len(sc.runs[g]) + 4*n
		} else {
			c += 4*sc.nkeys[g] + 16*n
		}
		for i, a := range o.slab.accs {
			lay.accs[i][g] = c
			if w := a.stateWidth(); w > 0 {
				c += w * n
			} else {
				c += sc.accBytes[i][g]
			}
		}
		c += snapTrailer
		lay.size[g] = c - total
		total = c
	}
	buf := make([]byte, total)
	for g, n := range lay.size {
		if n == 0 {
			continue
		}
		// Appending within the header's capacity writes into buf.
		b := o.appendHeader(buf[lay.start[g]:lay.start[g]:lay.keys[g]], snapVersion, g, desc, sc.nkeys[g])
		if len(b) != hdr || &b[0] != &buf[lay.start[g]] {
			return nil, fmt.Errorf("window: snapshot of key group %d: header of %d bytes, %d expected", g, len(b), hdr)
		}
	}
	return buf, nil
}

// appendHeader appends a blob's header of the given format version for
// key group g, its query description and its first count (keys, or runs)
// to b.
func (o *op) appendHeader(b []byte, version byte, g int, desc string, n int) []byte {
	b = append(b, snapMagic...)
	b = append(b, version, byte(o.spec.Window.Kind))
	b = le.AppendUint16(b, uint16(g))
	b = le.AppendUint64(b, uint64(o.groupWM(g)))
	b = binary.AppendUvarint(b, uint64(len(desc)))
	b = append(b, desc...)
	return le.AppendUint32(b, uint32(n))
}

// checkLayout verifies that every section's writer ended where the next
// section starts: a writer that wrote a record size other than the one
// it was sized with would have corrupted the next section.
func (o *op) checkLayout(keyCur, bodyCur *cursors, accCur []cursors) error {
	lay := &o.snap.lay
	for g, n := range lay.size {
		if n == 0 {
			continue
		}
		ok := keyCur[g] == lay.body[g]
		end := bodyCur[g]
		for i := range accCur {
			ok = ok && end == lay.accs[i][g]
			end = accCur[i][g]
		}
		if !ok || end != lay.start[g]+n-snapTrailer {
			return fmt.Errorf("window: snapshot of key group %d: a section's size was computed wrong", g)
		}
	}
	return nil
}

// groupWM is the watermark group g's windows have fired up to.
func (o *op) groupWM(g int) int64 {
	if o.floors != nil {
		return max(o.wm, o.floors[g])
	}
	return o.wm
}

// firedBefore reports whether the window ending at end had fired for
// key group g before a Restore (windows of groups restored at a higher
// watermark than the operator's).
func (o *op) firedBefore(g uint8, end int64) bool {
	return o.floors != nil && end <= o.floors[g]
}

// stateDesc describes what shapes the state: the window, the key types
// and the aggregates with their argument and result types. A blob is
// restored only into an operator with the same description.
func (o *op) stateDesc() string {
	var b strings.Builder
	w := o.spec.Window
	switch w.Kind {
	case Tumble:
		fmt.Fprintf(&b, "TUMBLE(size %d ms)", w.Size)
	case Hop:
		fmt.Fprintf(&b, "HOP(slide %d ms, size %d ms)", w.Slide, w.Size)
	default:
		fmt.Fprintf(&b, "SESSION(gap %d ms)", w.Gap)
	}
	b.WriteString(" GROUP BY (")
	for j, t := range o.keys.types {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString(expr.SQLTypeName(t))
	}
	b.WriteString(") SELECT ")
	for i, c := range o.spec.Aggs {
		if i > 0 {
			b.WriteString(", ")
		}
		if c.Func == CountStar {
			b.WriteString("COUNT(*)")
		} else {
			d := ""
			if c.Distinct && (c.Func == Count || c.Func == Sum || c.Func == Avg) {
				d = "DISTINCT "
			}
			fmt.Fprintf(&b, "%s(%s%s)", c.Func, d, expr.SQLTypeName(o.in.Field(c.Arg).Type))
		}
		b.WriteString(" AS " + expr.SQLTypeName(c.Type))
	}
	return b.String()
}

// Restore implements operators.Snapshotter: it loads the blobs Snapshot
// wrote, for any set of key groups, into an operator that has processed
// nothing yet, and sets its watermark to theirs. A blob that does not
// decode, or that another query wrote, is an error naming its group; the
// operator must not be used after an error.
func (o *op) Restore(ctx context.Context, groups map[int][]byte) error {
	if len(groups) == 0 {
		return nil
	}
	if o.wm != noWatermark || o.entries() > 0 {
		return errors.New("window: Restore needs an operator that has processed nothing")
	}
	desc := o.stateDesc()
	order := make([]int, 0, len(groups))
	for g := range groups {
		order = append(order, g)
	}
	slices.Sort(order)
	wms := make([]int64, len(order))
	nkeys := 0
	for i, g := range order {
		wm, nk, err := o.checkBlob(g, groups[g], desc)
		if err != nil {
			return fmt.Errorf("window state of key group %d: %w", g, err)
		}
		wms[i] = wm
		nkeys += nk
	}
	if len(o.spec.Keys) > 0 {
		o.keys.reserve(nkeys)
	}
	lo, hi := slices.Min(wms), slices.Max(wms)
	o.wm = lo
	if lo != hi {
		o.floors = new([state.KeyGroups]int64)
		for g := range o.floors {
			o.floors[g] = lo
		}
		for i, g := range order {
			o.floors[g] = wms[i]
		}
		o.floorTop = hi
	}
	var ids []uint32
	var slots []int32
	for i, g := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if ids, slots, err = o.restoreGroup(g, groups[g], wms[i], ids[:0], slots[:0]); err != nil {
			return fmt.Errorf("window state of key group %d: %w", g, err)
		}
	}
	if o.panes != nil {
		o.panes.growCache(len(o.keys.refs))
	}
	if o.spill != nil {
		// Version-1 blobs were restored into memory: write out what is
		// more than the operator keeps there.
		if err := o.spill.afterBatch(o); err != nil {
			return err
		}
		if err := o.spill.tab.Flush(); err != nil {
			return err
		}
	}
	if o.session != nil && o.session.spill != nil {
		sp := o.session.spill
		if err := sp.afterBatch(o, o.session); err != nil {
			return err
		}
		if err := sp.flush(); err != nil {
			return err
		}
	}
	o.metrics.StateEntries.Store(int64(o.entries()))
	return nil
}

// checkBlob verifies a blob's header, checksum and query, returning its
// watermark and key count.
func (o *op) checkBlob(g int, b []byte, desc string) (int64, int, error) {
	if g < 0 || g >= state.KeyGroups {
		return 0, 0, fmt.Errorf("no such key group (there are %d)", state.KeyGroups)
	}
	if len(b) < snapHeader+snapTrailer {
		return 0, 0, fmt.Errorf("truncated: %d bytes", len(b))
	}
	if string(b[:4]) != snapMagic {
		return 0, 0, errors.New("not window operator state")
	}
	if b[4] < snapVersion || b[4] > snapSessionKeys {
		return 0, 0, fmt.Errorf("state format version %d; this build reads versions %d to %d", b[4], snapVersion, snapSessionKeys)
	}
	body := b[:len(b)-snapTrailer]
	if crc32.Checksum(body, crcTable) != le.Uint32(b[len(body):]) {
		return 0, 0, errors.New("checksum mismatch: the state is corrupt or truncated")
	}
	d := &decoder{b: body, off: snapHeader}
	n := d.length("query description")
	got := d.take(n, "query description")
	if d.err != nil {
		return 0, 0, d.err
	}
	if string(got) != desc {
		return 0, 0, fmt.Errorf("%w: the state is of %s; this query is %s", errDifferentQuery, got, desc)
	}
	if Kind(b[5]) != o.spec.Window.Kind {
		return 0, 0, fmt.Errorf("%w: the state is of window kind %d", errDifferentQuery, b[5])
	}
	if sg := int(le.Uint16(b[6:])); sg != g {
		return 0, 0, fmt.Errorf("the blob holds key group %d", sg)
	}
	nk := d.count("key count", o.keys.minKeyBytes())
	if d.err != nil {
		return 0, 0, d.err
	}
	return int64(le.Uint64(b[8:])), nk, nil
}

// restoreGroup loads group g's blob (checked by checkBlob), written at
// watermark wm. ids and slots are scratch.
func (o *op) restoreGroup(g int, b []byte, wm int64, ids []uint32, slots []int32) ([]uint32, []int32, error) {
	switch b[4] {
	case snapRuns:
		return ids, slots, o.restoreRuns(g, b, wm)
	case snapSessionKeys:
		return ids, slots, o.restoreSessionKeys(g, b, wm)
	}
	d := &decoder{b: b[:len(b)-snapTrailer], off: snapHeader}
	d.take(d.length("query description"), "query description")
	nk := d.count("key count", o.keys.minKeyBytes())
	ids = o.keys.decodeKeys(d, nk, uint8(g), ids)
	if d.err != nil {
		return ids, slots, d.err
	}
	if o.panes != nil {
		slots = o.restorePanes(d, uint8(g), wm, ids, slots)
	} else {
		slots = o.restoreSessions(d, uint8(g), wm, ids, slots)
	}
	if d.err != nil {
		return ids, slots, d.err
	}
	for i, a := range o.slab.accs {
		if a.decodeState(d, slots); d.err != nil {
			return ids, slots, fmt.Errorf("aggregate %d (%s): %w", i+1, o.spec.Aggs[i].Describe(o.in), d.err)
		}
	}
	if d.left() != 0 {
		return ids, slots, fmt.Errorf("%d bytes after the last aggregate", d.left())
	}
	for k, id := range ids {
		if o.keys.refs[id] == 0 {
			return ids, slots, fmt.Errorf("key %d of %d holds no state", k+1, len(ids))
		}
	}
	o.keys.fresh = o.keys.fresh[:0]
	return ids, slots, nil
}

// restorePanes reads the pane runs and entries of group g, creating the
// entries, and appends their slots to slots.
func (o *op) restorePanes(d *decoder, g uint8, wm int64, ids []uint32, slots []int32) []int32 {
	p := o.panes
	nr := d.count("pane count", 12)
	runs := make([]paneRun, 0, nr)
	total, prev := 0, int64(math.MinInt64)
	lowPane := floorDiv(p.lowT, p.pane) * p.pane
	for i := range nr {
		pane, n := d.i64("pane"), int(d.u32("pane"))
		if d.err != nil {
			return slots
		}
		switch last := p.lastEnd(pane); {
		case i > 0 && pane <= prev:
			d.fail("panes out of order: %d after %d", pane, prev)
		case floorDiv(pane, p.pane)*p.pane != pane || pane < lowPane || pane > p.highT:
			d.fail("%d is not a pane start", pane)
		case last <= pane:
			d.fail("pane %d is in no window", pane)
		case last <= wm:
			d.fail("pane %d: its windows all ended by the watermark %d", pane, wm)
		case n == 0:
			d.fail("pane %d has no entries", pane)
		}
		if d.err != nil {
			return slots
		}
		prev = pane
		total += n
		runs = append(runs, paneRun{pane: pane, n: n})
	}
	kidx := d.take(4*total, "entries")
	if d.err != nil {
		return slots
	}
	o.slab.reserve(total)
	j := 0
	for _, r := range runs {
		for range r.n {
			k := le.Uint32(kidx[4*j:])
			j++
			if int(k) >= len(ids) {
				d.fail("entry %d: key %d of %d", j, k, len(ids))
				return slots
			}
			id := ids[k]
			v, created := p.table.Entry(r.pane, g, id)
			if !created {
				d.fail("pane %d holds a key twice", r.pane)
				return slots
			}
			*v = o.slab.alloc()
			o.keys.ref(id)
			slots = append(slots, *v)
		}
	}
	return slots
}

// restoreSessions reads the sessions of group g's keys, opening them, and
// appends their slots to slots.
func (o *op) restoreSessions(d *decoder, g uint8, wm int64, ids []uint32, slots []int32) []int32 {
	ss := o.session
	for k, id := range ids {
		n := int(d.u32("session count"))
		if d.err == nil && (n == 0 || n > d.left()/16) {
			d.fail("key %d of %d: %d sessions, %d bytes left", k+1, len(ids), n, d.left())
		}
		t := d.take(16*n, "sessions")
		if d.err != nil {
			return slots
		}
		o.slab.reserve(n)
		ks := ss.newKey()
		next := int64(math.MaxInt64)
		for i := range n {
			start, end := int64(le.Uint64(t[16*i:])), int64(le.Uint64(t[16*i+8:]))
			if start >= end || uint64(end)-uint64(start) < uint64(ss.gap) || end == math.MaxInt64 || end < wm {
				d.fail("session [%d, %d) of gap %d ms is not open at the watermark %d", start, end, ss.gap, wm)
				return slots
			}
			slot := o.slab.alloc()
			ks.list = append(ks.list, session{start: start, end: end, slot: slot})
			ss.open++
			next = min(next, end)
			slots = append(slots, slot)
		}
		ss.table.Put(g, id, ks)
		ss.setByID(id, ks)
		o.keys.ref(id)
		ss.heap.push(next, id)
	}
	return slots
}
