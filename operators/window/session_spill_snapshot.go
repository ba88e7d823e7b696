package window

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/weir-stream/weir/state"
)

// snapSessionKeys is the format version of the SESSION blobs an operator
// on the Badger state backend writes: the header and query description
// of version 1 (snapshot_format.go), then
//
//	count    key count (4 bytes)
//	keys     per key, in order of key record bytes: the uvarint length
//	         and bytes of the key record (snapshot_keys.go), then the
//	         uvarint length and bytes of its sessions: their uvarint
//	         count, and per session its start and end (8 bytes each) and
//	         the uvarint length and bytes of its partials (spill_codec.go)
//	trailer  CRC-32C of everything before it (4 bytes)
//
// These are the Badger table's own values. Either backend restores
// either version.
const snapSessionKeys = 3

// snapshotSessionSpill writes every resident key out to Badger, then puts
// a version-3 blob per key group from the Badger table.
func (o *op) snapshotSessionSpill(ctx context.Context, put func(group int, data []byte) error) error {
	ss, sp := o.session, o.session.spill
	if err := sp.writeOut(o, ss); err != nil {
		return err
	}
	desc := o.stateDesc()
	var body []byte
	for g := range state.KeyGroups {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := 0
		body = body[:0]
		err := sp.keys.ScanGroup(uint8(g), func(rec, val []byte) error {
			body = binary.AppendUvarint(body, uint64(len(rec)))
			body = append(body, rec...)
			body = binary.AppendUvarint(body, uint64(len(val)))
			body = append(body, val...)
			n++
			return nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		b := o.appendHeader(make([]byte, 0, 64+len(desc)+len(body)), snapSessionKeys, g, desc, n)
		b = append(b, body...)
		b = le.AppendUint32(b, crc32.Checksum(b, crcTable))
		if err := put(g, b[:len(b):len(b)]); err != nil {
			return err
		}
	}
	return nil
}

// restoreSessionKeys loads a version-3 blob of group g, written at
// watermark wm: into the Badger tables when the operator has them, else
// into memory.
func (o *op) restoreSessionKeys(g int, b []byte, wm int64) error {
	ss := o.session
	if ss == nil {
		return fmt.Errorf("%w: sessions, but this is a TUMBLE or HOP window", errDifferentQuery)
	}
	d := &decoder{b: b[:len(b)-snapTrailer], off: snapHeader}
	d.take(d.length("query description"), "query description")
	n := d.count("key count", 2)
	var prev []byte
	for i := range n {
		rec := d.take(d.length("key"), "key")
		val := d.take(d.length("sessions"), "sessions")
		if d.err != nil {
			return d.err
		}
		if i > 0 && bytes.Compare(prev, rec) >= 0 {
			return fmt.Errorf("key %d of %d: keys out of order or repeated", i+1, n)
		}
		prev = rec
		if err := o.restoreSessionKey(uint8(g), rec, val, wm); err != nil {
			return fmt.Errorf("key %d of %d: %w", i+1, n, err)
		}
	}
	if d.left() != 0 {
		return fmt.Errorf("%d bytes after the last key", d.left())
	}
	return nil
}

// restoreSessionKey adds the sessions val of the key whose record is rec.
func (o *op) restoreSessionKey(g uint8, rec, val []byte, wm int64) error {
	ss := o.session
	if sp := ss.spill; sp != nil {
		if kg, err := o.keys.recordGroup(rec); err != nil {
			return err
		} else if kg != g {
			return fmt.Errorf("the key is in key group %d, not %d", kg, g)
		}
		count := 0
		minEnd, err := sp.decodeSessions(o, ss.gap, val, wm, func(_, _ int64, part []byte) error {
			count++
			return o.checkPartial(part)
		})
		if err != nil {
			return err
		}
		sp.filter.add(state.HashBytes(rec))
		sp.keysIn++
		sp.stored += count
		return sp.putKey(g, rec, val, minEnd)
	}
	id, err := o.keys.lookupKey(rec, g)
	if err != nil {
		return err
	}
	if _, ok := ss.table.Get(g, id); ok {
		return fmt.Errorf("the key is there twice")
	}
	ks := ss.newKey()
	minEnd, err := (&sessSpill{}).decodeSessions(o, ss.gap, val, wm, func(start, end int64, part []byte) error {
		slot := o.slab.alloc()
		ks.list = append(ks.list, session{start: start, end: end, slot: slot})
		return o.decodeEntry(part, slot)
	})
	ss.table.Put(g, id, ks)
	ss.setByID(id, ks)
	o.keys.ref(id)
	ss.open += len(ks.list)
	if err != nil {
		return err
	}
	ss.heap.push(minEnd, id)
	return nil
}
