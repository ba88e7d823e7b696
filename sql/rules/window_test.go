package rules

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/plan"
)

// events has a watermark on ts (column 4).
var events = func() *catalog.Table {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: expr.BigInt, Nullable: true},
		{Name: "b", Type: expr.Varchar, Nullable: true},
		{Name: "c", Type: expr.BigInt, Nullable: true},
		{Name: "d", Type: expr.Boolean, Nullable: true},
		{Name: "ts", Type: expr.Timestamp, Nullable: true},
	}, nil)
	wm := call(expr.FnSub, expr.Timestamp, col(4, "ts", expr.Timestamp), lit(arrow.Duration(1000), expr.Duration))
	return &catalog.Table{Name: "events", Schema: schema, Watermark: &catalog.Watermark{Column: 4, Expr: wm}}
}()

func eventScan() *plan.Scan {
	return &plan.Scan{Table: events, Columns: []int{0, 1, 2, 3, 4}, Out: events.Schema, Watermark: events.Watermark.Expr}
}

// windowAgg groups in by the keys at keys, TUMBLE(10s) over the time
// column at ts, computing aggs; outputs are named key names, window
// bounds, then names.
func windowAgg(in plan.Node, keys []int, ts int, aggs []windowspec.AggCall, names ...string) *plan.WindowAggregate {
	s := in.Schema()
	var fields []arrow.Field
	for _, k := range keys {
		fields = append(fields, s.Field(k))
	}
	fields = append(fields, arrow.Field{Name: "window_start", Type: expr.Timestamp}, arrow.Field{Name: "window_end", Type: expr.Timestamp})
	for i, a := range aggs {
		fields = append(fields, arrow.Field{Name: names[i], Type: a.Type, Nullable: true})
	}
	spec := windowspec.Spec{Window: windowspec.Window{Kind: windowspec.Tumble, TimeCol: ts, Size: 10_000}, Keys: keys, Aggs: aggs}
	return &plan.WindowAggregate{Input: in, Spec: spec, Out: arrow.NewSchema(fields, nil)}
}

