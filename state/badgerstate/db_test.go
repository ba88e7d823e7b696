package badgerstate

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weir-stream/weir/state/badgeropt"
)

// openMem opens an in-memory database closed at the end of the test.
func openMem(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open("", badgeropt.Profile{InMemory: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestOpenOnDiskCloseRemovesDir(t *testing.T) {
	parent := t.TempDir()
	db, err := Open(parent, badgeropt.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	dir := db.Dir()
	if dir == "" || filepath.Dir(dir) != parent || !strings.HasPrefix(filepath.Base(dir), "weir-state-") {
		t.Fatalf("Dir = %q, want a weir-state-* directory in %s", dir, parent)
	}
	tab, err := db.TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if err := tab.Put(uint8(i), int64(i), []byte("k"), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) == 0 {
		t.Fatalf("database dir holds %d files, err %v", len(entries), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("Close left %s behind (stat err %v)", dir, err)
	}
	if _, err := os.Stat(parent); err != nil {
		t.Fatalf("Close removed the parent: %v", err)
	}
}

func TestOpenInMemoryHasNoDir(t *testing.T) {
	if d := openMem(t).Dir(); d != "" {
		t.Fatalf("in-memory Dir = %q", d)
	}
}

func TestDuplicateTableName(t *testing.T) {
	db := openMem(t)
	if _, err := db.TimeTable("ops/1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KeyTable("ops/1"); err == nil || !strings.Contains(err.Error(), `"ops/1" already exists`) {
		t.Fatalf("KeyTable with a taken name: err = %v", err)
	}
	if _, err := db.TimeTable("ops/1"); err == nil {
		t.Fatal("TimeTable with a taken name accepted")
	}
	if _, err := NewKeyed[int64, string](db, "ops/1", int64Codec{}, stringCodec{}); err == nil {
		t.Fatal("NewKeyed with a taken name accepted")
	}
	if _, err := NewTimeKeyed[int64, int64](db, "ops/1", int64Codec{}, int64Codec{}); err == nil {
		t.Fatal("NewTimeKeyed with a taken name accepted")
	}
	if _, err := db.KeyTable("ops/2"); err != nil {
		t.Fatalf("a fresh name refused: %v", err)
	}
}

// TestKeyLayout checks the documented key layout: table id (4 bytes, big
// endian) and key group, then for a TimeTable the sign-flipped big-endian
// time, then the key bytes.
func TestKeyLayout(t *testing.T) {
	db := openMem(t)
	tt, err := db.TimeTable("time")
	if err != nil {
		t.Fatal(err)
	}
	kt, err := db.KeyTable("key")
	if err != nil {
		t.Fatal(err)
	}
	k := tt.entryKey(130, -2, []byte("xy"))
	if len(k) != prefixLen+8+2 {
		t.Fatalf("time key %x has length %d", k, len(k))
	}
	if binary.BigEndian.Uint32(k) != tt.id || k[4] != 2 {
		t.Fatalf("time key prefix %x, table id %d", k[:prefixLen], tt.id)
	}
	if got := binary.BigEndian.Uint64(k[prefixLen:]); got != 1<<63-2 {
		t.Fatalf("time -2 encoded as %#x", got)
	}
	if !bytes.Equal(k[prefixLen+8:], []byte("xy")) {
		t.Fatalf("time key suffix %q", k[prefixLen+8:])
	}
	k = kt.entryKey(5, []byte("xy"))
	if len(k) != prefixLen+2 || binary.BigEndian.Uint32(k) != kt.id || k[4] != 5 || string(k[prefixLen:]) != "xy" {
		t.Fatalf("keyed key %x", k)
	}
	if tt.id == kt.id {
		t.Fatal("two tables share an id")
	}
}
