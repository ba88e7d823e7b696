package window

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/state"
)

// cursors are the write positions of every key group's blob in the one
// buffer Snapshot fills: writing an entry of group g appends at cur[g].
type cursors = [state.KeyGroups]int

// stateCodec writes an aggregate's partials exactly (every flag, count,
// carry and bit pattern) and reads them back into fresh slots. An entry's
// partial is one record of bytes; a group's records follow each other in
// the group's entry order.
//
// The writers take the entries in the order Snapshot collected them (the
// state's own order, for memory locality) with each entry's group, and
// append each record at its group's cursor.
type stateCodec interface {
	// stateWidth is the size of every record, or 0 when records vary in
	// size (the codec is then a varSizer).
	stateWidth() int
	// encodeState writes the record of slots[k] at cur[groups[k]] in buf
	// and advances that cursor, for every k. It changes no state.
	encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors)
	// decodeState reads as many records as there are slots into slots,
	// which are empty (just allocated). Errors go to d.
	decodeState(d *decoder, slots []int32)
}

// varSizer is a stateCodec whose records vary in size.
type varSizer interface {
	// stateSizes adds the size of the record of slots[k] to
	// size[groups[k]], for every k.
	stateSizes(slots []int32, groups []uint8, size *cursors)
}

var (
	_ varSizer = (*minMaxString)(nil)
	_ varSizer = (*distinctAcc[int64])(nil)
	_ varSizer = (*distinctString)(nil)
)

// putWordRecords writes, per entry, has[s] as a byte (when has is not
// nil) and vals[s] as 8 bytes: integers sign-extended, floats as their
// bits (NaN payloads and -0.0 kept).
func putWordRecords[T word](buf []byte, has []bool, vals []T, slots []int32, groups []uint8, cur *cursors) {
	switch v := any(vals).(type) {
	case []int64:
		for k, s := range slots {
			c := putFlag(buf, has, s, groups[k], cur)
			le.PutUint64(buf[c:c+8], uint64(v[s]))
		}
	case []int32:
		for k, s := range slots {
			c := putFlag(buf, has, s, groups[k], cur)
			le.PutUint64(buf[c:c+8], uint64(int64(v[s])))
		}
	case []float64:
		for k, s := range slots {
			c := putFlag(buf, has, s, groups[k], cur)
			le.PutUint64(buf[c:c+8], math.Float64bits(v[s]))
		}
	case []float32:
		for k, s := range slots {
			c := putFlag(buf, has, s, groups[k], cur)
			le.PutUint64(buf[c:c+8], uint64(math.Float32bits(v[s])))
		}
	}
}

// putFlag writes has[s] at group g's cursor (when has is not nil),
// reserves 8 more bytes and returns where they start.
func putFlag(buf []byte, has []bool, s int32, g uint8, cur *cursors) int {
	c := cur[g]
	if has != nil {
		buf[c] = boolByte(has[s])
		c++
	}
	cur[g] = c + 8
	return c
}

// getWordRecords reads the records of putWordRecords (with a flag when
// has is not nil) into slots.
func getWordRecords[T word](d *decoder, has []bool, vals []T, slots []int32, what string) {
	w := 8
	if has != nil {
		w = 9
	}
	t := d.take(w*len(slots), what)
	if d.err != nil {
		return
	}
	if has != nil {
		for k, s := range slots {
			if t[w*k] > 1 {
				d.fail("%s: flag byte %d", what, t[w*k])
				return
			}
			has[s] = t[w*k] == 1
		}
	}
	at := func(k int) uint64 { return le.Uint64(t[w*k+w-8:]) }
	switch v := any(vals).(type) {
	case []int64:
		for k, s := range slots {
			v[s] = int64(at(k))
		}
	case []int32:
		for k, s := range slots {
			x := int64(at(k))
			if x != int64(int32(x)) {
				d.fail("%s: %d does not fit INT", what, x)
				return
			}
			v[s] = int32(x)
		}
	case []float64:
		for k, s := range slots {
			v[s] = math.Float64frombits(at(k))
		}
	case []float32:
		for k, s := range slots {
			x := at(k)
			if x>>32 != 0 {
				d.fail("%s: %#x is not a FLOAT", what, x)
				return
			}
			v[s] = math.Float32frombits(uint32(x))
		}
	}
}

// checkCounts refuses negative counts.
func checkCounts(d *decoder, n []int64, slots []int32, what string) {
	if d.err != nil {
		return
	}
	for _, s := range slots {
		if n[s] < 0 {
			d.fail("%s: negative count %d", what, n[s])
			return
		}
	}
}

// COUNT: the count.

func (a *countAcc) stateWidth() int { return 8 }

