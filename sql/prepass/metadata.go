package prepass

import "github.com/weir-stream/weir/sql/lex"

// MetadataDef is the `METADATA [FROM 'key'] [VIRTUAL]` part of a column
// definition, as Flink writes it: the column is filled from the
// connector's metadata (for Kafka: the record's key, partition, offset,
// timestamp or headers) instead of from the record's value.
type MetadataDef struct {
	// Off is where the METADATA keyword is.
	Off int
	// Key is the metadata key: the FROM string, or the column's name when
	// FROM is absent.
	Key string
	// KeyOff is where the key was written: the FROM string, or the
	// METADATA keyword when FROM is absent.
	KeyOff int
	// Virtual is set by VIRTUAL: the column is read but never written.
	Virtual bool
}

// metadata parses METADATA [FROM 'key'] [VIRTUAL] starting at toks[at]
// (the METADATA keyword) in the definition of column name. It returns the
// index of the first token after it.
func (tp *tableParser) metadata(name string, toks []lex.Token, at int) (*MetadataDef, int, bool) {
	kw := toks[at]
	md := &MetadataDef{Off: kw.Off, Key: name, KeyOff: kw.Off}
	next := at + 1
	if next < len(toks) && toks[next].Is("FROM") {
		from := toks[next]
		next++
		if next >= len(toks) || toks[next].Kind != lex.String {
			off, found := from.End, "the end of the column definition"
			if next < len(toks) {
				off, found = toks[next].Off, toks[next].Text
			}
			tp.fail(off, "expected a quoted metadata key after METADATA FROM, as in METADATA FROM 'offset', found %s", found)
			return nil, 0, false
		}
		key := toks[next]
		if key.StringValue() == "" {
			tp.fail(key.Off, "the metadata key of column %s is empty", name)
			return nil, 0, false
		}
		md.Key, md.KeyOff = key.StringValue(), key.Off
		next++
	}
	if next < len(toks) && toks[next].Is("VIRTUAL") {
		md.Virtual = true
		next++
	}
	return md, next, true
}
