package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/builtin"
	"github.com/weir-stream/weir/engine"
)

// checkpointKeys is the number of distinct keys of window state the
// checkpoint benchmark holds.
const checkpointKeys = 1_000_000

const checkpointSQL = `CREATE TABLE ev (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'benchkeys');
CREATE TABLE sink (k BIGINT, ws TIMESTAMP(3), c BIGINT, m BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT k, TUMBLE_START(ts, INTERVAL '1' HOUR), COUNT(*), MAX(v)
FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' HOUR);
`

// BenchmarkCheckpoint1MKeys measures a checkpoint of 1M keys of window
// state (TUMBLE 1 hour, COUNT and MAX per key; nothing fires): the
// checkpoint's duration from trigger to committed, the longest data-path
// pause of a subtask while it snapshots, the bytes written; then the time
// a restarted job takes from Run to reading input again (restore).
// In-process: the figures come from the engine's checkpoint statistics.
// It runs on each state backend: memory, and Badger (window state on
// disk, where a checkpoint first writes the resident part out).
func BenchmarkCheckpoint1MKeys(b *testing.B) {
	for _, backend := range []string{engine.BackendMemory, engine.BackendBadger} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				runCheckpointBench(b, backend)
			}
		})
	}
}

func runCheckpointBench(b *testing.B, backend string) {
	dir := b.TempDir()
	src := &keySource{rows: 2 * checkpointKeys, keys: checkpointKeys, hold: make(chan struct{})}
	reg := builtin.Registry()
	reg.RegisterSource("benchkeys", func(cfg connectors.SourceConfig) (connectors.Source, error) {
		src.alloc = cfg.Alloc
		return src, nil
	})
	cfg := engine.Config{Parallelism: 2, Registry: reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Checkpoint: engine.CheckpointConfig{Dir: dir, Interval: time.Hour},
		State:      engine.StateConfig{Backend: backend, Dir: b.TempDir()}}
	job, err := engine.Compile("checkpoint.sql", []byte(checkpointSQL), cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- job.Run(context.Background()) }()
	// Wait until every row is read and in the window state.
	for src.held.Load() < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	waitState(b, job, checkpointKeys)
	const rounds = 3
	for i := range rounds {
		job.TriggerCheckpoint()
		for job.Checkpoints().Completed < int64(i+1) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	job.Stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	var worst engine.CheckpointStats
	for _, st := range job.Checkpoints().Recent {
		worst.Duration = max(worst.Duration, st.Duration)
		worst.Pause = max(worst.Pause, st.Pause)
		worst.Written = max(worst.Written, st.Written)
		worst.Bytes = max(worst.Bytes, st.Bytes)
	}

	// Restart: from Run until the window state is back in memory and the
	// sources read again.
	src2 := &keySource{rows: 2 * checkpointKeys, keys: checkpointKeys, hold: make(chan struct{})}
	reg.RegisterSource("benchkeys", func(cfg connectors.SourceConfig) (connectors.Source, error) {
		src2.alloc = cfg.Alloc
		return src2, nil
	})
	job, err = engine.Compile("checkpoint.sql", []byte(checkpointSQL), cfg)
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	go func() { done <- job.Run(context.Background()) }()
	waitStateEvery(b, job, checkpointKeys, time.Millisecond)
	for src2.firstRead.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	restore := max(time.Since(began), time.Duration(src2.firstRead.Load()-began.UnixNano()))
	job.Stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(worst.Duration.Milliseconds()), "checkpoint-ms")
	b.ReportMetric(float64(worst.Pause.Microseconds())/1000, "pause-ms")
	b.ReportMetric(float64(worst.Written.Milliseconds()), "durable-ms")
	b.ReportMetric(float64(worst.Bytes)/(1<<20), "state-MiB")
	b.ReportMetric(float64(restore.Milliseconds()), "restore-ms")
	fmt.Printf("%s: checkpoint of %d keys: %s (durable after %s), pause %s, %.1f MiB; restore until state loaded and input read %s (targets: checkpoint <= 2s, pause <= 50ms, restore <= 1s)\n",
		backend, checkpointKeys, worst.Duration, worst.Written, worst.Pause, float64(worst.Bytes)/(1<<20), restore)
}

// waitState waits until the window operators hold n keys.
func waitState(b *testing.B, job *engine.Job, n int64) {
	waitStateEvery(b, job, n, 10*time.Millisecond)
}

func waitStateEvery(b *testing.B, job *engine.Job, n int64, every time.Duration) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var entries int64
		for _, m := range job.Metrics() {
			entries += m.StateEntries
		}
		if entries >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("window state reached %d entries, want %d", entries, n)
		}
		time.Sleep(every)
	}
}

// keySource produces rows (k, v, ts) with keys cycling over keys, all in
// the same hour, then holds (unbounded) until the job stops. Its readers
// save and restore their row number.
type keySource struct {
	rows, keys int
	alloc      memory.Allocator
	hold       chan struct{}
	held       atomic.Int64
	firstRead  atomic.Int64
}

var keySchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
}, nil)

func (s *keySource) Schema() *arrow.Schema { return keySchema }
func (s *keySource) Bounded() bool         { return false }
func (s *keySource) MaxParallelism() int   { return 0 }
func (s *keySource) Reader(sub, par int) (connectors.Reader, error) {
	return &keyReader{s: s, sub: sub, par: par}, nil
}

type keyReader struct {
	s             *keySource
	sub, par, i   int
	held, started bool
}

func (r *keyReader) Open(context.Context) error { return nil }
func (r *keyReader) Close() error               { return nil }
func (r *keyReader) Position() ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(r.i)), nil
}
func (r *keyReader) Restore(pos []byte) error {
	if len(pos) != 8 {
		return fmt.Errorf("bad position")
	}
	r.i = int(binary.BigEndian.Uint64(pos))
	return nil
}

func (r *keyReader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if !r.started {
		r.started = true
		r.s.firstRead.CompareAndSwap(0, time.Now().UnixNano())
	}
	share := r.s.rows / r.par
	if r.i >= share {
		if !r.held {
			r.held = true
			r.s.held.Add(1)
		}
		select {
		case <-r.s.hold:
		case <-ctx.Done():
		}
		return nil, ctx.Err()
	}
	n := min(4096, share-r.i)
	kb := array.NewInt64Builder(r.s.alloc)
	vb := array.NewInt64Builder(r.s.alloc)
	tb := array.NewTimestampBuilder(r.s.alloc, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
	defer kb.Release()
	defer vb.Release()
	defer tb.Release()
	kb.Reserve(n)
	vb.Reserve(n)
	tb.Reserve(n)
	for j := range n {
		row := (r.i+j)*r.par + r.sub
		kb.UnsafeAppend(int64(row % r.s.keys))
		vb.UnsafeAppend(int64(row))
		tb.UnsafeAppend(arrow.Timestamp(int64(row % 3_000_000)))
	}
	r.i += n
	cols := []arrow.Array{kb.NewArray(), vb.NewArray(), tb.NewArray()}
	rec := array.NewRecordBatch(keySchema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}
