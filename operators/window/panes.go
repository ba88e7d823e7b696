package window

import (
	"context"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/state"
)

// panes runs TUMBLE and HOP windows. Time is cut into panes of
// gcd(slide, size); every row adds to exactly one (pane, key) partial,
// whatever the overlap of the windows, and a window combines the
// size/pane partials of its panes when it fires. A TUMBLE window is its
// own pane. A pane is evicted once the last window that covers it fired.
//
// With slide > size, rows in the gaps between windows belong to no
// window: they are skipped (not late, so not counted).
//
// Window bounds are int64 milliseconds: a row with a window that starts
// before math.MinInt64 or ends after math.MaxInt64 is outside the
// representable time range, and is dropped and counted as late (never
// kept with a wrapped bound, never lost silently). Such rows lie outside
// [lowT, highT] (where rows in gaps are still skipped); every pane and
// window bound computed for rows inside fits int64.
type panes struct {
	slide, size, pane int64
	// minStart and maxStart are the first and last representable window
	// starts (multiples of slide); lowT and highT bound the times of rows
	// whose every window is representable.
	minStart, maxStart, lowT, highT int64
	// table maps (pane start, key id) to the partial's slot.
	table state.TimeKeyed[uint32, int32]

	// cachePane and cacheSlot remember, per key id, the pane and slot of
	// the key's last row: rows in time order mostly hit their key's
	// current pane, which then costs no table lookup. An entry is cleared
	// when its pane is evicted, before its slot or key id can be reused.
	cachePane []int64
	cacheSlot []int32

	times, starts []int64
	merged        map[uint32]int32
	dst, src      []int32
}

