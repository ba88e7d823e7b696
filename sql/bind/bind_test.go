package bind

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
	"github.com/weir-stream/weir/sql/prepass"
)

const ddl = `CREATE TABLE bid (auction BIGINT, price BIGINT, i INT, f FLOAT, url VARCHAR,
  ts TIMESTAMP(3), d DATE, ok BOOLEAN, amount DECIMAL(10, 2))
  WITH ('connector' = 'nexmark');
`

// bindAll binds every statement of src and returns the results and errors.
func bindAll(t *testing.T, src string) ([]*Result, *Catalog, string) {
	t.Helper()
	s, errs := prepass.Run("t.sql", src)
	if len(errs) > 0 {
		return nil, nil, errs.Error()
	}
	cat := NewCatalog()
	b := New(s.File, cat)
	var out []*Result
	for _, st := range s.Stmts {
		switch st.Kind {
		case prepass.CreateTable:
			b.CreateTable(st)
		case prepass.Query:
			if r := b.Statement(st); r != nil {
				out = append(out, r)
			}
		}
	}
	return out, cat, b.Errors().Error()
}

// TestExpressions binds one select field at a time and checks the bound
// expression (with its implicit casts) and its type.
func TestExpressions(t *testing.T) {
	cases := []struct{ sql, want, typ string }{
		{"price + 1", "add(price, 1)", "BIGINT"},
		{"i + 1", "add(i, 1)", "INT"},
		{"i / 2", "div(i, 2)", "INT"},
		{"price / i", "div(price, CAST(i AS BIGINT))", "BIGINT"},
		{"0.908 * price", "mul(0.908, CAST(price AS DECIMAL(19, 0)))", "DECIMAL(23, 3)"},
		{"amount + 1", "add(amount, 1)", "DECIMAL(13, 2)"},
		{"price * 1.5e0", "mul(CAST(price AS DOUBLE), 1.5)", "DOUBLE"},
		{"i * f", "mul(CAST(i AS FLOAT), f)", "FLOAT"},
		{"-2147483648", "-2147483648", "INT"},
		{"2147483648", "2147483648", "BIGINT"},
		{"-price", "neg(price)", "BIGINT"},
		{"price % 2", "mod(price, 2)", "BIGINT"},
		{"MOD(i, 3)", "mod(i, 3)", "INT"},
		{"ts - INTERVAL '4' SECOND", "sub(ts, INTERVAL '4000' MILLISECOND)", "TIMESTAMP(3)"},
		{"INTERVAL '1' MINUTE + ts", "add(ts, INTERVAL '60000' MILLISECOND)", "TIMESTAMP(3)"},
		{"ts > '2020-01-01 00:00:00'", "gt(ts, TIMESTAMP '2020-01-01 00:00:00.000')", "BOOLEAN"},
		{"d = '2020-01-02'", "eq(d, DATE '2020-01-02')", "BOOLEAN"},
		{"d < ts", "lt(CAST(d AS TIMESTAMP(3)), ts)", "BOOLEAN"},
		{"price = i", "eq(price, CAST(i AS BIGINT))", "BOOLEAN"},
		{"price = NULL", "eq(price, NULL)", "BOOLEAN"},
		{"ok AND price > 1 OR NOT ok", "or(and(ok, gt(price, 1)), not(ok))", "BOOLEAN"},
		{"url IS NULL", "is_null(url)", "BOOLEAN"},
		{"url IS NOT NULL", "is_not_null(url)", "BOOLEAN"},
		{"price IN (1, 2, NULL)", "in(price, 1, 2, NULL)", "BOOLEAN"},
		{"i NOT IN (1, 2.5)", "not(in(CAST(i AS DECIMAL(11, 1)), 1.0, 2.5))", "BOOLEAN"},
		{"price BETWEEN 1 AND 10", "and(ge(price, 1), le(price, 10))", "BOOLEAN"},
		{"price NOT BETWEEN 1 AND 10", "or(lt(price, 1), gt(price, 10))", "BOOLEAN"},
		{"url LIKE 'a%'", "like(url, 'a%')", "BOOLEAN"},
		{"url NOT LIKE 'a!%%' ESCAPE '!'", "not(like(url, 'a!%%', '!'))", "BOOLEAN"},
		{"CASE WHEN price > 1 THEN 1 ELSE NULL END", "CASE WHEN gt(price, 1) THEN 1 ELSE NULL END", "INT"},
		{"CASE WHEN ok THEN i ELSE price END", "CASE WHEN ok THEN CAST(i AS BIGINT) ELSE price END", "BIGINT"},
		{"CASE url WHEN 'a' THEN 1 WHEN 'b' THEN 2 END", "CASE WHEN eq(url, 'a') THEN 1 WHEN eq(url, 'b') THEN 2 ELSE NULL END", "INT"},
		{"COALESCE(url, 'x')", "coalesce(url, 'x')", "VARCHAR"},
		{"COALESCE(i, price)", "coalesce(CAST(i AS BIGINT), price)", "BIGINT"},
		{"CAST(price AS STRING)", "CAST(price AS VARCHAR)", "VARCHAR"},
		{"CAST(url AS DECIMAL(10, 2))", "CAST(url AS DECIMAL(10, 2))", "DECIMAL(10, 2)"},
		{"CAST(i AS INT)", "i", "INT"},
		{"CAST(NULL AS DATE)", "NULL", "DATE"},
		{"CAST('2020-01-01 00:00:01.5' AS TIMESTAMP(3))", "TIMESTAMP '2020-01-01 00:00:01.500'", "TIMESTAMP(3)"},
		{"LOWER(url)", "lower(url)", "VARCHAR"},
		{"UPPER(url)", "upper(url)", "VARCHAR"},
		{"CHAR_LENGTH(url)", "char_length(url)", "INT"},
		{"CHARACTER_LENGTH(url)", "char_length(url)", "INT"},
		{"SUBSTRING(url, 2)", "substring(url, 2)", "VARCHAR"},
		{"SUBSTRING(url FROM 2 FOR 3)", "substring(url, 2, 3)", "VARCHAR"},
		{"SUBSTRING(url, price, 3)", "substring(url, CAST(price AS INT), 3)", "VARCHAR"},
		{"CONCAT(url, 'x', url)", "concat(url, 'x', url)", "VARCHAR"},
		{"url || 'x'", "concat(url, 'x')", "VARCHAR"},
		{"TRIM(url)", "trim(url, ' ')", "VARCHAR"},
		{"TRIM(BOTH 'x' FROM url)", "trim(url, 'x')", "VARCHAR"},
		{"TRIM(LEADING FROM url)", "ltrim(url, ' ')", "VARCHAR"},
		{"TRIM(TRAILING 'x' FROM url)", "rtrim(url, 'x')", "VARCHAR"},
		{"LTRIM(url)", "ltrim(url, ' ')", "VARCHAR"},
		{"RTRIM(url)", "rtrim(url, ' ')", "VARCHAR"},
		{"REPLACE(url, 'a', 'b')", "replace(url, 'a', 'b')", "VARCHAR"},
		{"REGEXP_EXTRACT(url, '(a+)', 1)", "regexp_extract(url, '(a+)', 1)", "VARCHAR"},
		{"SPLIT_INDEX(url, '/', 3)", "split_index(url, '/', 3)", "VARCHAR"},
		{"ABS(amount)", "abs(amount)", "DECIMAL(10, 2)"},
		{"ROUND(amount, 1)", "round(amount, 1)", "DECIMAL(10, 1)"},
		{"ROUND(f)", "round(f, 0)", "FLOAT"},
		{"FLOOR(amount)", "floor(amount)", "DECIMAL(9, 0)"},
		{"CEILING(price)", "ceil(price)", "BIGINT"},
		{"EXTRACT(YEAR FROM d)", "extract('YEAR', d)", "BIGINT"},
		{"EXTRACT(epoch FROM ts)", "extract('EPOCH', ts)", "BIGINT"},
		{"DATE_FORMAT(ts, 'yyyy-MM-dd')", "date_format(ts, 'yyyy-MM-dd')", "VARCHAR"},
		{"DATE_FORMAT(d, 'yyyy')", "date_format(CAST(d AS TIMESTAMP(3)), 'yyyy')", "VARCHAR"},
		{"DATE '2020-01-02'", "DATE '2020-01-02'", "DATE"},
		{"TIMESTAMP '1970-01-01 00:00:01'", "TIMESTAMP '1970-01-01 00:00:01.000'", "TIMESTAMP(3)"},
		{"TRUE", "TRUE", "BOOLEAN"},
		{"bid.price", "price", "BIGINT"},
		{"(price)", "price", "BIGINT"},
	}
	for _, c := range cases {
		res, _, errs := bindAll(t, ddl+"SELECT "+c.sql+" FROM bid")
		if errs != "" || len(res) != 1 {
			t.Errorf("%s: %s", c.sql, errs)
			continue
		}
		p := res[0].Query.(*plan.Project)
		e := p.Exprs[0]
		if render(e) != c.want || expr.SQLTypeName(e.Type()) != c.typ {
			t.Errorf("%s:\n got %s : %s\nwant %s : %s", c.sql, render(e), expr.SQLTypeName(e.Type()), c.want, c.typ)
		}
		// What the binder builds must be what the evaluator accepts.
		if _, err := expr.Compile(e, p.Input.Schema()); err != nil {
			t.Errorf("%s: bound as %s, which does not compile: %v", c.sql, render(e), err)
		}
	}
}

