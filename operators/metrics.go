package operators

import "sync/atomic"

// Metrics are an operator subtask's counters, read by the runtime for
// metrics and tests while the operator runs.
type Metrics struct {
	// LateRows counts rows dropped because every window they belong to
	// had already fired when they arrived.
	LateRows atomic.Int64
	// StateEntries is the number of entries (for windows: (key, window or
	// pane) partial aggregates) the operator holds now.
	StateEntries atomic.Int64
	// StateWrittenOut counts the entries an operator on the Badger state
	// backend moved from memory to disk (for SESSION: open sessions).
	StateWrittenOut atomic.Int64
}
