package nexmark

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchBids(b *testing.B, cols []int) {
	src := newSource(&testing.T{}, memory.NewGoAllocator(), map[string]string{"table": "bid"}, schemaOf(TableBid), cols, 4096)
	r, err := src.Reader(0, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	rows := 0
	for i := 0; i < b.N; i++ {
		rec, err := r.Read(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		rows += int(rec.NumRows())
		rec.Release()
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "bids/cpu-s")
	}
}

// BenchmarkGenerateBids generates all bid columns, 4096 rows per op.
func BenchmarkGenerateBids(b *testing.B) { benchBids(b, nil) }

// BenchmarkGenerateBidsQ0Columns generates auction, bidder, price and
// date_time only (no strings), as q0-q2 need.
func BenchmarkGenerateBidsQ0Columns(b *testing.B) { benchBids(b, []int{0, 1, 2, 5}) }
