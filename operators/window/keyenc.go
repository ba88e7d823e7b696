package window

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/state"
)

// The key encoding of multi-column and non-integer keys: per column a
// NULL tag (0) or a value tag (1) and the value's canonical bytes
// (little-endian integers, canonical float bits, 16 decimal bytes, a
// uvarint length and the bytes of a string); and the key hash.

// appendKey appends row i of col in key encoding.
func appendKey(b []byte, col arrow.Array, i int) []byte {
	if col.IsNull(i) {
		return append(b, 0)
	}
	b = append(b, 1)
	switch a := col.(type) {
	case *array.Int32:
		return binary.LittleEndian.AppendUint32(b, uint32(a.Value(i)))
	case *array.Date32:
		return binary.LittleEndian.AppendUint32(b, uint32(a.Value(i)))
	case *array.Int64:
		return binary.LittleEndian.AppendUint64(b, uint64(a.Value(i)))
	case *array.Timestamp:
		return binary.LittleEndian.AppendUint64(b, uint64(a.Value(i)))
	case *array.Float32:
		return binary.LittleEndian.AppendUint64(b, canonicalFloat(float64(a.Value(i))))
	case *array.Float64:
		return binary.LittleEndian.AppendUint64(b, canonicalFloat(a.Value(i)))
	case *array.Boolean:
		if a.Value(i) {
			return append(b, 1)
		}
		return append(b, 0)
	case *array.Decimal128:
		v := a.Value(i)
		b = binary.LittleEndian.AppendUint64(b, v.LowBits())
		return binary.LittleEndian.AppendUint64(b, uint64(v.HighBits()))
	case *array.String:
		v := a.Value(i)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	return b
}

// keyField is one decoded column of an encoded key.
type keyField struct {
	null bool
	u    uint64 // integers, float bits, bool, decimal low bits
	hi   int64  // decimal high bits
	s    string // strings
}

// decode splits an encoded key at column j's type, returning the value
// and the rest.
func decodeField(t arrow.DataType, b string) (keyField, string) {
	if b[0] == 0 {
		return keyField{null: true}, b[1:]
	}
	b = b[1:]
	switch t.ID() {
	case arrow.INT32, arrow.DATE32:
		return keyField{u: uint64(int64(int32(binary.LittleEndian.Uint32([]byte(b[:4])))))}, b[4:]
	case arrow.INT64, arrow.TIMESTAMP, arrow.FLOAT32, arrow.FLOAT64:
		return keyField{u: binary.LittleEndian.Uint64([]byte(b[:8]))}, b[8:]
	case arrow.BOOL:
		return keyField{u: uint64(b[0])}, b[1:]
	case arrow.DECIMAL128:
		return keyField{u: binary.LittleEndian.Uint64([]byte(b[:8])), hi: int64(binary.LittleEndian.Uint64([]byte(b[8:16])))}, b[16:]
	default: // STRING
		n, k := binary.Uvarint([]byte(b))
		return keyField{s: b[k : k+int(n)]}, b[k+int(n):]
	}
}

func (d *keyDict) hashEncoded(s string) uint64 {
	var h uint64
	for _, t := range d.types {
		var f keyField
		f, s = decodeField(t, s)
		switch {
		case f.null:
			h = mix(h, nullHash)
		case t.ID() == arrow.STRING:
			h = mix(h, state.HashString(f.s))
		case t.ID() == arrow.DECIMAL128:
			var b [16]byte
			binary.LittleEndian.PutUint64(b[:8], f.u)
			binary.LittleEndian.PutUint64(b[8:], uint64(f.hi))
			h = mix(h, state.HashBytes(b[:]))
		default:
			h = mix(h, hash64(f.u))
		}
	}
	return h
}

func appendInt(b array.Builder, v int64) error {
	switch bb := b.(type) {
	case *array.Int64Builder:
		bb.Append(v)
	case *array.Int32Builder:
		bb.Append(int32(v))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v))
	case *array.Date32Builder:
		bb.Append(arrow.Date32(v))
	default:
		return fmt.Errorf("window: key output column is %s, want an integer type", b.Type())
	}
	return nil
}

func appendField(b array.Builder, t arrow.DataType, f keyField) error {
	if f.null {
		b.AppendNull()
		return nil
	}
	ok := true
	switch t.ID() {
	case arrow.INT32, arrow.DATE32, arrow.INT64, arrow.TIMESTAMP:
		return appendInt(b, int64(f.u))
	case arrow.FLOAT32:
		var bb *array.Float32Builder
		if bb, ok = b.(*array.Float32Builder); ok {
			bb.Append(float32(math.Float64frombits(f.u)))
		}
	case arrow.FLOAT64:
		var bb *array.Float64Builder
		if bb, ok = b.(*array.Float64Builder); ok {
			bb.Append(math.Float64frombits(f.u))
		}
	case arrow.BOOL:
		var bb *array.BooleanBuilder
		if bb, ok = b.(*array.BooleanBuilder); ok {
			bb.Append(f.u != 0)
		}
	case arrow.DECIMAL128:
		var bb *array.Decimal128Builder
		if bb, ok = b.(*array.Decimal128Builder); ok {
			bb.Append(decimal128.New(f.hi, f.u))
		}
	case arrow.STRING:
		var bb *array.StringBuilder
		if bb, ok = b.(*array.StringBuilder); ok {
			bb.Append(f.s)
		}
	}
	if !ok {
		return fmt.Errorf("window: key output column is %s, want %s", b.Type(), t)
	}
	return nil
}

// The key hash is state's, the one the runtime's shuffle uses, so that a
// key's group here is the group that routed it.

const nullHash = state.HashNull

var (
	mix    = state.MixHash
	hash64 = state.HashUint64
)
