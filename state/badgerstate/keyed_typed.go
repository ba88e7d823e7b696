package badgerstate

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/weir-stream/weir/state"
)

// Keyed is a Badger-resident state.Keyed table: a KeyTable whose keys and
// values are encoded with a state.Codec each.
//
// Writes are batched. The writes since the last flush are also kept,
// encoded, in memory, so reads of them need no flush and reads of other
// keys go straight to Badger; the table flushes itself when that overlay
// grows past a bound.
//
// state.Keyed has no error returns, so the first error (from Badger, a
// codec, or an entry too large for the Badger profile) sticks: Err
// returns it, and from then on every call is a no-op returning zero
// values (Len returns 0, Get reports absent, Range calls nothing).
//
// Values are decoded from reused buffers: a codec's Decode must copy what
// it keeps of its input. A Keyed is not safe for concurrent use.
type Keyed[K comparable, V any] struct {
	tab *KeyTable
	kc  state.Codec[K]
	vc  state.Codec[V]
	n   int
	err error

	// pending holds the writes since the last flush by group byte +
	// encoded key: the encoded value, or deleted.
	pending      map[string]pendingWrite
	pendingBytes int

	kbuf, vbuf, pkey []byte
}

// pendingWrite is a write not yet flushed to Badger.
type pendingWrite struct {
	val     []byte
	deleted bool
}

// The bounds on a Keyed's overlay of unflushed writes: past either, Put
// and Delete flush.
const (
	maxPendingWrites = 1 << 16
	maxPendingBytes  = 16 << 20
)

var _ state.Keyed[int64, string] = (*Keyed[int64, string])(nil)

// NewKeyed returns a new, empty keyed table named name (unique in db),
// encoding keys with kc and values with vc.
func NewKeyed[K comparable, V any](db *DB, name string, kc state.Codec[K], vc state.Codec[V]) (*Keyed[K, V], error) {
	tab, err := db.KeyTable(name)
	if err != nil {
		return nil, err
	}
	return &Keyed[K, V]{tab: tab, kc: kc, vc: vc, pending: make(map[string]pendingWrite)}, nil
}

// Err returns the table's first error, or nil.
func (k *Keyed[K, V]) Err() error { return k.err }

func (k *Keyed[K, V]) fail(err error) {
	if k.err == nil {
		k.err = err
	}
}

// encodeKey encodes key into k.kbuf and sets k.pkey to the overlay key
// of (group, key).
func (k *Keyed[K, V]) encodeKey(group uint8, key K) {
	k.kbuf = k.kc.Append(k.kbuf[:0], key)
	k.pkey = append(append(k.pkey[:0], group%state.KeyGroups), k.kbuf...)
}

// read looks up the key encoded in k.kbuf: in the overlay, then in
// Badger. With wantVal, the value is appended to k.vbuf[:0] and returned.
func (k *Keyed[K, V]) read(group uint8, wantVal bool) ([]byte, bool, error) {
	if p, ok := k.pending[string(k.pkey)]; ok {
		return p.val, !p.deleted, nil
	}
	// Every write to this key is flushed: Badger answers.
	full := k.tab.entryKey(group, k.kbuf)
	var (
		val   []byte
		found bool
	)
	err := k.tab.db.db.View(func(txn *badger.Txn) error {
		if wantVal {
			var err error
			k.vbuf, found, err = k.tab.get(txn, full, k.vbuf[:0])
			val = k.vbuf
			return err
		}
		_, err := txn.Get(full)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("state table %s: %w", k.tab.name, err)
		}
		found = true
		return nil
	})
	return val, found, err
}

// Get implements state.Keyed.
func (k *Keyed[K, V]) Get(group uint8, key K) (V, bool) {
	var zero V
	if k.err != nil {
		return zero, false
	}
	k.encodeKey(group, key)
	val, ok, err := k.read(group, true)
	if err != nil {
		k.fail(err)
		return zero, false
	}
	if !ok {
		return zero, false
	}
	v, err := decodeAll(k.vc, val)
	if err != nil {
		k.fail(fmt.Errorf("state table %s: value in key group %d: %w", k.tab.name, group%state.KeyGroups, err))
		return zero, false
	}
	return v, true
}

// Put implements state.Keyed.
func (k *Keyed[K, V]) Put(group uint8, key K, v V) {
	if k.err != nil {
		return
	}
	k.encodeKey(group, key)
	_, existed, err := k.read(group, false)
	if err != nil {
		k.fail(err)
		return
	}
	k.vbuf = k.vc.Append(k.vbuf[:0], v)
	if err := k.tab.Put(group, k.kbuf, k.vbuf); err != nil {
		k.fail(err)
		return
	}
	k.remember(pendingWrite{val: append([]byte(nil), k.vbuf...)})
	if !existed {
		k.n++
	}
}

// Delete implements state.Keyed.
func (k *Keyed[K, V]) Delete(group uint8, key K) {
	if k.err != nil {
		return
	}
	k.encodeKey(group, key)
	_, existed, err := k.read(group, false)
	if err != nil {
		k.fail(err)
		return
	}
	if !existed {
		return
	}
	if err := k.tab.Delete(group, k.kbuf); err != nil {
		k.fail(err)
		return
	}
	k.remember(pendingWrite{deleted: true})
	k.n--
}

// remember records a queued write to the key in k.pkey in the overlay,
// flushing when the overlay is full.
func (k *Keyed[K, V]) remember(w pendingWrite) {
	if old, ok := k.pending[string(k.pkey)]; ok {
		k.pendingBytes -= len(k.pkey) + len(old.val)
	}
	k.pending[string(k.pkey)] = w
	k.pendingBytes += len(k.pkey) + len(w.val)
	if len(k.pending) >= maxPendingWrites || k.pendingBytes >= maxPendingBytes {
		_ = k.Flush() // an error sticks
	}
}

// Len implements state.Keyed.
func (k *Keyed[K, V]) Len() int {
	if k.err != nil {
		return 0
	}
	return k.n
}

// Range implements state.Keyed, in key-byte order. It flushes first.
func (k *Keyed[K, V]) Range(group uint8, fn func(key K, v V) bool) {
	if k.Flush() != nil {
		return
	}
	err := k.tab.ScanGroup(group, func(kb, vb []byte) error {
		key, err := decodeAll(k.kc, kb)
		if err != nil {
			return fmt.Errorf("state table %s: key in key group %d: %w", k.tab.name, group%state.KeyGroups, err)
		}
		v, err := decodeAll(k.vc, vb)
		if err != nil {
			return fmt.Errorf("state table %s: value in key group %d: %w", k.tab.name, group%state.KeyGroups, err)
		}
		if !fn(key, v) {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		k.fail(err)
	}
}

// Flush writes every pending write to Badger and returns the table's
// error, if any.
func (k *Keyed[K, V]) Flush() error {
	if k.err != nil {
		return k.err
	}
	if err := k.tab.Flush(); err != nil {
		k.fail(err)
		return err
	}
	clear(k.pending)
	k.pendingBytes = 0
	return nil
}
