package engine

import (
	"time"

	"github.com/weir-stream/weir/connectors"
)

// OptionIdleTimeout is the table option after which a source subtask that
// reads nothing stops holding back downstream watermarks.
const OptionIdleTimeout = "scan.watermark.idle-timeout"

// ParseDuration reads a duration the way Flink options write them: a
// number and a unit ("5 s", "500ms", "1 min"), a bare number of
// milliseconds, or a Go duration ("1m30s"). It is connectors.ParseDuration,
// the one reading every option uses.
func ParseDuration(s string) (time.Duration, error) {
	return connectors.ParseDuration(s)
}
