package kafka

import (
	"encoding/json"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"
)

// appendHeadersJSON renders headers as a JSON object of name -> value
// text, in message order (a repeated name appears repeatedly). Invalid
// UTF-8 becomes U+FFFD.
func appendHeadersJSON(dst []byte, hs []kgo.RecordHeader) []byte {
	dst = append(dst, '{')
	for i, h := range hs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, h.Key)
		dst = append(dst, ':')
		if h.Value == nil {
			dst = append(dst, "null"...)
		} else {
			dst = appendJSONString(dst, string(h.Value))
		}
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\ufffd"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
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
