package window

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/state"
	"github.com/weir-stream/weir/state/badgerstate"
)

// sessSpill keeps SESSION state in Badger (the 'badger' state backend).
//
// A key's open sessions are either in memory (resident) or in Badger,
// never both. Once more than resident sessions are in memory after a
// batch, every resident key is written out: its sessions, each with its
// bounds and partial, as one value of a keyed table, and an entry (the
// key's earliest session end, key) in a time-keyed index. A row of a key
// that is not resident reads the key's sessions back first (sessions
// merge with the rows that bridge them, so they must be in memory). When
// the watermark passes an indexed end, the keys indexed before it are
// read back in chunks of resident keys and fire from memory.
type sessSpill struct {
	keys     *badgerstate.KeyTable
	index    *badgerstate.TimeTable
	resident int
	stored   int // sessions in Badger
	keysIn   int // keys in Badger
	err      error
	// earliest is, per key group, at most the earliest session end in
	// the index: a fire scans only the groups it may find something in.
	earliest [state.KeyGroups]int64
	// filter holds the hashes of the keys written to Badger, so that a
	// key never written costs no read (rebuilt from the table when full;
	// about 2 bytes of memory per key in Badger).
	filter *keyFilter

	key, val, blob []byte
	offs           []int
	slots          []int32
	due            []dueKey
}

// dueKey is an index entry read when firing: a key's group, record and
// earliest session end.
type dueKey struct {
	group uint8
	end   int64
	rec   []byte
}

// errChunk ends an index scan once a chunk of keys is due.
var errChunk = errors.New("chunk full")

func (o *op) useSessionTables(db *badgerstate.DB, name string, resident int) error {
	keys, err := db.KeyTable(name + "sessions")
	if err != nil {
		return err
	}
	index, err := db.TimeTable(name + "session-ends")
	if err != nil {
		return err
	}
	sp := &sessSpill{keys: keys, index: index, resident: resident, filter: newKeyFilter(min(resident, 1<<20))}
	for g := range sp.earliest {
		sp.earliest[g] = math.MaxInt64
	}
	o.session.spill = sp
	return nil
}

// load moves key id's sessions from Badger into memory and returns them,
// when Badger has any. Errors are kept in sp.err (assign has no error
// return); Process checks it.
func (sp *sessSpill) load(o *op, ss *sessions, id uint32, g uint8) (*keySessions, bool) {
	if sp.err != nil || sp.stored == 0 {
		return nil, false
	}
	sp.key = o.keys.appendKeyRecord(sp.key[:0], id)
	if !sp.filter.mayContain(state.HashBytes(sp.key)) {
		return nil, false
	}
	var ok bool
	var err error
	if sp.val, ok, err = sp.keys.GetStable(g, sp.key, sp.val[:0]); err != nil || !ok {
		sp.err = err
		return nil, false
	}
	ks, err := sp.install(o, ss, id, g, sp.key, sp.val)
	if err != nil {
		sp.err = err
		return nil, false
	}
	return ks, true
}

// install opens the sessions of key id (record rec) from their Badger
// value, and deletes them and their index entry from Badger.
func (sp *sessSpill) install(o *op, ss *sessions, id uint32, g uint8, rec, val []byte) (*keySessions, error) {
	ks := ss.newKey()
	minEnd, err := sp.decodeSessions(o, ss.gap, val, noWatermark, func(start, end int64, part []byte) error {
		slot := o.slab.alloc()
		ks.list = append(ks.list, session{start: start, end: end, slot: slot})
		return o.decodeEntry(part, slot)
	})
	if err != nil {
		for _, s := range ks.list {
			o.slab.release(s.slot)
		}
		ks.list = ks.list[:0]
		ss.pool = append(ss.pool, ks)
		return nil, fmt.Errorf("window state table: sessions of a key in key group %d: %w", g, err)
	}
	ss.table.Put(g, id, ks)
	ss.setByID(id, ks)
	o.keys.ref(id)
	ss.open += len(ks.list)
	ss.heap.push(minEnd, id)
	sp.stored -= len(ks.list)
	sp.keysIn--
	if err := sp.keys.Delete(g, rec); err != nil {
		return ks, err
	}
	return ks, sp.index.Delete(g, minEnd, rec)
}

// decodeSessions reads a key's sessions value, calling fn for each
// session (bounds checked against gap and the watermark wm), and returns
// the earliest end.
func (sp *sessSpill) decodeSessions(o *op, gap int64, val []byte, wm int64, fn func(start, end int64, part []byte) error) (int64, error) {
	d := &decoder{b: val}
	n := d.uvarint("session count")
	if d.err == nil && (n == 0 || n > uint64(d.left()/17)) {
		d.fail("%d sessions in %d bytes", n, d.left())
	}
	minEnd := int64(math.MaxInt64)
	for range n {
		start, end := d.i64("session start"), d.i64("session end")
		part := d.take(d.length("partials"), "partials")
		if d.err != nil {
			break
		}
		if start >= end || uint64(end)-uint64(start) < uint64(gap) || end == math.MaxInt64 || end < wm {
			d.fail("session [%d, %d) of gap %d ms is not open at the watermark %d", start, end, gap, wm)
			break
		}
		minEnd = min(minEnd, end)
		if err := fn(start, end, part); err != nil {
			return 0, err
		}
	}
	if d.err == nil && d.left() != 0 {
		d.fail("%d bytes after the sessions", d.left())
	}
	return minEnd, d.err
}

// afterBatch writes the resident keys out once they hold too many
// sessions, and else writes the deletions of the keys read back: a key
// read back is resident until the batch ends, and a read after that must
// not find its old value (GetStable reads only what was written).
func (sp *sessSpill) afterBatch(o *op, ss *sessions) error {
	if sp.err != nil {
		return sp.err
	}
	if ss.open <= sp.resident {
		return sp.flush()
	}
	return sp.writeOut(o, ss)
}

