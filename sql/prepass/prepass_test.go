package prepass

import (
	"strings"
	"testing"
)

// checkShape asserts the rewritten text has the same length as the user's
// span and its line breaks in the same places.
func checkShape(t *testing.T, src string, txt *Text, prefix string) {
	t.Helper()
	got := txt.SQL[len(prefix):]
	start := txt.Base + len(prefix)
	orig := src[start : start+len(got)]
	if len(got) != len(orig) {
		t.Fatalf("length %d, want %d", len(got), len(orig))
	}
	for i := 0; i < len(orig); i++ {
		if (orig[i] == '\n') != (got[i] == '\n') {
			t.Fatalf("newline moved at offset %d:\n%q\n%q", start+i, orig, got)
		}
	}
}

func TestRewriteQueries(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"interval", "SELECT ts - INTERVAL '4' SECOND FROM t",
			"SELECT ts - '                 ' FROM t"},
		{"interval in unknown function", "SELECT TUMBLE(ts, INTERVAL '1'\n  MINUTE) FROM t",
			"SELECT TUMBLE(ts, '           \n       ') FROM t"},
		{"cast", "SELECT CAST(a AS BIGINT), cast(b as DECIMAL(10, 2)) FROM t",
			"SELECT WCAS(a          ), WCAS(b                  ) FROM t"},
		{"nested cast", "SELECT CAST(CAST(a AS INT) AS STRING) FROM t",
			"SELECT WCAS(WCAS(a       )          ) FROM t"},
		{"extract", "SELECT EXTRACT(DOY FROM ts) FROM t",
			"SELECT WEXTRCT(         ts) FROM t"},
		{"session", "SELECT a FROM t GROUP BY SESSION(ts, INTERVAL '5' MINUTE)",
			"SELECT a FROM t GROUP BY WSESSON(ts, '                 ')"},
		{"comments", "SELECT a -- CAST(x AS INT); 'q\n/* INTERVAL\n'1' */ FROM t",
			"SELECT a                      \n           \n       FROM t"},
		{"strings are kept", "SELECT 'CAST(a AS INT); -- INTERVAL ''1'' SECOND' FROM t",
			"SELECT 'CAST(a AS INT); -- INTERVAL ''1'' SECOND' FROM t"},
		{"temporary view", "CREATE TEMPORARY VIEW v AS SELECT a FROM t",
			"CREATE           VIEW v AS SELECT a FROM t"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, errs := Run("f.sql", c.src)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if len(s.Stmts) != 1 || s.Stmts[0].Kind != Query {
				t.Fatalf("statements: %+v", s.Stmts)
			}
			txt := s.Stmts[0].Query
			checkShape(t, c.src, txt, "")
			if txt.SQL != c.want {
				t.Errorf("rewritten:\n%q\nwant:\n%q", txt.SQL, c.want)
			}
		})
	}
}

