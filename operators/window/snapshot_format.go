package window

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// The window state blob, one per key group (all integers little-endian):
//
//	header   "WWIN", format version (1 byte), window kind (1 byte),
//	         key group (2 bytes), watermark (8 bytes)
//	spec     uvarint length and the query's state description
//	         (stateDesc): a blob of another query is refused
//	keys     key count (4 bytes), then a record per key
//	         (snapshot_keys.go)
//	body     TUMBLE and HOP: pane runs (count, then per run the pane
//	         start and its entry count), then each entry's key index
//	         (4 bytes); SESSION: per key, its session count (4 bytes) and
//	         each session's start and end (8 bytes each)
//	partials per aggregate, a record per entry in body order
//	         (snapshot_accs.go)
//	trailer  CRC-32C of everything before it (4 bytes)
//
// Snapshot sizes every group's blob exactly, carves them all out of one
// buffer, and fills them walking the state in its own order (the order
// entries were created, so reads are mostly sequential) while appending
// each entry at its group's cursor: no allocation per entry, and no
// random gather.

const (
	snapMagic   = "WWIN"
	snapVersion = 1
	// snapHeader is the fixed header's size.
	snapHeader = 4 + 1 + 1 + 2 + 8
	// snapTrailer is the CRC's size.
	snapTrailer = 4
)

var (
	le       = binary.LittleEndian
	crcTable = crc32.MakeTable(crc32.Castagnoli)
)

// errDifferentQuery marks a blob of another query's window.
var errDifferentQuery = errors.New("window state was written by a different query")

// uvarintLen is the size of v as a uvarint.
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// word is a fixed-width value kept in 8 bytes: integers sign-extended,
// floats as their bits.
type word interface {
	int32 | int64 | float32 | float64
}

// decoder reads a blob, recording the first error instead of panicking:
// every read is bounds-checked, and after an error reads return zero
// values (callers check d.err before using what a column read gave).
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

// left is the number of unread bytes.
func (d *decoder) left() int { return len(d.b) - d.off }

// take returns the next n bytes (nil after an error).
func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > d.left() {
		d.fail("truncated %s at byte %d", what, d.off)
		return nil
	}
	p := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return p
}

func (d *decoder) u8(what string) byte {
	if p := d.take(1, what); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u32(what string) uint32 {
	if p := d.take(4, what); p != nil {
		return le.Uint32(p)
	}
	return 0
}

func (d *decoder) i64(what string) int64 {
	if p := d.take(8, what); p != nil {
		return int64(le.Uint64(p))
	}
	return 0
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad %s at byte %d", what, d.off)
		return 0
	}
	d.off += n
	return v
}

// count reads a 4-byte count of items that take at least each bytes,
// refusing counts the rest of the blob cannot hold (so a corrupt count
// never makes a huge allocation).
func (d *decoder) count(what string, each int) int {
	n := int(d.u32(what))
	if d.err == nil && n > d.left()/max(each, 1) {
		d.fail("%s %d: only %d bytes left", what, n, d.left())
		return 0
	}
	return n
}

// length reads a uvarint byte length that must fit in the rest.
func (d *decoder) length(what string) int {
	n := d.uvarint(what)
	if d.err == nil && n > uint64(d.left()) {
		d.fail("truncated %s at byte %d: %d bytes, %d left", what, d.off, n, d.left())
		return 0
	}
	return int(n)
}
