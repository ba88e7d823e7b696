package checkpoint

import (
	"encoding/binary"
	"fmt"
	"os"
	"testing"
	"time"
)

const (
	benchKeys      = 1 << 20 // ~1M keys of window state
	benchKeyGroups = 256
	benchEntry     = 16 + 24 // key + partial aggregate
)

// benchState encodes benchKeys entries spread over benchKeyGroups parts,
// as an operator snapshot per key group would.
func benchState() map[string][]byte {
	parts := make(map[string][]byte, benchKeyGroups)
	per := benchKeys / benchKeyGroups
	for kg := range benchKeyGroups {
		b := make([]byte, 0, per*benchEntry)
		for i := range per {
			k := uint64(kg*per + i)
			b = binary.LittleEndian.AppendUint64(b, k)
			b = binary.LittleEndian.AppendUint64(b, k*2654435761)
			b = binary.LittleEndian.AppendUint64(b, k%977)
			b = binary.LittleEndian.AppendUint64(b, k*31)
			b = binary.LittleEndian.AppendUint64(b, uint64(time.Minute)*k)
		}
		parts[fmt.Sprintf("op/3/window/kg/%d", kg)] = b
	}
	parts["source/1/0"] = []byte("offset=123456")
	return parts
}

func stateBytes(parts map[string][]byte) int64 {
	var n int64
	for _, d := range parts {
		n += int64(len(d))
	}
	return n
}

// BenchmarkCommit writes and syncs a 1M-key checkpoint (40 MiB in 257
// parts) on disk, keeping the last two epochs as the engine would
// (Retain is timed apart, as retain-ms/op; disk-MiB is apparent size,
// value-log files are preallocated sparse).
func BenchmarkCommit(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	parts := benchState()
	b.SetBytes(stateBytes(parts))
	var retain time.Duration
	b.ResetTimer()
	for i := range b.N {
		w := s.Begin(uint64(i))
		for name, data := range parts {
			if err := w.Put(name, data); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		t0 := time.Now()
		if err := s.Retain(2); err != nil {
			b.Fatal(err)
		}
		retain += time.Since(t0)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "disk-MiB")
	b.ReportMetric(float64(retain.Milliseconds())/float64(b.N), "retain-ms/op")
}

// dirSize sums the sizes of the files in dir (Badger's files are flat).
func dirSize(b *testing.B, dir string) int64 {
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && !e.IsDir() {
			n += fi.Size()
		}
	}
	return n
}

// BenchmarkRestore finds, verifies and reads back every part of a 1M-key
// checkpoint after reopening the store.
func BenchmarkRestore(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	parts := benchState()
	w := s.Begin(1)
	for name, data := range parts {
		if err := w.Put(name, data); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(stateBytes(parts))
	b.ResetTimer()
	for range b.N {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		cp, err := s.Latest()
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range cp.Parts() {
			if _, err := cp.Get(p.Name); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
