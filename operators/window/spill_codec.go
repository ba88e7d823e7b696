package window

import (
	"fmt"
	"slices"

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

// lookupKey returns the id of the key whose record is rec, interning it
// when it is new, after checking that the key is in group. It does not
// count the id as the current batch's (the caller references it).
func (d *keyDict) lookupKey(rec []byte, group uint8) (uint32, error) {
	dec := &decoder{b: rec}
	var id uint32
	switch d.mode {
	case keysNone:
		if len(rec) != 0 || group != 0 {
			return 0, fmt.Errorf("state without keys must be in key group 0 with an empty key, got group %d", group)
		}
		id = 0 // created with the dictionary, never released
	case keysInt:
		t := dec.take(9, "key")
		switch {
		case dec.err != nil:
		case t[0] == 0:
			id = d.lookupNull(dec, group)
		case t[0] == 1:
			v := int64(le.Uint64(t[1:]))
			if x, ok := d.ints[v]; ok && intKeyGroup(v) == group {
				id = x
			} else {
				var ids [1]uint32
				if r := d.restoreInt(dec, v, group, ids[:0]); len(r) == 1 {
					id = r[0]
				}
			}
		default:
			dec.fail("key flag byte %d", t[0])
		}
	case keysString:
		switch dec.u8("key") {
		case 0:
			id = d.lookupNull(dec, group)
		case 1:
			v := dec.take(dec.length("key"), "key")
			if dec.err != nil {
				break
			}
			if x, ok := d.strs[string(v)]; ok && stringKeyGroup(string(v)) == group {
				id = x
			} else {
				var ids [1]uint32
				if r := d.restoreString(dec, string(v), group, ids[:0]); len(r) == 1 {
					id = r[0]
				}
			}
		default:
			dec.fail("bad key flag byte")
		}
	case keysEncoded:
		v := dec.take(dec.length("key"), "key")
		if dec.err != nil {
			break
		}
		if x, ok := d.strs[string(v)]; ok && d.encodedKeyGroup(string(v)) == group {
			id = x
		} else {
			var ids [1]uint32
			if r := d.restoreEncoded(dec, string(v), group, ids[:0]); len(r) == 1 {
				id = r[0]
			}
		}
	}
	if dec.err == nil && dec.left() != 0 {
		dec.fail("%d bytes after the key", dec.left())
	}
	if dec.err != nil {
		return 0, dec.err
	}
	if n := len(d.fresh); n > 0 && d.fresh[n-1] == id {
		d.fresh = d.fresh[:n-1]
	}
	return id, nil
}

func (d *keyDict) lookupNull(dec *decoder, group uint8) uint32 {
	if d.nullID >= 0 {
		if g := nullKeyGroup(); g != group {
			dec.fail("key NULL is in key group %d, not %d", g, group)
		}
		return uint32(d.nullID)
	}
	var ids [1]uint32
	if r := d.restoreNull(dec, group, ids[:0]); len(r) == 1 {
		return r[0]
	}
	return 0
}
