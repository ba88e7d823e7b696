package rules

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/plan"
)

var table = &catalog.Table{
	Name: "t",
	Schema: arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: expr.BigInt, Nullable: true},
		{Name: "b", Type: expr.Varchar, Nullable: true},
		{Name: "c", Type: expr.BigInt, Nullable: true},
		{Name: "d", Type: expr.Boolean, Nullable: true},
	}, nil),
}

func scan() *plan.Scan {
	return &plan.Scan{Table: table, Columns: []int{0, 1, 2, 3}, Out: table.Schema}
}

func col(i int, name string, t arrow.DataType) *expr.Column {
	return &expr.Column{Index: i, Name: name, DataType: t}
}

func lit(v any, t arrow.DataType) *expr.Literal { return &expr.Literal{Value: v, DataType: t} }

func call(fn string, t arrow.DataType, args ...expr.Expr) *expr.Call {
	return &expr.Call{Func: fn, Args: args, DataType: t}
}

func project(in plan.Node, names []string, exprs ...expr.Expr) *plan.Project {
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		fields[i] = arrow.Field{Name: names[i], Type: e.Type(), Nullable: true}
	}
	return &plan.Project{Input: in, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}
}

func check(t *testing.T, got plan.Node, want string) {
	t.Helper()
	if g := strings.TrimSpace(plan.Format(got)); g != strings.TrimSpace(want) {
		t.Errorf("plan:\n%s\nwant:\n%s", g, want)
	}
}

