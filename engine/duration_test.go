package engine

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"5 s": 5 * time.Second, "500ms": 500 * time.Millisecond, "1 min": time.Minute, "250": 250 * time.Millisecond,
		"2 hours": 2 * time.Hour, "1m30s": 90 * time.Second, " 3 SECONDS ": 3 * time.Second, "0": 0,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "5 fortnights", "-", "99999999999999999999 s", "9223372036854775807 d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}
