package window

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/operators"
)

// firedRows collects the output rows of fired windows, column-wise, until
// they are flushed as a record. Slots and key ids that only the output
// needs are released after the flush.
type firedRows struct {
	keys       []uint32
	start, end []arrow.Timestamp
	slots      []int32
	release    []int32  // slots to free once emitted
	unref      []uint32 // key ids to drop once emitted
}

func (f *firedRows) add(key uint32, start, end int64, slot int32) {
	f.keys = append(f.keys, key)
	f.start = append(f.start, arrow.Timestamp(start))
	f.end = append(f.end, arrow.Timestamp(end))
	f.slots = append(f.slots, slot)
}

// flushIfFull flushes once a chunk of rows is pending.
func (o *op) flushIfFull(ctx context.Context, out operators.Emitter) error {
	if len(o.fired.slots) < emitChunk {
		return nil
	}
	return o.flush(ctx, out)
}

// flush emits the pending rows as one record (owned by out), then
// releases what only they held.
func (o *op) flush(ctx context.Context, out operators.Emitter) error {
	f := &o.fired
	defer func() {
		for _, s := range f.release {
			o.slab.release(s)
		}
		for _, k := range f.unref {
			o.keys.unref(k)
		}
		f.keys, f.start, f.end, f.slots = f.keys[:0], f.start[:0], f.end[:0], f.slots[:0]
		f.release, f.unref = f.release[:0], f.unref[:0]
	}()
	if len(f.slots) == 0 {
		return nil
	}
	rec, err := o.build()
	if err != nil {
		return err
	}
	return out.Emit(ctx, rec)
}

func (o *op) build() (arrow.RecordBatch, error) {
	f := &o.fired
	rb := array.NewRecordBuilder(o.alloc, o.out)
	defer rb.Release()
	rb.Reserve(len(f.slots))
	bs := rb.Fields()
	nk := len(o.spec.Keys)
	if err := o.keys.appendKeys(bs[:nk], f.keys); err != nil {
		return nil, err
	}
	for j, ts := range [][]arrow.Timestamp{f.start, f.end} {
		if err := appendFixed(bs[nk+j], ts, nil); err != nil {
			return nil, err
		}
	}
	for i, a := range o.slab.accs {
		if err := a.emit(bs[nk+2+i], f.slots); err != nil {
			return nil, fmt.Errorf("window %s: %s: %w", o.spec.Window.Kind, o.spec.Aggs[i].Describe(o.in), err)
		}
	}
	return rb.NewRecordBatch(), nil
}
