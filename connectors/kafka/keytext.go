package kafka

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/weir-stream/weir/connectors/jsonformat"
)

// keyRenderer renders one column's values as message keys: VARCHAR as
// its text, other types as their JSON rendering without quotes (numbers,
// booleans, "2024-01-01 00:00:10.123" timestamps), NULL as a null key.
type keyRenderer struct {
	field arrow.Field
	enc   *jsonformat.Encoder // non-VARCHAR columns
	buf   bytes.Buffer
}

// schema is the one-column schema keys are rendered with: the column
// renamed to "k", so every line starts with the same prefix.
func (k *keyRenderer) schema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{{Name: "k", Type: k.field.Type, Nullable: true}}, nil)
}

// keyPrefix is what each rendered line starts with.
const keyPrefix = `{"k":`

func newKeyRenderer(f arrow.Field) (*keyRenderer, error) {
	k := &keyRenderer{field: f}
	if f.Type.ID() == arrow.STRING {
		return k, nil
	}
	enc, err := jsonformat.NewEncoder(k.schema())
	if err != nil {
		return nil, err
	}
	k.enc = enc
	return k, nil
}

// render returns the keys of col's rows. The slices are copies (messages
// are sent after the record is given back), sharing one allocation.
func (k *keyRenderer) render(col arrow.Array) ([][]byte, error) {
	n := col.Len()
	keys := make([][]byte, n)
	if s, ok := col.(*array.String); ok {
		offs := s.ValueOffsets()
		data := bytes.Clone(s.ValueBytes())
		base := offs[0]
		for i := 0; i < n; i++ {
			if s.IsValid(i) {
				keys[i] = data[offs[i]-base : offs[i+1]-base : offs[i+1]-base]
			}
		}
		return keys, nil
	}
	rec := array.NewRecordBatch(k.schema(), []arrow.Array{col}, int64(n))
	defer rec.Release()
	k.buf.Reset()
	if err := k.enc.Encode(&k.buf, rec); err != nil {
		return nil, err
	}
	data := bytes.Clone(k.buf.Bytes())
	// Each line is {"k":VALUE}\n.
	prefix := len(keyPrefix)
	for i := 0; i < n; i++ {
		nl := bytes.IndexByte(data, '\n')
		if nl < prefix+1 {
			return nil, fmt.Errorf("key column '%s': unexpected rendering", k.field.Name)
		}
		v := data[prefix : nl-1 : nl-1]
		data = data[nl+1:]
		switch {
		case string(v) == "null":
		case len(v) >= 2 && v[0] == '"':
			keys[i] = v[1 : len(v)-1 : len(v)-1]
		default:
			keys[i] = v
		}
	}
	return keys, nil
}
