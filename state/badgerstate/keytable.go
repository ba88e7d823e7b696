package badgerstate

import "github.com/dgraph-io/badger/v4"

// KeyTable is a byte-level keyed table: one value per (key group, key).
// A key group's entries are contiguous, in key-byte order. Writes are
// batched until Flush (or a read); a KeyTable is not safe for concurrent
// use.
type KeyTable struct{ table }

// KeyTable returns a new, empty byte-level keyed table named name (unique
// in the database).
func (d *DB) KeyTable(name string) (*KeyTable, error) {
	t, err := newTable(d, name)
	if err != nil {
		return nil, err
	}
	return &KeyTable{t}, nil
}

func (t *KeyTable) entryKey(group uint8, key []byte) []byte {
	t.key = append(t.groupPrefix(t.key[:0], group), key...)
	return t.key
}

// Put sets (group, key) to val. Both slices may be reused once Put
// returns.
func (t *KeyTable) Put(group uint8, key, val []byte) error {
	return t.set(t.entryKey(group, key), val)
}

// Delete removes (group, key); a no-op if absent.
func (t *KeyTable) Delete(group uint8, key []byte) error {
	return t.del(t.entryKey(group, key))
}

// View runs fn with a Reader over a consistent view of the table (after
// writing what is pending). The Reader must not be used after fn returns.
func (t *KeyTable) View(fn func(r *KeyReader) error) error {
	if err := t.Flush(); err != nil {
		return err
	}
	return t.db.db.View(func(txn *badger.Txn) error {
		return fn(&KeyReader{t: t, txn: txn})
	})
}

// KeyReader reads a KeyTable inside View.
type KeyReader struct {
	t   *KeyTable
	txn *badger.Txn
	key []byte
}

// Get appends the value of (group, key) to dst and reports whether it is
// present.
func (r *KeyReader) Get(group uint8, key, dst []byte) ([]byte, bool, error) {
	r.key = append(r.t.groupPrefix(r.key[:0], group), key...)
	return r.t.get(r.txn, r.key, dst)
}

// ScanGroup calls fn for every entry of a key group, in key-byte order,
// until fn returns an error, which ScanGroup returns. key and val are
// valid only during fn. Pending writes are written first.
func (t *KeyTable) ScanGroup(group uint8, fn func(key, val []byte) error) error {
	return t.scan(t.groupPrefix(nil, group), fn)
}

// DeleteGroup deletes every entry of a key group and returns how many
// there were.
func (t *KeyTable) DeleteGroup(group uint8) (int, error) {
	return t.deletePrefix(t.groupPrefix(nil, group))
}

// GetStable appends the value of (group, key) to dst and reports whether
// it is present, as of the last Flush: unlike View, it does not write
// what is pending first, so it costs no write. It suits a caller whose
// pending writes are of other keys than those it reads.
func (t *KeyTable) GetStable(group uint8, key, dst []byte) ([]byte, bool, error) {
	var ok bool
	err := t.db.db.View(func(txn *badger.Txn) error {
		var err error
		dst, ok, err = t.get(txn, t.entryKey(group, key), dst)
		return err
	})
	return dst, ok, err
}
