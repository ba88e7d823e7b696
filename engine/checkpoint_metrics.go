package engine

import (
	"sync"
	"time"
)

// CheckpointStats describes one complete checkpoint.
type CheckpointStats struct {
	// Epoch numbers the checkpoint.
	Epoch uint64
	// Final marks the checkpoint written when every input ended.
	Final bool
	// Time is when it completed (sinks committed).
	Time time.Time
	// Duration runs from the trigger to the last sink committed.
	Duration time.Duration
	// Written runs from the trigger until the state was durable.
	Written time.Duration
	// Bytes is the size of the state written.
	Bytes uint64
	// Alignment is the longest time a subtask held inputs back waiting
	// for the barrier on its other inputs.
	Alignment time.Duration
	// Pause is the longest time a subtask's data path stood still while
	// it snapshotted its state.
	Pause time.Duration
}

// CheckpointMetrics sums up a job's checkpoints so far.
type CheckpointMetrics struct {
	// Enabled reports whether the job checkpoints at all.
	Enabled bool
	// Completed counts complete checkpoints.
	Completed int64
	// Restored is the epoch the job resumed from (0 if it started fresh).
	Restored uint64
	// Recent are the last few complete checkpoints, oldest first.
	Recent []CheckpointStats
}

// recentCheckpoints is how many CheckpointStats a job keeps.
const recentCheckpoints = 16

// checkpointStats collects CheckpointStats; safe for concurrent use.
type checkpointStats struct {
	mu        sync.Mutex
	completed int64
	restored  uint64
	recent    []CheckpointStats
}

func (s *checkpointStats) add(st CheckpointStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.completed++
	s.recent = append(s.recent, st)
	if len(s.recent) > recentCheckpoints {
		s.recent = append(s.recent[:0], s.recent[len(s.recent)-recentCheckpoints:]...)
	}
}

func (s *checkpointStats) snapshot() CheckpointMetrics {
	s.mu.Lock()
	defer s.mu.Unlock()
	return CheckpointMetrics{Enabled: true, Completed: s.completed, Restored: s.restored,
		Recent: append([]CheckpointStats(nil), s.recent...)}
}
