package kafka

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
)

// metaKind is a Kafka metadata key a column can be declared with
// (`col TYPE METADATA FROM 'offset'`).
type metaKind int

const (
	metaKey metaKind = iota
	metaTopic
	metaPartition
	metaOffset
	metaTimestamp
	metaHeaders
)

// metaInfo describes one metadata key: its SQL type and whether a sink
// writes it.
type metaInfo struct {
	kind     metaKind
	typ      arrow.DataType
	sqlType  string
	writable bool
}

var metaKeys = map[string]metaInfo{
	"key":       {metaKey, arrow.BinaryTypes.String, "VARCHAR", true},
	"topic":     {metaTopic, arrow.BinaryTypes.String, "VARCHAR", false},
	"partition": {metaPartition, arrow.PrimitiveTypes.Int32, "INT", false},
	"offset":    {metaOffset, arrow.PrimitiveTypes.Int64, "BIGINT", false},
	"timestamp": {metaTimestamp, arrow.FixedWidthTypes.Timestamp_ms, "TIMESTAMP(3)", true},
	"headers":   {metaHeaders, arrow.BinaryTypes.String, "VARCHAR", true},
}

func metaKeyList(writable bool) string {
	var names []string
	for k, m := range metaKeys {
		if !writable || m.writable {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return "'" + strings.Join(names, "', '") + "'"
}

// checkMetadata validates a table's metadata columns against schema and
// returns each column's kind. A sink accepts only writable keys.
func checkMetadata(schema *arrow.Schema, md map[int]string, sink bool) (map[int]metaKind, error) {
	out := map[int]metaKind{}
	idxs := make([]int, 0, len(md))
	for i := range md {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	for _, i := range idxs {
		if i < 0 || i >= schema.NumFields() {
			return nil, fmt.Errorf("metadata column index %d out of range", i)
		}
		f := schema.Field(i)
		key := strings.ToLower(md[i])
		info, ok := metaKeys[key]
		switch {
		case !ok:
			return nil, connectors.Optionf("", "column '%s': unknown Kafka metadata key '%s'; accepted: %s", f.Name, md[i], metaKeyList(false))
		case sink && !info.writable:
			return nil, connectors.Optionf("", "column '%s': Kafka metadata '%s' is read-only; a sink writes %s (declare the column VIRTUAL to only read it)", f.Name, key, metaKeyList(true))
		case !arrow.TypeEqual(f.Type, info.typ):
			return nil, connectors.Optionf("", "column '%s': Kafka metadata '%s' is %s, but the column is declared %s", f.Name, key, info.sqlType, f.Type)
		}
		out[i] = info.kind
	}
	return out, nil
}