func newPanes(slide, size int64) *panes {
	p := &panes{slide: slide, size: size, pane: gcd(slide, size),
		table: state.NewMemTimeKeyed[uint32, int32](), merged: make(map[uint32]int32)}
	// Window starts are k*slide with k*slide >= MinInt64 (Go's division
	// truncates toward zero, so this is the smallest such k) and
	// k*slide+size <= MaxInt64 (MaxInt64-size >= 0).
	p.minStart = math.MinInt64 / slide * slide
	p.maxStart = (math.MaxInt64 - size) / slide * slide
	// A row before the end of the window starting at minStart-slide is in
	// that window, whose start does not fit; with slide > size that
	// window ends before minStart, and the rows before minStart are in it
	// or in the gap after it (inUnrepresentable tells which).
	p.lowT = p.minStart + max(0, size-slide)
	// A row at or after maxStart+slide is in the window starting there,
	// whose end does not fit (or in the gap after it).
	p.highT = math.MaxInt64
	if p.maxStart <= math.MaxInt64-slide {
		p.highT = p.maxStart + slide - 1
	}
	return p
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// floorDiv divides rounding toward negative infinity (times before 1970
// are negative).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// inUnrepresentable reports whether a row at t outside [lowT, highT] is
// in a window whose bounds do not fit int64 (it is dropped and counted),
// rather than in a gap between windows (skipped, as any gap row).
func (p *panes) inUnrepresentable(t int64) bool {
	if t < p.lowT {
		// In the window starting at minStart-slide unless, with
		// slide > size, t is in the gap after it. t-minStart is in
		// (-slide, 0).
		return p.size >= p.slide || t-p.minStart < p.size-p.slide
	}
	// t >= maxStart+slide: in the window starting there unless in the
	// gap after it.
	return t-p.maxStart-p.slide < p.size
}

// lastEnd is the end of the last window that covers pane p; it is <= p
// when no window covers it. pane must hold rows in [lowT, highT].
func (p *panes) lastEnd(pane int64) int64 {
	return floorDiv(pane, p.slide)*p.slide + p.size
}

// assign finds the slot of every row (creating partials for new (pane,
// key) pairs) and returns how many rows were late, had a NULL time or
// were outside the representable time range.
func (p *panes) assign(o *op, tcol *array.Timestamp, ids []uint32, slots []int32) int64 {
	times := fixedValues[int64](tcol)
	nulls := tcol.NullN() != 0
	wm, g := o.wm, p.pane
	lowT, highT := p.lowT, p.highT
	var late int64
	// The pane of the previous row and its verdict, reused while rows
	// stay in the same pane (they mostly do).
	curLo, curHi := int64(1), int64(0)
	var cur, curLast int64
	curOK, curLate := false, false
	for i, t := range times {
		if nulls && tcol.IsNull(i) {
			slots[i] = -1
			late++
			continue
		}
		if t < lowT || t > highT {
			slots[i] = -1
			if p.inUnrepresentable(t) {
				late++
			}
			continue
		}
		if t < curLo || t >= curHi {
			cur = floorDiv(t, g) * g
			curLo, curHi = cur, cur+g
			if cur > math.MaxInt64-g {
				curHi = math.MaxInt64
			}
			curLast = p.lastEnd(cur)
			curOK, curLate = curLast > cur, curLast <= wm
		}
		switch {
		case !curOK:
			slots[i] = -1
		case curLate:
			slots[i] = -1
			late++
		default:
			id := ids[i]
			if o.floors != nil && curLast <= o.floors[o.keys.groups[id]] {
				// Late for its key group's own watermark (restored).
				slots[i] = -1
				late++
				continue
			}
			if int(id) >= len(p.cacheSlot) {
				p.growCache(int(id) + 1)
			}
			if p.cacheSlot[id] >= 0 && p.cachePane[id] == cur {
				slots[i] = p.cacheSlot[id]
				continue
			}
			v, created := p.table.Entry(cur, o.keys.groups[id], id)
			if created {
				*v = o.slab.alloc()
				o.keys.ref(id)
			}
			slots[i] = *v
			p.cachePane[id], p.cacheSlot[id] = cur, *v
		}
	}
	return late
}

func (p *panes) growCache(n int) {
	n = max(n, 2*len(p.cacheSlot), 1024)
	old := len(p.cacheSlot)
	p.cachePane = growTo(p.cachePane, n)
	p.cacheSlot = growTo(p.cacheSlot, n)
	for i := old; i < n; i++ {
		p.cacheSlot[i] = -1
	}
}

// windowStarts sets p.starts to the starts of the windows that end in
// (prev, wm] and cover any of the panes times (ascending, all before wm),
// in ascending order, and returns them.
func (p *panes) windowStarts(times []int64, prev, wm int64) []int64 {
	p.starts = p.starts[:0]
	// The last window start s with s+size <= wm, if any window ended.
	if len(times) == 0 || wm < math.MinInt64+p.size || wm-p.size < p.minStart {
		return p.starts
	}
	top := floorDiv(wm-p.size, p.slide) * p.slide
	for _, pn := range times {
		// Window starts s (multiples of slide, >= minStart) with
		// s <= pn < s+size and prev < s+size <= wm. All of them fit, as
		// pn holds rows in [lowT, highT].
		s := min(floorDiv(pn, p.slide)*p.slide, top)
		for ; s+p.size > pn && s+p.size > prev; s -= p.slide {
			p.starts = append(p.starts, s)
			if s < p.minStart+p.slide {
				break
			}
		}
	}
	slices.Sort(p.starts)
	p.starts = slices.Compact(p.starts)
	return p.starts
}

// fire emits every window whose end is in (prev, wm], in order of end,
// then evicts the panes no open window covers.
func (p *panes) fire(ctx context.Context, o *op, prev, wm int64, out operators.Emitter) error {
	if o.spill != nil {
		return o.spill.fire(ctx, o, prev, wm, out)
	}
	p.times = p.table.Times(p.times[:0], wm)
	if wm < math.MinInt64+p.size || wm-p.size < p.minStart {
		p.times = p.times[:0] // no window has ended
	}
	p.windowStarts(p.times, prev, wm)
	for _, s := range p.starts {
		if p.slide == p.size {
			p.table.Scan(s, func(g uint8, key uint32, v *int32) {
				if !o.firedBefore(g, s+p.size) {
					o.fired.add(key, s, s+p.size, *v)
				}
			})
		} else {
			p.combine(o, s)
		}
		if err := o.flushIfFull(ctx, out); err != nil {
			return err
		}
	}
	if err := o.flush(ctx, out); err != nil {
		return err
	}
	for _, pn := range p.times {
		if p.lastEnd(pn) <= wm {
			p.table.Evict(pn, func(_ uint8, key uint32, v *int32) {
				if p.cacheSlot[key] == *v {
					p.cacheSlot[key] = -1
				}
				o.slab.release(*v)
				o.keys.unref(key)
			})
		}
	}
	return nil
}

// combine merges the pane partials of the HOP window starting at s into
// fresh slots, one per key, queued for output and released after it.
func (p *panes) combine(o *op, s int64) {
	clear(p.merged)
	p.dst, p.src = p.dst[:0], p.src[:0]
	end := s + p.size
	for pn := s; pn < end; pn += p.pane {
		p.table.Scan(pn, func(g uint8, key uint32, v *int32) {
			if o.firedBefore(g, end) {
				return
			}
			r, ok := p.merged[key]
			if !ok {
				r = o.slab.alloc()
				p.merged[key] = r
				o.fired.add(key, s, end, r)
				o.fired.release = append(o.fired.release, r)
			}
			p.dst = append(p.dst, r)
			p.src = append(p.src, *v)
		})
	}
	o.slab.merge(p.dst, p.src)
}
