package bind

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/prepass"
)

// metadataColumns collects the METADATA columns of one CREATE TABLE.
type metadataColumns struct {
	// keys and virtual become catalog.Table.Metadata and .Virtual; they
	// stay nil when the table has no such columns.
	keys    map[int]string
	virtual map[int]bool
	// byKey maps each metadata key to the column that reads it.
	byKey map[string]string
}

func newMetadataColumns() *metadataColumns {
	return &metadataColumns{byKey: map[string]string{}}
}

// metadataColumn records column c, at index idx of the table's schema, as
// a metadata column. A key may be read into one column only, as in Flink.
func (b *Binder) metadataColumn(md *metadataColumns, c prepass.ColumnDef, idx int) {
	m := c.Metadata
	if other, dup := md.byKey[m.Key]; dup {
		b.errs.Add(b.file.Pos(m.KeyOff), "metadata key '%s' of column %s is already read into column %s: a key can be declared only once per table", m.Key, c.Name, other)
		return
	}
	md.byKey[m.Key] = c.Name
	if md.keys == nil {
		md.keys = map[int]string{}
	}
	md.keys[idx] = m.Key
	if m.Virtual {
		if md.virtual == nil {
			md.virtual = map[int]bool{}
		}
		md.virtual[idx] = true
	}
}

// writableColumns returns the indices into t.Schema of the columns an
// INSERT writes: all of them but the METADATA ... VIRTUAL ones.
func writableColumns(t *catalog.Table) []int {
	out := make([]int, 0, t.Schema.NumFields())
	for i := 0; i < t.Schema.NumFields(); i++ {
		if !t.Virtual[i] {
			out = append(out, i)
		}
	}
	return out
}

// sinkSchema is the schema of the rows an INSERT INTO t writes: t's
// schema without its VIRTUAL columns (t.Schema itself when it has none).
func sinkSchema(t *catalog.Table) *arrow.Schema {
	if len(t.Virtual) == 0 {
		return t.Schema
	}
	cols := writableColumns(t)
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = t.Schema.Field(c)
	}
	return arrow.NewSchema(fields, nil)
}
