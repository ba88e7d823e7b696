package checkpoint

import (
	"fmt"
	"hash/crc32"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Writer writes one epoch. Use it from one goroutine: Put any number of
// parts, then Commit or Abort.
type Writer struct {
	s         *Store
	epoch     uint64
	chunkSize uint32
	wb        *badger.WriteBatch
	parts     []PartInfo
	seen      map[string]struct{}
	bytes     uint64
	err       error
	done      bool
}

// Begin starts writing epoch. Data left under the same epoch by an
// attempt that crashed before its manifest is removed first. Errors are
// kept and returned by Put and Commit.
func (s *Store) Begin(epoch uint64) *Writer {
	w := &Writer{s: s, epoch: epoch, chunkSize: uint32(s.opts.ChunkSize), seen: map[string]struct{}{}}
	if s.closed.Load() {
		w.err = ErrClosed
		return w
	}
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(manifestKey(epoch))
		return err
	})
	switch {
	case err == nil:
		w.err = fmt.Errorf("%w: epoch %d", ErrEpochExists, epoch)
		return w
	case err != badger.ErrKeyNotFound:
		w.err = fmt.Errorf("checkpoint: begin epoch %d: %w", epoch, err)
		return w
	}
	leftover, err := s.hasData(epoch)
	if err == nil && leftover {
		err = s.dropEpochs(dataPrefix, []uint64{epoch})
	}
	if err != nil {
		w.err = fmt.Errorf("checkpoint: begin epoch %d: clear unfinished data: %w", epoch, err)
		return w
	}
	w.wb = s.db.NewWriteBatch()
	return w
}

// Epoch is the epoch being written.
func (w *Writer) Epoch() uint64 { return w.epoch }

// Put adds one part. data is not copied: it must not be modified until
// Commit or Abort returns. Each part name may be used once per epoch.
func (w *Writer) Put(part string, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return fmt.Errorf("checkpoint: epoch %d: Put after Commit or Abort", w.epoch)
	}
	if err := checkPartName(part); err != nil {
		return err
	}
	if _, dup := w.seen[part]; dup {
		w.err = fmt.Errorf("checkpoint: epoch %d: part %q put twice", w.epoch, part)
		return w.err
	}
	w.seen[part] = struct{}{}
	n := chunkCount(uint64(len(data)), w.chunkSize)
	for c := uint32(0); c < n; c++ {
		lo := uint64(c) * uint64(w.chunkSize)
		hi := min(lo+uint64(w.chunkSize), uint64(len(data)))
		if err := w.wb.Set(chunkKey(w.epoch, part, c), data[lo:hi]); err != nil {
			w.err = fmt.Errorf("checkpoint: epoch %d: write part %q: %w", w.epoch, part, err)
			return w.err
		}
	}
	w.parts = append(w.parts, PartInfo{Name: part, Length: uint64(len(data)), CRC32C: crc32.Checksum(data, castagnoli)})
	w.bytes += uint64(len(data))
	return nil
}

// Bytes is the total size of the parts put so far.
func (w *Writer) Bytes() uint64 { return w.bytes }

// Commit makes the epoch durable: it flushes every part, syncs, writes
// the manifest in one transaction and syncs again. Only when Commit
// returns nil does the epoch count as complete.
func (w *Writer) Commit() error {
	if w.done {
		return fmt.Errorf("checkpoint: epoch %d: Commit after Commit or Abort", w.epoch)
	}
	w.done = true
	if w.err != nil {
		if w.wb != nil {
			w.wb.Cancel()
		}
		return w.err
	}
	if w.s.closed.Load() {
		w.wb.Cancel()
		return ErrClosed
	}
	if err := w.wb.Flush(); err != nil {
		return fmt.Errorf("checkpoint: epoch %d: write parts: %w", w.epoch, err)
	}
	if w.s.opts.BeforeSync != nil {
		w.s.opts.BeforeSync()
	}
	if err := w.s.db.Sync(); err != nil {
		return fmt.Errorf("checkpoint: epoch %d: sync parts: %w", w.epoch, err)
	}
	m := manifest{epoch: w.epoch, time: time.Now(), chunkSize: w.chunkSize, parts: w.parts}
	err := w.s.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(manifestKey(w.epoch)); err == nil {
			return fmt.Errorf("%w: epoch %d", ErrEpochExists, w.epoch)
		} else if err != badger.ErrKeyNotFound {
			return err
		}
		return txn.Set(manifestKey(w.epoch), m.encode())
	})
	if err != nil {
		return fmt.Errorf("checkpoint: epoch %d: write manifest: %w", w.epoch, err)
	}
	if err := w.s.db.Sync(); err != nil {
		return fmt.Errorf("checkpoint: epoch %d: sync manifest: %w", w.epoch, err)
	}
	return nil
}

// Abort discards the epoch: nothing written so far becomes visible as a
// checkpoint, and the parts already flushed are deleted.
func (w *Writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.wb == nil {
		return nil
	}
	w.wb.Cancel()
	if w.s.closed.Load() {
		return nil
	}
	if err := w.s.dropEpochs(dataPrefix, []uint64{w.epoch}); err != nil {
		return fmt.Errorf("checkpoint: abort epoch %d: %w", w.epoch, err)
	}
	return nil
}
