package badgerstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/weir-stream/weir/state"
)

// table is what both byte tables share: the key prefix, batched writes,
// and reads that first write what is pending.
type table struct {
	db   *DB
	name string
	id   uint32
	wb   *badger.WriteBatch // nil when nothing is pending
	key  []byte             // scratch for building keys
}

func newTable(d *DB, name string) (table, error) {
	id, err := d.register(name)
	if err != nil {
		return table{}, err
	}
	return table{db: d, name: name, id: id}, nil
}

// prefixLen is the length of a table id and key group.
const prefixLen = 5

// maxKey is the longest key Badger accepts (its own limit, less room for
// the version it appends).
const maxKey = 65000

// groupPrefix appends the table's id and group g to dst.
func (t *table) groupPrefix(dst []byte, g uint8) []byte {
	dst = binary.BigEndian.AppendUint32(slices.Grow(dst, prefixLen), t.id)
	return append(dst, g%state.KeyGroups)
}

// set queues k = v. Badger keeps the slices until the batch is written,
// so both are copied (into one allocation).
func (t *table) set(k, v []byte) error {
	if len(k) > maxKey {
		return fmt.Errorf("state table %s: key of %d bytes exceeds Badger's limit of %d", t.name, len(k), maxKey)
	}
	if len(v) > t.db.MaxValue() {
		return fmt.Errorf("state table %s: value of %d bytes exceeds the %d-byte limit of the Badger profile (raise state.backend.badger.memtable-size)",
			t.name, len(v), t.db.MaxValue())
	}
	if len(k)+len(v) > t.db.maxBatchEntry() {
		return fmt.Errorf("state table %s: entry of %d bytes exceeds the %d-byte limit of the Badger profile (raise state.backend.badger.memtable-size)",
			t.name, len(k)+len(v), t.db.maxBatchEntry())
	}
	buf := make([]byte, len(k)+len(v))
	copy(buf, k)
	copy(buf[len(k):], v)
	return t.batch().Set(buf[:len(k):len(k)], buf[len(k):])
}

// del queues the deletion of k.
func (t *table) del(k []byte) error {
	return t.batch().Delete(append([]byte(nil), k...))
}

func (t *table) batch() *badger.WriteBatch {
	if t.wb == nil {
		t.wb = t.db.db.NewWriteBatch()
	}
	return t.wb
}

// Flush writes every pending write; reads call it first.
func (t *table) Flush() error {
	if t.wb == nil {
		return nil
	}
	wb := t.wb
	t.wb = nil
	if err := wb.Flush(); err != nil {
		wb.Cancel()
		return fmt.Errorf("state table %s: %w", t.name, err)
	}
	return nil
}

// get reads k's value, appending it to dst.
func (t *table) get(txn *badger.Txn, k, dst []byte) ([]byte, bool, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return dst, false, nil
	}
	if err != nil {
		return dst, false, fmt.Errorf("state table %s: %w", t.name, err)
	}
	err = item.Value(func(v []byte) error {
		dst = append(dst, v...)
		return nil
	})
	if err != nil {
		return dst, false, fmt.Errorf("state table %s: %w", t.name, err)
	}
	return dst, true, nil
}

// scan calls fn with the rest of every key under prefix (after it) and
// its value, in key order, until fn fails. Neither slice outlives fn.
func (t *table) scan(prefix []byte, fn func(rest, val []byte) error) error {
	if err := t.Flush(); err != nil {
		return err
	}
	err := t.db.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			rest := item.Key()[len(prefix):]
			if err := item.Value(func(v []byte) error { return fn(rest, v) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("state table %s: %w", t.name, err)
	}
	return nil
}

// deletePrefix deletes every key under prefix and returns how many there
// were.
func (t *table) deletePrefix(prefix []byte) (int, error) {
	if err := t.Flush(); err != nil {
		return 0, err
	}
	n := 0
	err := t.db.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := t.batch().Delete(it.Item().KeyCopy(nil)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("state table %s: %w", t.name, err)
	}
	return n, nil
}
