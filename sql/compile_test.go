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
	// The scan keeps date_time, which its watermark reads, so the
	// projection above it stays.
	want := "Project(auction, price)\n  Filter(and(lt(price, 100), gt(auction, 3)))\n    Scan(bid, columns=[auction, price, date_time], watermark=sub(date_time, INTERVAL '4000' MILLISECOND))\n"
	if got := plan.Format(prog.Pipelines[0].Query); got != want {
		t.Errorf("view plan:\n%s\nwant:\n%s", got, want)
	}
	if wm := prog.Tables[0].Watermark; wm == nil || wm.Column != 5 || wm.Pos.String() != "p.sql:4:3" {
		t.Errorf("watermark %+v", wm)
	}
}

func TestCompileSeveralWindowedInserts(t *testing.T) {
	ddl, err := os.ReadFile("testdata/nexmark/ddl.sql")
	if err != nil {
		t.Fatal(err)
	}
	src := string(ddl) + `
CREATE TABLE per_channel (channel VARCHAR, n BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE TABLE top (maxprice BIGINT, we TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE VIEW counts AS
  SELECT channel, COUNT(*) AS n, TUMBLE_START(date_time, INTERVAL '1' MINUTE) AS ws
  FROM bid GROUP BY channel, TUMBLE(date_time, INTERVAL '1' MINUTE);
INSERT INTO per_channel SELECT * FROM counts WHERE n > 10 AND channel <> 'baidu';
INSERT INTO top SELECT MAX(price), TUMBLE_END(date_time, INTERVAL '10' SECOND) FROM bid GROUP BY TUMBLE(date_time, INTERVAL '10' SECOND);
INSERT INTO per_channel SELECT channel, COUNT(DISTINCT bidder), SESSION_START(date_time, INTERVAL '30' SECOND)
  FROM bid GROUP BY channel, SESSION(date_time, INTERVAL '30' SECOND);
`
	prog, err := Compile("w.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range prog.Pipelines {
		names = append(names, p.Name)
		if !p.Query.Schema().Equal(p.Sink.Schema) {
			t.Errorf("%s: schema %v, sink %v", p.Name, p.Query.Schema(), p.Sink.Schema)
		}
	}
	if got := strings.Join(names, " "); got != "insert_into_per_channel insert_into_top insert_into_per_channel_2" {
		t.Errorf("pipelines: %s", got)
	}
	// The view's outer WHERE: its condition on the count stays above the
	// aggregation, the one on the group key moves below it.
	want := `Project(channel, n, window_start AS ws)
  Filter(gt(n, 10))
    WindowAggregate(TUMBLE(date_time, INTERVAL '1' MINUTE), keys=[channel], aggs=[COUNT(*) AS n])
      Filter(ne(channel, 'baidu'))
        Scan(bid, columns=[channel, date_time], watermark=sub(date_time, INTERVAL '4000' MILLISECOND))
`
	if got := plan.Format(prog.Pipelines[0].Query); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}
