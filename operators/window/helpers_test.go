package window

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
)

// collector is an Emitter that keeps (owns) what it receives.
type collector struct{ recs []arrow.RecordBatch }

func (c *collector) Emit(_ context.Context, rec arrow.RecordBatch) error {
	c.recs = append(c.recs, rec)
	return nil
}

// rows renders every received row, one string per row, and releases the
// records.
func (c *collector) rows() []string {
	var out []string
	for _, r := range c.recs {
		for i := 0; i < int(r.NumRows()); i++ {
			cells := make([]string, r.NumCols())
			for j := range cells {
				cells[j] = cell(r.Column(j), i)
			}
			out = append(out, strings.Join(cells, "|"))
		}
		r.Release()
	}
	c.recs = nil
	return out
}

// cell renders one value the way the reference evaluator renders its
// values.
func cell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	switch v := a.(type) {
	case *array.Int32:
		return fmt.Sprint(v.Value(i))
	case *array.Int64:
		return fmt.Sprint(v.Value(i))
	case *array.Float32:
		return fmt.Sprint(float64(v.Value(i)))
	case *array.Float64:
		return fmt.Sprint(v.Value(i))
	case *array.Timestamp:
		return fmt.Sprint(int64(v.Value(i)))
	case *array.Date32:
		return fmt.Sprint(int64(v.Value(i)))
	case *array.Boolean:
		return fmt.Sprint(v.Value(i))
	case *array.String:
		return fmt.Sprintf("%q", v.Value(i))
	case *array.Decimal128:
		return v.Value(i).ToString(v.DataType().(*arrow.Decimal128Type).Scale)
	}
	return a.ValueStr(i)
}

// harness runs an operator on a checked allocator.
type harness struct {
	t   *testing.T
	mem *memory.CheckedAllocator
	op  *op
	env *operators.Env
	out collector
	ctx context.Context
}

func newHarness(t *testing.T, spec Spec, in *arrow.Schema) *harness {
	return newHarnessEnv(t, spec, in, nil)
}

// newHarnessEnv is newHarness with the operator's Env first given to
// setup (when not nil), for example to put its state in Badger.
func newHarnessEnv(t *testing.T, spec Spec, in *arrow.Schema, setup func(*operators.Env)) *harness {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	o, err := newOp(spec, in, outSchema(spec, in))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h := &harness{t: t, mem: mem, op: o, ctx: context.Background(),
		env: &operators.Env{Name: "window", Alloc: mem, Metrics: &operators.Metrics{}}}
	if setup != nil {
		setup(h.env)
	}
	if err := o.Open(h.ctx, h.env); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) process(rec arrow.RecordBatch) {
	h.t.Helper()
	if err := h.op.Process(h.ctx, 0, rec, &h.out); err != nil {
		h.t.Fatalf("Process: %v", err)
	}
}

func (h *harness) watermark(wm int64) {
	h.t.Helper()
	if _, err := h.op.OnWatermark(h.ctx, wm, &h.out); err != nil {
		h.t.Fatalf("OnWatermark(%d): %v", wm, err)
	}
}

// finish closes the operator, returns every row emitted (sorted) and
// checks that no state and no Arrow memory is left.
func (h *harness) finish() []string {
	h.t.Helper()
	if err := h.op.Close(h.ctx, &h.out); err != nil {
		h.t.Fatalf("Close: %v", err)
	}
	rows := h.out.rows()
	slices.Sort(rows)
	if n := h.env.Metrics.StateEntries.Load(); n != 0 {
		h.t.Errorf("StateEntries = %d after the final watermark, want 0", n)
	}
	if n := h.op.slab.live; n != 0 {
		h.t.Errorf("%d accumulator slots still live", n)
	}
	if n := h.op.keys.len(); n > 0 && len(h.op.spec.Keys) > 0 {
		h.t.Errorf("%d key ids still live", n)
	}
	h.mem.AssertSize(h.t, 0)
	return rows
}

// outSchema is the output schema of spec over in, as the planner makes it.
func outSchema(spec Spec, in *arrow.Schema) *arrow.Schema {
	var fs []arrow.Field
	for _, k := range spec.Keys {
		if k < 0 || k >= in.NumFields() {
			fs = append(fs, arrow.Field{Name: "bad", Type: expr.BigInt})
			continue
		}
		fs = append(fs, in.Field(k))
	}
	fs = append(fs,
		arrow.Field{Name: "window_start", Type: arrow.FixedWidthTypes.Timestamp_ms},
		arrow.Field{Name: "window_end", Type: arrow.FixedWidthTypes.Timestamp_ms})
	for i, a := range spec.Aggs {
		fs = append(fs, arrow.Field{Name: fmt.Sprintf("a%d", i), Type: a.Type, Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

// timedRecord builds a record of schema sch whose column 0 (TIMESTAMP)
// holds ts; fill, when not nil, appends row i's value to column 1.
func timedRecord(mem memory.Allocator, sch *arrow.Schema, ts []int64, fill func(b array.Builder, i int)) arrow.RecordBatch {
	rb := array.NewRecordBuilder(mem, sch)
	defer rb.Release()
	for i, t := range ts {
		rb.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(t))
		if fill != nil {
			fill(rb.Field(1), i)
		}
	}
	return rb.NewRecordBatch()
}
