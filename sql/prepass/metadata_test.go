package prepass

import (
	"strings"
	"testing"
)

// TestMetadataColumns parses every form of METADATA [FROM 'key'] [VIRTUAL]
// and checks keys, flags and positions.
func TestMetadataColumns(t *testing.T) {
	src := "CREATE TABLE k (\n" +
		"  v STRING,\n" +
		"  part INT METADATA FROM 'partition' VIRTUAL,\n" +
		"  off BIGINT NOT NULL METADATA FROM 'offset' VIRTUAL COMMENT 'kafka offset',\n" +
		"  ts TIMESTAMP(3) METADATA FROM 'timestamp',\n" +
		"  `key` VARCHAR METADATA,\n" +
		"  topic STRING METADATA VIRTUAL,\n" +
		"  WATERMARK FOR ts AS ts\n" +
		") WITH ('connector' = 'kafka')"
	s, errs := Run("f.sql", src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cols := s.Stmts[0].Table.Columns
	if len(cols) != 6 {
		t.Fatalf("got %d columns", len(cols))
	}
	if cols[0].Metadata != nil {
		t.Errorf("physical column v has metadata %+v", cols[0].Metadata)
	}
	want := []struct {
		key     string
		keyAt   string // the text the key's offset points at
		virtual bool
	}{
		{"partition", "'partition'", true},
		{"offset", "'offset'", true},
		{"timestamp", "'timestamp'", false},
		{"key", "METADATA,\n  topic", false},
		{"topic", "METADATA VIRTUAL", true},
	}
	for i, w := range want {
		c := cols[i+1]
		md := c.Metadata
		if md == nil {
			t.Fatalf("column %s has no metadata", c.Name)
		}
		if md.Key != w.key || md.Virtual != w.virtual {
			t.Errorf("column %s: key %q virtual %v, want %q %v", c.Name, md.Key, md.Virtual, w.key, w.virtual)
		}
		if !strings.HasPrefix(src[md.KeyOff:], w.keyAt) {
			t.Errorf("column %s: key offset points at %q, want %q", c.Name, src[md.KeyOff:md.KeyOff+10], w.keyAt)
		}
		if !strings.HasPrefix(src[md.Off:], "METADATA") {
			t.Errorf("column %s: METADATA offset points at %q", c.Name, src[md.Off:md.Off+10])
		}
	}
	if !cols[2].NotNull {
		t.Error("off lost its NOT NULL")
	}
	if cols[4].Name != "key" {
		t.Errorf("quoted column name = %q", cols[4].Name)
	}
}

func TestMetadataErrors(t *testing.T) {
	const with = " WITH ('connector' = 'kafka')"
	cases := []struct{ cols, want string }{
		{"(off BIGINT METADATA FROM offset)", "f.sql:1:42: expected a quoted metadata key after METADATA FROM, as in METADATA FROM 'offset', found offset"},
		{"(off BIGINT METADATA FROM 1)", "f.sql:1:42: expected a quoted metadata key after METADATA FROM, as in METADATA FROM 'offset', found 1"},
		{"(off BIGINT METADATA FROM)", "f.sql:1:41: expected a quoted metadata key after METADATA FROM, as in METADATA FROM 'offset', found the end of the column definition"},
		{"(off BIGINT METADATA FROM '')", "f.sql:1:42: the metadata key of column off is empty"},
		{"(off BIGINT VIRTUAL)", "f.sql:1:28: VIRTUAL is only allowed after METADATA, as in off BIGINT METADATA FROM 'offset' VIRTUAL"},
		{"(off BIGINT VIRTUAL METADATA)", "f.sql:1:28: VIRTUAL is only allowed after METADATA, as in off BIGINT METADATA FROM 'offset' VIRTUAL"},
		{"(off BIGINT METADATA VIRTUAL VIRTUAL)", "f.sql:1:45: VIRTUAL must follow METADATA [FROM 'key'] directly, and only once, in the definition of column off"},
		{"(off BIGINT METADATA NOT NULL VIRTUAL)", "f.sql:1:46: VIRTUAL must follow METADATA [FROM 'key'] directly, and only once, in the definition of column off"},
		{"(off BIGINT METADATA METADATA)", "f.sql:1:37: METADATA is written twice in the definition of column off"},
		{"(off BIGINT METADATA FROM 'offset' 'x')", "f.sql:1:51: unexpected 'x' in the definition of column off"},
	}
	for _, c := range cases {
		src := "CREATE TABLE t " + c.cols + with
		_, errs := Run("f.sql", src)
		if errs.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", src, errs, c.want)
		}
	}
}
