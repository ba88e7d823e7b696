package rules

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/plan"
)

// pruneWindow prunes a WindowAggregate: aggregate calls whose outputs are
// not needed are dropped, and its input narrowed to the keys, the time
// column and the remaining calls' arguments.
func pruneWindow(x *plan.WindowAggregate, need []bool) (plan.Node, []int, bool) {
	nKeys := len(x.Spec.Keys)
	mapping := make([]int, len(need))
	var (
		aggs   []windowspec.AggCall
		fields []arrow.Field
	)
	for i := range need {
		switch {
		case i < nKeys+2:
			mapping[i] = i
			fields = append(fields, x.Out.Field(i))
		case need[i]:
			mapping[i] = len(fields)
			fields = append(fields, x.Out.Field(i))
			aggs = append(aggs, x.Spec.Aggs[i-nKeys-2])
		default:
			mapping[i] = -1
		}
	}
	childNeed := make([]bool, x.Input.Schema().NumFields())
	for _, k := range x.Spec.Keys {
		childNeed[k] = true
	}
	childNeed[x.Spec.Window.TimeCol] = true
	for _, a := range aggs {
		if a.Arg >= 0 {
			childNeed[a.Arg] = true
		}
	}
	child, childMap, changed := prune(x.Input, childNeed)
	if !changed && len(aggs) == len(x.Spec.Aggs) {
		return x, mapping, false
	}
	spec := windowspec.Spec{Window: x.Spec.Window, Keys: make([]int, nKeys), Aggs: make([]windowspec.AggCall, len(aggs))}
	spec.Window.TimeCol = childMap[x.Spec.Window.TimeCol]
	for i, k := range x.Spec.Keys {
		spec.Keys[i] = childMap[k]
	}
	for i, a := range aggs {
		if a.Arg >= 0 {
			a.Arg = childMap[a.Arg]
		}
		spec.Aggs[i] = a
	}
	md := x.Out.Metadata()
	return &plan.WindowAggregate{Input: child, Spec: spec, Out: arrow.NewSchema(fields, &md)}, mapping, true
}
