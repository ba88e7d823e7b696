package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

func benchBidSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "auction", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "bidder", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "url", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "date_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

// writeBidFile writes rows Nexmark-like bid lines (about 200 bytes each).
func writeBidFile(b *testing.B, path string, rows int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	letters := make([]byte, 96)
	for i := 0; i < rows; i++ {
		for j := range letters {
			letters[j] = byte('a' + r.IntN(26))
		}
		ts := base.Add(time.Duration(i) * 100 * time.Microsecond).Format("2006-01-02 15:04:05.000")
		fmt.Fprintf(w, `{"auction":%d,"bidder":%d,"price":%d,"channel":"channel-%d","url":"https://www.nexmark.com/%s/%s/%s/item.htm?query=1&channel_id=%d","date_time":"%s","extra":"%s"}`+"\n",
			1000+r.IntN(10000), 1000+r.IntN(10000), r.IntN(10_000_000), r.IntN(10000), letters[:4], letters[4:8], letters[8:12], r.Int32(), ts, letters[12:12+54+r.IntN(28)])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

func benchCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFileDecode reads one JSON-lines file of bids into Arrow
// records with 1 and 2 subtasks, reporting wall-clock rows/s and rows
// per CPU-second.
func BenchmarkFileDecode(b *testing.B) {
	const rows = 200_000
	path := filepath.Join(b.TempDir(), "bids.jsonl")
	writeBidFile(b, path, rows)
	for _, par := range []int{1, 2} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			b.ReportAllocs()
			cpu0 := benchCPUTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if n := readParallel(b, path, par); n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			if cpu := benchCPUTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(rows*b.N)/cpu.Seconds(), "rows/cpu-s")
			}
		})
	}
}

// readParallel reads the file with par concurrent readers and returns
// the number of rows.
func readParallel(b *testing.B, path string, par int) int64 {
	src, err := NewSource(connectors.SourceConfig{
		Table: "bids", Schema: benchBidSchema(), Options: map[string]string{"path": path},
		BatchSize: 4096, Alloc: memory.NewGoAllocator(),
	})
	if err != nil {
		b.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int64
		first error
	)
	for s := 0; s < par; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := drain(src, s, par)
			mu.Lock()
			defer mu.Unlock()
			total += n
			if err != nil && first == nil {
				first = err
			}
		}()
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
	return total
}

func drain(src connectors.Source, subtask, par int) (int64, error) {
	r, err := src.Reader(subtask, par)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	if err := r.Open(context.Background()); err != nil {
		return 0, err
	}
	var n int64
	for {
		rec, err := r.Read(context.Background())
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += rec.NumRows()
		rec.Release()
	}
}
