package sql

import (
	"os"
	"strings"
	"testing"

	"github.com/weir-stream/weir/sql/plan"
)

func TestCompileProgram(t *testing.T) {
	ddl, err := os.ReadFile("testdata/nexmark/ddl.sql")
	if err != nil {
		t.Fatal(err)
	}
	src := string(ddl) + `
SET 'pipeline.name' = 'first';
CREATE TABLE results (auction BIGINT, price BIGINT) WITH ('connector' = 'stdout');
CREATE VIEW cheap AS SELECT auction, price FROM bid WHERE price < 100;
INSERT INTO results SELECT auction, price FROM cheap WHERE auction > 1 + 2 AND TRUE;
INSERT INTO RESULTS SELECT auction, price * 2 FROM bid;
SELECT UPPER(channel) AS ch FROM bid WHERE price > 10;
SET 'pipeline.name' = 'second';
`
	prog, err := Compile("p.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if prog.Settings["pipeline.name"] != "second" || len(prog.Tables) != 2 {
		t.Errorf("settings %v, %d tables", prog.Settings, len(prog.Tables))
	}
	var names []string
	for _, p := range prog.Pipelines {
		names = append(names, p.Name+"@"+p.Pos.String())
	}
	if got := strings.Join(names, " "); got != "insert_into_results@p.sql:10:1 insert_into_results_2@p.sql:11:1 select_7@p.sql:12:1" {
		t.Errorf("pipelines: %s", got)
	}
	if prog.Pipelines[2].Sink != nil {
		t.Error("a bare SELECT has no sink")
	}
	want := "Filter(and(lt(price, 100), gt(auction, 3)))\n  Scan(bid, columns=[auction, price])\n"
	if got := plan.Format(prog.Pipelines[0].Query); got != want {
		t.Errorf("view plan:\n%s\nwant:\n%s", got, want)
	}
	if wm := prog.Tables[0].Watermark; wm == nil || wm.Column != 5 || wm.Pos.String() != "p.sql:4:3" {
		t.Errorf("watermark %+v", wm)
	}
}
