package kafka

import (
	"context"
	"errors"
	"io"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
)

// cpuSeconds is the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkSinkThenSource writes b.N rows through the sink (4096 per
// record) to an in-process broker, then reads them back through the
// source; it reports rows per CPU-second of the whole process (broker
// included) for each half.
func BenchmarkSinkThenSource(b *testing.B) {
	_, brokers := startCluster(b, kfake.SeedTopics(4, "out"))
	alloc := memory.NewGoAllocator()
	ctx := context.Background()
	sink, err := NewSink(sinkConfig(alloc, brokers, map[string]string{"sink.key": "id", "properties.linger.ms": "2"}, nil))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	w, _ := sink.Writer(0, 1)
	if err := w.Open(ctx); err != nil {
		b.Fatal(err)
	}
	rec := sinkRecord(alloc, 4096)
	for n := 0; n < b.N; n += 4096 {
		if err := w.Write(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
	rec.Release()
	if err := w.Close(ctx); err != nil {
		b.Fatal(err)
	}
	cpu1 := cpuSeconds()
	written := float64((b.N + 4095) / 4096 * 4096)
	cfg := sourceConfig(alloc, brokers, "out", nil)
	cfg.Schema, cfg.BatchSize = sinkSchema, 4096
	src, err := NewSource(cfg)
	if err != nil {
		b.Fatal(err)
	}
	r, _ := src.Reader(0, 1)
	if err := r.Open(ctx); err != nil {
		b.Fatal(err)
	}
	read := 0
	for {
		rec, err := r.Read(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		read += int(rec.NumRows())
		rec.Release()
	}
	r.Close()
	cpu2 := cpuSeconds()
	b.StopTimer()
	if float64(read) != written {
		b.Fatalf("read %d of %v", read, written)
	}
	b.ReportMetric(written/(cpu1-cpu0), "produce-rows/cpu-s")
	b.ReportMetric(written/(cpu2-cpu1), "consume-rows/cpu-s")
}
