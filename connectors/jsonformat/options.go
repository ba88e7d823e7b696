package jsonformat

import (
	"strconv"

	"github.com/weir-stream/weir/connectors"
)

// OptionMaxLineBytes is the WITH option bounding one input line's size.
const OptionMaxLineBytes = "json.max-line-bytes"

// DefaultMaxLineBytes is the default line size limit: 8 MiB.
const DefaultMaxLineBytes = 8 << 20

// OptionKeys lists the WITH options the json format accepts, for
// connectors that check a table's options for unknown keys.
var OptionKeys = []string{OptionMaxLineBytes}

// Options are the json format's settings.
type Options struct {
	// MaxLineBytes is the largest accepted line, without its line end.
	MaxLineBytes int
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options { return Options{MaxLineBytes: DefaultMaxLineBytes} }

// ParseOptions reads the 'json.*' options from a table's WITH options;
// other keys are ignored (the connector checks for unknown keys).
func ParseOptions(opts map[string]string) (Options, error) {
	o := DefaultOptions()
	if v, ok := opts[OptionMaxLineBytes]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return o, connectors.Optionf(OptionMaxLineBytes, "want a positive number of bytes, got '%s'", v)
		}
		o.MaxLineBytes = n
	}
	return o, nil
}
