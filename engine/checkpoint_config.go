package engine

import (
	"time"

	"github.com/weir-stream/weir/state/checkpoint"
)

// Checkpoint defaults.
const (
	// DefaultCheckpointInterval is how often a checkpointing job takes a
	// checkpoint unless told otherwise.
	DefaultCheckpointInterval = 10 * time.Second
	// DefaultCheckpointRetain is how many complete checkpoints a state
	// directory keeps.
	DefaultCheckpointRetain = 3
	// MinCheckpointInterval is the shortest interval accepted (as Flink's).
	MinCheckpointInterval = 10 * time.Millisecond
)

// CheckpointConfig turns on exactly-once checkpoints: aligned barriers
// every Interval, state and source positions written atomically to Dir,
// sinks committed only after that write is durable, and a restart from
// the newest complete checkpoint.
type CheckpointConfig struct {
	// Dir is the state directory; empty turns checkpoints off.
	Dir string
	// Interval is the time between checkpoints (default 10s).
	Interval time.Duration
	// Retain is how many complete checkpoints to keep (default 3).
	Retain int
	// Fresh starts over, ignoring (and in time pruning) the checkpoints in
	// Dir, instead of resuming from them.
	Fresh bool
	// Store tunes the Badger store behind Dir (zero: the small profile).
	Store checkpoint.Options
}

// Enabled reports whether the job takes checkpoints.
func (c CheckpointConfig) Enabled() bool { return c.Dir != "" }

func (c CheckpointConfig) withDefaults() CheckpointConfig {
	if c.Interval <= 0 {
		c.Interval = DefaultCheckpointInterval
	}
	if c.Retain <= 0 {
		c.Retain = DefaultCheckpointRetain
	}
	return c
}
