package window

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/state"
)

// An entry of the Badger state table (spill.go) is one (pane, key)
// partial: its key is the key's record (snapshot_keys.go) and its value
// the aggregates' records (snapshot_accs.go) one after the other, in
// aggregate order.

// encodeEntries appends the value of every slot to dst: values[k] is
// dst[offs[k]:offs[k+1]]. It writes up to a key-group count of slots at a
// time, each as its own "group" of the state codecs' cursors, so that
// every aggregate's record of slot k follows the one before it.
func (o *op) encodeEntries(dst []byte, offs []int, slots []int32) ([]byte, []int) {
	var groups [state.KeyGroups]uint8
	for k := range groups {
		groups[k] = uint8(k)
	}
	offs = append(offs[:0], len(dst))
	for len(slots) > 0 {
		chunk := slots[:min(len(slots), state.KeyGroups)]
		slots = slots[len(chunk):]
		gs := groups[:len(chunk)]
		var size cursors
		for _, a := range o.slab.accs {
			if w := a.stateWidth(); w > 0 {
				for k := range chunk {
					size[k] += w
				}
			} else {
				a.(varSizer).stateSizes(chunk, gs, &size)
			}
		}
		var cur cursors
		at := len(dst)
		for k := range chunk {
			cur[k] = at
			at += size[k]
			offs = append(offs, at)
		}
		dst = slices.Grow(dst, at-len(dst))[:at]
		for _, a := range o.slab.accs {
			a.encodeState(dst, chunk, gs, &cur)
		}
	}
	return dst, offs
}

// decodeEntry reads an entry's value into slot, which is empty.
func (o *op) decodeEntry(val []byte, slot int32) error {
	d := &decoder{b: val}
	one := []int32{slot}
	for i, a := range o.slab.accs {
		if a.decodeState(d, one); d.err != nil {
			return fmt.Errorf("aggregate %d (%s): %w", i+1, o.spec.Aggs[i].Describe(o.in), d.err)
		}
	}
	if d.left() != 0 {
		return fmt.Errorf("%d bytes after the last aggregate", d.left())
	}
	return nil
}

// appendKeyRecord appends the record of key id to dst.
func (d *keyDict) appendKeyRecord(dst []byte, id uint32) []byte {
	n := len(dst)
	dst = slices.Grow(dst, d.keySize(id))[:n+d.keySize(id)]
	d.putKey(dst, n, id)
	return dst
}

// keyRecord is one decoded key record: NULL, an integer, or a string (a
// VARCHAR value or an encoded key).
type keyRecord struct {
	null bool
	i    int64
	s    string
}

// parseKeyRecord decodes a whole key record (snapshot_keys.go), checking
// it as a restore does, and returns it with its key group from the
// shuffle's hash.
func (d *keyDict) parseKeyRecord(rec []byte) (keyRecord, uint8, error) {
	dec := &decoder{b: rec}
	var kr keyRecord
	var g uint8
	switch d.mode {
	case keysInt:
		t := dec.take(9, "key")
		switch {
		case dec.err != nil:
		case t[0] == 0:
			kr.null, g = true, nullKeyGroup()
		case t[0] == 1:
			kr.i = int64(le.Uint64(t[1:]))
			if id := d.types[0].ID(); (id == arrow.INT32 || id == arrow.DATE32) && kr.i != int64(int32(kr.i)) {
				dec.fail("key %d does not fit %s", kr.i, d.types[0])
			}
			g = intKeyGroup(kr.i)
		default:
			dec.fail("key flag byte %d", t[0])
		}
	case keysString:
		switch dec.u8("key") {
		case 0:
			kr.null, g = true, nullKeyGroup()
		case 1:
			kr.s = string(dec.take(dec.length("key"), "key"))
			g = stringKeyGroup(kr.s)
		default:
			dec.fail("bad key flag byte")
		}
	case keysEncoded:
		kr.s = string(dec.take(dec.length("key"), "key"))
		if dec.err == nil {
			if err := d.checkEncoded(kr.s); err != nil {
				return kr, 0, fmt.Errorf("key %x: %w", kr.s, err)
			}
			g = d.encodedKeyGroup(kr.s)
		}
	}
	if dec.err == nil && dec.left() != 0 {
		dec.fail("%d bytes after the key", dec.left())
	}
	return kr, g, dec.err
}

// recordGroup returns the key group of the key whose record is rec,
// checking the record without interning the key.
func (d *keyDict) recordGroup(rec []byte) (uint8, error) {
	_, g, err := d.parseKeyRecord(rec)
	return g, err
}

// lookupKey returns the id of the key whose record is rec, interning it
// when it is new, after checking that the key is in group. It does not
// count the id as the current batch's (the caller references it).
func (d *keyDict) lookupKey(rec []byte, group uint8) (uint32, error) {
	kr, g, err := d.parseKeyRecord(rec)
	if err != nil {
		return 0, err
	}
	if g != group {
		return 0, fmt.Errorf("the key is in key group %d, not %d", g, group)
	}
	var found bool
	var id uint32
	switch {
	case d.mode == keysNone:
		return 0, nil // created with the dictionary, never released
	case kr.null:
		id, found = uint32(d.nullID), d.nullID >= 0
	case d.mode == keysInt:
		id, found = d.ints[kr.i]
	default:
		id, found = d.strs[kr.s]
	}
	if found {
		return id, nil
	}
	dec := &decoder{}
	var ids []uint32
	switch {
	case kr.null:
		ids = d.restoreNull(dec, g, nil)
	case d.mode == keysInt:
		ids = d.restoreInt(dec, kr.i, g, nil)
	case d.mode == keysString:
		ids = d.restoreString(dec, kr.s, g, nil)
	default:
		ids = d.restoreEncoded(dec, kr.s, g, nil)
	}
	if dec.err != nil {
		return 0, dec.err
	}
	// The id is the caller's, not the current batch's.
	d.fresh = d.fresh[:len(d.fresh)-1]
	return ids[0], nil
}
