package rules

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// PruneColumns narrows every Scan to the columns the plan above it uses
// (Scan.Columns) and its watermark reads, drops the outputs of inner
// Projects nobody reads, and the aggregate calls of a WindowAggregate
// whose results nobody reads (its keys and window bounds always stay:
// they decide which rows it emits). The input of a WindowAggregate keeps
// its keys, time column and aggregate arguments. The root's output is
// kept whole.
func PruneColumns(n plan.Node) (plan.Node, bool, error) {
	need := make([]bool, n.Schema().NumFields())
	for i := range need {
		need[i] = true
	}
	out, _, changed := prune(n, need)
	return out, changed, nil
}

// prune rebuilds n keeping the outputs marked in need (and whatever they
// depend on). It returns the new node and, for each old output index, its
// new index (-1 if dropped).
func prune(n plan.Node, need []bool) (plan.Node, []int, bool) {
	switch x := n.(type) {
	case *plan.Scan:
		if x.Watermark != nil {
			// The source computes watermarks from its output rows.
			need = append([]bool(nil), need...)
			columnsUsed(x.Watermark, need)
		}
		mapping := make([]int, len(x.Columns))
		// Never nil: a nil Columns means "every column" to a source, and
		// a query that reads no column (SELECT 1 FROM t) needs none.
		cols := make([]int, 0, len(x.Columns))
		var fields []arrow.Field
		for i, c := range x.Columns {
			mapping[i] = -1
			if need[i] {
				mapping[i] = len(cols)
				cols = append(cols, c)
				fields = append(fields, x.Out.Field(i))
			}
		}
		if len(cols) == len(x.Columns) {
			return x, mapping, false
		}
		md := x.Out.Metadata()
		var wm expr.Expr
		if x.Watermark != nil {
			wm = remap(x.Watermark, mapping)
		}
		return &plan.Scan{Table: x.Table, Columns: cols, Out: arrow.NewSchema(fields, &md), Watermark: wm, Pos: x.Pos}, mapping, true
	case *plan.Filter:
		childNeed := append([]bool(nil), need...)
		columnsUsed(x.Cond, childNeed)
		child, mapping, changed := prune(x.Input, childNeed)
		if !changed {
			return x, mapping, false
		}
		return &plan.Filter{Input: child, Cond: remap(x.Cond, mapping)}, mapping, true
	case *plan.Project:
		childNeed := make([]bool, x.Input.Schema().NumFields())
		mapping := make([]int, len(x.Exprs))
		var keep []int
		for i, e := range x.Exprs {
			mapping[i] = -1
			if need[i] {
				mapping[i] = len(keep)
				keep = append(keep, i)
				columnsUsed(e, childNeed)
			}
		}
		child, childMap, changed := prune(x.Input, childNeed)
		if !changed && len(keep) == len(x.Exprs) {
			return x, mapping, false
		}
		exprs := make([]expr.Expr, len(keep))
		fields := make([]arrow.Field, len(keep))
		for j, i := range keep {
			exprs[j] = remap(x.Exprs[i], childMap)
			fields[j] = x.Out.Field(i)
		}
		md := x.Out.Metadata()
		return &plan.Project{Input: child, Exprs: exprs, Out: arrow.NewSchema(fields, &md)}, mapping, true
	case *plan.WindowAggregate:
		return pruneWindow(x, need)
	}
	mapping := make([]int, len(need))
	for i := range mapping {
		mapping[i] = i
	}
	return n, mapping, false
}
