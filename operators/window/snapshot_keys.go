package window

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// The key section of a state blob, by key mode (the key count is written
// before it), a record per key:
//
//	no keys   nothing (one key, id 0)
//	integer   a flag (0 NULL, 1 a value) and the value (8 bytes, 0 for
//	          NULL)
//	VARCHAR   a flag, and for a value its uvarint length and bytes
//	encoded   a uvarint length and the key encoding (keyenc.go)
//
// Restore recomputes each key's group from its value with the shuffle's
// hash, and refuses a key that is not in the blob's group.

// keySize is the size of the record of key id.
func (d *keyDict) keySize(id uint32) int {
	switch d.mode {
	case keysInt:
		return 9
	case keysString:
		if int64(id) == d.nullID {
			return 1
		}
		return 1 + uvarintLen(uint64(len(d.svals[id]))) + len(d.svals[id])
	case keysEncoded:
		return uvarintLen(uint64(len(d.svals[id]))) + len(d.svals[id])
	}
	return 0
}

// putKey writes the record of key id at c in buf, returning its end.
func (d *keyDict) putKey(buf []byte, c int, id uint32) int {
	switch d.mode {
	case keysInt:
		if int64(id) == d.nullID {
			buf[c] = 0
			le.PutUint64(buf[c+1:c+9], 0)
		} else {
			buf[c] = 1
			le.PutUint64(buf[c+1:c+9], uint64(d.ivals[id]))
		}
		return c + 9
	case keysString:
		if int64(id) == d.nullID {
			buf[c] = 0
			return c + 1
		}
		buf[c] = 1
		return putString(buf, c+1, d.svals[id])
	case keysEncoded:
		return putString(buf, c, d.svals[id])
	}
	return c
}

// putKeys writes the record of ids[k] at cur[groups[k]] in buf and
// advances that cursor.
func (d *keyDict) putKeys(buf []byte, ids []uint32, groups []uint8, cur *cursors) {
	if d.mode == keysInt {
		for k, id := range ids {
			g := groups[k]
			c := cur[g]
			v, flag := d.ivals[id], byte(1)
			if int64(id) == d.nullID {
				v, flag = 0, 0
			}
			buf[c] = flag
			le.PutUint64(buf[c+1:c+9], uint64(v))
			cur[g] = c + 9
		}
		return
	}
	for k, id := range ids {
		g := groups[k]
		cur[g] = d.putKey(buf, cur[g], id)
	}
}

// reserve makes room for n more keys (a Restore's), so that interning
// them does not grow the maps and slices again and again.
func (d *keyDict) reserve(n int) {
	switch {
	case d.mode == keysInt && len(d.ints) == 0:
		d.ints = make(map[int64]uint32, n)
	case (d.mode == keysString || d.mode == keysEncoded) && len(d.strs) == 0:
		d.strs = make(map[string]uint32, n)
	}
	d.refs = slices.Grow(d.refs, n)
	d.groups = slices.Grow(d.groups, n)
	switch d.mode {
	case keysInt:
		d.ivals = slices.Grow(d.ivals, n)
	case keysString, keysEncoded:
		d.svals = slices.Grow(d.svals, n)
	}
}

// minKeyBytes is the least a key takes in the key section.
func (d *keyDict) minKeyBytes() int {
	switch d.mode {
	case keysInt:
		return 9
	case keysNone:
		return 0
	}
	return 1
}

// decodeKeys reads the key section of n keys of group, interning each
// (it must be new) and appending its id to ids.
func (d *keyDict) decodeKeys(dec *decoder, n int, group uint8, ids []uint32) []uint32 {
	switch d.mode {
	case keysNone:
		if n != 1 || group != 0 {
			dec.fail("state without keys must be one key in key group 0, got %d keys in group %d", n, group)
			return ids
		}
		return append(ids, 0)
	case keysInt:
		t := dec.take(9*n, "keys")
		if dec.err != nil {
			return ids
		}
		for i := range n {
			switch t[9*i] {
			case 0:
				ids = d.restoreNull(dec, group, ids)
			case 1:
				ids = d.restoreInt(dec, int64(le.Uint64(t[9*i+1:])), group, ids)
			default:
				dec.fail("key %d: flag byte %d", i+1, t[9*i])
			}
			if dec.err != nil {
				return ids
			}
		}
	case keysString:
		for range n {
			switch dec.u8("key") {
			case 0:
				ids = d.restoreNull(dec, group, ids)
			case 1:
				v := dec.take(dec.length("key"), "key")
				if dec.err == nil {
					ids = d.restoreString(dec, string(v), group, ids)
				}
			default:
				dec.fail("key %d: bad flag byte", len(ids))
			}
			if dec.err != nil {
				return ids
			}
		}
	case keysEncoded:
		for range n {
			v := dec.take(dec.length("key"), "key")
			if dec.err == nil {
				ids = d.restoreEncoded(dec, string(v), group, ids)
			}
			if dec.err != nil {
				return ids
			}
		}
	}
	return ids
}

