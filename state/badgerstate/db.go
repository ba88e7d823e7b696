package badgerstate

import (
	"errors"
	"fmt"
	"os"
	"sync"

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
	return &DB{db: db, dir: dir, profile: p, names: map[string]uint32{}}, nil
}

// Dir is the database's directory ("" in memory).
func (d *DB) Dir() string { return d.dir }

// Close closes the database and removes its directory. Tables must not
// be used afterwards.
func (d *DB) Close() error {
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
