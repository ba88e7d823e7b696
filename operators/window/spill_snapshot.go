package window

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/weir-stream/weir/state"
)

// snapRuns is the format version of the blobs an operator on the Badger
// state backend writes: the header and query description of version 1
// (snapshot_format.go), then
//
//	count    run count (4 bytes)
//	runs     per run, in order of pane: the pane start (8 bytes) and the
//	         uvarint length and bytes of the run (spill_runs.go)
//	trailer  CRC-32C of everything before it (4 bytes)
//
// These are the Badger table's own runs, so they are written and, on the
// Badger backend, restored without decoding a partial. Either backend
// restores either version.
const snapRuns = 2

// snapshotSpilled writes every resident partial out to Badger, then puts
// a version-2 blob per key group from the Badger table.
func (o *op) snapshotSpilled(ctx context.Context, put func(group int, data []byte) error) error {
	sp := o.spill
	if err := sp.writeOut(o, math.MaxInt64, false); err != nil {
		return err
	}
	desc := o.stateDesc()
	for g := range state.KeyGroups {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := 0
		for _, c := range sp.panes {
			n += int(c.runs[g])
		}
		if n == 0 {
			continue
		}
		// The last checkpoint's size of the group's blob, plus some, saves
		// growing it again and again.
		b := o.appendHeader(make([]byte, 0, 64+len(desc)+sp.blobHint[g]+sp.blobHint[g]/8), snapRuns, g, desc, n)
		got := 0
		err := sp.tab.ScanGroup(uint8(g), func(ts int64, _, run []byte) error {
			b = le.AppendUint64(b, uint64(ts))
			b = binary.AppendUvarint(b, uint64(len(run)))
			b = append(b, run...)
			got++
			return nil
		})
		if err != nil {
			return err
		}
		if got != n {
			return fmt.Errorf("window state table: key group %d holds %d runs, %d counted", g, got, n)
		}
		b = le.AppendUint32(b, crc32.Checksum(b, crcTable))
		sp.blobHint[g] = len(b)
		if err := put(g, b[:len(b):len(b)]); err != nil {
			return err
		}
	}
	return nil
}

// restoreRuns loads a version-2 blob of group g, written at watermark wm:
// into the Badger table when the operator has one, else into memory.
func (o *op) restoreRuns(g int, b []byte, wm int64) error {
	p := o.panes
	if p == nil {
		return fmt.Errorf("%w: runs of window panes, but this is a SESSION window", errDifferentQuery)
	}
	d := &decoder{b: b[:len(b)-snapTrailer], off: snapHeader}
	d.take(d.length("query description"), "query description")
	n := d.count("run count", 9)
	var prevPane int64
	var es []runEntry
	for i := range n {
		pane := d.i64("pane")
		run := d.take(d.length("run"), "run")
		if d.err != nil {
			return d.err
		}
		if i > 0 && pane < prevPane {
			return fmt.Errorf("run %d of %d: panes out of order", i+1, n)
		}
		prevPane = pane
		if err := p.checkPane(pane, wm); err != nil {
			return fmt.Errorf("run %d of %d: %w", i+1, n, err)
		}
		var err error
		if es, err = parseRun(es[:0], run); err != nil {
			return fmt.Errorf("run %d of %d (pane %d): %w", i+1, n, pane, err)
		}
		if err := o.restoreRun(uint8(g), pane, run, es); err != nil {
			return fmt.Errorf("run %d of %d (pane %d): %w", i+1, n, pane, err)
		}
	}
	if d.left() != 0 {
		return fmt.Errorf("%d bytes after the last run", d.left())
	}
	return nil
}

// restoreRun adds a run of (group g, pane), whose partials are es.
func (o *op) restoreRun(g uint8, pane int64, run []byte, es []runEntry) error {
	if sp := o.spill; sp != nil {
		// The run goes to Badger as it is, checked as the memory backend
		// checks it: every key and every partial decodes.
		for _, e := range es {
			if kg, err := o.keys.recordGroup(e.key); err != nil {
				return err
			} else if kg != g {
				return fmt.Errorf("a key is in key group %d, not %d", kg, g)
			}
			if err := o.checkPartial(e.val); err != nil {
				return err
			}
		}
		return sp.putRun(g, pane, run, len(es))
	}
	tmp := []int32{-1}
	for _, e := range es {
		id, err := o.keys.lookupKey(e.key, g)
		if err != nil {
			return err
		}
		v, created := o.panes.table.Entry(pane, g, id)
		if created {
			*v = o.slab.alloc()
			o.keys.ref(id)
			if err := o.decodeEntry(e.val, *v); err != nil {
				return err
			}
			continue
		}
		tmp[0] = o.slab.alloc()
		err = o.decodeEntry(e.val, tmp[0])
		if err == nil {
			o.slab.merge([]int32{*v}, tmp)
		}
		o.slab.release(tmp[0])
		if err != nil {
			return err
		}
	}
	return nil
}

// checkPartial verifies that val decodes as a partial of the operator's
// aggregates.
func (o *op) checkPartial(val []byte) error {
	slot := o.slab.alloc()
	defer o.slab.release(slot)
	return o.decodeEntry(val, slot)
}

// checkPane verifies that a restored pane start is one, that some window
// covers it and that not all of them ended by the watermark wm.
func (p *panes) checkPane(pane, wm int64) error {
	lowPane := floorDiv(p.lowT, p.pane) * p.pane
	switch last := p.lastEnd(pane); {
	case floorDiv(pane, p.pane)*p.pane != pane || pane < lowPane || pane > p.highT:
		return fmt.Errorf("%d is not a pane start", pane)
	case last <= pane:
		return fmt.Errorf("pane %d is in no window", pane)
	case last <= wm:
		return fmt.Errorf("pane %d: its windows all ended by the watermark %d", pane, wm)
	}
	return nil
}
