package checkpoint

import (
	"errors"
	"fmt"
	"hash/crc32"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Status is an epoch's state on disk.
type Status int

const (
	// StatusComplete: the manifest is present and every part verifies.
	StatusComplete Status = iota
	// StatusCorrupt: the manifest is unreadable, or a part is missing,
	// truncated or fails its checksum.
	StatusCorrupt
	// StatusIncomplete: data without a manifest (a crash or an Abort
	// before Commit finished, or a Writer still running).
	StatusIncomplete
)

// String names the status.
func (s Status) String() string {
	switch s {
	case StatusComplete:
		return "complete"
	case StatusCorrupt:
		return "corrupt"
	case StatusIncomplete:
		return "incomplete"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Skipped is an epoch newer than the one Latest returned, and why it was
// not used.
type Skipped struct {
	// Epoch is the skipped epoch.
	Epoch uint64
	// Status is StatusCorrupt or StatusIncomplete.
	Status Status
	// Reason says what failed, naming the part.
	Reason string
}

// NoCheckpointError is returned by Latest when epochs exist but none is
// complete; it wraps ErrNoCheckpoint.
type NoCheckpointError struct {
	// Skipped lists every epoch found, newest first, and why it failed.
	Skipped []Skipped
}

// Error lists the skipped epochs.
func (e *NoCheckpointError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoCheckpoint.Error())
	for _, s := range e.Skipped {
		fmt.Fprintf(&b, "; epoch %d %s: %s", s.Epoch, s.Status, s.Reason)
	}
	return b.String()
}

// Unwrap returns ErrNoCheckpoint.
func (e *NoCheckpointError) Unwrap() error { return ErrNoCheckpoint }

// Checkpoint is a complete, verified epoch.
type Checkpoint struct {
	// Epoch is the checkpoint's epoch.
	Epoch uint64
	// Time is when it was committed.
	Time time.Time
	// Skipped lists newer epochs Latest passed over, newest first.
	Skipped []Skipped

	s     *Store
	m     *manifest
	index map[string]int
}

// Parts lists the checkpoint's parts in the order they were put.
func (c *Checkpoint) Parts() []PartInfo {
	return append([]PartInfo(nil), c.m.parts...)
}

// Bytes is the total size of the checkpoint's parts.
func (c *Checkpoint) Bytes() uint64 {
	var n uint64
	for _, p := range c.m.parts {
		n += p.Length
	}
	return n
}

// Has reports whether the checkpoint has a part of that name.
func (c *Checkpoint) Has(part string) bool {
	_, ok := c.index[part]
	return ok
}

// Get reads a part and verifies it again against the manifest.
func (c *Checkpoint) Get(part string) ([]byte, error) {
	i, ok := c.index[part]
	if !ok {
		return nil, fmt.Errorf("checkpoint: epoch %d has no part %q", c.Epoch, part)
	}
	if c.s.closed.Load() {
		return nil, ErrClosed
	}
	p := c.m.parts[i]
	buf := make([]byte, 0, p.Length)
	err := c.s.db.View(func(txn *badger.Txn) error {
		var err error
		buf, err = readPart(txn, c.m, p, buf)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint: epoch %d: %w", c.Epoch, err)
	}
	return buf, nil
}

// readPart reads and verifies part p, appending its bytes to buf when buf
// is non-nil (otherwise it only checks them).
func readPart(txn *badger.Txn, m *manifest, p PartInfo, buf []byte) ([]byte, error) {
	n := chunkCount(p.Length, m.chunkSize)
	var crc uint32
	var got uint64
	for c := uint32(0); c < n; c++ {
		item, err := txn.Get(chunkKey(m.epoch, p.Name, c))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, fmt.Errorf("part %q: chunk %d of %d missing", p.Name, c, n)
		}
		if err != nil {
			return nil, fmt.Errorf("part %q: chunk %d: %w", p.Name, c, err)
		}
		want := min(uint64(m.chunkSize), p.Length-got)
		err = item.Value(func(v []byte) error {
			if uint64(len(v)) != want {
				return fmt.Errorf("part %q: chunk %d has %d bytes, manifest implies %d", p.Name, c, len(v), want)
			}
			crc = crc32.Update(crc, castagnoli, v)
			if buf != nil {
				buf = append(buf, v...)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		got += want
	}
	if crc != p.CRC32C {
		return nil, fmt.Errorf("part %q: checksum mismatch (%08x, manifest %08x)", p.Name, crc, p.CRC32C)
	}
	return buf, nil
}

// verify loads and checks an epoch's manifest and every part.
func verify(txn *badger.Txn, epoch uint64) (*manifest, error) {
	item, err := txn.Get(manifestKey(epoch))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	raw, err := item.ValueCopy(nil)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m, err := decodeManifest(raw)
	if err != nil {
		return nil, err
	}
	if m.epoch != epoch {
		return m, fmt.Errorf("manifest stored under epoch %d says epoch %d", epoch, m.epoch)
	}
	for _, p := range m.parts {
		if _, err := readPart(txn, m, p, nil); err != nil {
			return m, err
		}
	}
	return m, nil
}

// epochs returns every epoch with a manifest and every epoch with data,
// each ascending.
func epochs(txn *badger.Txn) (withManifest, withData []uint64) {
	for _, prefix := range []byte{manifestPrefix, dataPrefix} {
		var out []uint64
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefix}})
		for it.Rewind(); it.Valid(); {
			e, ok := keyEpoch(it.Item().Key())
			if !ok {
				it.Next()
				continue
			}
			out = append(out, e)
			if e == ^uint64(0) {
				break
			}
			it.Seek(epochPrefix(prefix, e+1))
		}
		it.Close()
		if prefix == manifestPrefix {
			withManifest = out
		} else {
			withData = out
		}
	}
	return withManifest, withData
}

// Latest returns the newest complete epoch whose parts all verify,
// listing in Checkpoint.Skipped any newer epoch that was corrupt or
// incomplete. With no usable epoch it returns ErrNoCheckpoint, as a
// *NoCheckpointError when epochs were skipped.
func (s *Store) Latest() (*Checkpoint, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	var cp *Checkpoint
	var skipped []Skipped
	err := s.db.View(func(txn *badger.Txn) error {
		manifests, data := epochs(txn)
		has := make(map[uint64]bool, len(manifests))
		for _, e := range manifests {
			has[e] = true
		}
		all := mergeEpochs(manifests, data)
		for i := len(all) - 1; i >= 0; i-- {
			e := all[i]
			if !has[e] {
				skipped = append(skipped, Skipped{Epoch: e, Status: StatusIncomplete, Reason: "data without a manifest (not committed)"})
				continue
			}
			m, err := verify(txn, e)
			if err != nil {
				skipped = append(skipped, Skipped{Epoch: e, Status: StatusCorrupt, Reason: err.Error()})
				continue
			}
			cp = newCheckpoint(s, m)
			return nil
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint: latest: %w", err)
	}
	if cp == nil {
		if len(skipped) == 0 {
			return nil, ErrNoCheckpoint
		}
		return nil, &NoCheckpointError{Skipped: skipped}
	}
	cp.Skipped = skipped
	return cp, nil
}

func newCheckpoint(s *Store, m *manifest) *Checkpoint {
	idx := make(map[string]int, len(m.parts))
	for i, p := range m.parts {
		idx[p.Name] = i
	}
	return &Checkpoint{Epoch: m.epoch, Time: m.time, s: s, m: m, index: idx}
}

// mergeEpochs returns the sorted union of two ascending lists.
func mergeEpochs(a, b []uint64) []uint64 {
	set := make(map[uint64]struct{}, len(a)+len(b))
	for _, e := range a {
		set[e] = struct{}{}
	}
	for _, e := range b {
		set[e] = struct{}{}
	}
	out := make([]uint64, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
