package state

import "sort"

// TimeKeyed is a time-keyed state table: values addressed by (time
// bucket, key), where the time is a bucket's start (a window's or pane's
// start). Operators read a bucket at a time and evict whole buckets once
// the watermark has passed them. Entries carry their key group.
type TimeKeyed[K comparable, V any] interface {
	// Entry returns the value of (t, key), adding a zero value (created
	// true) when absent. The pointer stays valid until bucket t is
	// evicted or, for a persistent table, until its Flush.
	Entry(t int64, group uint8, key K) (v *V, created bool)
	// Lookup returns the value of (t, key), or nil when absent. The
	// pointer stays valid as Entry's does.
	Lookup(t int64, key K) *V
	// Scan calls fn for every entry of bucket t: in insertion order for
	// the in-memory table, in no specified order for a persistent one.
	// The pointers stay valid as Entry's do. fn must not add to or evict
	// from the table.
	Scan(t int64, fn func(group uint8, key K, v *V))
	// Times appends to dst the times of the buckets that start before
	// before, in ascending order, and returns dst.
	Times(dst []int64, before int64) []int64
	// Evict removes bucket t, first calling fn (when not nil) for each of
	// its entries.
	Evict(t int64, fn func(group uint8, key K, v *V))
	// Len returns the number of entries over all buckets.
	Len() int
}

// pageSize is how many values a bucket stores per page; values live in
// fixed pages so pointers to them stay valid as a bucket grows.
const pageSize = 256

// bucket is one time's entries: a key index and dense, paged values.
type bucket[K comparable, V any] struct {
	index  map[K]int32
	keys   []K
	groups []uint8
	pages  [][]V
}

func (b *bucket[K, V]) at(i int32) *V { return &b.pages[i/pageSize][i%pageSize] }

// MemTimeKeyed is the in-memory TimeKeyed table. It keeps the bucket
// times sorted and reuses the memory of evicted buckets.
type MemTimeKeyed[K comparable, V any] struct {
	buckets map[int64]*bucket[K, V]
	times   []int64 // ascending
	free    []*bucket[K, V]
	n       int
	// lastT and last cache the bucket of the previous Entry call: rows
	// in order mostly hit the same bucket.
	lastT int64
	last  *bucket[K, V]
}

var _ TimeKeyed[int64, int] = (*MemTimeKeyed[int64, int])(nil)

// NewMemTimeKeyed returns an empty in-memory time-keyed table.
func NewMemTimeKeyed[K comparable, V any]() *MemTimeKeyed[K, V] {
	return &MemTimeKeyed[K, V]{buckets: make(map[int64]*bucket[K, V])}
}

func (t *MemTimeKeyed[K, V]) bucketFor(ts int64) *bucket[K, V] {
	if t.last != nil && t.lastT == ts {
		return t.last
	}
	b := t.buckets[ts]
	if b == nil {
		b = t.newBucket()
		t.buckets[ts] = b
		i := sort.Search(len(t.times), func(i int) bool { return t.times[i] >= ts })
		t.times = append(t.times, 0)
		copy(t.times[i+1:], t.times[i:])
		t.times[i] = ts
	}
	t.lastT, t.last = ts, b
	return b
}

func (t *MemTimeKeyed[K, V]) newBucket() *bucket[K, V] {
	if n := len(t.free); n > 0 {
		b := t.free[n-1]
		t.free = t.free[:n-1]
		return b
	}
	return &bucket[K, V]{index: make(map[K]int32)}
}

// Entry implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Entry(ts int64, group uint8, key K) (*V, bool) {
	b := t.bucketFor(ts)
	if i, ok := b.index[key]; ok {
		return b.at(i), false
	}
	i := int32(len(b.keys))
	b.index[key] = i
	b.keys = append(b.keys, key)
	b.groups = append(b.groups, group%KeyGroups)
	if int(i/pageSize) == len(b.pages) {
		b.pages = append(b.pages, make([]V, pageSize))
	}
	t.n++
	return b.at(i), true
}

// Lookup implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Lookup(ts int64, key K) *V {
	b := t.buckets[ts]
	if b == nil {
		return nil
	}
	if i, ok := b.index[key]; ok {
		return b.at(i)
	}
	return nil
}

// Scan implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Scan(ts int64, fn func(group uint8, key K, v *V)) {
	b := t.buckets[ts]
	if b == nil {
		return
	}
	for i, k := range b.keys {
		fn(b.groups[i], k, b.at(int32(i)))
	}
}

// Times implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Times(dst []int64, before int64) []int64 {
	for _, ts := range t.times {
		if ts >= before {
			break
		}
		dst = append(dst, ts)
	}
	return dst
}

// Evict implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Evict(ts int64, fn func(group uint8, key K, v *V)) {
	b := t.buckets[ts]
	if b == nil {
		return
	}
	if fn != nil {
		for i, k := range b.keys {
			fn(b.groups[i], k, b.at(int32(i)))
		}
	}
	t.n -= len(b.keys)
	delete(t.buckets, ts)
	i := sort.Search(len(t.times), func(i int) bool { return t.times[i] >= ts })
	t.times = append(t.times[:i], t.times[i+1:]...)
	if t.last == b {
		t.last = nil
	}
	// Zero the used values so the pages hold no stale references, then
	// keep the bucket's memory for the next new bucket.
	var zero V
	for i := range b.keys {
		*b.at(int32(i)) = zero
	}
	var zk K
	for i := range b.keys {
		b.keys[i] = zk
	}
	clear(b.index)
	b.keys, b.groups = b.keys[:0], b.groups[:0]
	t.free = append(t.free, b)
}

// Len implements TimeKeyed.
func (t *MemTimeKeyed[K, V]) Len() int { return t.n }
