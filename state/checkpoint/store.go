package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// ErrNoCheckpoint is returned (possibly wrapped in a *NoCheckpointError)
// when the store holds no complete, verifiable epoch.
var ErrNoCheckpoint = errors.New("checkpoint: no complete checkpoint")

// ErrEpochExists is returned by Commit when the epoch already has a
// manifest: epochs are written once; use NextEpoch for a fresh number.
var ErrEpochExists = errors.New("checkpoint: epoch already has a manifest")

// ErrClosed is returned by operations on a closed Store.
var ErrClosed = errors.New("checkpoint: store closed")

// Store is a durable checkpoint store in one Badger directory. Its
// methods are safe for concurrent use; a Writer is not.
type Store struct {
	db     *badger.DB
	opts   Options
	closed atomic.Bool

	// verified holds the epochs Retain has read back and found whole, so
	// each epoch is verified once per Store rather than at every Retain.
	mu       sync.Mutex
	verified map[uint64]bool
}

// wasVerified reports whether Retain already found epoch whole.
func (s *Store) wasVerified(epoch uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified[epoch]
}

// setVerified records (or, ok false, forgets) that epoch is whole.
func (s *Store) setVerified(epoch uint64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verified == nil {
		s.verified = map[uint64]bool{}
	}
	if ok {
		s.verified[epoch] = true
	} else {
		delete(s.verified, epoch)
	}
}

// Open opens (creating if needed) the checkpoint store in dir with the
// small Badger profile, raised by any non-zero field of opts.
func Open(dir string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if dir == "" && !opts.InMemory {
		return nil, fmt.Errorf("checkpoint: empty directory (set Options.InMemory for an in-memory store)")
	}
	if !opts.InMemory {
		if err := checkDir(dir); err != nil {
			return nil, err
		}
		if err := removeEmptyMemtables(dir, opts.Logger); err != nil {
			return nil, fmt.Errorf("checkpoint: open %s: %w", dir, err)
		}
	}
	db, err := badger.Open(opts.badgerOptions(dir))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: open %s: %w", dir, err)
	}
	return &Store{db: db, opts: opts}, nil
}

// badgerManifest is the file every Badger directory holds.
const badgerManifest = "MANIFEST"

// Exists reports whether dir holds a checkpoint store.
func Exists(dir string) (bool, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return false, fmt.Errorf("checkpoint: %s is not a directory", dir)
	}
	_, err := os.Stat(filepath.Join(dir, badgerManifest))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// checkDir refuses a directory that already holds other files: a store
// goes into a new or empty directory, or one that holds a store.
func checkDir(dir string) error {
	ok, err := Exists(dir)
	if err != nil || ok {
		return err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("checkpoint: %s holds other files (%s, ...) and no checkpoint store: use a new or empty directory", dir, entries[0].Name())
	}
	return nil
}

// removeEmptyMemtables deletes zero-length memtable logs (*.mem). Badger
// creates a memtable's file and then sizes it; a process killed between
// the two leaves an empty file, which Badger v4 then refuses to open
// ("while opening memtables ... Create a new file"), so a crash at that
// moment would keep the state dir from opening forever. An empty file
// holds no entry, so removing it loses nothing.
func removeEmptyMemtables(dir string, logger *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".mem") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil {
			return err
		}
		logger.Info("removed the empty memtable log a crash left", "file", p)
	}
	return nil
}

// Close syncs and closes the store. Checkpoints read from it can no
// longer be read.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("checkpoint: close: %w", err)
	}
	return nil
}

