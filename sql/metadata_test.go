package sql

import (
	"strings"
	"testing"

	"github.com/weir-stream/weir/sql/plan"
)

// TestCompileMetadataColumns compiles a Kafka-to-Kafka pipeline with
// virtual and non-virtual metadata columns: the scan reads metadata
// columns like any other, and the pipeline's output (the sink's row)
// leaves out the sink table's VIRTUAL columns.
func TestCompileMetadataColumns(t *testing.T) {
	src := `CREATE TABLE events (
  v STRING,
  part INT METADATA FROM 'partition' VIRTUAL,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'kafka');
CREATE TABLE copy (
  v STRING,
  src_off BIGINT,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  ts TIMESTAMP(3) METADATA FROM 'timestamp'
) WITH ('connector' = 'kafka');
INSERT INTO copy SELECT v, off, ts FROM events WHERE part = 0;
`
	prog, err := Compile("m.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := prog.Pipelines[0]
	var names []string
	for _, f := range p.Query.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "v,src_off,ts" {
		t.Errorf("sink row = %s, want v,src_off,ts", got)
	}
	sink := prog.Tables[1]
	if sink.Metadata[3] != "timestamp" || sink.Metadata[2] != "offset" || !sink.Virtual[2] || sink.Virtual[3] {
		t.Errorf("sink metadata %v virtual %v", sink.Metadata, sink.Virtual)
	}
	want := "Project(v, off AS src_off, ts)\n  Filter(eq(part, 0))\n    Scan(events, columns=[v, part, off, ts], watermark=ts)\n"
	if got := plan.Format(p.Query); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}