func (a *countAcc) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	putWordRecords(buf, nil, a.n, slots, groups, cur)
}

func (a *countAcc) decodeState(d *decoder, slots []int32) {
	getWordRecords(d, nil, a.n, slots, "COUNT")
	checkCounts(d, a.n, slots, "COUNT")
}

// SUM: whether a value was seen, and the sum.

func (a *sumAcc[In, S]) stateWidth() int { return 9 }

func (a *sumAcc[In, S]) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	putWordRecords(buf, a.has, a.sum, slots, groups, cur)
}

func (a *sumAcc[In, S]) decodeState(d *decoder, slots []int32) {
	getWordRecords(d, a.has, a.sum, slots, "SUM")
}

// AVG: the sum and the count.

func (a *avgAcc[In, S, Out]) stateWidth() int { return 16 }

func (a *avgAcc[In, S, Out]) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	put := func(k int, s int32, sum uint64) {
		g := groups[k]
		c := cur[g]
		le.PutUint64(buf[c:c+8], sum)
		le.PutUint64(buf[c+8:c+16], uint64(a.cnt[s]))
		cur[g] = c + 16
	}
	switch v := any(a.sum).(type) {
	case []int64:
		for k, s := range slots {
			put(k, s, uint64(v[s]))
		}
	case []float64:
		for k, s := range slots {
			put(k, s, math.Float64bits(v[s]))
		}
	}
}

func (a *avgAcc[In, S, Out]) decodeState(d *decoder, slots []int32) {
	t := d.take(16*len(slots), "AVG")
	if d.err != nil {
		return
	}
	switch v := any(a.sum).(type) {
	case []int64:
		for k, s := range slots {
			v[s] = int64(le.Uint64(t[16*k:]))
		}
	case []float64:
		for k, s := range slots {
			v[s] = math.Float64frombits(le.Uint64(t[16*k:]))
		}
	}
	for k, s := range slots {
		a.cnt[s] = int64(le.Uint64(t[16*k+8:]))
	}
	checkCounts(d, a.cnt, slots, "AVG")
}

// MIN and MAX: whether a value was seen, and the extreme (floats as
// their bits: NaN and -0.0 stay what they were).

func (a *minMaxAcc[T]) stateWidth() int { return 9 }

func (a *minMaxAcc[T]) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	putWordRecords(buf, a.has, a.val, slots, groups, cur)
}

func (a *minMaxAcc[T]) decodeState(d *decoder, slots []int32) {
	getWordRecords(d, a.has, a.val, slots, "MIN/MAX")
}

func (a *minMaxFloat[T]) stateWidth() int { return 9 }

func (a *minMaxFloat[T]) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	putWordRecords(buf, a.has, a.val, slots, groups, cur)
}

func (a *minMaxFloat[T]) decodeState(d *decoder, slots []int32) {
	getWordRecords(d, a.has, a.val, slots, "MIN/MAX")
}

// BOOLEAN MIN and MAX: 0 (no value), 1 (FALSE) or 2 (TRUE).

func (a *minMaxBool) stateWidth() int { return 1 }

func (a *minMaxBool) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	for k, s := range slots {
		g := groups[k]
		v := byte(0)
		if a.has[s] {
			v = 1 + boolByte(a.val[s])
		}
		buf[cur[g]] = v
		cur[g]++
	}
}

func (a *minMaxBool) decodeState(d *decoder, slots []int32) {
	t := d.take(len(slots), "MIN/MAX")
	if d.err != nil {
		return
	}
	for k, s := range slots {
		if t[k] > 2 {
			d.fail("MIN/MAX: BOOLEAN byte %d", t[k])
			return
		}
		a.has[s], a.val[s] = t[k] != 0, t[k] == 2
	}
}

// VARCHAR MIN and MAX: a flag, and for a value its uvarint length and
// bytes.

func (a *minMaxString) stateWidth() int { return 0 }

func (a *minMaxString) stateSizes(slots []int32, groups []uint8, size *cursors) {
	for k, s := range slots {
		n := 1
		if a.has[s] {
			n += uvarintLen(uint64(len(a.val[s]))) + len(a.val[s])
		}
		size[groups[k]] += n
	}
}

func (a *minMaxString) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	for k, s := range slots {
		g := groups[k]
		c := cur[g]
		if !a.has[s] {
			buf[c] = 0
			cur[g] = c + 1
			continue
		}
		buf[c] = 1
		cur[g] = putString(buf, c+1, a.val[s])
	}
}

// putString writes v's uvarint length and bytes at c, returning the end.
func putString(buf []byte, c int, v string) int {
	c += binary.PutUvarint(buf[c:], uint64(len(v)))
	return c + copy(buf[c:c+len(v)], v)
}

