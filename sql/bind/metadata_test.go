package bind

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

const kafkaDDL = `CREATE TABLE events (
  v STRING,
  part INT METADATA FROM 'partition' VIRTUAL,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  ` + "`key`" + ` VARCHAR METADATA,
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'kafka');
CREATE TABLE kout (
  id BIGINT,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  k STRING METADATA FROM 'key',
  v STRING,
  part INT NOT NULL METADATA FROM 'partition' VIRTUAL
) WITH ('connector' = 'kafka');
`

// TestMetadataTable checks that CREATE TABLE fills Table.Metadata and
// Table.Virtual, keeps metadata columns in the schema, and allows a
// watermark on a metadata timestamp.
func TestMetadataTable(t *testing.T) {
	_, cat, errs := bindAll(t, kafkaDDL)
	if errs != "" {
		t.Fatal(errs)
	}
	ev, _ := cat.Table("events")
	if ev.Schema.NumFields() != 5 {
		t.Fatalf("schema %v", ev.Schema)
	}
	wantMeta := map[int]string{1: "partition", 2: "offset", 3: "timestamp", 4: "key"}
	if len(ev.Metadata) != len(wantMeta) {
		t.Errorf("metadata = %v, want %v", ev.Metadata, wantMeta)
	}
	for i, k := range wantMeta {
		if ev.Metadata[i] != k {
			t.Errorf("metadata[%d] = %q, want %q", i, ev.Metadata[i], k)
		}
	}
	if len(ev.Virtual) != 2 || !ev.Virtual[1] || !ev.Virtual[2] {
		t.Errorf("virtual = %v, want columns 1 and 2", ev.Virtual)
	}
	if ev.Watermark == nil || ev.Watermark.Column != 3 {
		t.Errorf("watermark = %+v, want one on ts (3)", ev.Watermark)
	}
	plain := `CREATE TABLE p (x BIGINT) WITH ('connector' = 'file');`
	_, cat, errs = bindAll(t, plain)
	if p, _ := cat.Table("p"); errs != "" || p.Metadata != nil || p.Virtual != nil {
		t.Errorf("table without metadata columns: metadata %v virtual %v (%s)", p.Metadata, p.Virtual, errs)
	}
}

// TestSelectMetadataColumns reads virtual and non-virtual metadata
// columns like any other column.
func TestSelectMetadataColumns(t *testing.T) {
	res, _, errs := bindAll(t, kafkaDDL+"SELECT part, off, `key`, v FROM events WHERE off > 10;")
	if errs != "" || len(res) != 1 {
		t.Fatalf("errors: %s", errs)
	}
	var names []string
	for _, f := range res[0].Query.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "part,off,key,v" {
		t.Errorf("output = %s", got)
	}
}

// TestInsertSkipsVirtualColumns checks that an INSERT writes every column
// but the VIRTUAL ones, with and without a column list, and that
// non-virtual metadata columns are written.
func TestInsertSkipsVirtualColumns(t *testing.T) {
	src := kafkaDDL + `INSERT INTO kout SELECT off, ` + "`key`" + `, v FROM events;
INSERT INTO kout (v, k) SELECT v, 'fixed' FROM events;
`
	res, cat, errs := bindAll(t, src)
	if errs != "" || len(res) != 2 {
		t.Fatalf("got %d results, errors: %s", len(res), errs)
	}
	out, _ := cat.Table("kout")
	want := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "v", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	plans := []string{
		"Project(off AS id, key AS k, v)",
		"Project(NULL AS id, EXPR$1 AS k, v)",
	}
	for i, r := range res {
		if r.Sink != out {
			t.Errorf("insert %d: sink %v", i, r.Sink)
		}
		if !r.Query.Schema().Equal(want) {
			t.Errorf("insert %d: schema %v, want %v", i, r.Query.Schema(), want)
		}
		if got := r.Query.String(); got != plans[i] {
			t.Errorf("insert %d:\n got %s\nwant %s", i, got, plans[i])
		}
	}
	if out.Schema.NumFields() != 5 {
		t.Errorf("the table's own schema lost columns: %v", out.Schema)
	}
}

func TestMetadataBindErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{kafkaDDL + "INSERT INTO kout (id, off) SELECT 1, 2 FROM events;",
			"t.sql:16:23: column off of table kout is a VIRTUAL metadata column and cannot be written"},
		{kafkaDDL + "INSERT INTO kout SELECT off, `key`, v, part FROM events;",
			"t.sql:16:13: INSERT INTO kout has 3 target column(s) (its VIRTUAL metadata columns are not written) but the query produces 4"},
		{"CREATE TABLE d (a BIGINT METADATA FROM 'offset', b BIGINT METADATA FROM 'offset' VIRTUAL) WITH ('connector' = 'kafka');",
			"t.sql:1:73: metadata key 'offset' of column b is already read into column a: a key can be declared only once per table"},
		{"CREATE TABLE d (`offset` BIGINT METADATA, b BIGINT METADATA FROM 'offset') WITH ('connector' = 'kafka');",
			"t.sql:1:66: metadata key 'offset' of column b is already read into column offset: a key can be declared only once per table"},
	}
	for _, c := range cases {
		_, _, errs := bindAll(t, c.src)
		if errs != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src[strings.LastIndex(c.src[:len(c.src)-1], "\n")+1:], errs, c.want)
		}
	}
}
