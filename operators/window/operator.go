package window

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/state"
)

// noWatermark is the watermark before the first one arrives.
const noWatermark = math.MinInt64

// emitChunk is how many pending output rows make the operator emit a
// record, checked between windows (a record holds whole windows).
const emitChunk = 16 * 1024

// op is the window aggregation operator. It is not safe for concurrent
// use: the runtime runs one goroutine per subtask.
//
// Rows are never buffered: each batch is folded into accumulator slots
// at once. Late rows, rows with a NULL event time and rows outside the
// representable time range (a window bound of theirs would pass the ends
// of int64) are dropped and counted in Metrics.LateRows: such a row is in
// no window, so it is as lost as a late one and must not vanish silently.
type op struct {
	spec    Spec
	in, out *arrow.Schema
	alloc   memory.Allocator
	metrics *operators.Metrics

	keys *keyDict
	slab *slab
	wm   int64 // the current watermark

	panes   *panes    // TUMBLE and HOP
	session *sessions // SESSION
	spill   *spill    // TUMBLE and HOP state in Badger, or nil (spill.go)

	used  []int   // input columns read: time, keys, arguments
	slots []int32 // per-row slot of the current batch, -1 to skip
	fired firedRows

	// floors, after a Restore of key groups snapshotted at different
	// watermarks, is each group's own watermark (wm is the lowest): its
	// windows that end by then fired before the snapshot. It is dropped
	// once wm reaches floorTop, the highest (snapshot.go).
	floors   *[state.KeyGroups]int64
	floorTop int64
	snap     *snapScratch // Snapshot's working memory
}

var (
	_ operators.Operator         = (*op)(nil)
	_ operators.WatermarkHandler = (*op)(nil)
	_ operators.Snapshotter      = (*op)(nil)
)

// New returns the window aggregation operator for spec over input schema
// in, producing schema out (keys, window_start, window_end, aggregates).
// It implements operators.Operator, operators.WatermarkHandler and
// operators.Snapshotter.
func New(spec Spec, in, out *arrow.Schema) (operators.Operator, error) {
	return newOp(spec, in, out)
}

func newOp(spec Spec, in, out *arrow.Schema) (*op, error) {
	w := spec.Window
	if w.TimeCol < 0 || w.TimeCol >= in.NumFields() || in.Field(w.TimeCol).Type.ID() != arrow.TIMESTAMP {
		return nil, fmt.Errorf("%w: the time column must be a TIMESTAMP column of the input", ErrSpec)
	}
	if want := len(spec.Keys) + 2 + len(spec.Aggs); out.NumFields() != want {
		return nil, fmt.Errorf("%w: output has %d columns, want %d (keys, window_start, window_end, aggregates)",
			ErrSpec, out.NumFields(), want)
	}
	for _, j := range []int{len(spec.Keys), len(spec.Keys) + 1} {
		if out.Field(j).Type.ID() != arrow.TIMESTAMP {
			return nil, fmt.Errorf("%w: output column %d (%s) must be TIMESTAMP(3)", ErrSpec, j, out.Field(j).Name)
		}
	}
	keys, err := newKeyDict(spec.Keys, in)
	if err != nil {
		return nil, err
	}
	for j, k := range spec.Keys {
		if !arrow.TypeEqual(in.Field(k).Type, out.Field(j).Type) {
			return nil, fmt.Errorf("%w: key output column %s is %s, input column is %s",
				ErrSpec, out.Field(j).Name, out.Field(j).Type, in.Field(k).Type)
		}
	}
	accs := make([]accumulator, len(spec.Aggs))
	for i, c := range spec.Aggs {
		if accs[i], err = newAccumulator(c, in); err != nil {
			return nil, fmt.Errorf("aggregate %d (%s): %w", i+1, c.Func, err)
		}
		if got := out.Field(len(spec.Keys) + 2 + i).Type; !arrow.TypeEqual(got, c.Type) {
			return nil, fmt.Errorf("%w: aggregate %d output column is %s, the call gives %s", ErrSpec, i+1, got, c.Type)
		}
	}
	o := &op{spec: spec, in: in, out: out, alloc: memory.DefaultAllocator, metrics: &operators.Metrics{},
		keys: keys, slab: newSlab(accs), wm: noWatermark}
	o.used = append([]int{w.TimeCol}, spec.Keys...)
	for _, c := range spec.Aggs {
		if c.Func != CountStar {
			o.used = append(o.used, c.Arg)
		}
	}
	switch w.Kind {
	case Tumble:
		if w.Size <= 0 {
			return nil, fmt.Errorf("%w: TUMBLE size must be positive, got %d ms", ErrSpec, w.Size)
		}
		o.panes = newPanes(w.Size, w.Size)
	case Hop:
		if w.Size <= 0 || w.Slide <= 0 {
			return nil, fmt.Errorf("%w: HOP slide and size must be positive, got %d and %d ms", ErrSpec, w.Slide, w.Size)
		}
		if n := windowspec.PanesPerWindow(w.Slide, w.Size); n > windowspec.MaxPanesPerWindow {
			return nil, fmt.Errorf("%w: HOP(slide %d ms, size %d ms) combines %d panes per window; at most %d", ErrSpec, w.Slide, w.Size, n, windowspec.MaxPanesPerWindow)
		}
		o.panes = newPanes(w.Slide, w.Size)
	case Session:
		if w.Gap <= 0 {
			return nil, fmt.Errorf("%w: SESSION gap must be positive, got %d ms", ErrSpec, w.Gap)
		}
		o.session = newSessions(w.Gap)
	default:
		return nil, fmt.Errorf("%w: unknown window kind %d", ErrSpec, w.Kind)
	}
	return o, nil
}

