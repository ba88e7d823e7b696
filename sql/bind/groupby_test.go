package bind

import (
	"fmt"
	"strings"
	"testing"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/windowspec"
	"github.com/weir-stream/weir/sql/plan"
)

const windowDDL = `CREATE TABLE t (i INT, b BIGINT, f FLOAT, d DOUBLE, m DECIMAL(10, 2), w DECIMAL(20, 8),
  s VARCHAR, ok BOOLEAN, day DATE, other TIMESTAMP(3), ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'nexmark');
`

// bindOne binds windowDDL plus one query and returns its plan or errors.
func bindOne(t *testing.T, query string) (plan.Node, string) {
	t.Helper()
	res, _, errs := bindAll(t, windowDDL+query)
	if errs != "" {
		return nil, errs
	}
	if len(res) != 1 {
		t.Fatalf("%s: got %d results", query, len(res))
	}
	return res[len(res)-1].Query, ""
}

// windowOf finds the WindowAggregate in a bound plan.
func windowOf(t *testing.T, n plan.Node) *plan.WindowAggregate {
	t.Helper()
	for n != nil {
		if w, ok := n.(*plan.WindowAggregate); ok {
			return w
		}
		if len(n.Children()) == 0 {
			break
		}
		n = n.Children()[0]
	}
	t.Fatalf("no WindowAggregate in\n%s", plan.Format(n))
	return nil
}

// TestAggregateResultTypes binds every aggregate over every column type
// and checks the result type operators/window documents, or the error.
func TestAggregateResultTypes(t *testing.T) {
	want := map[string]map[string]string{
		"COUNT": {"i": "BIGINT", "b": "BIGINT", "f": "BIGINT", "d": "BIGINT", "m": "BIGINT", "s": "BIGINT", "ok": "BIGINT", "day": "BIGINT", "ts": "BIGINT"},
		"SUM": {"i": "INT", "b": "BIGINT", "f": "DOUBLE", "d": "DOUBLE", "m": "DECIMAL(38, 2)", "w": "DECIMAL(38, 8)",
			"s": "cannot apply SUM to VARCHAR: expected a number", "ts": "cannot apply SUM to TIMESTAMP(3): expected a number"},
		"AVG": {"i": "INT", "b": "BIGINT", "f": "DOUBLE", "d": "DOUBLE", "m": "DECIMAL(38, 6)", "w": "DECIMAL(38, 8)",
			"s": "cannot apply AVG to VARCHAR: expected a number", "ok": "cannot apply AVG to BOOLEAN: expected a number"},
		"MIN": {"i": "INT", "b": "BIGINT", "f": "FLOAT", "d": "DOUBLE", "m": "DECIMAL(10, 2)", "s": "VARCHAR", "ok": "BOOLEAN", "day": "DATE", "ts": "TIMESTAMP(3)"},
		"MAX": {"i": "INT", "b": "BIGINT", "f": "FLOAT", "d": "DOUBLE", "m": "DECIMAL(10, 2)", "s": "VARCHAR", "ok": "BOOLEAN", "day": "DATE", "ts": "TIMESTAMP(3)"},
	}
	for fn, cols := range want {
		for col, typ := range cols {
			for _, distinct := range []string{"", "DISTINCT "} {
				q := fmt.Sprintf("SELECT %s(%s%s) FROM t GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)", fn, distinct, col)
				n, errs := bindOne(t, q)
				if strings.HasPrefix(typ, "cannot") {
					if !strings.Contains(errs, typ) {
						t.Errorf("%s: errors %q, want %q", q, errs, typ)
					}
					continue
				}
				if errs != "" {
					t.Errorf("%s: %s", q, errs)
					continue
				}
				w := windowOf(t, n)
				a := w.Spec.Aggs[0]
				if got := expr.SQLTypeName(a.Type); got != typ || a.Func != windowspec.AggFunc(fn) || a.Distinct != (distinct != "") {
					t.Errorf("%s: %+v (%s), want %s", q, a, got, typ)
				}
				if out := w.Out.Field(2).Type; expr.SQLTypeName(out) != typ {
					t.Errorf("%s: output column type %s", q, expr.SQLTypeName(out))
				}
				if got := n.Schema().Field(0).Type; expr.SQLTypeName(got) != typ {
					t.Errorf("%s: select column type %s", q, expr.SQLTypeName(got))
				}
			}
		}
	}
}

