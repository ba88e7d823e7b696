package connectors

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SourceConfig is what a source factory gets: one table's declaration.
type SourceConfig struct {
	// Table is the table's name, for messages.
	Table string
	// Schema is the table's declared schema.
	Schema *arrow.Schema
	// Columns are the indices into Schema the query needs (projection
	// pushdown); records carry exactly these columns, in this order. Nil
	// means all columns.
	Columns []int
	// Options are the table's WITH options.
	Options map[string]string
	// Metadata maps the indices (into Schema) of columns declared
	// `METADATA [FROM 'k']` to their metadata key (for Kafka: 'key',
	// 'topic', 'partition', 'offset', 'timestamp', 'headers'). A source that
	// does not know a key, or whose type does not fit, returns an
	// OptionError naming the column. Nil when there are none.
	Metadata map[int]string
	// Dir resolves relative paths (the working directory for `weir run`).
	Dir string
	// BatchSize is the most rows a record may hold.
	BatchSize int
	// Alloc allocates every Arrow buffer the source builds.
	Alloc memory.Allocator
	// Stats receives the source's counters; shared by all its readers.
	Stats *SourceStats
	// Checkpointing is set when the job takes checkpoints (`weir run
	// --state-dir`): readers must then implement Positioner.
	Checkpointing bool
	// Logger is for operational messages.
	Logger *slog.Logger
}

// SourceStats are a source's counters, updated atomically by its readers.
type SourceStats struct {
	// Records is the number of rows produced.
	Records atomic.Int64
	// Bytes is the number of input bytes consumed.
	Bytes atomic.Int64
	// Dropped is the number of bad records skipped under 'bad-data' =
	// 'drop' (or sent to a dead-letter topic under 'dlq').
	Dropped atomic.Int64

	mu         sync.Mutex
	partitions map[PartitionKey]*PartitionStats
}

// PartitionKey names one partition of a partitioned source (for Kafka, a
// topic partition).
type PartitionKey struct {
	// Topic is the partition's topic (or stream) name.
	Topic string
	// Partition is the partition number within Topic.
	Partition int32
}

// PartitionStats are one source partition's counters, updated atomically
// by the reader that owns the partition and read by anyone.
type PartitionStats struct {
	// Key names the partition.
	Key PartitionKey
	// Records is the number of rows produced from the partition.
	Records atomic.Int64
	// Bytes is the number of input bytes consumed (message keys and
	// values).
	Bytes atomic.Int64
	// Lag is the consumer lag: the partition's high watermark minus the
	// next offset to read, as of the last fetch; -1 until known.
	Lag atomic.Int64
}

// Partition returns the counters of (topic, partition), creating them on
// first use; every call for the same partition returns the same
// *PartitionStats. Safe for concurrent use.
func (s *SourceStats) Partition(topic string, partition int32) *PartitionStats {
	k := PartitionKey{Topic: topic, Partition: partition}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.partitions[k]; ok {
		return p
	}
	if s.partitions == nil {
		s.partitions = map[PartitionKey]*PartitionStats{}
	}
	p := &PartitionStats{Key: k}
	p.Lag.Store(-1)
	s.partitions[k] = p
	return p
}

// Partitions lists the per-partition counters created so far, sorted by
// topic then partition (empty for unpartitioned sources). Safe for
// concurrent use.
func (s *SourceStats) Partitions() []*PartitionStats {
	s.mu.Lock()
	out := make([]*PartitionStats, 0, len(s.partitions))
	for _, p := range s.partitions {
		out = append(out, p)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		return a.Partition < b.Partition
	})
	return out
}

// Source is a table opened for reading. Lifecycle: the factory validates
// the options and returns a Source (no I/O beyond checks that fail fast,
// such as a missing file); the engine then asks for one Reader per source
// subtask.
type Source interface {
	// Schema is the schema of the records readers produce.
	Schema() *arrow.Schema
	// Bounded reports whether readers end (io.EOF) on their own.
	Bounded() bool
	// MaxParallelism is the most subtasks that can usefully read (1 for a
	// single file); 0 means no limit.
	MaxParallelism() int
	// Reader returns the reader for subtask of parallelism subtasks; the
	// readers of all subtasks together produce each row exactly once.
	Reader(subtask, parallelism int) (Reader, error)
}

