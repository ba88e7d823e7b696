package sql

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/weir-stream/weir/sql/diag"
)

// FuzzCompile checks that Compile never panics and that every error it
// reports has a position inside the file.
func FuzzCompile(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.sql")
	ddl, _ := os.ReadFile("testdata/nexmark/ddl.sql")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
		f.Add(string(ddl) + string(src))
	}
	f.Add("SELECT CAST(a AS INT), EXTRACT(DOY FROM ts), INTERVAL '1' DAY FROM t")
	for _, q := range []string{
		"SELECT auction, COUNT(*), HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) FROM bid GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) HAVING COUNT(*) > 1",
		"SELECT MOD(auction, 10), CAST(SUM(price) AS DOUBLE) / COUNT(DISTINCT bidder) FROM bid GROUP BY MOD(auction, 10), TUMBLE(date_time, INTERVAL '1' MINUTE)",
		"SELECT B.bidder, AVG(price), SESSION_END(B.date_time, INTERVAL '10' SECOND) FROM (SELECT * FROM bid WHERE price > 0) B GROUP BY B.bidder, SESSION(B.date_time, INTERVAL '10' SECOND)",
		"SELECT MAX(price), TUMBLE_START(date_time, INTERVAL '0' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '0' SECOND), SESSION(date_time)",
	} {
		f.Add(string(ddl) + q)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Compile("fuzz.sql", []byte(src))
		if err == nil {
			return
		}
		var list diag.List
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %v is not a non-empty diag.List", err)
		}
		lines := strings.Split(src, "\n")
		for _, e := range list {
			p := e.Pos
			if p.File != "fuzz.sql" || p.Line < 1 || p.Line > len(lines) {
				t.Fatalf("error %q: line outside the file (%d lines)", e, len(lines))
			}
			if p.Col < 1 || p.Col > utf8.RuneCountInString(lines[p.Line-1])+1 {
				t.Fatalf("error %q: column outside line %q", e, lines[p.Line-1])
			}
		}
	})
}