func (a *minMaxString) decodeState(d *decoder, slots []int32) {
	for _, s := range slots {
		switch d.u8("MIN/MAX") {
		case 0:
		case 1:
			v := d.take(d.length("MIN/MAX value"), "MIN/MAX value")
			a.has[s], a.val[s] = true, string(v)
		default:
			d.fail("MIN/MAX: bad flag byte")
		}
		if d.err != nil {
			return
		}
	}
}

// DECIMAL MIN and MAX: a flag and 16 bytes, low word first.

func (a *minMaxDecimal) stateWidth() int { return 17 }

func (a *minMaxDecimal) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	for k, s := range slots {
		g := groups[k]
		c := cur[g]
		buf[c] = boolByte(a.has[s])
		putDecimal(buf[c+1:c+17], a.val[s])
		cur[g] = c + 17
	}
}

func (a *minMaxDecimal) decodeState(d *decoder, slots []int32) {
	t := d.take(17*len(slots), "MIN/MAX")
	if d.err != nil {
		return
	}
	for k, s := range slots {
		r := t[17*k : 17*k+17]
		if r[0] > 1 {
			d.fail("MIN/MAX: flag byte %d", r[0])
			return
		}
		a.has[s], a.val[s] = r[0] == 1, getDecimal(r[1:])
	}
}

func putDecimal(b []byte, v decimal128.Num) {
	le.PutUint64(b[:8], v.LowBits())
	le.PutUint64(b[8:16], uint64(v.HighBits()))
}

func getDecimal(b []byte) decimal128.Num {
	return decimal128.New(int64(le.Uint64(b[8:16])), le.Uint64(b[:8]))
}

// DECIMAL SUM and AVG: the 192-bit exact sum (the low 128 bits and the
// carry), with a flag (SUM) or the count (AVG).

func (a *sumDecimal) stateWidth() int { return 25 }

func (a *sumDecimal) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	for k, s := range slots {
		g := groups[k]
		c := cur[g]
		buf[c] = boolByte(a.has[s])
		putDecimal(buf[c+1:c+17], a.sum[s])
		le.PutUint64(buf[c+17:c+25], uint64(a.carry[s]))
		cur[g] = c + 25
	}
}

func (a *sumDecimal) decodeState(d *decoder, slots []int32) {
	t := d.take(25*len(slots), "SUM")
	if d.err != nil {
		return
	}
	for k, s := range slots {
		r := t[25*k : 25*k+25]
		if r[0] > 1 {
			d.fail("SUM: flag byte %d", r[0])
			return
		}
		a.has[s], a.sum[s], a.carry[s] = r[0] == 1, getDecimal(r[1:17]), int64(le.Uint64(r[17:]))
	}
}

func (a *avgDecimal) stateWidth() int { return 32 }

func (a *avgDecimal) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	for k, s := range slots {
		g := groups[k]
		c := cur[g]
		putDecimal(buf[c:c+16], a.sum[s])
		le.PutUint64(buf[c+16:c+24], uint64(a.carry[s]))
		le.PutUint64(buf[c+24:c+32], uint64(a.cnt[s]))
		cur[g] = c + 32
	}
}

func (a *avgDecimal) decodeState(d *decoder, slots []int32) {
	t := d.take(32*len(slots), "AVG")
	if d.err != nil {
		return
	}
	for k, s := range slots {
		r := t[32*k : 32*k+32]
		a.sum[s], a.carry[s], a.cnt[s] = getDecimal(r[:16]), int64(le.Uint64(r[16:24])), int64(le.Uint64(r[24:]))
	}
	checkCounts(d, a.cnt, slots, "AVG")
}

// DISTINCT: a uvarint count and the set's values in ascending order (so
// a snapshot does not depend on map order). No set and an empty one are
// the same: neither was ever given a value.

func (a *distinctAcc[T]) stateWidth() int { return 0 }

func (a *distinctAcc[T]) stateSizes(slots []int32, groups []uint8, size *cursors) {
	w := elemWidth[T]()
	for k, s := range slots {
		n := len(a.sets[s])
		size[groups[k]] += uvarintLen(uint64(n)) + n*w
	}
}

func (a *distinctAcc[T]) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	var vals []T
	for k, s := range slots {
		g := groups[k]
		m := a.sets[s]
		c := cur[g] + binary.PutUvarint(buf[cur[g]:], uint64(len(m)))
		vals = vals[:0]
		for v := range m {
			vals = append(vals, v)
		}
		cur[g] = putElems(buf, c, vals)
	}
}

