package window

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
)

// A run is a sorted batch of (pane, key) partials of one pane and key
// group, stored as one Badger value:
//
//	count    uvarint number of partials
//	partial  per partial, in ascending order of key record bytes: the
//	         uvarint length and bytes of the key record
//	         (snapshot_keys.go), then the uvarint length and bytes of the
//	         aggregates' records (spill_codec.go)
//
// Within a run a key appears once; across a pane's runs it may appear
// in several, and its partials merge.

// runEntry is one partial of a run being read: slices of the run.
type runEntry struct {
	key, val []byte
}

// appendRun appends the run of the partials whose key records and values
// are given (already sorted by key record, keys distinct) to dst.
func appendRun(dst []byte, keys, vals [][]byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for i, k := range keys {
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = append(dst, k...)
		dst = binary.AppendUvarint(dst, uint64(len(vals[i])))
		dst = append(dst, vals[i]...)
	}
	return dst
}

// parseRun appends the partials of run to dst (as slices of run),
// checking that the keys ascend.
func parseRun(dst []runEntry, run []byte) ([]runEntry, error) {
	d := &decoder{b: run}
	n := d.uvarint("run length")
	if d.err == nil && n > uint64(d.left()/2) {
		d.fail("run of %d partials in %d bytes", n, d.left())
	}
	var prev []byte
	for i := range n {
		k := d.take(d.length("key"), "key")
		v := d.take(d.length("partials"), "partials")
		if d.err != nil {
			break
		}
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			d.fail("run keys out of order at partial %d", i+1)
			break
		}
		prev = k
		dst = append(dst, runEntry{key: k, val: v})
	}
	if d.err == nil && d.left() != 0 {
		d.fail("%d bytes after the run", d.left())
	}
	return dst, d.err
}

// sortRuns orders the partials of several runs by key record, keeping
// the runs' order among a key's partials.
func sortRuns(es []runEntry) {
	slices.SortStableFunc(es, func(a, b runEntry) int { return bytes.Compare(a.key, b.key) })
}

// mergeRuns calls fn once per key of the sorted partials es with the key
// record and a new slot holding the merge of its partials; fn owns the
// slot (and must release it on error).
func (o *op) mergeRuns(es []runEntry, fn func(key []byte, slot int32) error) error {
	var tmp [1]int32
	for i := 0; i < len(es); {
		slot := o.slab.alloc()
		if err := o.decodeEntry(es[i].val, slot); err != nil {
			o.slab.release(slot)
			return err
		}
		j := i + 1
		for ; j < len(es) && bytes.Equal(es[j].key, es[i].key); j++ {
			tmp[0] = o.slab.alloc()
			err := o.decodeEntry(es[j].val, tmp[0])
			if err == nil {
				o.slab.merge([]int32{slot}, tmp[:])
			}
			o.slab.release(tmp[0])
			if err != nil {
				o.slab.release(slot)
				return err
			}
		}
		if err := fn(es[i].key, slot); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// errRun wraps a run's error with where it is.
func errRun(pane int64, g uint8, err error) error {
	return fmt.Errorf("window state table: pane %d, key group %d: %w", pane, g, err)
}
