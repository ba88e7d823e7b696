package checkpoint

import (
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Info describes one epoch in the store.
type Info struct {
	// Epoch is the epoch number.
	Epoch uint64
	// Time is the commit time (zero without a readable manifest).
	Time time.Time
	// Parts is the number of parts in the manifest.
	Parts int
	// Bytes is the total part size according to the manifest.
	Bytes uint64
	// Status is complete, corrupt or incomplete.
	Status Status
	// Problem explains a corrupt or incomplete status.
	Problem string
}

// List describes every epoch in the store, oldest first, verifying each
// manifest's parts (it reads all stored data).
func (s *Store) List() ([]Info, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	var out []Info
	err := s.db.View(func(txn *badger.Txn) error {
		manifests, data := epochs(txn)
		has := make(map[uint64]bool, len(manifests))
		for _, e := range manifests {
			has[e] = true
		}
		for _, e := range mergeEpochs(manifests, data) {
			info := Info{Epoch: e}
			if !has[e] {
				info.Status, info.Problem = StatusIncomplete, "data without a manifest (not committed)"
				out = append(out, info)
				continue
			}
			m, err := verify(txn, e)
			if m != nil {
				info.Time, info.Parts = m.time, len(m.parts)
				for _, p := range m.parts {
					info.Bytes += p.Length
				}
			}
			if err != nil {
				info.Status, info.Problem = StatusCorrupt, err.Error()
			}
			out = append(out, info)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint: list: %w", err)
	}
	return out, nil
}

// Retain keeps the newest n complete epochs and deletes every epoch older
// than the oldest of them (complete, corrupt or incomplete); newer corrupt
// or incomplete epochs are left alone (a Writer may be running). Each
// epoch is read back and verified the first time Retain meets it; later
// calls trust that result. With
// fewer than n complete epochs nothing is deleted. After deleting it runs
// Badger's value-log garbage collection.
func (s *Store) Retain(n int) error {
	if n < 1 {
		return fmt.Errorf("checkpoint: Retain(%d): must keep at least one epoch", n)
	}
	if s.closed.Load() {
		return ErrClosed
	}
	var cutoff uint64
	var manifests, data []uint64
	found := 0
	err := s.db.View(func(txn *badger.Txn) error {
		manifests, data = epochs(txn)
		for i := len(manifests) - 1; i >= 0 && found < n; i-- {
			if s.wasVerified(manifests[i]) {
				found++
				cutoff = manifests[i]
				continue
			}
			if _, err := verify(txn, manifests[i]); err == nil {
				s.setVerified(manifests[i], true)
				found++
				cutoff = manifests[i]
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("checkpoint: retain: %w", err)
	}
	if found < n {
		return nil
	}
	// Manifests first: a crash between the two leaves incomplete epochs,
	// never a manifest pointing at deleted data.
	if err := s.dropEpochs(manifestPrefix, below(manifests, cutoff)); err != nil {
		return fmt.Errorf("checkpoint: retain: drop manifests before epoch %d: %w", cutoff, err)
	}
	old := below(data, cutoff)
	if err := s.dropEpochs(dataPrefix, old); err != nil {
		return fmt.Errorf("checkpoint: retain: drop data before epoch %d: %w", cutoff, err)
	}
	if len(old) == 0 {
		return nil
	}
	if err := s.collectGarbage(); err != nil {
		return fmt.Errorf("checkpoint: retain: value-log gc: %w", err)
	}
	return nil
}

// below returns the leading epochs of an ascending list that are < cutoff.
func below(epochs []uint64, cutoff uint64) []uint64 {
	i := 0
	for i < len(epochs) && epochs[i] < cutoff {
		i++
	}
	return epochs[:i]
}
