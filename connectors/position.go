package connectors

import (
	"encoding/binary"
	"fmt"
	"math"
)

// PositionReader reads the fields of an encoded source position
// (Positioner), keeping the first error: every read is bounds-checked,
// and after an error reads return zero values. Readers check Err, and
// Left for trailing bytes, once at the end.
type PositionReader struct {
	b   []byte
	err error
}

// NewPositionReader reads b.
func NewPositionReader(b []byte) *PositionReader { return &PositionReader{b: b} }

// Err is the first error.
func (d *PositionReader) Err() error { return d.err }

// Left is the number of unread bytes.
func (d *PositionReader) Left() int { return len(d.b) }

// Fail records an error (if none was) for a check of the caller's.
func (d *PositionReader) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

// Uvarint reads a uvarint that must not exceed limit.
func (d *PositionReader) Uvarint(what string, limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	switch {
	case n <= 0:
		d.Fail("truncated or invalid %s", what)
		return 0
	case v > limit:
		d.Fail("%s %d out of range", what, v)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Int reads a uvarint that must fit an int32 (counts and indices).
func (d *PositionReader) Int(what string) int { return int(d.Uvarint(what, math.MaxInt32)) }

// Varint reads a signed varint.
func (d *PositionReader) Varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.Fail("truncated or invalid %s", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Uint64 reads 8 bytes, little endian.
func (d *PositionReader) Uint64(what string) uint64 {
	b := d.take(8, what)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// Bytes reads a uvarint length and that many bytes (a slice of the
// input).
func (d *PositionReader) Bytes(what string) []byte {
	return d.take(d.Uvarint(what, uint64(len(d.b))), what)
}

func (d *PositionReader) take(n uint64, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.Fail("truncated %s", what)
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}
