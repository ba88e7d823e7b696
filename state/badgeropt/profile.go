package badgeropt

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Profile sizes a Badger database. Zero fields take the small-footprint
// defaults (Defaults); set a field to raise it. Badger's own defaults
// hold about 420 MB for a million keys; this profile about a third.
type Profile struct {
	// MemTableSize is the size of each memtable (default 8 MiB).
	MemTableSize int64
	// NumMemtables is how many memtables may be held in memory (default 2).
	NumMemtables int
	// BlockCacheSize bounds the block cache (default 8 MiB).
	BlockCacheSize int64
	// IndexCacheSize bounds the table-index cache (default 8 MiB).
	IndexCacheSize int64
	// ValueLogFileSize is the size of each value-log file (default 64 MiB).
	ValueLogFileSize int64
	// ValueThreshold is the value size above which values go to the value
	// log rather than the LSM tree (default 16 KiB).
	ValueThreshold int64
	// InMemory keeps everything in memory (tests only: nothing is durable).
	InMemory bool
	// Logger receives Badger's warnings and errors; its info and debug
	// messages go to the Debug level. Nil means slog.Default().
	Logger *slog.Logger
}

// The small profile's sizes.
const (
	DefaultMemTableSize     = 8 << 20
	DefaultNumMemtables     = 2
	DefaultBlockCacheSize   = 8 << 20
	DefaultIndexCacheSize   = 8 << 20
	DefaultValueLogFileSize = 64 << 20
	DefaultValueThreshold   = 16 << 10
)

// WithDefaults returns p with its zero fields set to the small profile.
func (p Profile) WithDefaults() Profile {
	if p.MemTableSize <= 0 {
		p.MemTableSize = DefaultMemTableSize
	}
	if p.NumMemtables <= 0 {
		p.NumMemtables = DefaultNumMemtables
	}
	if p.BlockCacheSize <= 0 {
		p.BlockCacheSize = DefaultBlockCacheSize
	}
	if p.IndexCacheSize <= 0 {
		p.IndexCacheSize = DefaultIndexCacheSize
	}
	if p.ValueLogFileSize <= 0 {
		p.ValueLogFileSize = DefaultValueLogFileSize
	}
	if p.ValueThreshold <= 0 {
		p.ValueThreshold = DefaultValueThreshold
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return p
}

// MaxBatch is the largest write batch Badger accepts with this profile's
// memtables: 15% of MemTableSize. p must have its defaults set.
func (p Profile) MaxBatch() int64 { return p.MemTableSize * 15 / 100 }

// Options builds the Badger options for dir (ignored in memory). p must
// have its defaults set. Writes are not synced: callers that need
// durability sync explicitly.
func (p Profile) Options(dir string) badger.Options {
	bo := badger.DefaultOptions(dir)
	threshold := p.ValueThreshold
	if p.InMemory {
		// No value log in memory: every value must fit under the threshold.
		bo = badger.DefaultOptions("").WithInMemory(true)
		threshold = min(1<<20, p.MaxBatch())
	}
	return bo.
		WithMemTableSize(p.MemTableSize).
		WithNumMemtables(p.NumMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithBlockCacheSize(p.BlockCacheSize).
		WithIndexCacheSize(p.IndexCacheSize).
		WithValueLogFileSize(p.ValueLogFileSize).
		WithValueThreshold(threshold).
		WithBaseTableSize(2 << 20).
		WithMetricsEnabled(false).
		WithSyncWrites(false).
		WithLogger(Logger{L: p.Logger})
}

// Logger adapts slog to Badger's Logger: warnings and errors at their own
// levels, Badger's chatty info and debug output at Debug.
type Logger struct{ L *slog.Logger }

func (s Logger) log(level slog.Level, format string, args ...any) {
	if !s.L.Enabled(context.Background(), level) {
		return
	}
	s.L.Log(context.Background(), level, strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "badger")
}

// Errorf implements badger.Logger.
func (s Logger) Errorf(format string, args ...any) { s.log(slog.LevelError, format, args...) }

// Warningf implements badger.Logger.
func (s Logger) Warningf(format string, args ...any) { s.log(slog.LevelWarn, format, args...) }

// Infof implements badger.Logger (at Debug level).
func (s Logger) Infof(format string, args ...any) { s.log(slog.LevelDebug, format, args...) }

// Debugf implements badger.Logger.
func (s Logger) Debugf(format string, args ...any) { s.log(slog.LevelDebug, format, args...) }