func TestPushDownAndMerge(t *testing.T) {
	// SELECT x, y FROM (SELECT a + 1 AS x, b AS y FROM t WHERE d) WHERE x > 10
	inner := project(&plan.Filter{Input: scan(), Cond: col(3, "d", expr.Boolean)}, []string{"x", "y"},
		call(expr.FnAdd, expr.BigInt, col(0, "a", expr.BigInt), lit(int64(1), expr.BigInt)), col(1, "b", expr.Varchar))
	outer := project(&plan.Filter{Input: inner, Cond: call(expr.FnGt, expr.Boolean, col(0, "x", expr.BigInt), lit(int64(10), expr.BigInt))},
		[]string{"x", "y"}, col(0, "x", expr.BigInt), col(1, "y", expr.Varchar))
	before := plan.Format(outer)
	got, err := Optimize(outer, Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(add(a, 1) AS x, b AS y)
  Filter(and(d, gt(add(a, 1), 10)))
    Scan(t, columns=[a, b, d])`)
	if plan.Format(outer) != before {
		t.Error("Optimize mutated its input")
	}
	// The scan is narrowed and the column references renumbered.
	f := got.(*plan.Project).Input.(*plan.Filter)
	if c := f.Cond.(*expr.Call).Args[0].(*expr.Column); c.Index != 2 {
		t.Errorf("d is column %d of the pruned scan, want 2", c.Index)
	}
}

func TestMergeKeepsSharedExpensiveExpressions(t *testing.T) {
	inner := project(scan(), []string{"u"}, call(expr.FnUpper, expr.Varchar, col(1, "b", expr.Varchar)))
	outer := project(inner, []string{"p", "q"},
		call(expr.FnConcat, expr.Varchar, col(0, "u", expr.Varchar), col(0, "u", expr.Varchar)), col(0, "u", expr.Varchar))
	got, _, err := MergeProjects(outer)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(*plan.Project).Input.(*plan.Project); !ok {
		t.Error("merged a Project whose expensive output is used twice")
	}
}

func TestSimplifyBooleans(t *testing.T) {
	d := col(3, "d", expr.Boolean)
	cases := []struct {
		cond expr.Expr
		want string
	}{
		{call(expr.FnAnd, expr.Boolean, d, lit(true, expr.Boolean)), "Filter(d)\n  Scan(t, columns=[a, b, c, d])"},
		{call(expr.FnOr, expr.Boolean, lit(false, expr.Boolean), d), "Filter(d)\n  Scan(t, columns=[a, b, c, d])"},
		{call(expr.FnOr, expr.Boolean, d, lit(true, expr.Boolean)), "Scan(t, columns=[a, b, c, d])"},
		{call(expr.FnAnd, expr.Boolean, d, lit(false, expr.Boolean)), "Filter(FALSE)\n  Scan(t, columns=[a, b, c, d])"},
		{call(expr.FnNot, expr.Boolean, lit(false, expr.Boolean)), "Scan(t, columns=[a, b, c, d])"},
	}
	for _, c := range cases {
		got, _, err := SimplifyBooleans(&plan.Filter{Input: scan(), Cond: c.cond})
		if err != nil {
			t.Fatal(err)
		}
		check(t, got, c.want)
	}
}

func TestFoldConstants(t *testing.T) {
	p := project(scan(), []string{"x", "y", "z"},
		call(expr.FnAdd, expr.BigInt, col(0, "a", expr.BigInt), call(expr.FnMul, expr.BigInt, lit(int64(6), expr.BigInt), lit(int64(7), expr.BigInt))),
		call(expr.FnUpper, expr.Varchar, lit("abc", expr.Varchar)),
		&expr.Cast{Input: lit(int32(5), expr.Int), To: expr.Double})
	got, changed, err := FoldConstants(p)
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	check(t, got, "Project(add(a, 42) AS x, 'ABC' AS y, 5 AS z)\n  Scan(t, columns=[a, b, c, d])")
	z := got.(*plan.Project).Exprs[2].(*expr.Literal)
	if z.Value != float64(5) || !arrow.TypeEqual(z.DataType, expr.Double) {
		t.Errorf("CAST(5 AS DOUBLE) folded to %#v", z)
	}
}

func TestPruneDropsUnusedInnerOutputs(t *testing.T) {
	inner := project(scan(), []string{"x", "y"}, col(0, "a", expr.BigInt), call(expr.FnUpper, expr.Varchar, col(1, "b", expr.Varchar)))
	outer := project(inner, []string{"x"}, call(expr.FnNeg, expr.BigInt, col(0, "x", expr.BigInt)))
	got, changed, err := PruneColumns(outer)
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	check(t, got, "Project(neg(x) AS x)\n  Project(a AS x)\n    Scan(t, columns=[a])")
}

func TestRemoveIdentityProject(t *testing.T) {
	p := project(scan(), []string{"a", "b", "c", "d"}, col(0, "a", expr.BigInt), col(1, "b", expr.Varchar), col(2, "c", expr.BigInt), col(3, "d", expr.Boolean))
	got, changed, _ := RemoveIdentityProjects(p)
	if !changed {
		t.Fatal("identity Project kept")
	}
	check(t, got, "Scan(t, columns=[a, b, c, d])")
	renamed := project(scan(), []string{"a", "b", "c", "e"}, col(0, "a", expr.BigInt), col(1, "b", expr.Varchar), col(2, "c", expr.BigInt), col(3, "d", expr.Boolean))
	if _, changed, _ := RemoveIdentityProjects(renamed); changed {
		t.Error("a renaming Project was dropped")
	}
}

func TestPruneToZeroColumnsKeepsEmptyProjection(t *testing.T) {
	// SELECT 1 AS one FROM t: the scan reads no column. Its Columns must be
	// empty but not nil, since a nil projection means "every column" to a
	// source.
	q := project(scan(), []string{"one"}, lit(int32(1), expr.Int))
	got, err := Optimize(q, Default())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, `
Project(1 AS one)
  Scan(t, columns=[])`)
	s := got.(*plan.Project).Input.(*plan.Scan)
	if s.Columns == nil || len(s.Columns) != 0 || s.Out.NumFields() != 0 {
		t.Errorf("scan columns = %#v (schema %d fields), want an empty non-nil projection", s.Columns, s.Out.NumFields())
	}
}
