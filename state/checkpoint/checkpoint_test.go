package checkpoint

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/weir-stream/weir/state/badgeropt"
)

func openMem(t *testing.T) *Store {
	t.Helper()
	s, err := Open("", Options{Profile: badgeropt.Profile{InMemory: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// blob is deterministic pseudo-random data of length n.
func blob(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// epochParts is a typical checkpoint: multi-chunk state, small positions,
// an empty part.
func epochParts(epoch uint64) map[string][]byte {
	return map[string][]byte{
		"op/3/window/kg/17": blob(epoch*10+1, 3*defaultChunkSize+123),
		"op/3/window/kg/18": blob(epoch*10+2, 1000),
		"source/1/0":        []byte(fmt.Sprintf("offset=%d", epoch*100)),
		"sink/2/0":          {},
	}
}

func writeEpoch(t *testing.T, s *Store, epoch uint64, parts map[string][]byte) {
	t.Helper()
	w := s.Begin(epoch)
	for name, data := range parts {
		if err := w.Put(name, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func checkParts(t *testing.T, cp *Checkpoint, want map[string][]byte) {
	t.Helper()
	if got := len(cp.Parts()); got != len(want) {
		t.Fatalf("epoch %d: %d parts, want %d", cp.Epoch, got, len(want))
	}
	for name, data := range want {
		got, err := cp.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("epoch %d part %q: got %d bytes, want %d (content differs)", cp.Epoch, name, len(got), len(data))
		}
	}
}

func TestRoundTrip(t *testing.T) {
	s := openMem(t)
	if _, err := s.Latest(); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("empty store: got %v, want ErrNoCheckpoint", err)
	}
	parts := epochParts(1)
	writeEpoch(t, s, 1, parts)
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Epoch != 1 || len(cp.Skipped) != 0 || cp.Time.IsZero() {
		t.Fatalf("got epoch %d skipped %v time %v", cp.Epoch, cp.Skipped, cp.Time)
	}
	checkParts(t, cp, parts)
	if _, err := cp.Get("nope"); err == nil {
		t.Fatal("Get of an unknown part succeeded")
	}
	var total uint64
	for _, d := range parts {
		total += uint64(len(d))
	}
	if cp.Bytes() != total {
		t.Fatalf("Bytes %d, want %d", cp.Bytes(), total)
	}
}

func TestWriterErrors(t *testing.T) {
	s := openMem(t)
	w := s.Begin(1)
	for _, bad := range []string{"", "a\x00b", strings.Repeat("x", maxPartName+1)} {
		if err := w.Put(bad, []byte("x")); err == nil {
			t.Fatalf("Put(%q) succeeded", bad)
		}
	}
	if err := w.Put("a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := w.Put("a", []byte("2")); err == nil || !strings.Contains(err.Error(), "put twice") {
		t.Fatalf("duplicate part: %v", err)
	}
	if err := w.Commit(); err == nil {
		t.Fatal("Commit after a failed Put succeeded")
	}
	writeEpoch(t, s, 2, map[string][]byte{"a": []byte("x")})
	w = s.Begin(2)
	if err := w.Commit(); !errors.Is(err, ErrEpochExists) {
		t.Fatalf("rewriting epoch 2: %v, want ErrEpochExists", err)
	}
	next, err := s.NextEpoch()
	if err != nil || next != 3 {
		t.Fatalf("NextEpoch = %d, %v; want 3", next, err)
	}
}

func TestAbort(t *testing.T) {
	s := openMem(t)
	writeEpoch(t, s, 1, epochParts(1))
	w := s.Begin(2)
	if err := w.Put("op/1", blob(9, 2*defaultChunkSize)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	infos, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Epoch != 1 || infos[0].Status != StatusComplete {
		t.Fatalf("after abort: %+v", infos)
	}
}

func TestRetain(t *testing.T) {
	s := openMem(t)
	for e := uint64(1); e <= 5; e++ {
		writeEpoch(t, s, e, epochParts(e))
	}
	if err := s.Retain(0); err == nil {
		t.Fatal("Retain(0) succeeded")
	}
	if err := s.Retain(2); err != nil {
		t.Fatal(err)
	}
	infos, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].Epoch != 4 || infos[1].Epoch != 5 {
		t.Fatalf("after Retain(2): %+v", infos)
	}
	for _, in := range infos {
		if in.Status != StatusComplete || in.Parts != 4 || in.Bytes == 0 {
			t.Fatalf("info %+v", in)
		}
	}
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	checkParts(t, cp, epochParts(5))
	// Retain more than exist: nothing is deleted.
	if err := s.Retain(10); err != nil {
		t.Fatal(err)
	}
	if infos, _ := s.List(); len(infos) != 2 {
		t.Fatalf("Retain(10) deleted: %+v", infos)
	}
}

// A crash after the blobs but before the manifest leaves data without a
// manifest: Latest skips it, and Begin on that epoch clears it.
func TestLatestSkipsUncommitted(t *testing.T) {
	s := openMem(t)
	writeEpoch(t, s, 1, epochParts(1))
	w := s.Begin(2)
	for name, data := range epochParts(2) {
		if err := w.Put(name, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.wb.Flush(); err != nil { // the blobs land; the "crash" skips the manifest
		t.Fatal(err)
	}
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Epoch != 1 || len(cp.Skipped) != 1 || cp.Skipped[0].Epoch != 2 || cp.Skipped[0].Status != StatusIncomplete {
		t.Fatalf("got epoch %d skipped %+v", cp.Epoch, cp.Skipped)
	}
	checkParts(t, cp, epochParts(1))

	// Retrying epoch 2 with fewer parts must not pick up the leftovers.
	writeEpoch(t, s, 2, map[string][]byte{"source/1/0": []byte("retry")})
	cp, err = s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Epoch != 2 || len(cp.Skipped) != 0 {
		t.Fatalf("after retry: epoch %d skipped %+v", cp.Epoch, cp.Skipped)
	}
	checkParts(t, cp, map[string][]byte{"source/1/0": []byte("retry")})
}

func TestLatestFallsBackOnCorruption(t *testing.T) {
	cases := []struct {
		name   string
		damage func(txn *badger.Txn) error
		reason string
	}{
		{"flipped byte", func(txn *badger.Txn) error {
			bad := blob(21, defaultChunkSize)
			bad[100] ^= 0xff
			return txn.Set(chunkKey(2, "op/3/window/kg/17", 0), bad)
		}, "checksum mismatch"},
		{"truncated chunk", func(txn *badger.Txn) error {
			return txn.Set(chunkKey(2, "op/3/window/kg/17", 3), []byte("short"))
		}, "has 5 bytes"},
		{"missing part", func(txn *badger.Txn) error {
			return txn.Delete(chunkKey(2, "source/1/0", 0))
		}, "missing"},
		{"missing empty part", func(txn *badger.Txn) error {
			return txn.Delete(chunkKey(2, "sink/2/0", 0))
		}, "missing"},
		{"bad manifest", func(txn *badger.Txn) error {
			return txn.Set(manifestKey(2), []byte("WCKP garbage"))
		}, "manifest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openMem(t)
			writeEpoch(t, s, 1, epochParts(1))
			writeEpoch(t, s, 2, epochParts(2))
			if err := s.db.Update(tc.damage); err != nil {
				t.Fatal(err)
			}
			cp, err := s.Latest()
			if err != nil {
				t.Fatal(err)
			}
			if cp.Epoch != 1 || len(cp.Skipped) != 1 {
				t.Fatalf("got epoch %d skipped %+v", cp.Epoch, cp.Skipped)
			}
			sk := cp.Skipped[0]
			if sk.Epoch != 2 || sk.Status != StatusCorrupt || !strings.Contains(sk.Reason, tc.reason) {
				t.Fatalf("skipped %+v, want reason containing %q", sk, tc.reason)
			}
			checkParts(t, cp, epochParts(1))
			infos, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			if len(infos) != 2 || infos[1].Status != StatusCorrupt || infos[0].Status != StatusComplete {
				t.Fatalf("List: %+v", infos)
			}
			// Retain(1) keeps epoch 1 (the newest complete) and the newer corrupt one.
			if err := s.Retain(1); err != nil {
				t.Fatal(err)
			}
			if infos, _ := s.List(); len(infos) != 2 {
				t.Fatalf("Retain(1) removed: %+v", infos)
			}
		})
	}
}

func TestNoCheckpointWhenAllCorrupt(t *testing.T) {
	s := openMem(t)
	writeEpoch(t, s, 1, epochParts(1))
	if err := s.db.Update(func(txn *badger.Txn) error {
		return txn.Delete(chunkKey(1, "source/1/0", 0))
	}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Latest()
	var nc *NoCheckpointError
	if !errors.Is(err, ErrNoCheckpoint) || !errors.As(err, &nc) || len(nc.Skipped) != 1 {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `part "source/1/0"`) {
		t.Fatalf("error does not name the part: %v", err)
	}
}

func TestReopenFromDisk(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for e := uint64(7); e <= 9; e++ {
		writeEpoch(t, s, e, epochParts(e))
	}
	if err := s.Retain(2); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Latest(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Latest after Close: %v", err)
	}
	s, err = Open(dir, Options{ChunkSize: 64 << 10}) // a different chunk size must still read old epochs
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Epoch != 9 {
		t.Fatalf("epoch %d, want 9", cp.Epoch)
	}
	checkParts(t, cp, epochParts(9))
	infos, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].Epoch != 8 {
		t.Fatalf("List after reopen: %+v", infos)
	}
	writeEpoch(t, s, 10, epochParts(10))
	cp, err = s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	checkParts(t, cp, epochParts(10))
}

func TestOptionsValidate(t *testing.T) {
	if _, err := Open("", Options{}); err == nil {
		t.Fatal("Open with no directory succeeded")
	}
	if _, err := Open("", Options{Profile: badgeropt.Profile{InMemory: true}, ChunkSize: 4 << 20}); err == nil {
		t.Fatal("chunk larger than a write batch accepted")
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := &manifest{epoch: 42, chunkSize: 1024, parts: []PartInfo{{"a", 5, 1}, {"b/c", 0, 2}}}
	raw := m.encode()
	got, err := decodeManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.epoch != 42 || got.chunkSize != 1024 || len(got.parts) != 2 || got.parts[1] != m.parts[1] {
		t.Fatalf("decoded %+v", got)
	}
	for i := range raw {
		if _, err := decodeManifest(raw[:i]); err == nil {
			t.Fatalf("truncated manifest of %d/%d bytes accepted", i, len(raw))
		}
	}
}

// Retain must give disk space back: without value-log GC of dropped
// epochs the value log would grow with every checkpoint.
func TestRetainReclaimsDisk(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Profile: badgeropt.Profile{ValueLogFileSize: 2 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const epochs, perEpoch = 30, 2 << 20 // 60 MiB written in all
	for e := uint64(0); e < epochs; e++ {
		writeEpoch(t, s, e, map[string][]byte{"op/1/kg/0": blob(e, perEpoch/2), "op/1/kg/1": blob(e+1000, perEpoch/2)})
		if err := s.Retain(2); err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	vlogs := 0
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".vlog") {
			vlogs++
		}
	}
	// Two live epochs need ~2-3 files of 2 MiB; without GC there would be ~30.
	if vlogs > 8 {
		t.Fatalf("%d value-log files after Retain(2) over %d epochs: space not reclaimed", vlogs, epochs)
	}
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Epoch != epochs-1 {
		t.Fatalf("epoch %d", cp.Epoch)
	}
	checkParts(t, cp, map[string][]byte{"op/1/kg/0": blob(epochs-1, perEpoch/2), "op/1/kg/1": blob(epochs-1+1000, perEpoch/2)})
	t.Logf("%d value-log files after %d epochs", vlogs, epochs)
}

// TestOpenAfterCrashMidMemtableCreate: a process killed after Badger
// created a memtable log but before it sized it leaves an empty *.mem
// file, which Badger alone refuses to open; Open removes it and the
// checkpoints are all there.
func TestOpenAfterCrashMidMemtableCreate(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeEpoch(t, s, 3, epochParts(3))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "00099.mem"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("open after the crash: %v", err)
	}
	defer s.Close()
	cp, err := s.Latest()
	if err != nil {
		t.Fatal(err)
	}
	checkParts(t, cp, epochParts(3))
}

// TestClearKeepsNumbering: Clear deletes every epoch, and numbering goes
// on past them, also after a reopen.
func TestClearKeepsNumbering(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for e := uint64(0); e < 3; e++ {
		writeEpoch(t, s, e, epochParts(e))
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Latest(); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("Latest after Clear: %v", err)
	}
	if infos, err := s.List(); err != nil || len(infos) != 0 {
		t.Fatalf("List after Clear: %v %v", infos, err)
	}
	if n, err := s.NextEpoch(); err != nil || n != 3 {
		t.Fatalf("NextEpoch after Clear = %d, %v; want 3", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.NextEpoch(); err != nil || n != 3 {
		t.Fatalf("NextEpoch after reopen = %d, %v; want 3", n, err)
	}
	writeEpoch(t, s, 3, epochParts(3))
	if n, _ := s.NextEpoch(); n != 4 {
		t.Fatalf("NextEpoch = %d, want 4", n)
	}
}

// TestOpenRefusesForeignDirectory: a store is not sprayed into a
// directory that holds other files; Exists tells a store apart.
func TestOpenRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "holds other files") {
		t.Fatalf("Open on a foreign directory: %v", err)
	}
	if ok, err := Exists(dir); ok || err != nil {
		t.Fatalf("Exists on a foreign directory = %v, %v", ok, err)
	}
	if _, err := Exists(filepath.Join(dir, "notes.txt")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Exists on a file: %v", err)
	}
	store := filepath.Join(t.TempDir(), "new")
	s, err := Open(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if ok, err := Exists(store); !ok || err != nil {
		t.Fatalf("Exists on a store = %v, %v", ok, err)
	}
	if s, err = Open(store, Options{}); err != nil {
		t.Fatalf("reopening a store: %v", err)
	}
	s.Close()
}