// Open implements operators.Operator.
func (o *op) Open(_ context.Context, env *operators.Env) error {
	if env != nil && env.Alloc != nil {
		o.alloc = env.Alloc
	}
	if env != nil && env.Metrics != nil {
		o.metrics = env.Metrics
	}
	if env != nil && env.Tables != nil {
		return o.useTables(env.Tables, env.TablePrefix+"window", env.ResidentEntries)
	}
	return nil
}

// Process implements operators.Operator: it folds every row of rec into
// the partial aggregates of its (key, pane or session).
func (o *op) Process(_ context.Context, _ int, rec arrow.RecordBatch, _ operators.Emitter) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	if err := o.checkSchema(rec); err != nil {
		return err
	}
	tcol := rec.Column(o.spec.Window.TimeCol).(*array.Timestamp)
	ids := o.keys.intern(rec)
	o.slots = growTo(o.slots[:0], n)
	var late int64
	if o.panes != nil {
		late = o.panes.assign(o, tcol, ids, o.slots)
	} else {
		late = o.session.assign(o, tcol, ids, o.slots)
	}
	for i, c := range o.spec.Aggs {
		var col arrow.Array
		if c.Func != CountStar {
			col = rec.Column(c.Arg)
		}
		o.slab.accs[i].update(col, o.slots)
	}
	if o.session != nil {
		o.session.applyMerges(o)
	}
	o.keys.sweep()
	if late > 0 {
		o.metrics.LateRows.Add(late)
	}
	if o.spill != nil {
		if err := o.spill.afterBatch(o); err != nil {
			return err
		}
	}
	if o.session != nil && o.session.spill != nil {
		if err := o.session.spill.afterBatch(o, o.session); err != nil {
			return err
		}
	}
	o.metrics.StateEntries.Store(int64(o.entries()))
	return nil
}

// checkSchema verifies that the columns the operator reads have the types
// it was compiled for, so a mismatched record is an error, not a crash.
func (o *op) checkSchema(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != o.in.NumFields() {
		return fmt.Errorf("window: record has %d columns, want %d", rec.NumCols(), o.in.NumFields())
	}
	for _, c := range o.used {
		if got, want := rec.Column(c).DataType(), o.in.Field(c).Type; !arrow.TypeEqual(got, want) {
			return fmt.Errorf("window: column %d (%s) is %s, want %s", c, o.in.Field(c).Name, got, want)
		}
	}
	if _, ok := rec.Column(o.spec.Window.TimeCol).(*array.Timestamp); !ok {
		return fmt.Errorf("window: time column is %s, want TIMESTAMP(3)", rec.Column(o.spec.Window.TimeCol).DataType())
	}
	return nil
}

// entries is the number of partial aggregates held.
func (o *op) entries() int {
	if o.spill != nil {
		return o.panes.table.Len() + o.spill.total
	}
	if o.panes != nil {
		return o.panes.table.Len()
	}
	if sp := o.session.spill; sp != nil {
		return o.session.open + sp.stored
	}
	return o.session.open
}

// OnWatermark implements operators.WatermarkHandler: it fires every
// window whose end is at or before wm, emits its rows and releases its
// state. It returns the watermark to forward: wm (or the current one if
// wm does not advance it).
func (o *op) OnWatermark(ctx context.Context, wm int64, out operators.Emitter) (int64, error) {
	if wm <= o.wm {
		return o.wm, nil
	}
	prev := o.wm
	o.wm = wm
	var err error
	if o.panes != nil {
		err = o.panes.fire(ctx, o, prev, wm, out)
	} else {
		err = o.session.fire(ctx, o, wm, out)
	}
	if o.floors != nil && wm >= o.floorTop {
		o.floors = nil
	}
	o.metrics.StateEntries.Store(int64(o.entries()))
	return wm, err
}

// Close implements operators.Operator: end of input fires every window
// still open.
func (o *op) Close(ctx context.Context, out operators.Emitter) error {
	if _, err := o.OnWatermark(ctx, math.MaxInt64, out); err != nil {
		return err
	}
	o.slots = nil
	return nil
}
