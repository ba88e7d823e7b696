package badgerstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/dgraph-io/badger/v4"
)

// TimeTable is a byte-level time-keyed table: values addressed by (key
// group, bucket time, key), where a bucket's time is a window's or pane's
// start. A key group's entries are contiguous, ordered by time and then
// key bytes. Writes are batched until Flush (or a read); a TimeTable is
// not safe for concurrent use.
type TimeTable struct{ table }

// TimeTable returns a new, empty byte-level time-keyed table named name
// (unique in the database; an operator subtask names its own).
func (d *DB) TimeTable(name string) (*TimeTable, error) {
	t, err := newTable(d, name)
	if err != nil {
		return nil, err
	}
	return &TimeTable{t}, nil
}

// sortableTime encodes ts so that byte order is numeric order.
func sortableTime(ts int64) uint64 { return uint64(ts) ^ (1 << 63) }

func (t *TimeTable) bucketPrefix(dst []byte, group uint8, ts int64) []byte {
	return binary.BigEndian.AppendUint64(t.groupPrefix(dst, group), sortableTime(ts))
}

func (t *TimeTable) entryKey(group uint8, ts int64, key []byte) []byte {
	t.key = append(t.bucketPrefix(t.key[:0], group, ts), key...)
	return t.key
}

// Put sets (group, ts, key) to val. Both slices may be reused once Put
// returns.
func (t *TimeTable) Put(group uint8, ts int64, key, val []byte) error {
	return t.set(t.entryKey(group, ts, key), val)
}

// Delete removes (group, ts, key); a no-op if absent.
func (t *TimeTable) Delete(group uint8, ts int64, key []byte) error {
	return t.del(t.entryKey(group, ts, key))
}

// View runs fn with a Reader over a consistent view of the table (after
// writing what is pending). The Reader must not be used after fn returns.
func (t *TimeTable) View(fn func(r *TimeReader) error) error {
	if err := t.Flush(); err != nil {
		return err
	}
	return t.db.db.View(func(txn *badger.Txn) error {
		return fn(&TimeReader{t: t, txn: txn})
	})
}

// TimeReader reads a TimeTable inside View.
type TimeReader struct {
	t   *TimeTable
	txn *badger.Txn
	key []byte
}

// Get appends the value of (group, ts, key) to dst and reports whether
// it is present.
func (r *TimeReader) Get(group uint8, ts int64, key, dst []byte) ([]byte, bool, error) {
	r.key = append(r.t.bucketPrefix(r.key[:0], group, ts), key...)
	return r.t.get(r.txn, r.key, dst)
}

// Scan calls fn for every entry of (group, ts), in key-byte order, until
// fn returns an error, which Scan returns. key and val are valid only
// during fn. Pending writes are written first.
func (t *TimeTable) Scan(group uint8, ts int64, fn func(key, val []byte) error) error {
	return t.scan(t.bucketPrefix(nil, group, ts), fn)
}

// ScanGroup calls fn for every entry of a key group, ordered by time and
// then key bytes, until fn returns an error, which ScanGroup returns. key
// and val are valid only during fn.
func (t *TimeTable) ScanGroup(group uint8, fn func(ts int64, key, val []byte) error) error {
	return t.scan(t.groupPrefix(nil, group), func(rest, val []byte) error {
		if len(rest) < 8 {
			return fmt.Errorf("state table %s: malformed key in group %d", t.name, group)
		}
		ts := int64(binary.BigEndian.Uint64(rest) ^ (1 << 63))
		return fn(ts, rest[8:], val)
	})
}

// Evict deletes every entry of (group, ts) and returns how many there
// were. The deletions are pending until the next Flush or read.
func (t *TimeTable) Evict(group uint8, ts int64) (int, error) {
	return t.deletePrefix(t.bucketPrefix(nil, group, ts))
}

// ScanBefore calls fn for every entry of a key group whose time is
// before before, ordered by time and then key bytes, until fn returns an
// error, which ScanBefore returns. key and val are valid only during fn.
// It returns the time of the group's first entry at or after before
// (math.MaxInt64 when there is none), so a caller can tell when the next
// scan has anything to find.
func (t *TimeTable) ScanBefore(group uint8, before int64, fn func(ts int64, key, val []byte) error) (int64, error) {
	next := int64(math.MaxInt64)
	err := t.ScanGroup(group, func(ts int64, key, val []byte) error {
		if ts >= before {
			next = ts
			return errStop
		}
		return fn(ts, key, val)
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return next, err
}
