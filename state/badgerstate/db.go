package badgerstate

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/weir-stream/weir/state/badgeropt"
)

// DB is a Badger database of working state. It is safe for concurrent
// use; each table it hands out belongs to one goroutine.
type DB struct {
	db      *badger.DB
	dir     string
	profile badgeropt.Profile

	mu     sync.Mutex
	nextID uint32
	names  map[string]uint32

	stop   chan struct{} // closed by Close
	gcDone chan struct{} // closed when the garbage collector has stopped
}

// Open creates a fresh database in a new directory under parent (the
// system's temporary directory when parent is ""), with the small Badger
// profile raised by any non-zero field of p. Close removes the directory;
// Open first removes the directories of earlier runs that ended without
// Close (see removeStale).
func Open(parent string, p badgeropt.Profile) (*DB, error) {
	p = p.WithDefaults()
	dir := ""
	if !p.InMemory {
		if parent != "" {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return nil, fmt.Errorf("state tables: %w", err)
			}
		}
		removeStale(parent, p.Logger)
		d, err := os.MkdirTemp(parent, dirPattern+"*")
		if err != nil {
			return nil, fmt.Errorf("state tables: %w", err)
		}
		dir = d
	}
	// Working state is read back soon and often: blocks are not
	// compressed (decompressing them was the largest cost of a read), and
	// transactions are not checked for conflicts (each table has one
	// writer).
	db, err := badger.Open(p.Options(dir).WithCompression(options.None).WithDetectConflicts(false))
	if err != nil {
		if dir != "" {
			_ = os.RemoveAll(dir)
		}
		return nil, fmt.Errorf("state tables in %s: %w", dir, err)
	}
	d := &DB{db: db, dir: dir, profile: p, names: map[string]uint32{}, stop: make(chan struct{}), gcDone: make(chan struct{})}
	if p.InMemory {
		close(d.gcDone)
	} else {
		go d.collectGarbage(gcInterval)
	}
	return d, nil
}

// gcInterval is how often the value log is garbage-collected.
const gcInterval = 10 * time.Second

// collectGarbage rewrites value-log files that are mostly garbage, every
// interval until Close. Values over the profile's value threshold (runs
// of partials) live in the value log, and working state is rewritten and
// deleted all along: without this the directory would grow with the
// input rather than with the state.
func (d *DB) collectGarbage(interval time.Duration) {
	defer close(d.gcDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
		}
		for d.db.RunValueLogGC(0.5) == nil {
			select {
			case <-d.stop:
				return
			default:
			}
		}
	}
}

// Dir is the database's directory ("" in memory).
func (d *DB) Dir() string { return d.dir }

// Close closes the database and removes its directory. Tables must not
// be used afterwards.
func (d *DB) Close() error {
	close(d.stop)
	<-d.gcDone
	err := d.db.Close()
	if d.dir != "" {
		err = errors.Join(err, os.RemoveAll(d.dir))
	}
	return err
}

// register gives a table name its id; a name may be taken once.
func (d *DB) register(name string) (uint32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.names[name]; ok {
		return 0, fmt.Errorf("state tables: table %q already exists", name)
	}
	d.nextID++
	d.names[name] = d.nextID
	return d.nextID, nil
}

// maxBatchEntry is the largest key plus value one write may carry: a
// Badger write batch holds at most 15% of a memtable.
func (d *DB) maxBatchEntry() int { return int(d.profile.MaxBatch()) / 2 }

// valueLimit is the largest value a table takes with profile p: what a
// write batch carries (with room for the key), at most 1 MiB.
func valueLimit(p badgeropt.Profile) int {
	return min(int(p.MaxBatch())/2, 1<<20) - 1
}

// MaxValue is the largest value a table of d takes (about 600 KiB with
// the small profile; more with larger memtables, up to 1 MiB). Callers
// that store large values split them.
func (d *DB) MaxValue() int { return valueLimit(d.profile) }
