package badgerstate

import (
	"errors"
	"fmt"
	"slices"

	"github.com/weir-stream/weir/state"
)

// TimeKeyed is a Badger-resident state.TimeKeyed table: a TimeTable whose
// keys and values are encoded with a state.Codec each, in front of which
// sits an in-memory write-back cache of the entries in use.
//
// Entry, Lookup, Scan and Evict load the entries they hand out into the
// cache, keyed by (time, key), and hand out pointers into it. A pointer
// stays valid until its bucket is evicted or until Flush, which encodes
// every cached entry (with whatever was written through its pointer)
// back to Badger and empties the cache. The cache holds every entry used
// since the last Flush: callers bound its memory by flushing (Cached
// says how full it is).
//
// The table keeps in memory, per bucket time, an exact count of the
// bucket's entries and the key groups it has written to Badger, so Times
// and Len need no reads and a new entry of a group not in Badger needs
// none either.
//
// state.TimeKeyed has no error returns, so the first error (from Badger,
// a codec, or an entry too large for the Badger profile) sticks: Err
// returns it, and from then on every call is a no-op returning zero
// values, except that Entry returns a pointer to a fresh zero value
// (kept nowhere) rather than nil.
//
// Values are decoded from reused buffers: a codec's Decode must copy what
// it keeps of its input. A TimeKeyed is not safe for concurrent use.
type TimeKeyed[K comparable, V any] struct {
	tab     *TimeTable
	kc      state.Codec[K]
	vc      state.Codec[V]
	buckets map[int64]*timeBucket[K, V]
	times   []int64 // the buckets' times, ascending
	n       int     // entries, over all buckets
	cached  int     // entries in the cache
	err     error

	kbuf, vbuf []byte
}

// timeBucket is what a TimeKeyed knows of one bucket time.
type timeBucket[K comparable, V any] struct {
	n      int      // entries, cached or in Badger
	stored groupSet // key groups with entries written to Badger
	// complete reports that the cache holds every entry of the bucket.
	complete bool
	index    map[K]*timeEntry[K, V] // the cached entries
	entries  []*timeEntry[K, V]     // the cached entries, in caching order
	slab     []timeEntry[K, V]      // where new cached entries are allocated
}

// timeEntry is one cached entry.
type timeEntry[K comparable, V any] struct {
	key   K
	group uint8
	v     V
}

// slabSize is how many cached entries are allocated at a time. A slab
// never grows past its capacity, so pointers into it stay valid.
const slabSize = 256

var _ state.TimeKeyed[int64, int64] = (*TimeKeyed[int64, int64])(nil)

// NewTimeKeyed returns a new, empty time-keyed table named name (unique
// in db), encoding keys with kc and values with vc.
func NewTimeKeyed[K comparable, V any](db *DB, name string, kc state.Codec[K], vc state.Codec[V]) (*TimeKeyed[K, V], error) {
	tab, err := db.TimeTable(name)
	if err != nil {
		return nil, err
	}
	return &TimeKeyed[K, V]{tab: tab, kc: kc, vc: vc, buckets: make(map[int64]*timeBucket[K, V])}, nil
}

// Err returns the table's first error, or nil.
func (t *TimeKeyed[K, V]) Err() error { return t.err }

func (t *TimeKeyed[K, V]) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// Cached returns how many entries the write-back cache holds.
func (t *TimeKeyed[K, V]) Cached() int { return t.cached }

// cache adds (key, group) with value v to bucket b's cached entries.
func (t *TimeKeyed[K, V]) cache(b *timeBucket[K, V], key K, group uint8, v V) *timeEntry[K, V] {
	if len(b.slab) == cap(b.slab) {
		b.slab = make([]timeEntry[K, V], 0, slabSize)
	}
	b.slab = append(b.slab, timeEntry[K, V]{key: key, group: group, v: v})
	e := &b.slab[len(b.slab)-1]
	if b.index == nil {
		b.index = make(map[K]*timeEntry[K, V])
	}
	b.index[key] = e
	b.entries = append(b.entries, e)
	t.cached++
	return e
}