// TestErrorPositions checks that errors point at the offending token,
// however the statement is laid out.
func TestErrorPositions(t *testing.T) {
	cases := []struct{ sql, want string }{
		{"SELECT\n  price\n    +\n  url FROM bid", "t.sql:6:5: operator + cannot be applied to BIGINT and VARCHAR"},
		{"SELECT price FROM bid WHERE ts > TIMESTAMP '2020-01-01' AND\n   nope = 1", "t.sql:5:4: column nope not found in bid"},
		{"SELECT CAST(price AS\n  STRING(3)) FROM bid", "t.sql:5:9: unexpected ( after the type in CAST"},
		{"SELECT 'ü', LOWER(ü) FROM bid", "t.sql:4:19: column ü not found in bid"},
		{"SELECT price FROM bid WHERE price > 1 AND url", "t.sql:4:39: AND needs BOOLEAN operands, got VARCHAR"},
		{"SELECT x.price FROM (SELECT price FROM bid) AS y", "t.sql:4:8: unknown table or alias x in x.price"},
		{"SELECT url LIKE 'a\\' ESCAPE '\\' FROM bid", `t.sql:4:17: LIKE pattern 'a\' ends with the escape character`},
		{"SELECT url NOT LIKE\n  'a!b' ESCAPE '!' FROM bid", "t.sql:5:3: LIKE pattern 'a!b': invalid escape sequence at byte 1 (the escape character may only quote %, _ and itself)"},
		{"SELECT DATE_FORMAT(ts,\n 'yyyy-qq') FROM bid", "t.sql:5:2: date format 'yyyy-qq': unsupported pattern letter 'q'"},
	}
	for _, c := range cases {
		_, _, errs := bindAll(t, ddl+c.sql)
		if errs != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.sql, errs, c.want)
		}
	}
}