// flush writes both tables' pending writes.
func (sp *sessSpill) flush() error {
	return errors.Join(sp.keys.Flush(), sp.index.Flush())
}

// writeOut moves every resident key's sessions to Badger.
func (sp *sessSpill) writeOut(o *op, ss *sessions) error {
	sp.slots = sp.slots[:0]
	for _, ks := range ss.byID {
		if ks != nil {
			for _, s := range ks.list {
				sp.slots = append(sp.slots, s.slot)
			}
		}
	}
	if len(sp.slots) == 0 {
		return nil
	}
	var vals []byte
	vals, sp.offs = o.encodeEntries(nil, sp.offs, sp.slots)
	k := 0
	var err error
	for id, ks := range ss.byID {
		if ks == nil {
			continue
		}
		g := o.keys.groups[id]
		sp.blob = binary.AppendUvarint(sp.blob[:0], uint64(len(ks.list)))
		minEnd := int64(math.MaxInt64)
		for _, s := range ks.list {
			sp.blob = le.AppendUint64(le.AppendUint64(sp.blob, uint64(s.start)), uint64(s.end))
			part := vals[sp.offs[k]:sp.offs[k+1]]
			k++
			sp.blob = binary.AppendUvarint(sp.blob, uint64(len(part)))
			sp.blob = append(sp.blob, part...)
			minEnd = min(minEnd, s.end)
			o.slab.release(s.slot)
		}
		if err == nil {
			sp.key = o.keys.appendKeyRecord(sp.key[:0], uint32(id))
			sp.filter.add(state.HashBytes(sp.key))
			err = sp.putKey(g, sp.key, sp.blob, minEnd)
		}
		sp.keysIn++
		sp.stored += len(ks.list)
		ss.open -= len(ks.list)
		ks.list = ks.list[:0]
		ss.table.Delete(g, uint32(id))
		ss.byID[id] = nil
		ss.pool = append(ss.pool, ks)
		o.keys.unref(uint32(id))
	}
	o.metrics.StateWrittenOut.Add(int64(len(sp.slots)))
	// Every heap entry is of a key no longer resident.
	ss.heap.ends, ss.heap.keys = ss.heap.ends[:0], ss.heap.keys[:0]
	if err != nil {
		return err
	}
	if err := sp.flush(); err != nil {
		return err
	}
	if sp.filter.full() {
		return sp.rebuildFilter()
	}
	return nil
}

// rebuildFilter sizes a new filter for twice the keys in Badger and adds
// them all (reading the table), dropping the keys read back since.
func (sp *sessSpill) rebuildFilter() error {
	f := newKeyFilter(2 * max(sp.keysIn, sp.resident))
	for g := range state.KeyGroups {
		err := sp.keys.ScanGroup(uint8(g), func(rec, _ []byte) error {
			f.add(state.HashBytes(rec))
			return nil
		})
		if err != nil {
			return err
		}
	}
	sp.filter = f
	return nil
}

// putKey writes a key's sessions value and its index entry (its
// earliest session end).
func (sp *sessSpill) putKey(g uint8, rec, val []byte, minEnd int64) error {
	if err := sp.keys.Put(g, rec, val); err != nil {
		return err
	}
	sp.earliest[g] = min(sp.earliest[g], minEnd)
	return sp.index.Put(g, minEnd, rec, nil)
}

// fire reads back, a chunk of keys at a time, the keys whose earliest
// session ends before wm, and fires them (and the resident keys) from
// memory.
func (sp *sessSpill) fire(ctx context.Context, o *op, ss *sessions, wm int64, out operators.Emitter) error {
	chunk := max(1, sp.resident)
	for sp.stored > 0 {
		sp.due = sp.due[:0]
		for g := range state.KeyGroups {
			if sp.earliest[g] >= wm {
				continue // nothing of the group is due
			}
			next, err := sp.index.ScanBefore(uint8(g), wm, func(ts int64, rec, _ []byte) error {
				if len(sp.due) >= chunk {
					return errChunk
				}
				sp.due = append(sp.due, dueKey{group: uint8(g), end: ts, rec: append([]byte(nil), rec...)})
				return nil
			})
			if errors.Is(err, errChunk) {
				break
			}
			if err != nil {
				return err
			}
			// Every due key of the group is listed; those read back
			// leave the index, so the group's earliest end is next.
			sp.earliest[g] = next
		}
		if len(sp.due) == 0 {
			break
		}
		for _, dk := range sp.due {
			id, err := o.keys.lookupKey(dk.rec, dk.group)
			if err != nil {
				return fmt.Errorf("window state table: session index, key group %d: %w", dk.group, err)
			}
			if _, ok := ss.table.Get(dk.group, id); ok {
				// Cannot be (a resident key's index entry is deleted when
				// it is read back); drop the entry rather than loop.
				if err := sp.index.Delete(dk.group, dk.end, dk.rec); err != nil {
					return err
				}
				continue
			}
			var ok bool
			if sp.val, ok, err = sp.keys.GetStable(dk.group, dk.rec, sp.val[:0]); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("window state table: key group %d: a key is in the session index but has no sessions", dk.group)
			}
			if _, err := sp.install(o, ss, id, dk.group, dk.rec, sp.val); err != nil {
				return err
			}
		}
		if err := ss.fireResident(ctx, o, wm, out); err != nil {
			return err
		}
	}
	if err := ss.fireResident(ctx, o, wm, out); err != nil {
		return err
	}
	return sp.flush()
}