// Reader reads one subtask's share of a source. Read is called from one
// goroutine.
type Reader interface {
	// Open starts reading (opens files, connects).
	Open(ctx context.Context) error
	// Read returns the next non-empty record, owned by the caller, or
	// io.EOF when a bounded share is exhausted. A bad record under
	// 'bad-data' = 'fail' gives an error naming where it is (file, line,
	// field; or topic, partition, offset, field).
	Read(ctx context.Context) (arrow.RecordBatch, error)
	// Close releases resources; safe after a failed Open.
	Close() error
}

// SinkConfig is what a sink factory gets: one table's declaration.
type SinkConfig struct {
	// Table is the table's name, for messages.
	Table string
	// Schema is the schema of the records written.
	Schema *arrow.Schema
	// Options are the table's WITH options.
	Options map[string]string
	// Metadata maps the indices (into Schema) of columns declared
	// METADATA (and not VIRTUAL) to their metadata key; the sink writes
	// them as metadata (for Kafka: 'key', 'timestamp', 'headers') instead
	// of into the value. Nil when there are none.
	Metadata map[int]string
	// Dir resolves relative paths.
	Dir string
	// Stdout is where the stdout connector writes (os.Stdout in `weir run`).
	Stdout io.Writer
	// Alloc allocates any Arrow buffer the sink needs.
	Alloc memory.Allocator
	// Logger is for operational messages.
	Logger *slog.Logger
	// Checkpointing is set when the job takes checkpoints (`weir run
	// --state-dir`): writers that implement Committer are then committed
	// at checkpoints, and the sink, if a Recoverer, is recovered first.
	Checkpointing bool
	// Job is the job's name (SET 'pipeline.name', else the SQL file's base
	// name), for defaults that must differ between jobs.
	Job string
}

// Sink is a table opened for writing.
type Sink interface {
	// MaxParallelism is the most subtasks that can write (1 for a single
	// file); 0 means no limit.
	MaxParallelism() int
	// Writer returns the writer for subtask of parallelism subtasks.
	Writer(subtask, parallelism int) (Writer, error)
}

// Writer writes one subtask's share of a sink. Calls come from one
// goroutine.
type Writer interface {
	// Open prepares the writer.
	Open(ctx context.Context) error
	// Write writes the record's rows. The record stays owned by the
	// caller: a writer that keeps it past the call must Retain it.
	Write(ctx context.Context, rec arrow.RecordBatch) error
	// Close flushes what was written and releases resources. After an
	// error elsewhere in the job, Close is still called.
	Close(ctx context.Context) error
}

// OptionError is a problem with one WITH option; the engine reports it at
// the option's position in the SQL file.
type OptionError struct {
	// Key is the option key ("" for the table as a whole).
	Key string
	// Msg says what is wrong and what is accepted.
	Msg string
}

// Error implements error.
func (e *OptionError) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return fmt.Sprintf("option '%s': %s", e.Key, e.Msg)
}

// Optionf builds an OptionError.
func Optionf(key, format string, args ...any) *OptionError {
	return &OptionError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// Aborter is implemented by writers that can discard what they wrote. After
// a job fails, the runtime calls Abort instead of Close, so a failed run
// commits nothing (the file sink leaves no partial file).
type Aborter interface {
	Abort() error
}

// Preparer is implemented by writers that can make their output durable
// without making it visible (the first phase of a two-phase commit). At
// the end of input the runtime calls Prepare on every writer of the job;
// only when every task of the job succeeded does it call Close, which
// commits. Otherwise it calls Abort, so a failed job commits nothing, in
// any of its pipelines.
type Preparer interface {
	Prepare(ctx context.Context) error
}

// SplitReader is implemented by readers that read several independent
// splits, such as Kafka partitions. Event time advances per split: the
// runtime keeps one watermark per split and the subtask's watermark is
// the minimum over its splits, ignoring splits idle for longer than the
// table's 'scan.watermark.idle-timeout'.
type SplitReader interface {
	Reader
	// Splits lists the ids of the splits this reader owns and has not
	// finished (known after Open; asked after every Read). A split not yet
	// started holds the watermark back; a finished one no longer counts.
	Splits() []int
	// LastSplit is the split the record most recently returned by Read
	// came from; every record holds rows of one split only.
	LastSplit() int
}