// TestWindowAggregatePlans checks the bound plan of every window form:
// the pre-aggregation Project, the window spec, HAVING and the select
// list over the aggregation's output.
func TestWindowAggregatePlans(t *testing.T) {
	cases := []struct{ sql, want string }{
		{`SELECT COUNT(*) AS n, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS s, TUMBLE_END(ts, INTERVAL '60' SECOND)
		  FROM t GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)`, `
Project(n, window_start AS s, window_end AS EXPR$2)
  WindowAggregate(TUMBLE(ts, INTERVAL '1' MINUTE), keys=[], aggs=[COUNT(*) AS n])
    Project(ts)
      Scan(t, columns=[i, b, f, d, m, w, s, ok, day, other, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`},
		{`SELECT b, s, HOP_END(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND), SUM(i), COUNT(s), COUNT(DISTINCT s)
		  FROM t WHERE ok GROUP BY HOP(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND), b, s`, `
Project(b, s, window_end AS EXPR$2, $a0 AS EXPR$3, $a1 AS EXPR$4, $a2 AS EXPR$5)
  WindowAggregate(HOP(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND), keys=[b, s], aggs=[SUM(i) AS $a0, COUNT(s) AS $a1, COUNT(DISTINCT s) AS $a2])
    Project(b, s, ts, i)
      Filter(ok)
        Scan(t, columns=[i, b, f, d, m, w, s, ok, day, other, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`},
		// Expression keys are projected below the aggregation; select-list
		// expressions that match them read the key. Only a bare aggregate's
		// alias names its output.
		{`SELECT MOD(b, 10) AS bucket, MOD(b, 10) + 1, COUNT(*) * 2 AS c2, CAST(SUM(b) AS DOUBLE) / COUNT(*) AS avg_b,
		    SESSION_END(ts, INTERVAL '5' SECOND) - INTERVAL '1' SECOND AS last
		  FROM t GROUP BY MOD(b, 10), SESSION(ts, INTERVAL '5' SECOND) HAVING COUNT(*) > 1 AND MAX(d) < 10`, `
Project($f0 AS bucket, add($f0, 1) AS EXPR$1, mul($a0, 2) AS c2, div(CAST($a1 AS DOUBLE), CAST($a0 AS DOUBLE)) AS avg_b, sub(window_end, INTERVAL '1000' MILLISECOND) AS last)
  Filter(and(gt($a0, 1), lt($a2, 10)))
    WindowAggregate(SESSION(ts, INTERVAL '5' SECOND), keys=[$f0], aggs=[COUNT(*) AS $a0, SUM(b) AS $a1, MAX(d) AS $a2])
      Project(mod(b, 10) AS $f0, ts, b, d)
        Scan(t, columns=[i, b, f, d, m, w, s, ok, day, other, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`},
		// The time attribute passes through views and derived tables that
		// select it unchanged (renamed or not).
		{`SELECT k, COUNT(*) FROM (SELECT s AS k, ts AS event_time FROM t WHERE i > 0) AS x
		  GROUP BY k, TUMBLE(event_time, INTERVAL '1' SECOND)`, `
Project(k, $a0 AS EXPR$1)
  WindowAggregate(TUMBLE(event_time, INTERVAL '1' SECOND), keys=[k], aggs=[COUNT(*) AS $a0])
    Project(k, event_time)
      Project(s AS k, ts AS event_time)
        Filter(gt(i, 0))
          Scan(t, columns=[i, b, f, d, m, w, s, ok, day, other, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`},
		// Aggregate arguments that repeat a key or the time column reuse it.
		{`SELECT b, MAX(ts), MIN(b) FROM t GROUP BY b, TUMBLE(ts, INTERVAL '1' SECOND)`, `
Project(b, $a0 AS EXPR$1, $a1 AS EXPR$2)
  WindowAggregate(TUMBLE(ts, INTERVAL '1' SECOND), keys=[b], aggs=[MAX(ts) AS $a0, MIN(b) AS $a1])
    Project(b, ts)
      Scan(t, columns=[i, b, f, d, m, w, s, ok, day, other, ts], watermark=sub(ts, INTERVAL '1000' MILLISECOND))`},
	}
	for _, c := range cases {
		n, errs := bindOne(t, c.sql)
		if errs != "" {
			t.Errorf("%s: %s", c.sql, errs)
			continue
		}
		if got := strings.TrimSpace(plan.Format(n)); got != strings.TrimSpace(c.want) {
			t.Errorf("%s:\n got:\n%s\nwant:\n%s", c.sql, got, strings.TrimSpace(c.want))
		}
		// Every expression must be what the evaluator accepts.
		checkCompiles(t, n)
	}
}

// checkCompiles compiles every expression of a plan over its input.
func checkCompiles(t *testing.T, n plan.Node) {
	t.Helper()
	switch x := n.(type) {
	case *plan.Project:
		for _, e := range x.Exprs {
			if _, err := expr.Compile(e, x.Input.Schema()); err != nil {
				t.Errorf("%s does not compile: %v", e, err)
			}
		}
	case *plan.Filter:
		if _, err := expr.Compile(x.Cond, x.Input.Schema()); err != nil {
			t.Errorf("%s does not compile: %v", x.Cond, err)
		}
	}
	for _, c := range n.Children() {
		checkCompiles(t, c)
	}
}