// NextEpoch returns one more than the highest epoch with any data or
// manifest in the store (0 for an empty store): a number Begin can use
// without colliding with a corrupt or unfinished earlier attempt.
func (s *Store) NextEpoch() (uint64, error) {
	if s.closed.Load() {
		return 0, ErrClosed
	}
	var next uint64
	err := s.db.View(func(txn *badger.Txn) error {
		for _, prefix := range []byte{manifestPrefix, dataPrefix} {
			it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: []byte{prefix}})
			it.Seek([]byte{prefix, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
			if it.Valid() {
				if e, ok := keyEpoch(it.Item().Key()); ok && e+1 > next {
					next = e + 1
				}
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("checkpoint: next epoch: %w", err)
	}
	floor, err := s.epochFloor()
	if err != nil {
		return 0, err
	}
	return max(next, floor), nil
}

// floorKey holds the epoch numbering floor Clear leaves behind;
// committedKey the newest epoch whose sinks all committed.
var (
	floorKey     = []byte{'n'}
	committedKey = []byte{'c'}
)

// MarkCommitted records that every sink transaction of epoch committed,
// so that a restart from it need not commit them again (a transaction
// committed long ago may no longer be known to its system: Kafka forgets
// transactional ids after a week). The mark only moves forward. It is
// not synced: losing it only means committing again, which is harmless.
func (s *Store) MarkCommitted(epoch uint64) error {
	if s.closed.Load() {
		return ErrClosed
	}
	err := s.db.Update(func(txn *badger.Txn) error {
		if cur, ok, err := getUint64(txn, committedKey); err != nil {
			return err
		} else if ok && cur >= epoch {
			return nil
		}
		return txn.Set(committedKey, binary.BigEndian.AppendUint64(nil, epoch))
	})
	if err != nil {
		return fmt.Errorf("checkpoint: mark epoch %d committed: %w", epoch, err)
	}
	return nil
}

// Committed is the newest epoch MarkCommitted recorded (ok false if none).
func (s *Store) Committed() (epoch uint64, ok bool, err error) {
	if s.closed.Load() {
		return 0, false, ErrClosed
	}
	err = s.db.View(func(txn *badger.Txn) error {
		epoch, ok, err = getUint64(txn, committedKey)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("checkpoint: committed epoch: %w", err)
	}
	return epoch, ok, nil
}

// getUint64 reads an 8-byte big-endian value (ok false if absent).
func getUint64(txn *badger.Txn, key []byte) (v uint64, ok bool, err error) {
	item, err := txn.Get(key)
	if err == badger.ErrKeyNotFound {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	err = item.Value(func(b []byte) error {
		if len(b) != 8 {
			return fmt.Errorf("%q holds %d bytes, want 8", key, len(b))
		}
		v = binary.BigEndian.Uint64(b)
		return nil
	})
	return v, err == nil, err
}

// epochFloor is the lowest epoch NextEpoch may return (0 if never
// cleared).
func (s *Store) epochFloor() (uint64, error) {
	var floor uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		floor, _, err = getUint64(txn, floorKey)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("checkpoint: next epoch: %w", err)
	}
	return floor, nil
}

// Clear deletes every epoch (complete or not), as when a job starts over.
// Epoch numbers keep growing past the ones deleted, so whatever an
// earlier epoch named outside the store (such as a sink's part files)
// is never named again.
func (s *Store) Clear() error {
	next, err := s.NextEpoch()
	if err != nil {
		return err
	}
	err = s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(committedKey); err != nil {
			return err
		}
		return txn.Set(floorKey, binary.BigEndian.AppendUint64(nil, next))
	})
	if err == nil {
		err = s.db.Sync()
	}
	if err != nil {
		return fmt.Errorf("checkpoint: clear: %w", err)
	}
	s.mu.Lock()
	s.verified = nil
	s.mu.Unlock()
	// Manifests first: a crash in between leaves incomplete epochs only.
	if err := s.db.DropPrefix([]byte{manifestPrefix}); err != nil {
		return fmt.Errorf("checkpoint: clear: %w", err)
	}
	if err := s.db.DropPrefix([]byte{dataPrefix}); err != nil {
		return fmt.Errorf("checkpoint: clear: %w", err)
	}
	if err := s.collectGarbage(); err != nil {
		return fmt.Errorf("checkpoint: clear: value-log gc: %w", err)
	}
	return nil
}

// dropEpochs removes every key of the given kind for the given epochs.
// It uses Badger's DropPrefix, which flushes the memtable and compacts
// the dropped keys away, so the value-log space they held shows up in the
// discard statistics that value-log GC works from. (Plain deletes would
// sit in a rarely-flushed memtable and leave the value log growing.)
func (s *Store) dropEpochs(kind byte, epochs []uint64) error {
	if len(epochs) == 0 {
		return nil
	}
	for _, e := range epochs {
		s.setVerified(e, false)
	}
	prefixes := make([][]byte, len(epochs))
	for i, e := range epochs {
		prefixes[i] = epochPrefix(kind, e)
	}
	return s.db.DropPrefix(prefixes...)
}

// hasData reports whether any data key exists for epoch.
func (s *Store) hasData(epoch uint64) (bool, error) {
	found := false
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: epochPrefix(dataPrefix, epoch)})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	return found, err
}

// collectGarbage runs Badger's value-log GC until it finds nothing worth
// rewriting (bounded, so Retain stays quick).
func (s *Store) collectGarbage() error {
	if s.opts.InMemory {
		return nil
	}
	for range 16 {
		if err := s.db.RunValueLogGC(0.5); err != nil {
			if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
				return nil
			}
			return err
		}
	}
	return nil
}
