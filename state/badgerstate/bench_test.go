package badgerstate

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/weir-stream/weir/state"
	"github.com/weir-stream/weir/state/badgeropt"
)

// The benchmarks' workload: benchEntries distinct keys put in batches of
// benchBatch (a flush after each), then read back in batches. They run
// on a real directory, with the default profile.
const (
	benchEntries = 1_000_000
	benchBatch   = 16 << 10
)

// openDisk opens a database under the benchmark's temporary directory.
func openDisk(b *testing.B) *DB {
	b.Helper()
	db, err := Open(b.TempDir(), badgeropt.Profile{})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// benchMeter reports per-entry figures over a benchmark's timed parts.
type benchMeter struct {
	put, get time.Duration
	bytes    uint64
	ms       runtime.MemStats
	start    time.Time
	alloc0   uint64
}

func (m *benchMeter) begin() {
	runtime.ReadMemStats(&m.ms)
	m.alloc0 = m.ms.TotalAlloc
	m.start = time.Now()
}

// lap ends a phase, adding its time to *d.
func (m *benchMeter) lap(d *time.Duration) {
	*d += time.Since(m.start)
	m.start = time.Now()
}

func (m *benchMeter) end() {
	runtime.ReadMemStats(&m.ms)
	m.bytes += m.ms.TotalAlloc - m.alloc0
}

func (m *benchMeter) report(b *testing.B) {
	n := float64(b.N) * benchEntries
	b.ReportMetric(float64((m.put+m.get).Nanoseconds())/n, "ns/entry")
	b.ReportMetric(float64(m.put.Nanoseconds())/n, "put-ns/entry")
	b.ReportMetric(float64(m.get.Nanoseconds())/n, "get-ns/entry")
	b.ReportMetric(float64(m.bytes)/n, "B/entry")
}

func BenchmarkTimeTablePutGet(b *testing.B) {
	b.ReportAllocs()
	var m benchMeter
	var key, val [8]byte
	for range b.N {
		b.StopTimer()
		db := openDisk(b)
		tab, err := db.TimeTable("bench")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m.begin()
		for lo := 0; lo < benchEntries; lo += benchBatch {
			for i := lo; i < min(lo+benchBatch, benchEntries); i++ {
				binary.BigEndian.PutUint64(key[:], uint64(i))
				binary.BigEndian.PutUint64(val[:], uint64(i)*3)
				if err := tab.Put(groupOf(int64(i)), int64(i/4096)*60_000, key[:], val[:]); err != nil {
					b.Fatal(err)
				}
			}
			if err := tab.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		m.lap(&m.put)
		var got []byte
		for lo := 0; lo < benchEntries; lo += benchBatch {
			err := tab.View(func(r *TimeReader) error {
				for i := lo; i < min(lo+benchBatch, benchEntries); i++ {
					binary.BigEndian.PutUint64(key[:], uint64(i))
					var ok bool
					var err error
					got, ok, err = r.Get(groupOf(int64(i)), int64(i/4096)*60_000, key[:], got[:0])
					if err != nil {
						return err
					}
					if !ok || binary.BigEndian.Uint64(got) != uint64(i)*3 {
						b.Fatalf("entry %d: %x, %v", i, got, ok)
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		m.lap(&m.get)
		m.end()
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	m.report(b)
}

// benchKeyed runs the workload on a keyed table, flushing it (when flush
// is not nil) after each batch of puts.
func benchKeyed(b *testing.B, m *benchMeter, tab state.Keyed[int64, int64], flush func() error) {
	m.begin()
	for lo := 0; lo < benchEntries; lo += benchBatch {
		for i := lo; i < min(lo+benchBatch, benchEntries); i++ {
			tab.Put(groupOf(int64(i)), int64(i), int64(i)*3)
		}
		if flush != nil {
			if err := flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
	m.lap(&m.put)
	for i := range benchEntries {
		if v, ok := tab.Get(groupOf(int64(i)), int64(i)); !ok || v != int64(i)*3 {
			b.Fatalf("entry %d: %d, %v", i, v, ok)
		}
	}
	m.lap(&m.get)
	m.end()
	if tab.Len() != benchEntries {
		b.Fatalf("Len = %d", tab.Len())
	}
}

func BenchmarkMemVsBadgerKeyed(b *testing.B) {
	b.Run("mem", func(b *testing.B) {
		b.ReportAllocs()
		var m benchMeter
		for range b.N {
			benchKeyed(b, &m, state.NewMemKeyed[int64, int64](), nil)
		}
		m.report(b)
	})
	b.Run("badger", func(b *testing.B) {
		b.ReportAllocs()
		var m benchMeter
		for range b.N {
			b.StopTimer()
			db := openDisk(b)
			tab, err := NewKeyed[int64, int64](db, "bench", int64Codec{}, int64Codec{})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			benchKeyed(b, &m, tab, tab.Flush)
			if err := tab.Err(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		m.report(b)
	})
}
