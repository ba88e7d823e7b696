package engine

import (
	"fmt"
	"strings"

	"github.com/weir-stream/weir/state/badgeropt"
)

// State backends.
const (
	// BackendMemory keeps operator state in memory (the default); it is
	// the fastest, and state must fit in memory.
	BackendMemory = "memory"
	// BackendBadger keeps window state (TUMBLE, HOP and SESSION) in a Badger
	// database of working state on disk, with a bounded number of entries
	// in memory, for state larger than memory.
	BackendBadger = "badger"
)

// StateConfig picks where operators keep their state between records.
// Checkpoints work the same with either backend, and either restores the
// other's checkpoints.
type StateConfig struct {
	// Backend is BackendMemory (default, also for "") or BackendBadger.
	Backend string
	// Dir is where the Badger backend creates its working directory,
	// removed when the job ends (default: the system's temporary
	// directory).
	Dir string
	// ResidentEntries bounds the state entries each operator subtask on
	// the Badger backend keeps in memory (default 65536).
	ResidentEntries int
	// Profile sizes the Badger database (zero fields: the small profile).
	Profile badgeropt.Profile
}

// ParseBackend reads a backend name: memory (or Flink's "hashmap") and
// badger (or Flink's "rocksdb", which a Flink script may name).
func ParseBackend(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", BackendMemory, "hashmap", "heap":
		return BackendMemory, nil
	case BackendBadger, "rocksdb":
		return BackendBadger, nil
	}
	return "", fmt.Errorf("want a state backend of %q or %q, got '%s'", BackendMemory, BackendBadger, v)
}