func TestLifts(t *testing.T) {
	src := "SELECT CAST(a AS DECIMAL(10,2)), EXTRACT(HOUR FROM ts), ts + INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '90' MINUTES, INTERVAL -'2' HOUR FROM t"
	s, errs := Run("f.sql", src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	l := s.Stmts[0].Query.Lifts
	cast := l.Calls[strings.Index(src, "CAST")]
	if cast == nil || cast.Name != "CAST" || len(cast.Type) != 6 || cast.Type[0].Text != "DECIMAL" {
		t.Errorf("cast lift = %+v", cast)
	}
	ex := l.Calls[strings.Index(src, "EXTRACT")]
	if ex == nil || ex.Unit.Text != "HOUR" {
		t.Errorf("extract lift = %+v", ex)
	}
	wantMs := map[string]int64{
		"INTERVAL '1 02:03:04.5'": 86_400_000 + 2*3_600_000 + 3*60_000 + 4_500,
		"INTERVAL '90'":           90 * 60_000,
		"INTERVAL -'2'":           -2 * 3_600_000,
	}
	for prefix, ms := range wantMs {
		iv, ok := l.Intervals[strings.Index(src, prefix)]
		if !ok || iv.Millis != ms {
			t.Errorf("%s: got %+v, want %d ms", prefix, iv, ms)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	src := "SET 'a' = 'x;y';\nSELECT ';' FROM t; -- ; in a comment\n;; /* ; */ SET pipeline.name = 'n'"
	s, errs := Run("f.sql", src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(s.Stmts) != 3 {
		t.Fatalf("got %d statements, want 3", len(s.Stmts))
	}
	if s.Stmts[0].Set.Key != "a" || s.Stmts[0].Set.Value != "x;y" {
		t.Errorf("set = %+v", s.Stmts[0].Set)
	}
	if s.Stmts[2].Set.Key != "pipeline.name" || s.Stmts[2].Set.Value != "n" {
		t.Errorf("set = %+v", s.Stmts[2].Set)
	}
}

func TestCreateTable(t *testing.T) {
	src := `CREATE TABLE IF NOT EXISTS db.bid (
  auction BIGINT NOT NULL COMMENT 'id', channel STRING, url VARCHAR,
  price DECIMAL(10, 2), ok BOOLEAN, small TINYINT, d DATE, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '4' SECOND
) COMMENT 'bids' WITH (
  connector = 'kafka', 'scan.startup.mode' = 'earliest-offset',
  properties.bootstrap.servers = '127.0.0.1:9092', json.fail-on-missing-field = 'false'
)`
	s, errs := Run("f.sql", src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	def := s.Stmts[0].Table
	if def.Name != "bid" || !def.IfNotExists || len(def.Columns) != 8 || !def.Columns[0].NotNull {
		t.Fatalf("table = %+v", def)
	}
	keys := []string{"connector", "scan.startup.mode", "properties.bootstrap.servers", "json.fail-on-missing-field"}
	for i, k := range keys {
		if def.Options[i].Key != k || def.Options[i].Off != strings.Index(src, k)-boolInt(src[strings.Index(src, k)-1] == '\'') {
			t.Errorf("option %d = %+v, want key %s", i, def.Options[i], k)
		}
	}
	w := def.Watermark
	if w == nil || w.Column != "ts" || w.Off != strings.Index(src, "WATERMARK") {
		t.Fatalf("watermark = %+v", w)
	}
	checkShape(t, src, w.Expr, "SELECT ")
	if !strings.HasPrefix(w.Expr.SQL, "SELECT ts - '") {
		t.Errorf("watermark text %q", w.Expr.SQL)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPrepassErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"SELECT a FROM t WHERE x = 'open", "f.sql:1:27: string literal is not terminated (missing ')"},
		{"SELECT a /* open", "f.sql:1:10: comment is not terminated (missing */)"},
		{"SELECT ts - INTERVAL '1' FORTNIGHT FROM t", "f.sql:1:26: unknown INTERVAL unit FORTNIGHT: use DAY, HOUR, MINUTE or SECOND"},
		{"SELECT ts - INTERVAL '1.5' MINUTE FROM t", "f.sql:1:22: invalid INTERVAL value '1.5': only SECOND may have a fraction"},
		{"SELECT ts - INTERVAL FROM t", "f.sql:1:13: expected a quoted value after INTERVAL, as in INTERVAL '5' SECOND"},
		{"CREATE TABLE t (a INT) WITH ('k' 'v')", "f.sql:1:34: expected = after option key k, found 'v'"},
		{"CREATE TABLE t (a INT, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector' = 'x')", "f.sql:1:24: table constraints (PRIMARY KEY) are not supported yet"},
		{"CREATE TABLE t (a AS b + 1) WITH ('connector' = 'x')", "f.sql:1:17: computed columns are not supported yet"},
		{"CREATE FUNCTION f AS 'f' LANGUAGE WASM", "f.sql:1:1: CREATE FUNCTION is not supported yet"},
		{"SET 'a' = 'b' 'c'", "f.sql:1:15: unexpected 'c' after SET a = 'b'"},
	}
	for _, c := range cases {
		_, errs := Run("f.sql", c.src)
		if errs.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.src, errs, c.want)
		}
	}
}
