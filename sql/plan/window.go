package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/windowspec"
)

// WindowAggregate is a group-window aggregation: GROUP BY keys plus one
// TUMBLE, HOP or SESSION window over the input's event-time column.
//
// Its output has the key columns (in Keys order, named as in the input),
// then window_start and window_end (TIMESTAMP(3)), then one column per
// aggregate call. HAVING becomes a Filter above it and the select list a
// Project above that.
type WindowAggregate struct {
	Input Node
	// Spec is the window, the keys and the aggregate calls, over the
	// input's column indices; it is what the window operator executes.
	Spec windowspec.Spec
	Out  *arrow.Schema
}

// Schema implements Node.
func (w *WindowAggregate) Schema() *arrow.Schema { return w.Out }

// Children implements Node.
func (w *WindowAggregate) Children() []Node { return []Node{w.Input} }

// String implements Node.
func (w *WindowAggregate) String() string {
	in := w.Input.Schema()
	keys := make([]string, len(w.Spec.Keys))
	for i, k := range w.Spec.Keys {
		keys[i] = in.Field(k).Name
		if out := w.Out.Field(i).Name; out != keys[i] {
			keys[i] += " AS " + out
		}
	}
	aggs := make([]string, len(w.Spec.Aggs))
	for i, a := range w.Spec.Aggs {
		aggs[i] = a.Describe(in) + " AS " + w.Out.Field(len(w.Spec.Keys)+2+i).Name
	}
	return fmt.Sprintf("WindowAggregate(%s, keys=[%s], aggs=[%s])",
		w.Spec.Window.Describe(in.Field(w.Spec.Window.TimeCol).Name), strings.Join(keys, ", "), strings.Join(aggs, ", "))
}
