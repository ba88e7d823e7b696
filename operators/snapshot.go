package operators

import "context"

// Snapshotter is implemented by operators that keep state across records
// (window aggregates). With checkpointing on, the runtime snapshots every
// Snapshotter of the job at each checkpoint barrier and restores it when
// a job restarts from a checkpoint.
//
// State is organised by key group (state.KeyGroupOf of the same key hash
// the shuffle routes by; operators without keys use group 0), so that a
// restore can hand each subtask exactly the groups it owns.
type Snapshotter interface {
	// Snapshot writes the operator's state as of the barrier. It runs on
	// the operator's goroutine between Process calls: after every record
	// before the barrier and before any after it. It must leave the state
	// unchanged. put gets one blob per key group that holds state
	// (groups without state are left out) and takes ownership of data.
	// Blobs are self-contained: a later Restore may get them in any order.
	Snapshot(ctx context.Context, put func(group int, data []byte) error) error
	// Restore loads blobs Snapshot wrote, for the key groups this subtask
	// owns. It is called after Open and before the first Process. The
	// runtime then passes the watermark the subtask had reached at the
	// barrier to OnWatermark (for a WatermarkHandler), which must not fire
	// anything that had not fired before the barrier. A blob that does not
	// decode is an error saying which group.
	Restore(ctx context.Context, groups map[int][]byte) error
}
