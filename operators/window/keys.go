package window

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/state"
)

// keyMode picks how a keyDict maps rows to key ids.
type keyMode int

const (
	keysNone    keyMode = iota // no GROUP BY keys: one key, id 0
	keysInt                    // one INT, BIGINT, TIMESTAMP or DATE key: map[int64]
	keysString                 // one VARCHAR key: map[string]
	keysEncoded                // anything else: an encoded byte string per key
)

// keyDict interns the GROUP BY key of each row into a small dense key id,
// so state tables and accumulators work with uint32 ids instead of
// values. NULL is a key like any other (SQL GROUP BY). Ids are reference
// counted by the state entries that use them and recycled when no entry
// does. Each id also records its key group, from the same hash the
// runtime's shuffle uses (xxhash of the values' canonical bytes).
type keyDict struct {
	cols  []int
	types []arrow.DataType
	mode  keyMode

	ints   map[int64]uint32
	strs   map[string]uint32
	nullID int64 // id of the NULL key in keysInt/keysString, -1 if none

	ivals  []int64  // keysInt: the value of each id
	svals  []string // keysString: the value; keysEncoded: the encoding
	groups []uint8
	refs   []int32
	free   []uint32
	fresh  []uint32 // ids created by the current batch

	ids []uint32 // per-row ids of the current batch
	buf []byte
}

func newKeyDict(cols []int, in *arrow.Schema) (*keyDict, error) {
	d := &keyDict{cols: cols, nullID: -1}
	for _, c := range cols {
		if c < 0 || c >= in.NumFields() {
			return nil, fmt.Errorf("%w: key column %d, input has %d columns", ErrSpec, c, in.NumFields())
		}
		t := in.Field(c).Type
		switch t.ID() {
		case arrow.INT32, arrow.INT64, arrow.TIMESTAMP, arrow.DATE32, arrow.FLOAT32, arrow.FLOAT64,
			arrow.BOOL, arrow.STRING, arrow.DECIMAL128:
		default:
			return nil, fmt.Errorf("%w: cannot group by %s (%s)", ErrSpec, in.Field(c).Name, expr.SQLTypeName(t))
		}
		d.types = append(d.types, t)
	}
	switch {
	case len(cols) == 0:
		d.mode = keysNone
		d.newID() // the one key: never released
		d.refs[0] = 1
	case len(cols) == 1 && isIntKey(d.types[0]):
		d.mode, d.ints = keysInt, make(map[int64]uint32)
	case len(cols) == 1 && d.types[0].ID() == arrow.STRING:
		d.mode, d.strs = keysString, make(map[string]uint32)
	default:
		d.mode, d.strs = keysEncoded, make(map[string]uint32)
	}
	return d, nil
}

func isIntKey(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT32, arrow.INT64, arrow.TIMESTAMP, arrow.DATE32:
		return true
	}
	return false
}

// newID returns a fresh id with no references.
func (d *keyDict) newID() uint32 {
	if k := len(d.free); k > 0 {
		id := d.free[k-1]
		d.free = d.free[:k-1]
		d.fresh = append(d.fresh, id)
		return id
	}
	id := uint32(len(d.refs))
	d.refs = append(d.refs, 0)
	d.groups = append(d.groups, 0)
	switch d.mode {
	case keysInt:
		d.ivals = append(d.ivals, 0)
	case keysString, keysEncoded:
		d.svals = append(d.svals, "")
	}
	d.fresh = append(d.fresh, id)
	return id
}

// ref and unref count the state entries that use a key id; an id nobody
// uses is forgotten and recycled.
func (d *keyDict) ref(id uint32) { d.refs[id]++ }

func (d *keyDict) unref(id uint32) {
	if d.refs[id]--; d.refs[id] == 0 {
		d.remove(id)
	}
}

// sweep forgets the ids the last batch created that no state entry
// took (their rows were late).
func (d *keyDict) sweep() {
	for _, id := range d.fresh {
		if d.refs[id] == 0 {
			d.remove(id)
		}
	}
	d.fresh = d.fresh[:0]
}

func (d *keyDict) remove(id uint32) {
	switch d.mode {
	case keysNone:
		return
	case keysInt:
		if int64(id) == d.nullID {
			d.nullID = -1
		} else {
			delete(d.ints, d.ivals[id])
		}
	case keysString:
		if int64(id) == d.nullID {
			d.nullID = -1
		} else {
			delete(d.strs, d.svals[id])
		}
		d.svals[id] = ""
	case keysEncoded:
		delete(d.strs, d.svals[id])
		d.svals[id] = ""
	}
	d.free = append(d.free, id)
}

// len returns the number of live keys.
func (d *keyDict) len() int { return len(d.refs) - len(d.free) }

