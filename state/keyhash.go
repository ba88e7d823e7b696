package state

import (
	"encoding/binary"
	"math"

	"github.com/cespare/xxhash/v2"
)

// The key hash. The runtime's shuffle and every keyed operator hash group
// keys with these functions, so a key's group is the same wherever it is
// computed, in any process: a row's hash is MixHash over its key columns,
// starting from 0, of HashNull for a NULL and otherwise HashUint64 of the
// integer (or time, date, boolean 0/1, or HashFloat64 bits) value,
// HashString of a string, or HashBytes of a decimal's 16 little-endian
// bytes (low word first).

// HashNull is the hash of a NULL key column.
const HashNull uint64 = 0x9e3779b97f4a7c15

// MixHash folds the hash v of the next key column into h.
func MixHash(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	return h
}

// HashUint64 hashes a fixed-width value.
func HashUint64(v uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return xxhash.Sum64(b[:])
}

// HashString hashes a string value.
func HashString(s string) uint64 { return xxhash.Sum64String(s) }

// HashBytes hashes raw bytes (a decimal's 16 bytes).
func HashBytes(b []byte) uint64 { return xxhash.Sum64(b) }

// FloatBits is the canonical bit pattern of a float key: -0 equals 0 and
// every NaN equals every other, as GROUP BY needs.
func FloatBits(f float64) uint64 {
	if f == 0 {
		return 0
	}
	if math.IsNaN(f) {
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}