func TestNamesViewsAndInsert(t *testing.T) {
	src := ddl + `CREATE TABLE sink (a BIGINT, b VARCHAR, c DOUBLE NOT NULL) WITH ('connector' = 'blackhole');
CREATE VIEW v (p, u) AS SELECT price, UPPER(url) FROM bid WHERE ok;
SELECT p + 1, u AS upper_url, p, * FROM v;
SELECT b.*, q.x FROM bid b, bid q;
INSERT INTO sink (c, a) SELECT i, price FROM (SELECT i, price FROM bid) AS s;
`
	res, cat, errs := bindAll(t, src)
	if !strings.Contains(errs, "t.sql:7:27: JOIN is not supported yet") {
		t.Errorf("errors = %s", errs)
	}
	if len(res) != 2 {
		t.Fatalf("got %d results", len(res))
	}
	if _, ok := cat.View("V"); !ok {
		t.Error("view v is not in the catalog (names are case-insensitive)")
	}
	var names []string
	for _, f := range res[0].Query.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "EXPR$0,upper_url,p,p0,u" {
		t.Errorf("output names = %s", got)
	}
	ins := res[1]
	if ins.Sink == nil || ins.Sink.Name != "sink" || !ins.Query.Schema().Equal(ins.Sink.Schema) {
		t.Fatalf("insert result %+v", ins)
	}
	want := "Project(price AS a, NULL AS b, CAST(i AS DOUBLE) AS c)"
	if got := ins.Query.String(); got != want {
		t.Errorf("insert project:\n got %s\nwant %s", got, want)
	}
	if lit, ok := ins.Query.(*plan.Project).Exprs[1].(*expr.Literal); !ok || !arrow.TypeEqual(lit.DataType, expr.Varchar) {
		t.Errorf("missing column is not a VARCHAR NULL")
	}
}

func TestWatermark(t *testing.T) {
	src := `CREATE TABLE t (x BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1.5' SECOND) WITH ('connector' = 'file', 'path' = '/tmp/x');`
	s, errs := prepass.Run("t.sql", src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	b := New(s.File, NewCatalog())
	tbl := b.CreateTable(s.Stmts[0])
	if tbl == nil {
		t.Fatal(b.Errors())
	}
	w := tbl.Watermark
	if w.Column != 1 || w.Expr.String() != "sub(ts, INTERVAL '1500' MILLISECOND)" || w.Pos.String() != "t.sql:2:3" {
		t.Errorf("watermark = %+v (%s)", w, w.Expr)
	}
	if p := tbl.OptionPos["path"]; p.String() != "t.sql:2:79" {
		t.Errorf("option position %s", p)
	}
}

func TestDuplicateOutputNamesAreUniquified(t *testing.T) {
	res, _, errs := bindAll(t, ddl+"SELECT price AS a, i AS a, url AS A0, ok AS a, price, price FROM bid")
	if errs != "" || len(res) != 1 {
		t.Fatalf("errors: %s", errs)
	}
	var names []string
	for _, f := range res[0].Query.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got, want := strings.Join(names, ","), "a,a1,A0,a2,price,price0"; got != want {
		t.Errorf("output names = %s, want %s", got, want)
	}
}