// TestWindowSpecs checks the window's parameters, time column and the
// aggregation's output schema.
func TestWindowSpecs(t *testing.T) {
	cases := []struct {
		group string
		want  windowspec.Window
	}{
		{"TUMBLE(ts, INTERVAL '1' MINUTE)", windowspec.Window{Kind: windowspec.Tumble, Size: 60_000}},
		{"HOP(ts, INTERVAL '3' SECOND, INTERVAL '1' MINUTE)", windowspec.Window{Kind: windowspec.Hop, Slide: 3000, Size: 60_000}},
		// A slide longer than the size leaves gaps between windows, as in Flink.
		{"HOP(ts, INTERVAL '10' SECOND, INTERVAL '2.5' SECOND)", windowspec.Window{Kind: windowspec.Hop, Slide: 10_000, Size: 2500}},
		{"SESSION(ts, INTERVAL '1:30' MINUTE TO SECOND)", windowspec.Window{Kind: windowspec.Session, Gap: 90_000}},
	}
	for _, c := range cases {
		n, errs := bindOne(t, "SELECT s, COUNT(*) AS n FROM t GROUP BY s, "+c.group)
		if errs != "" {
			t.Errorf("%s: %s", c.group, errs)
			continue
		}
		w := windowOf(t, n)
		pre := w.Input.Schema()
		got := w.Spec.Window
		if pre.Field(got.TimeCol).Name != "ts" {
			t.Errorf("%s: time column %d is %s", c.group, got.TimeCol, pre.Field(got.TimeCol).Name)
		}
		got.TimeCol = 0
		if got != c.want {
			t.Errorf("%s: window %+v, want %+v", c.group, got, c.want)
		}
		if len(w.Spec.Keys) != 1 || pre.Field(w.Spec.Keys[0]).Name != "s" {
			t.Errorf("%s: keys %v", c.group, w.Spec.Keys)
		}
		var names []string
		for _, f := range w.Out.Fields() {
			names = append(names, fmt.Sprintf("%s %s null=%v", f.Name, expr.SQLTypeName(f.Type), f.Nullable))
		}
		if got, want := strings.Join(names, ", "), "s VARCHAR null=true, window_start TIMESTAMP(3) null=false, window_end TIMESTAMP(3) null=false, n BIGINT null=false"; got != want {
			t.Errorf("%s: output %s, want %s", c.group, got, want)
		}
	}
}

// TestAggregatesShareCalls checks that a repeated aggregate is computed
// once and that its output keeps the first alias.
func TestAggregatesShareCalls(t *testing.T) {
	n, errs := bindOne(t, `SELECT COUNT(*) AS a, COUNT(*) AS b, SUM(DISTINCT i) AS c, SUM(i) AS d, SUM(DISTINCT i) + 1 AS e
		FROM t GROUP BY TUMBLE(ts, INTERVAL '1' SECOND) HAVING COUNT(*) > 0`)
	if errs != "" {
		t.Fatal(errs)
	}
	w := windowOf(t, n)
	var calls []string
	for _, a := range w.Spec.Aggs {
		calls = append(calls, a.Describe(w.Input.Schema()))
	}
	if got := strings.Join(calls, ", "); got != "COUNT(*), SUM(DISTINCT i), SUM(i)" {
		t.Errorf("calls: %s", got)
	}
	if got := n.String(); got != "Project(a, a AS b, c, d, add(c, 1) AS e)" {
		t.Errorf("select list: %s", got)
	}
}

// TestSeveralWindowedInserts binds two windowed INSERTs and a windowed
// view in one file.
func TestSeveralWindowedInserts(t *testing.T) {
	src := windowDDL + `CREATE TABLE out1 (s VARCHAR, n BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE TABLE out2 (total DECIMAL(38, 2), we TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE VIEW per_s AS SELECT s, COUNT(*) AS n, TUMBLE_START(ts, INTERVAL '1' SECOND) AS ws FROM t GROUP BY s, TUMBLE(ts, INTERVAL '1' SECOND);
INSERT INTO out1 SELECT s, n, ws FROM per_s WHERE n > 2;
INSERT INTO out2 SELECT SUM(m), HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND) FROM t GROUP BY HOP(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND);
`
	res, _, errs := bindAll(t, src)
	if errs != "" || len(res) != 2 {
		t.Fatalf("%d results, errors: %s", len(res), errs)
	}
	for i, r := range res {
		if !r.Query.Schema().Equal(r.Sink.Schema) {
			t.Errorf("insert %d: schema %v, sink %v", i, r.Query.Schema(), r.Sink.Schema)
		}
		windowOf(t, r.Query)
	}
}
