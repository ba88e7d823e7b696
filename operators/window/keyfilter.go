package window

import "math/bits"

// keyFilter is a Bloom filter of key hashes: mayContain is false for a
// hash never added, and true for one added (and for about 0.05% of the
// others, with 16 bits per expected key and 6 probes). The session spill
// asks it before reading a key from Badger, so a key seen for the first
// time costs no read.
type keyFilter struct {
	bits []uint64
	mask uint64 // the number of bits - 1 (a power of two)
	// adds counts the hashes added; once it passes limit the filter is
	// too full to be precise, and its owner rebuilds it.
	adds, limit int
}

const filterProbes = 6

// newKeyFilter returns an empty filter sized for n keys.
func newKeyFilter(n int) *keyFilter {
	n = max(n, 1<<12)
	nbits := uint64(1) << bits.Len64(uint64(16*n-1))
	return &keyFilter{bits: make([]uint64, nbits/64), mask: nbits - 1, limit: n}
}

// probes are derived from one 64-bit hash by double hashing.
func (f *keyFilter) add(h uint64) {
	h2 := h>>32 | h<<32 | 1
	for i := range uint64(filterProbes) {
		b := (h + i*h2) & f.mask
		f.bits[b/64] |= 1 << (b % 64)
	}
	f.adds++
}

func (f *keyFilter) mayContain(h uint64) bool {
	h2 := h>>32 | h<<32 | 1
	for i := range uint64(filterProbes) {
		b := (h + i*h2) & f.mask
		if f.bits[b/64]&(1<<(b%64)) == 0 {
			return false
		}
	}
	return true
}

// full reports whether the filter holds more hashes than it was sized for.
func (f *keyFilter) full() bool { return f.adds > f.limit }