func TestPruneWindowAggregate(t *testing.T) {
	// SELECT b, SUM(a) FROM events GROUP BY b, TUMBLE(ts, 10s), with an
	// unused MAX(c) and COUNT(*): those calls are dropped, the scan keeps
	// b, ts (the watermark and the window) and a.
	w := windowAgg(eventScan(), []int{1}, 4, []windowspec.AggCall{
		{Func: windowspec.Max, Arg: 2, Type: expr.BigInt},
		{Func: windowspec.Sum, Arg: 0, Type: expr.BigInt},
		{Func: windowspec.CountStar, Arg: -1, Type: expr.BigInt},
	}, "mx", "total", "n")
	q := project(w, []string{"b", "total"}, col(0, "b", expr.Varchar), col(4, "total", expr.BigInt))
	got, err := Optimize(q, Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(b, total)
  WindowAggregate(TUMBLE(ts, INTERVAL '10' SECOND), keys=[b], aggs=[SUM(a) AS total])
    Scan(events, columns=[a, b, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)
	pw := got.(*plan.Project).Input.(*plan.WindowAggregate)
	if pw.Spec.Keys[0] != 1 || pw.Spec.Window.TimeCol != 2 || pw.Spec.Aggs[0].Arg != 0 {
		t.Errorf("spec not renumbered: %+v", pw.Spec)
	}
	if c := got.(*plan.Project).Exprs[1].(*expr.Column); c.Index != 3 {
		t.Errorf("total is output %d of the pruned aggregation, want 3", c.Index)
	}
	s := pw.Input.(*plan.Scan)
	if c := s.Watermark.(*expr.Call).Args[0].(*expr.Column); c.Index != 2 {
		t.Errorf("the watermark reads column %d of the pruned scan, want 2 (ts)", c.Index)
	}
	if pw.Out.NumFields() != 4 {
		t.Errorf("pruned aggregation has %d outputs", pw.Out.NumFields())
	}
}

func TestPruneKeepsWatermarkColumns(t *testing.T) {
	// SELECT b FROM events: ts is kept for the watermark.
	got, err := Optimize(project(eventScan(), []string{"b"}, col(1, "b", expr.Varchar)), Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(b)
  Scan(events, columns=[b, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)
}

func TestComputedKeysStayBelowWindow(t *testing.T) {
	// GROUP BY UPPER(b), TUMBLE(ts): the Project computing the key stays
	// below the aggregation; a Project of plain columns is absorbed.
	pre := project(eventScan(), []string{"$f0", "ts", "a"},
		call(expr.FnUpper, expr.Varchar, col(1, "b", expr.Varchar)), col(4, "ts", expr.Timestamp), col(0, "a", expr.BigInt))
	w := windowAgg(pre, []int{0}, 1, []windowspec.AggCall{{Func: windowspec.Avg, Arg: 2, Type: expr.BigInt}}, "avg_a")
	got, err := Optimize(project(w, []string{"k", "avg_a"}, col(0, "$f0", expr.Varchar), col(3, "avg_a", expr.BigInt)), Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project($f0 AS k, avg_a)
  WindowAggregate(TUMBLE(ts, INTERVAL '10' SECOND), keys=[$f0], aggs=[AVG(a) AS avg_a])
    Project(upper(b) AS $f0, ts, a)
      Scan(events, columns=[a, b, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)

	plain := project(eventScan(), []string{"key", "ts", "c"}, col(1, "b", expr.Varchar), col(4, "ts", expr.Timestamp), col(2, "c", expr.BigInt))
	w = windowAgg(plain, []int{0}, 1, []windowspec.AggCall{{Func: windowspec.Min, Arg: 2, Type: expr.BigInt, Distinct: true}}, "m")
	got, err = Optimize(project(w, []string{"key", "m"}, col(0, "key", expr.Varchar), col(3, "m", expr.BigInt)), Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(key, m)
  WindowAggregate(TUMBLE(ts, INTERVAL '10' SECOND), keys=[b AS key], aggs=[MIN(DISTINCT c) AS m])
    Scan(events, columns=[b, c, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)
}

func TestFiltersOnKeysMoveBelowWindow(t *testing.T) {
	// HAVING b <> 'x' AND n > 1 AND window_end > ...: only the key
	// conjunct moves below the aggregation, then down to the scan.
	w := windowAgg(eventScan(), []int{1}, 4, []windowspec.AggCall{{Func: windowspec.CountStar, Arg: -1, Type: expr.BigInt}}, "n")
	cond := call(expr.FnAnd, expr.Boolean,
		call(expr.FnAnd, expr.Boolean,
			call(expr.FnNe, expr.Boolean, col(0, "b", expr.Varchar), lit("x", expr.Varchar)),
			call(expr.FnGt, expr.Boolean, col(3, "n", expr.BigInt), lit(int64(1), expr.BigInt))),
		call(expr.FnGt, expr.Boolean, col(2, "window_end", expr.Timestamp), lit(arrow.Timestamp(0), expr.Timestamp)))
	q := project(&plan.Filter{Input: w, Cond: cond}, []string{"b", "n"}, col(0, "b", expr.Varchar), col(3, "n", expr.BigInt))
	got, err := Optimize(q, Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(b, n)
  Filter(and(gt(n, 1), gt(window_end, TIMESTAMP '1970-01-01 00:00:00.000')))
    WindowAggregate(TUMBLE(ts, INTERVAL '10' SECOND), keys=[b], aggs=[COUNT(*) AS n])
      Filter(ne(b, 'x'))
        Scan(events, columns=[b, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)

	// A filter on aggregates alone stays where it is.
	only := &plan.Filter{Input: w, Cond: call(expr.FnGt, expr.Boolean, col(3, "n", expr.BigInt), lit(int64(1), expr.BigInt))}
	if _, changed, err := PushDownFilters(only); err != nil || changed {
		t.Errorf("a filter on an aggregate moved (changed=%v, err=%v)", changed, err)
	}
}

func TestRulesRebuildWindowAggregateInputs(t *testing.T) {
	// A rewrite below a WindowAggregate must reach the plan: constants
	// folded in the Filter under it.
	f := &plan.Filter{Input: eventScan(), Cond: call(expr.FnGt, expr.Boolean, col(0, "a", expr.BigInt),
		call(expr.FnAdd, expr.BigInt, lit(int64(1), expr.BigInt), lit(int64(2), expr.BigInt)))}
	w := windowAgg(f, nil, 4, []windowspec.AggCall{{Func: windowspec.CountStar, Arg: -1, Type: expr.BigInt}}, "n")
	got, changed, err := FoldConstants(w)
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	check(t, got, `
WindowAggregate(TUMBLE(ts, INTERVAL '10' SECOND), keys=[], aggs=[COUNT(*) AS n])
  Filter(gt(a, 3))
    Scan(events, columns=[a, b, c, d, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`)
}
