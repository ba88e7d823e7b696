package engine

import (
	"io"
	"log/slog"
	"os"
	"runtime"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/builtin"
)

// DefaultBatchSize is the most rows a record carries unless configured.
const DefaultBatchSize = 4096

// MaxBatchSize bounds BatchSize: builders are sized for a whole batch.
const MaxBatchSize = 1 << 20

// MaxParallelism bounds Parallelism: each subtask is a goroutine with
// its own buffers, and keyed state is split into KeyGroups groups.
const MaxParallelism = KeyGroups

// DefaultChannelCapacity is how many records may wait between two subtasks
// before the producer blocks (backpressure).
const DefaultChannelCapacity = 4

// Config holds what a job needs besides its SQL.
type Config struct {
	// Parallelism is the number of subtasks per vertex (default: CPUs).
	Parallelism int
	// BatchSize is the most rows per record (default DefaultBatchSize).
	BatchSize int
	// ChannelCapacity bounds each queue between subtasks.
	ChannelCapacity int
	// Dir resolves relative file paths (default: working directory).
	Dir string
	// Stdout receives bare SELECT results (default os.Stdout).
	Stdout io.Writer
	// Alloc allocates every Arrow buffer (default memory.DefaultAllocator).
	Alloc memory.Allocator
	// Logger receives operational messages (default slog.Default()).
	Logger *slog.Logger
	// Registry maps connector names to factories (default builtin).
	Registry *connectors.Registry
	// Checkpoint turns on exactly-once checkpoints (off when its Dir is
	// empty).
	Checkpoint CheckpointConfig
	// State picks the state backend (default: in memory).
	State StateConfig
}

func (c Config) withDefaults() Config {
	if c.Parallelism <= 0 {
		c.Parallelism = runtime.NumCPU()
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	c.BatchSize = min(c.BatchSize, MaxBatchSize)
	c.Parallelism = min(c.Parallelism, MaxParallelism)
	if c.ChannelCapacity <= 0 {
		c.ChannelCapacity = DefaultChannelCapacity
	}
	if c.Dir == "" {
		if wd, err := os.Getwd(); err == nil {
			c.Dir = wd
		}
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Alloc == nil {
		c.Alloc = memory.DefaultAllocator
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Registry == nil {
		c.Registry = builtin.Registry()
	}
	c.Checkpoint = c.Checkpoint.withDefaults()
	return c
}
