package checkpoint

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Options tunes the Badger profile behind a Store. Zero fields take the
// small-footprint defaults below; set a field to raise it.
type Options struct {
	// MemTableSize is the size of each Badger memtable (default 8 MiB).
	MemTableSize int64
	// NumMemtables is how many memtables may be held in memory (default 2).
	NumMemtables int
	// BlockCacheSize bounds Badger's block cache (default 8 MiB).
	BlockCacheSize int64
	// IndexCacheSize bounds Badger's table-index cache (default 8 MiB).
	IndexCacheSize int64
	// ValueLogFileSize is the size of each value-log file (default 64 MiB).
	ValueLogFileSize int64
	// ValueThreshold is the value size above which values go to the value
	// log rather than the LSM tree (default 16 KiB).
	ValueThreshold int64
	// ChunkSize is the largest single Badger value a part is split into
	// (default 512 KiB). It must stay below 15% of MemTableSize.
	ChunkSize int
	// InMemory keeps everything in memory (tests only: nothing is durable).
	InMemory bool
	// Logger receives Badger's warnings and errors; its info and debug
	// messages go to the Debug level. Nil means slog.Default().
	Logger *slog.Logger
	// BeforeSync, when set, runs in Commit after the parts are written
	// and before they are synced (crash tests arm a failpoint there).
	BeforeSync func()
}

const (
	defaultMemTableSize     = 8 << 20
	defaultNumMemtables     = 2
	defaultBlockCacheSize   = 8 << 20
	defaultIndexCacheSize   = 8 << 20
	defaultValueLogFileSize = 64 << 20
	defaultValueThreshold   = 16 << 10
	defaultChunkSize        = 512 << 10
)

// withDefaults fills zero fields with the small profile.
func (o Options) withDefaults() Options {
	if o.MemTableSize <= 0 {
		o.MemTableSize = defaultMemTableSize
	}
	if o.NumMemtables <= 0 {
		o.NumMemtables = defaultNumMemtables
	}
	if o.BlockCacheSize <= 0 {
		o.BlockCacheSize = defaultBlockCacheSize
	}
	if o.IndexCacheSize <= 0 {
		o.IndexCacheSize = defaultIndexCacheSize
	}
	if o.ValueLogFileSize <= 0 {
		o.ValueLogFileSize = defaultValueLogFileSize
	}
	if o.ValueThreshold <= 0 {
		o.ValueThreshold = defaultValueThreshold
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = defaultChunkSize
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// validate rejects combinations Badger would refuse or that could not
// hold a chunk in one write batch.
func (o Options) validate() error {
	maxBatch := o.MemTableSize * 15 / 100
	if int64(o.ChunkSize) >= maxBatch {
		return fmt.Errorf("checkpoint: ChunkSize %d must be below 15%% of MemTableSize (%d)", o.ChunkSize, maxBatch)
	}
	if o.InMemory && o.ChunkSize > 1<<20 {
		return fmt.Errorf("checkpoint: ChunkSize %d must not exceed 1 MiB in memory", o.ChunkSize)
	}
	if o.ValueThreshold > maxBatch {
		return fmt.Errorf("checkpoint: ValueThreshold %d must not exceed 15%% of MemTableSize (%d)", o.ValueThreshold, maxBatch)
	}
	return nil
}

// badgerOptions builds the Badger profile for dir.
func (o Options) badgerOptions(dir string) badger.Options {
	bo := badger.DefaultOptions(dir)
	threshold := o.ValueThreshold
	if o.InMemory {
		// No value log in memory: every value must fit under the threshold.
		bo = badger.DefaultOptions("").WithInMemory(true)
		threshold = min(1<<20, o.MemTableSize*15/100)
	}
	return bo.
		WithMemTableSize(o.MemTableSize).
		WithNumMemtables(o.NumMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithBlockCacheSize(o.BlockCacheSize).
		WithIndexCacheSize(o.IndexCacheSize).
		WithValueLogFileSize(o.ValueLogFileSize).
		WithValueThreshold(threshold).
		WithBaseTableSize(2 << 20).
		WithMetricsEnabled(false).
		WithSyncWrites(false). // Commit syncs explicitly.
		WithLogger(slogLogger{l: o.Logger})
}

// slogLogger adapts slog to Badger's Logger: warnings and errors at their
// own levels, Badger's chatty info and debug output at Debug.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) log(level slog.Level, format string, args ...any) {
	if !s.l.Enabled(context.Background(), level) {
		return
	}
	s.l.Log(context.Background(), level, strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "badger")
}

func (s slogLogger) Errorf(format string, args ...any) { s.log(slog.LevelError, format, args...) }

func (s slogLogger) Warningf(format string, args ...any) { s.log(slog.LevelWarn, format, args...) }

func (s slogLogger) Infof(format string, args ...any) { s.log(slog.LevelDebug, format, args...) }

func (s slogLogger) Debugf(format string, args ...any) { s.log(slog.LevelDebug, format, args...) }