// intern returns the key id of every row of rec (valid until the next
// call).
func (d *keyDict) intern(rec arrow.RecordBatch) []uint32 {
	n := int(rec.NumRows())
	d.ids = growTo(d.ids[:0], n)
	switch d.mode {
	case keysNone:
		clear(d.ids)
	case keysInt:
		col := rec.Column(d.cols[0])
		switch col.DataType().ID() {
		case arrow.INT32, arrow.DATE32:
			internInts(d, col, fixedValues[int32](col))
		default:
			internInts(d, col, fixedValues[int64](col))
		}
	case keysString:
		d.internStrings(rec.Column(d.cols[0]).(*array.String))
	case keysEncoded:
		d.internEncoded(rec)
	}
	return d.ids
}

func internInts[T int32 | int64](d *keyDict, col arrow.Array, vals []T) {
	nulls := col.NullN() != 0
	var last T
	lastID := int64(-1)
	for i, v := range vals {
		if nulls && col.IsNull(i) {
			d.ids[i] = d.nullKey()
			continue
		}
		if lastID >= 0 && v == last {
			// Same key as the previous row (hot keys).
			d.ids[i] = uint32(lastID)
			continue
		}
		id, ok := d.ints[int64(v)]
		if !ok {
			id = d.newID()
			d.ints[int64(v)] = id
			d.ivals[id] = int64(v)
			d.groups[id] = intKeyGroup(int64(v))
		}
		d.ids[i] = id
		last, lastID = v, int64(id)
	}
}

// The key group of a one-column key: state.KeyGroupOf of the shuffle's
// hash, state.MixHash from 0 of the column's hash. Interning and Restore
// both use these, so a restored key lands in the group that routed it.
func intKeyGroup(v int64) uint8                   { return state.KeyGroupOf(mix(0, hash64(uint64(v)))) }
func stringKeyGroup(s string) uint8               { return state.KeyGroupOf(mix(0, state.HashString(s))) }
func nullKeyGroup() uint8                         { return state.KeyGroupOf(mix(0, nullHash)) }
func (d *keyDict) encodedKeyGroup(s string) uint8 { return state.KeyGroupOf(d.hashEncoded(s)) }

func (d *keyDict) nullKey() uint32 {
	if d.nullID < 0 {
		id := d.newID()
		d.nullID = int64(id)
		d.groups[id] = nullKeyGroup()
	}
	return uint32(d.nullID)
}

func (d *keyDict) internStrings(col *array.String) {
	for i := range d.ids {
		if col.IsNull(i) {
			d.ids[i] = d.nullKey()
			continue
		}
		v := col.Value(i)
		id, ok := d.strs[v]
		if !ok {
			// v aliases the record's buffer: keep a copy.
			v = strings.Clone(v)
			id = d.newID()
			d.strs[v] = id
			d.svals[id] = v
			d.groups[id] = stringKeyGroup(v)
		}
		d.ids[i] = id
	}
}

// internEncoded encodes each row's key (per column: a NULL tag, then the
// canonical value bytes) and looks the encoding up; only new keys
// allocate.
func (d *keyDict) internEncoded(rec arrow.RecordBatch) {
	cols := make([]arrow.Array, len(d.cols))
	for j, c := range d.cols {
		cols[j] = rec.Column(c)
	}
	for i := range d.ids {
		b := d.buf[:0]
		for _, col := range cols {
			b = appendKey(b, col, i)
		}
		d.buf = b
		id, ok := d.strs[string(b)]
		if !ok {
			s := string(b)
			id = d.newID()
			d.strs[s] = id
			d.svals[id] = s
			d.groups[id] = d.encodedKeyGroup(s)
		}
		d.ids[i] = id
	}
}

// appendKeys appends the key columns of ids to bs (one builder per key
// column).
func (d *keyDict) appendKeys(bs []array.Builder, ids []uint32) error {
	switch d.mode {
	case keysNone:
		return nil
	case keysInt:
		for _, id := range ids {
			if int64(id) == d.nullID {
				bs[0].AppendNull()
				continue
			}
			if err := appendInt(bs[0], d.ivals[id]); err != nil {
				return err
			}
		}
		return nil
	case keysString:
		sb, ok := bs[0].(*array.StringBuilder)
		if !ok {
			return fmt.Errorf("window: key output column is %s, want VARCHAR", bs[0].Type())
		}
		for _, id := range ids {
			if int64(id) == d.nullID {
				sb.AppendNull()
			} else {
				sb.Append(d.svals[id])
			}
		}
		return nil
	}
	for _, id := range ids {
		s := d.svals[id]
		for j, t := range d.types {
			var f keyField
			f, s = decodeField(t, s)
			if err := appendField(bs[j], t, f); err != nil {
				return err
			}
		}
	}
	return nil
}
