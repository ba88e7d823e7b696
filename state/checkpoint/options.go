package checkpoint

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/weir-stream/weir/state/badgeropt"
)

// Options tunes the Badger profile behind a Store. Zero fields take the
// small-footprint defaults (badgeropt); set a field to raise it.
type Options struct {
	badgeropt.Profile
	// ChunkSize is the largest single Badger value a part is split into
	// (default 512 KiB). It must stay below 15% of MemTableSize.
	ChunkSize int
	// BeforeSync, when set, runs in Commit after the parts are written
	// and before they are synced (crash tests arm a failpoint there).
	BeforeSync func()
}

// defaultChunkSize is the largest Badger value a part is split into.
const defaultChunkSize = 512 << 10

// withDefaults fills zero fields with the small profile.
func (o Options) withDefaults() Options {
	o.Profile = o.Profile.WithDefaults()
	if o.ChunkSize <= 0 {
		o.ChunkSize = defaultChunkSize
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
	return o.Profile.Options(dir)
}
