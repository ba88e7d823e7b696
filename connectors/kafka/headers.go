package kafka

import (
	"fmt"
	"sort"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors/jsonformat"
)

// appendHeadersJSON renders headers as a JSON object of name -> value
// text, in message order (a repeated name appears repeatedly), escaped as
// the JSON encoder escapes strings (invalid UTF-8 becomes U+FFFD).
func appendHeadersJSON(dst []byte, hs []kgo.RecordHeader) []byte {
	dst = append(dst, '{')
	for i, h := range hs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonformat.AppendString(dst, []byte(h.Key))
		dst = append(dst, ':')
		if h.Value == nil {
			dst = append(dst, "null"...)
		} else {
			dst = jsonformat.AppendString(dst, h.Value)
		}
	}
	return append(dst, '}')
}

// parseHeadersJSON reads a 'headers' column value: a JSON object of
// header name -> value. String values are the header's bytes, null is a
// header without a value, and other values (numbers, booleans, objects)
// are sent as their JSON text. Headers are sorted by name.
func parseHeadersJSON(text []byte) ([]kgo.RecordHeader, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(text, &m); err != nil || m == nil {
		return nil, fmt.Errorf("want a JSON object of header name -> value, got %s", clipText(text))
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	hs := make([]kgo.RecordHeader, 0, len(m))
	for _, k := range names {
		raw := m[k]
		h := kgo.RecordHeader{Key: k}
		switch {
		case string(raw) == "null":
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("header '%s': %w", k, err)
			}
			h.Value = []byte(s)
		default:
			h.Value = []byte(raw)
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// clipText quotes at most 60 bytes of b for a message.
func clipText(b []byte) string {
	if len(b) > 60 {
		return fmt.Sprintf("%q...", b[:60])
	}
	return fmt.Sprintf("%q", b)
}
