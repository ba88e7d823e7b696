package engine

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/state"
)

// KeyGroups is the number of key groups rows hash into. A subtask owns a
// contiguous range of key groups, so keyed state can later move between
// subtasks and processes a key group at a time.
const KeyGroups = state.KeyGroups

// KeyGroupOwner returns the subtask of parallelism subtasks that owns a
// key group.
func KeyGroupOwner(keyGroup, parallelism int) int {
	return keyGroup * parallelism / KeyGroups
}

// partitioner splits records by the hash of key columns. The hash is
// deterministic across processes (xxhash of the values' canonical bytes),
// so every process agrees on who owns a key.
type partitioner struct {
	keys   []int
	n      int
	alloc  memory.Allocator
	hashes []uint64
	idx    [][]int32
	buf    []byte
}

func newPartitioner(keys []int, n int, alloc memory.Allocator) *partitioner {
	return &partitioner{keys: keys, n: n, alloc: alloc, idx: make([][]int32, n)}
}

// hashRows fills p.hashes with one hash per row of rec over the key columns.
func (p *partitioner) hashRows(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	if cap(p.hashes) < n {
		p.hashes = make([]uint64, n)
	}
	p.hashes = p.hashes[:n]
	for i := range p.hashes {
		p.hashes[i] = 0
	}
	for _, k := range p.keys {
		if err := p.mixColumn(rec.Column(k)); err != nil {
			return err
		}
	}
	return nil
}

const nullHash = state.HashNull

var (
	mix    = state.MixHash
	hash64 = state.HashUint64
)

func (p *partitioner) mixColumn(col arrow.Array) error {
	h := p.hashes
	switch a := col.(type) {
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(uint64(v)))
			}
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(uint64(int64(v))))
			}
		}
	case *array.Timestamp:
		for i, v := range a.TimestampValues() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(uint64(v)))
			}
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(uint64(int64(v))))
			}
		}
	case *array.Float64:
		for i, v := range a.Float64Values() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(canonicalFloat(v)))
			}
		}
	case *array.Float32:
		for i, v := range a.Float32Values() {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], hash64(canonicalFloat(float64(v))))
			}
		}
	case *array.Boolean:
		for i := range h {
			switch {
			case a.IsNull(i):
				h[i] = mix(h[i], nullHash)
			case a.Value(i):
				h[i] = mix(h[i], hash64(1))
			default:
				h[i] = mix(h[i], hash64(0))
			}
		}
	case *array.String:
		for i := range h {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
			} else {
				h[i] = mix(h[i], state.HashString(a.Value(i)))
			}
		}
	case *array.Decimal128:
		for i := range h {
			if a.IsNull(i) {
				h[i] = mix(h[i], nullHash)
				continue
			}
			v := a.Value(i)
			p.buf = binary.LittleEndian.AppendUint64(p.buf[:0], v.LowBits())
			p.buf = binary.LittleEndian.AppendUint64(p.buf, uint64(v.HighBits()))
			h[i] = mix(h[i], state.HashBytes(p.buf))
		}
	default:
		return fmt.Errorf("cannot hash-partition on a column of type %s", col.DataType())
	}
	return nil
}

var canonicalFloat = state.FloatBits

// split returns one record per downstream subtask (nil where no row goes),
// each owned by the caller.
func (p *partitioner) split(ctx context.Context, rec arrow.RecordBatch) ([]arrow.RecordBatch, error) {
	if err := p.hashRows(rec); err != nil {
		return nil, err
	}
	for i := range p.idx {
		p.idx[i] = p.idx[i][:0]
	}
	for row, h := range p.hashes {
		t := KeyGroupOwner(int(h%KeyGroups), p.n)
		p.idx[t] = append(p.idx[t], int32(row))
	}
	out := make([]arrow.RecordBatch, p.n)
	for t, rows := range p.idx {
		if len(rows) == 0 {
			continue
		}
		if len(rows) == int(rec.NumRows()) {
			rec.Retain()
			out[t] = rec
			continue
		}
		r, err := takeRows(ctx, p.alloc, rec, rows)
		if err != nil {
			for _, o := range out {
				if o != nil {
					o.Release()
				}
			}
			return nil, err
		}
		out[t] = r
	}
	return out, nil
}

// takeRows builds a record of the given rows of rec.
func takeRows(ctx context.Context, alloc memory.Allocator, rec arrow.RecordBatch, rows []int32) (arrow.RecordBatch, error) {
	b := array.NewInt32Builder(alloc)
	b.AppendValues(rows, nil)
	indices := b.NewArray()
	b.Release()
	defer indices.Release()
	ctx = compute.WithAllocator(ctx, alloc)
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		c, err := compute.TakeArray(ctx, rec.Column(i), indices)
		if err != nil {
			for _, done := range cols[:i] {
				done.Release()
			}
			return nil, fmt.Errorf("partitioning rows: %w", err)
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(rec.Schema(), cols, int64(len(rows)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}