// fetch looks key up in Badger in bucket ts of each group of groups,
// caching and returning the entry when found (nil when not).
func (t *TimeKeyed[K, V]) fetch(ts int64, b *timeBucket[K, V], key K, groups *groupSet) (*timeEntry[K, V], error) {
	t.kbuf = t.kc.Append(t.kbuf[:0], key)
	var e *timeEntry[K, V]
	err := t.tab.View(func(r *TimeReader) error {
		return groups.each(func(g uint8) error {
			var ok bool
			var err error
			if t.vbuf, ok, err = r.Get(g, ts, t.kbuf, t.vbuf[:0]); err != nil || !ok {
				return err
			}
			v, err := decodeAll(t.vc, t.vbuf)
			if err != nil {
				return t.decodeErr("value", g, ts, err)
			}
			e = t.cache(b, key, g, v)
			return errStop
		})
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return e, err
}

// load caches every entry of bucket ts that is only in Badger.
func (t *TimeKeyed[K, V]) load(ts int64, b *timeBucket[K, V]) error {
	if b.complete {
		return nil
	}
	err := b.stored.each(func(g uint8) error {
		return t.tab.Scan(g, ts, func(kb, vb []byte) error {
			key, err := decodeAll(t.kc, kb)
			if err != nil {
				return t.decodeErr("key", g, ts, err)
			}
			if _, ok := b.index[key]; ok {
				return nil // the cached value wins
			}
			v, err := decodeAll(t.vc, vb)
			if err != nil {
				return t.decodeErr("value", g, ts, err)
			}
			t.cache(b, key, g, v)
			return nil
		})
	})
	if err != nil {
		return err
	}
	b.complete = true
	return nil
}

func (t *TimeKeyed[K, V]) decodeErr(what string, g uint8, ts int64, err error) error {
	return fmt.Errorf("state table %s: %s in key group %d, bucket %d: %w", t.tab.name, what, g, ts, err)
}

// Entry implements state.TimeKeyed. The pointer stays valid until bucket
// ts is evicted or until Flush.
func (t *TimeKeyed[K, V]) Entry(ts int64, group uint8, key K) (*V, bool) {
	if t.err != nil {
		return new(V), false
	}
	g := group % state.KeyGroups
	b := t.buckets[ts]
	if b == nil {
		b = &timeBucket[K, V]{complete: true}
		t.buckets[ts] = b
		i, _ := slices.BinarySearch(t.times, ts)
		t.times = slices.Insert(t.times, i, ts)
	} else if e := b.index[key]; e != nil {
		return &e.v, false
	} else if !b.complete && b.stored.has(g) {
		var only groupSet
		only.add(g)
		e, err := t.fetch(ts, b, key, &only)
		if err != nil {
			t.fail(err)
			return new(V), false
		}
		if e != nil {
			return &e.v, false
		}
	}
	var zero V
	e := t.cache(b, key, g, zero)
	b.n++
	t.n++
	return &e.v, true
}

// Lookup implements state.TimeKeyed. It does not add an absent entry; a
// present one is cached, its pointer valid until bucket ts is evicted or
// until Flush.
func (t *TimeKeyed[K, V]) Lookup(ts int64, key K) *V {
	if t.err != nil {
		return nil
	}
	b := t.buckets[ts]
	if b == nil {
		return nil
	}
	if e := b.index[key]; e != nil {
		return &e.v
	}
	if b.complete {
		return nil
	}
	e, err := t.fetch(ts, b, key, &b.stored)
	if err != nil {
		t.fail(err)
		return nil
	}
	if e == nil {
		return nil
	}
	return &e.v
}

// Scan implements state.TimeKeyed, in no particular order. It caches the
// whole bucket; the pointers fn gets stay valid like Entry's.
func (t *TimeKeyed[K, V]) Scan(ts int64, fn func(group uint8, key K, v *V)) {
	if t.err != nil {
		return
	}
	b := t.buckets[ts]
	if b == nil {
		return
	}
	if err := t.load(ts, b); err != nil {
		t.fail(err)
		return
	}
	for _, e := range b.entries {
		fn(e.group, e.key, &e.v)
	}
}

// Times implements state.TimeKeyed.
func (t *TimeKeyed[K, V]) Times(dst []int64, before int64) []int64 {
	if t.err != nil {
		return dst
	}
	for _, ts := range t.times {
		if ts >= before {
			break
		}
		dst = append(dst, ts)
	}
	return dst
}

// Evict implements state.TimeKeyed. With fn it first caches the whole
// bucket. The deletions from Badger are written at the next Flush or
// read.
func (t *TimeKeyed[K, V]) Evict(ts int64, fn func(group uint8, key K, v *V)) {
	if t.err != nil {
		return
	}
	b := t.buckets[ts]
	if b == nil {
		return
	}
	if fn != nil {
		if err := t.load(ts, b); err != nil {
			t.fail(err)
			return
		}
		for _, e := range b.entries {
			fn(e.group, e.key, &e.v)
		}
	}
	err := b.stored.each(func(g uint8) error {
		_, err := t.tab.Evict(g, ts)
		return err
	})
	if err != nil {
		t.fail(err)
		return
	}
	t.n -= b.n
	t.cached -= len(b.entries)
	delete(t.buckets, ts)
	i, _ := slices.BinarySearch(t.times, ts)
	t.times = slices.Delete(t.times, i, i+1)
}

// Len implements state.TimeKeyed.
func (t *TimeKeyed[K, V]) Len() int {
	if t.err != nil {
		return 0
	}
	return t.n
}

// Flush writes every cached entry back to Badger, with whatever was
// written through its pointer, and empties the cache: pointers handed
// out before are no longer valid. It returns the table's error, if any.
func (t *TimeKeyed[K, V]) Flush() error {
	if t.err != nil {
		return t.err
	}
	for _, ts := range t.times {
		b := t.buckets[ts]
		for _, e := range b.entries {
			t.kbuf = t.kc.Append(t.kbuf[:0], e.key)
			t.vbuf = t.vc.Append(t.vbuf[:0], e.v)
			if err := t.tab.Put(e.group, ts, t.kbuf, t.vbuf); err != nil {
				t.fail(err)
				return err
			}
			b.stored.add(e.group)
		}
		b.index, b.entries, b.slab = nil, nil, nil
		b.complete = false
	}
	t.cached = 0
	if err := t.tab.Flush(); err != nil {
		t.fail(err)
		return err
	}
	return nil
}