func (d *keyDict) restoreNull(dec *decoder, group uint8, ids []uint32) []uint32 {
	if g := nullKeyGroup(); g != group {
		dec.fail("key NULL is in key group %d, not %d", g, group)
		return ids
	}
	if d.nullID >= 0 {
		dec.fail("key NULL is there twice")
		return ids
	}
	id := d.newID()
	d.nullID = int64(id)
	d.groups[id] = group
	return append(ids, id)
}

func (d *keyDict) restoreInt(dec *decoder, v int64, group uint8, ids []uint32) []uint32 {
	if id := d.types[0].ID(); (id == arrow.INT32 || id == arrow.DATE32) && v != int64(int32(v)) {
		dec.fail("key %d does not fit %s", v, d.types[0])
		return ids
	}
	if g := intKeyGroup(v); g != group {
		dec.fail("key %d is in key group %d, not %d", v, g, group)
		return ids
	}
	id, n := d.newID(), len(d.ints)
	if d.ints[v] = id; len(d.ints) == n {
		dec.fail("key %d is there twice", v)
		return ids
	}
	d.ivals[id] = v
	d.groups[id] = group
	return append(ids, id)
}

func (d *keyDict) restoreString(dec *decoder, v string, group uint8, ids []uint32) []uint32 {
	if g := stringKeyGroup(v); g != group {
		dec.fail("key %q is in key group %d, not %d", v, g, group)
		return ids
	}
	id, n := d.newID(), len(d.strs)
	if d.strs[v] = id; len(d.strs) == n {
		dec.fail("key %q is there twice", v)
		return ids
	}
	d.svals[id] = v
	d.groups[id] = group
	return append(ids, id)
}

func (d *keyDict) restoreEncoded(dec *decoder, v string, group uint8, ids []uint32) []uint32 {
	if err := d.checkEncoded(v); err != nil {
		dec.fail("key %x: %v", v, err)
		return ids
	}
	if g := d.encodedKeyGroup(v); g != group {
		dec.fail("key %x is in key group %d, not %d", v, g, group)
		return ids
	}
	id, n := d.newID(), len(d.strs)
	if d.strs[v] = id; len(d.strs) == n {
		dec.fail("key %x is there twice", v)
		return ids
	}
	d.svals[id] = v
	d.groups[id] = group
	return append(ids, id)
}

// checkEncoded verifies that s is a well-formed key encoding of the key
// types in canonical form (what appendKey writes), so that decodeField
// can read it and equal keys have equal encodings.
func (d *keyDict) checkEncoded(s string) error {
	for j, t := range d.types {
		if len(s) == 0 {
			return fmt.Errorf("column %d missing", j+1)
		}
		tag := s[0]
		s = s[1:]
		if tag == 0 {
			continue
		}
		if tag != 1 {
			return fmt.Errorf("column %d: tag %d", j+1, tag)
		}
		need := 0
		switch t.ID() {
		case arrow.INT32, arrow.DATE32:
			need = 4
		case arrow.INT64, arrow.TIMESTAMP, arrow.FLOAT32, arrow.FLOAT64:
			need = 8
		case arrow.BOOL:
			need = 1
		case arrow.DECIMAL128:
			need = 16
		case arrow.STRING:
			n, k := binary.Uvarint([]byte(s))
			if k <= 0 || n > uint64(len(s)-k) {
				return fmt.Errorf("column %d: bad string length", j+1)
			}
			need = k + int(n)
		}
		if len(s) < need {
			return fmt.Errorf("column %d truncated", j+1)
		}
		switch t.ID() {
		case arrow.BOOL:
			if s[0] > 1 {
				return fmt.Errorf("column %d: boolean byte %d", j+1, s[0])
			}
		case arrow.FLOAT32, arrow.FLOAT64:
			u := le.Uint64([]byte(s[:8]))
			f := math.Float64frombits(u)
			if canonicalFloat(f) != u || (t.ID() == arrow.FLOAT32 && f == f && float64(float32(f)) != f) {
				return fmt.Errorf("column %d: %#x is not a canonical %s key", j+1, u, t)
			}
		}
		s = s[need:]
	}
	if len(s) != 0 {
		return fmt.Errorf("%d trailing bytes", len(s))
	}
	return nil
}