func (a *distinctAcc[T]) decodeState(d *decoder, slots []int32) {
	w := elemWidth[T]()
	for _, s := range slots {
		n := d.uvarint("DISTINCT set size")
		if d.err != nil {
			return
		}
		if n > uint64(d.left()/w) {
			d.fail("DISTINCT set of %d values: only %d bytes left", n, d.left())
			return
		}
		if n > 0 {
			a.sets[s] = readSet[T](d, int(n))
		}
	}
}

// elemWidth is the encoded size of a DISTINCT value of type T.
func elemWidth[T comparable]() int {
	var z T
	switch any(z).(type) {
	case bool:
		return 1
	case decimal128.Num:
		return 16
	}
	return 8 // int64, uint64
}

// putElems sorts vals and writes them at c, returning the end.
func putElems[T comparable](buf []byte, c int, vals []T) int {
	switch v := any(vals).(type) {
	case []int64:
		slices.Sort(v)
		for _, x := range v {
			le.PutUint64(buf[c:c+8], uint64(x))
			c += 8
		}
	case []uint64:
		slices.Sort(v)
		for _, x := range v {
			le.PutUint64(buf[c:c+8], x)
			c += 8
		}
	case []bool:
		slices.SortFunc(v, func(x, y bool) int {
			return cmp.Compare(boolByte(x), boolByte(y))
		})
		for _, x := range v {
			buf[c] = boolByte(x)
			c++
		}
	case []decimal128.Num:
		slices.SortFunc(v, func(x, y decimal128.Num) int {
			if c := cmp.Compare(x.HighBits(), y.HighBits()); c != 0 {
				return c
			}
			return cmp.Compare(x.LowBits(), y.LowBits())
		})
		for _, x := range v {
			putDecimal(buf[c:c+16], x)
			c += 16
		}
	}
	return c
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// readSet reads n values (the caller checked they fit) that must be
// distinct.
func readSet[T comparable](d *decoder, n int) map[T]struct{} {
	m := make(map[T]struct{}, n)
	t := d.take(n*elemWidth[T](), "DISTINCT set")
	if d.err != nil {
		return nil
	}
	switch mm := any(m).(type) {
	case map[int64]struct{}:
		for i := range n {
			mm[int64(le.Uint64(t[8*i:]))] = struct{}{}
		}
	case map[uint64]struct{}:
		for i := range n {
			mm[le.Uint64(t[8*i:])] = struct{}{}
		}
	case map[bool]struct{}:
		for i := range n {
			if t[i] > 1 {
				d.fail("DISTINCT set: boolean byte %d", t[i])
				return nil
			}
			mm[t[i] == 1] = struct{}{}
		}
	case map[decimal128.Num]struct{}:
		for i := range n {
			mm[getDecimal(t[16*i:])] = struct{}{}
		}
	}
	if len(m) != n {
		d.fail("DISTINCT set of %d values holds duplicates", n)
		return nil
	}
	return m
}

// VARCHAR COUNT(DISTINCT): a uvarint count and the sorted values, each a
// uvarint length and its bytes.

func (a *distinctString) stateWidth() int { return 0 }

func (a *distinctString) stateSizes(slots []int32, groups []uint8, size *cursors) {
	for k, s := range slots {
		m := a.sets[s]
		n := uvarintLen(uint64(len(m)))
		for v := range m {
			n += uvarintLen(uint64(len(v))) + len(v)
		}
		size[groups[k]] += n
	}
}

func (a *distinctString) encodeState(buf []byte, slots []int32, groups []uint8, cur *cursors) {
	var vals []string
	for k, s := range slots {
		g := groups[k]
		m := a.sets[s]
		c := cur[g] + binary.PutUvarint(buf[cur[g]:], uint64(len(m)))
		vals = vals[:0]
		for v := range m {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		for _, v := range vals {
			c = putString(buf, c, v)
		}
		cur[g] = c
	}
}

func (a *distinctString) decodeState(d *decoder, slots []int32) {
	for _, s := range slots {
		n := d.uvarint("DISTINCT set size")
		if d.err != nil {
			return
		}
		// Each value takes at least its length byte.
		if n > uint64(d.left()) {
			d.fail("DISTINCT set of %d values: only %d bytes left", n, d.left())
			return
		}
		if n == 0 {
			continue
		}
		m := make(map[string]struct{}, n)
		for range n {
			v := d.take(d.length("DISTINCT value"), "DISTINCT value")
			if d.err != nil {
				return
			}
			m[string(v)] = struct{}{}
		}
		if uint64(len(m)) != n {
			d.fail("DISTINCT set of %d values holds duplicates", n)
			return
		}
		a.sets[s] = m
	}
}
