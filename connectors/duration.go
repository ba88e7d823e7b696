package connectors

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationUnits maps Flink's duration unit names to lengths.
var durationUnits = map[string]time.Duration{
	"ms": time.Millisecond, "milli": time.Millisecond, "millis": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
}

// ParseDuration reads a duration the way Flink options write them: a
// number and a unit ("5 s", "500ms", "1 min"), a bare number of
// milliseconds, or a Go duration ("1m30s").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		unit := strings.TrimSpace(s[i:])
		if err == nil {
			if unit == "" {
				return time.Duration(n) * time.Millisecond, nil
			}
			if u, ok := durationUnits[unit]; ok {
				if n > int64(1<<62)/int64(u) {
					return 0, fmt.Errorf("duration %q is too long", s)
				}
				return time.Duration(n) * u, nil
			}
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return d, nil
}
