package engine_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/dgraph-io/badger/v4"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/engine"
)

// ckRows is a deterministic bounded source of (k, v, ts) rows whose
// readers save and restore their position, and can be held at a gate
// (to take a checkpoint mid-way through the input).
type ckRows struct {
	rows  int // per subtask
	keys  int
	alloc memory.Allocator
	batch int
	gate  *gate
	// hold: after its rows a reader blocks (an unbounded, quiet input)
	// instead of ending; only0: subtasks other than 0 have no rows;
	// blockOpen: Open blocks until cancelled (a broker that is down).
	hold, only0, blockOpen bool
	// trickle: past its rows, subtask 0 goes on with one row per trickle.
	trickle time.Duration
}

// gate holds every reader once it emitted `at` rows, until open.
type gate struct {
	at      int
	reached atomic.Int64
	open    chan struct{}
}

var ckSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
}, nil)

func (s *ckRows) Schema() *arrow.Schema { return ckSchema }
func (s *ckRows) Bounded() bool         { return !s.hold }
func (s *ckRows) MaxParallelism() int   { return 0 }
func (s *ckRows) Reader(sub, _ int) (connectors.Reader, error) {
	return &ckReader{s: s, sub: sub}, nil
}

type ckReader struct {
	s      *ckRows
	sub, i int
	held   bool
}

func (r *ckReader) Open(ctx context.Context) error {
	if r.s.blockOpen {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}
func (r *ckReader) Close() error { return nil }

func (r *ckReader) Position() ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(r.i)), nil
}

func (r *ckReader) Restore(pos []byte) error {
	if len(pos) != 8 {
		return fmt.Errorf("bad position %x", pos)
	}
	r.i = int(binary.BigEndian.Uint64(pos))
	return nil
}

func (r *ckReader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	trickling := r.s.trickle > 0 && r.sub == 0 && r.i >= r.s.rows
	if trickling {
		select {
		case <-time.After(r.s.trickle):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if (r.i >= r.s.rows && !trickling) || (r.s.only0 && r.sub > 0) {
		if r.s.hold {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, io.EOF
	}
	if g := r.s.gate; g != nil && r.i >= g.at && !r.held {
		r.held = true
		g.reached.Add(1)
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	n := min(r.s.batch, r.s.rows-r.i)
	if trickling {
		n = 1
	}
	if g := r.s.gate; g != nil && !r.held {
		n = min(n, g.at-r.i)
	}
	kb := array.NewInt64Builder(r.s.alloc)
	vb := array.NewInt64Builder(r.s.alloc)
	tb := array.NewTimestampBuilder(r.s.alloc, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
	defer kb.Release()
	defer vb.Release()
	defer tb.Release()
	for j := 0; j < n; j++ {
		i := r.i + j
		kb.Append(int64((i*7 + r.sub) % r.s.keys))
		vb.Append(int64(i*10 + r.sub))
		// Mostly ascending, every fifth row 700 ms back in time.
		ts := int64(i)*250 + int64(r.sub)*31
		if i%5 == 4 {
			ts -= 700
		}
		tb.Append(arrow.Timestamp(ts))
	}
	r.i += n
	cols := []arrow.Array{kb.NewArray(), vb.NewArray(), tb.NewArray()}
	rec := array.NewRecordBatch(ckSchema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}

// txnLog is the test sink's "external system": rows become visible only
// when their transaction commits.
type txnLog struct {
	mu        sync.Mutex
	committed []string
	prepared  map[string][]string
	done      map[string]bool
	run       int
	commits   int
}

type ckSink struct {
	log    *txnLog
	schema *arrow.Schema
	ck     bool // checkpointing: rows commit only through PreCommit/Commit
}

func (s *ckSink) MaxParallelism() int { return 0 }
func (s *ckSink) Writer(sub, _ int) (connectors.Writer, error) {
	return &ckWriter{s: s, sub: sub}, nil
}

// Recover commits the restored transactions and aborts the rest.
func (s *ckSink) Recover(_ context.Context, _ uint64, prepared [][]byte, _ int) error {
	l := s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	l.run++
	for _, p := range prepared {
		id := string(p)
		if rows, ok := l.prepared[id]; ok {
			l.committed = append(l.committed, rows...)
			delete(l.prepared, id)
			l.done[id] = true
			continue
		}
		if !l.done[id] {
			return fmt.Errorf("transaction %s is unknown", id)
		}
	}
	clear(l.prepared)
	return nil
}

type ckWriter struct {
	s    *ckSink
	sub  int
	rows []string
}

func (w *ckWriter) Open(context.Context) error { return nil }
func (w *ckWriter) Close(context.Context) error {
	if !w.s.ck {
		w.s.log.mu.Lock()
		w.s.log.committed = append(w.s.log.committed, w.rows...)
		w.s.log.mu.Unlock()
		w.rows = nil
	}
	if len(w.rows) > 0 {
		return fmt.Errorf("closed with %d rows never pre-committed", len(w.rows))
	}
	return nil
}
func (w *ckWriter) Abort() error { w.rows = nil; return nil }

func (w *ckWriter) Write(_ context.Context, rec arrow.RecordBatch) error {
	for i := 0; i < int(rec.NumRows()); i++ {
		var b strings.Builder
		for c := 0; c < int(rec.NumCols()); c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(rec.Column(c).ValueStr(i))
		}
		w.rows = append(w.rows, b.String())
	}
	return nil
}

func (w *ckWriter) PreCommit(_ context.Context, epoch uint64) ([]byte, error) {
	if len(w.rows) == 0 {
		return nil, nil
	}
	l := w.s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	id := fmt.Sprintf("run%d-sub%d-epoch%d", l.run, w.sub, epoch)
	if _, dup := l.prepared[id]; dup || l.done[id] {
		return nil, fmt.Errorf("transaction %s prepared twice", id)
	}
	l.prepared[id] = w.rows
	w.rows = nil
	return []byte(id), nil
}

func (w *ckWriter) Commit(_ context.Context, epoch uint64) error {
	l := w.s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	id := fmt.Sprintf("run%d-sub%d-epoch%d", l.run, w.sub, epoch)
	rows, ok := l.prepared[id]
	if !ok {
		return fmt.Errorf("commit of unknown transaction %s", id)
	}
	l.committed = append(l.committed, rows...)
	delete(l.prepared, id)
	l.done[id] = true
	l.commits++
	return nil
}

func (l *txnLog) rows() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.committed)
	slices.Sort(out)
	return out
}

// ckEnv builds the registry for one run of the checkpoint tests.
type ckEnv struct {
	src  *ckRows
	log  *txnLog
	reg  *connectors.Registry
	dir  string
	par  int
	sql  string
	logs *strings.Builder
}

func newCkEnv(t *testing.T, sql string, par, rows, keys, batch int) *ckEnv {
	e := &ckEnv{dir: t.TempDir(), par: par, sql: sql,
		log: &txnLog{prepared: map[string][]string{}, done: map[string]bool{}}}
	e.src = &ckRows{rows: rows, keys: keys, batch: batch}
	e.reg = connectors.NewRegistry()
	e.reg.RegisterSource("cktest", func(cfg connectors.SourceConfig) (connectors.Source, error) {
		e.src.alloc = cfg.Alloc
		return e.src, nil
	})
	e.reg.RegisterSink("cktest", func(cfg connectors.SinkConfig) (connectors.Sink, error) {
		return &ckSink{log: e.log, schema: cfg.Schema, ck: cfg.Checkpointing}, nil
	})
	return e
}

func (e *ckEnv) compile(t *testing.T, alloc memory.Allocator, checkpoint bool) *engine.Job {
	t.Helper()
	e.logs = &strings.Builder{}
	cfg := engine.Config{Parallelism: e.par, BatchSize: 64, Alloc: alloc, Registry: e.reg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if checkpoint {
		cfg.Checkpoint = engine.CheckpointConfig{Dir: e.dir, Interval: time.Hour}
	}
	job, err := engine.Compile("ck.sql", []byte(e.sql), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

const ckTables = `
CREATE TABLE src (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'cktest');
CREATE TABLE results (k BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), c BIGINT, s BIGINT) WITH ('connector' = 'cktest');
`

var ckQueries = map[string]string{
	"tumble": `INSERT INTO results SELECT k, TUMBLE_START(ts, INTERVAL '2' SECOND), TUMBLE_END(ts, INTERVAL '2' SECOND), COUNT(*), SUM(v)
FROM src GROUP BY k, TUMBLE(ts, INTERVAL '2' SECOND);`,
	"hop": `INSERT INTO results SELECT k, HOP_START(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND), HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND), COUNT(*), MAX(v)
FROM src GROUP BY k, HOP(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND);`,
	"session": `INSERT INTO results SELECT k, SESSION_START(ts, INTERVAL '2' SECOND), SESSION_END(ts, INTERVAL '2' SECOND), COUNT(*), MIN(v)
FROM src GROUP BY k, SESSION(ts, INTERVAL '2' SECOND);`,
}

// TestCheckpointKillRestore: a windowed job checkpointed mid-way, then
// killed (cancelled: nothing after the checkpoint commits), then resumed
// from the checkpoint, commits exactly the rows of an uninterrupted run.
func TestCheckpointKillRestore(t *testing.T) {
	for name, q := range ckQueries {
		for _, par := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s_par%d", name, par), func(t *testing.T) {
				alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer alloc.AssertSize(t, 0)
				sql := ckTables + q
				straight := newCkEnv(t, sql, par, 400, 13, 64)
				if err := straight.compile(t, alloc, false).Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				want := straight.log.rows()
				if len(want) == 0 {
					t.Fatal("the straight run wrote nothing")
				}

				e := newCkEnv(t, sql, par, 400, 13, 64)
				ctx, cancel := context.WithCancel(context.Background())
				job, done := e.runHeld(t, ctx, alloc, 170)
				job.TriggerCheckpoint()
				waitFor(t, func() bool { return job.Checkpoints().Completed >= 1 })
				// Let some rows past the checkpoint reach the sink, then
				// crash: they must not count.
				close(e.src.gate.open)
				time.Sleep(time.Millisecond)
				cancel()
				if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
					t.Fatalf("killed run: %v", err)
				}
				before := len(e.log.rows())

				e.src.gate = nil
				job = e.compile(t, alloc, true)
				if err := job.Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				if got := e.log.rows(); !slices.Equal(got, want) {
					t.Fatalf("after kill and restore (%d rows committed before the kill): %s", before, rowDiff(got, want))
				}
			})
		}
	}
}

// TestCheckpointStopResumes: Stop takes a stop checkpoint (open windows
// stay in it rather than firing), and the next run finishes the job: the
// two runs together commit exactly an uninterrupted run's rows.
func TestCheckpointStopResumes(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	sql := ckTables + ckQueries["session"]
	straight := newCkEnv(t, sql, 2, 300, 5, 32)
	if err := straight.compile(t, alloc, false).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := straight.log.rows()

	e := newCkEnv(t, sql, 2, 300, 5, 32)
	job, done := e.runHeld(t, context.Background(), alloc, 100)
	job.Stop()
	if err := <-done; err != nil {
		t.Fatalf("stopped run: %v", err)
	}
	if n := job.Checkpoints().Completed; n != 1 {
		t.Fatalf("stop took %d checkpoints, want 1", n)
	}
	mid := len(e.log.rows())
	if mid >= len(want) {
		t.Fatalf("stop fired every window (%d rows of %d): it should leave open ones in the checkpoint", mid, len(want))
	}
	e.src.gate = nil
	job = e.compile(t, alloc, true)
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.log.rows(); !slices.Equal(got, want) {
		t.Fatalf("stop + resume: %s", rowDiff(got, want))
	}
	// A third run resumes from the final checkpoint: nothing is left.
	job = e.compile(t, alloc, true)
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.log.rows(); !slices.Equal(got, want) {
		t.Fatalf("a run after the final checkpoint wrote again: %d rows, want %d", len(got), len(want))
	}
}

// TestCheckpointChangedQueryRefused: a checkpoint of one query is not
// used for another; --fresh starts over.
func TestCheckpointChangedQueryRefused(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 1, 50, 3, 16)
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.sql = ckTables + ckQueries["hop"]
	err := e.compile(t, alloc, true).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "different query") || !strings.Contains(err.Error(), "--fresh") {
		t.Fatalf("changed query: %v", err)
	}
	cfg := engine.Config{Parallelism: 1, Alloc: alloc, Registry: e.reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Checkpoint: engine.CheckpointConfig{Dir: e.dir, Fresh: true}}
	job, err := engine.Compile("ck.sql", []byte(e.sql), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Run(context.Background()); err != nil {
		t.Fatalf("--fresh: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rowDiff describes how two sorted row lists differ: counts, and the
// first few rows missing and extra.
func rowDiff(got, want []string) string {
	count := map[string]int{}
	for _, r := range want {
		count[r]++
	}
	for _, r := range got {
		count[r]--
	}
	var missing, extra []string
	for r, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, r)
		}
		for ; n < 0; n++ {
			extra = append(extra, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return fmt.Sprintf("%d rows, want %d; missing %d %v; extra (duplicated or wrong) %d %v",
		len(got), len(want), len(missing), missing[:min(5, len(missing))], len(extra), extra[:min(5, len(extra))])
}

// TestCheckpointCorruptNewestRefused: when the newest checkpoint has a
// manifest but a damaged or missing part, the job refuses to start (an
// older one would replay output its sinks already committed), naming the
// epoch and the way out.
func TestCheckpointCorruptNewestRefused(t *testing.T) {
	for _, damage := range []string{"flip", "truncate", "delete"} {
		t.Run(damage, func(t *testing.T) {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer alloc.AssertSize(t, 0)
			e := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 300, 5, 32)
			job, done := e.runHeld(t, context.Background(), alloc, 100)
			job.TriggerCheckpoint()
			waitFor(t, func() bool { return job.Checkpoints().Completed >= 1 })
			job.Stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			cps := job.Checkpoints()
			if cps.Completed != 2 {
				t.Fatalf("%d checkpoints, want 2", cps.Completed)
			}
			newest := cps.Recent[len(cps.Recent)-1].Epoch
			damageEpoch(t, e.dir, newest, damage)

			e.src.gate = nil
			err := e.compile(t, alloc, true).Run(context.Background())
			want := fmt.Sprintf("checkpoint %d is corrupt", newest)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--fresh") {
				t.Fatalf("got %v, want an error containing %q and --fresh", err, want)
			}
		})
	}
}

// damageEpoch damages one stored chunk of epoch in a state dir, behind
// the store's back (as a bad disk would).
func damageEpoch(t *testing.T, dir string, epoch uint64, how string) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	prefix := binary.BigEndian.AppendUint64([]byte{'d'}, epoch)
	err = db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		var key, val []byte
		for it.Rewind(); it.Valid(); it.Next() {
			if v, err := it.Item().ValueCopy(nil); err == nil && len(v) > 1 {
				key, val = it.Item().KeyCopy(nil), v
				break
			}
		}
		it.Close()
		if key == nil {
			return fmt.Errorf("no chunk of epoch %d found", epoch)
		}
		switch how {
		case "flip":
			val[len(val)/2] ^= 0x40
			return txn.Set(key, val)
		case "truncate":
			return txn.Set(key, val[:len(val)/2])
		default:
			return txn.Delete(key)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// failingCommits wraps the test sink so every Commit fails.
type failingCommits struct{ *ckSink }

func (s failingCommits) Writer(sub, par int) (connectors.Writer, error) {
	w, err := s.ckSink.Writer(sub, par)
	return failingWriter{w.(*ckWriter)}, err
}

type failingWriter struct{ *ckWriter }

func (failingWriter) Commit(context.Context, uint64) error { return errors.New("the sink is down") }

// TestCheckpointCommitFailureFailsJob: when a checkpoint cannot be
// committed, the job fails at once with the cause, instead of running on
// without ever committing (or ignoring Stop).
func TestCheckpointCommitFailureFailsJob(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 300, 5, 32)
	e.src.hold = true
	e.reg.RegisterSink("cktest", func(cfg connectors.SinkConfig) (connectors.Sink, error) {
		return failingCommits{&ckSink{log: e.log, schema: cfg.Schema, ck: true}}, nil
	})
	job := e.compile(t, alloc, true)
	done := runAsync(t, context.Background(), job)
	time.Sleep(50 * time.Millisecond)
	job.TriggerCheckpoint()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "the sink is down") {
			t.Fatalf("got %v, want the commit failure", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the job kept running after a checkpoint could not commit")
	}
}

// TestCheckpointsDoNotHideIdleness: barriers arriving more often than the
// idle timeout must not restart a quiet source's idle clock, or a source
// subtask without data would hold every window back for ever.
func TestCheckpointsDoNotHideIdleness(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	sql := strings.Replace(ckTables, "WITH ('connector' = 'cktest');\nCREATE TABLE results",
		"WITH ('connector' = 'cktest', 'scan.watermark.idle-timeout' = '200 ms');\nCREATE TABLE results", 1) + ckQueries["tumble"]
	if !strings.Contains(sql, "idle-timeout") {
		t.Fatal("test SQL lacks the idle timeout")
	}
	e := newCkEnv(t, sql, 2, 200, 5, 32)
	// Subtask 0 keeps reading (never idle); subtask 1 has nothing.
	e.src.hold, e.src.only0, e.src.trickle = true, true, 20*time.Millisecond
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := engine.Config{Parallelism: 2, BatchSize: 64, Alloc: alloc, Registry: e.reg, Logger: logger,
		Checkpoint: engine.CheckpointConfig{Dir: e.dir, Interval: 40 * time.Millisecond}}
	job, err := engine.Compile("ck.sql", []byte(e.sql), cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := runAsync(t, context.Background(), job)
	waitFor(t, func() bool { return len(e.log.rows()) > 0 })
	job.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointStopWhileOpening: Stop reaches a checkpointing job whose
// source cannot open (a broker down) and ends it with a stop checkpoint.
func TestCheckpointStopWhileOpening(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 100, 5, 32)
	e.src.blockOpen = true
	job := e.compile(t, alloc, true)
	done := runAsync(t, context.Background(), job)
	time.Sleep(50 * time.Millisecond)
	job.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Stop did not end a job whose source was still opening")
	}
	if n := job.Checkpoints().Completed; n != 1 {
		t.Fatalf("%d checkpoints, want the stop checkpoint", n)
	}
	// The next run starts where nothing was read: every row once.
	e.src.blockOpen = false
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	straight := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 100, 5, 32)
	if err := straight.compile(t, alloc, false).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := e.log.rows(), straight.log.rows(); !slices.Equal(got, want) {
		t.Fatalf("after a stop while opening: %s", rowDiff(got, want))
	}
}

// TestCheckpointFinishedStaysFinished: resuming from the final checkpoint
// of a bounded run reads nothing more, even when the input has grown
// (its end was fixed by the run that finished); --fresh reads it all.
func TestCheckpointFinishedStaysFinished(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 100, 5, 32)
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := e.log.rows()
	e.src.rows = 200
	job := e.compile(t, alloc, true)
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.log.rows(); !slices.Equal(got, first) {
		t.Fatalf("a finished run resumed and wrote more: %s", rowDiff(got, first))
	}
	for _, m := range job.Metrics() {
		if m.LateRows != 0 {
			t.Fatalf("%s dropped %d rows as late", m.Name, m.LateRows)
		}
	}
}

// TestCheckpointFreshDiscardsOldCheckpoints: --fresh deletes the old
// checkpoints, so a fresh run killed before its own first checkpoint does
// not make the next run resume the old one.
func TestCheckpointFreshDiscardsOldCheckpoints(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 1, 60, 3, 16)
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.sql = ckTables + ckQueries["hop"]
	e.src.gate = &gate{at: 20, open: make(chan struct{})}
	cfg := engine.Config{Parallelism: 1, BatchSize: 16, Alloc: alloc, Registry: e.reg,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Checkpoint: engine.CheckpointConfig{Dir: e.dir, Interval: time.Hour, Fresh: true}}
	job, err := engine.Compile("ck.sql", []byte(e.sql), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(t, ctx, job)
	waitFor(t, func() bool { return e.src.gate.reached.Load() == 1 })
	cancel() // killed before any checkpoint of its own
	<-done
	e.src.gate = nil
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatalf("the run after a killed fresh start: %v", err)
	}
}

// runHeld starts a checkpointing run whose readers hold after `at` rows
// each, and returns once every reader is held there.
func (e *ckEnv) runHeld(t *testing.T, ctx context.Context, alloc memory.Allocator, at int) (*engine.Job, chan error) {
	t.Helper()
	e.src.gate = &gate{at: at, open: make(chan struct{})}
	job := e.compile(t, alloc, true)
	done := runAsync(t, ctx, job)
	waitFor(t, func() bool { return e.src.gate.reached.Load() == int64(e.par) })
	return job, done
}

// runAsync runs job in the background. If the test ends first (it
// failed), the job is cancelled and waited for, so that it never outlives
// the test's directories.
func runAsync(t *testing.T, ctx context.Context, job *engine.Job) chan error {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		done <- job.Run(ctx)
		close(finished)
	}()
	t.Cleanup(func() {
		cancel()
		<-finished
	})
	return done
}

// TestCheckpointRestartAfterCommitForgotten: a run stopped with a stop
// checkpoint restarts even when the sink's system has since forgotten the
// transactions that checkpoint committed (Kafka drops transactional ids
// after a week): the state dir records that they were committed.
func TestCheckpointRestartAfterCommitForgotten(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	e := newCkEnv(t, ckTables+ckQueries["tumble"], 2, 300, 5, 32)
	job, done := e.runHeld(t, context.Background(), alloc, 100)
	job.Stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(e.log.rows()) == 0 {
		t.Fatal("the stop checkpoint committed nothing: the test needs committed transactions")
	}
	e.log.mu.Lock()
	clear(e.log.done) // a week later
	e.log.mu.Unlock()
	e.src.gate = nil
	if err := e.compile(t, alloc, true).Run(context.Background()); err != nil {
		t.Fatalf("restart after the sink forgot committed transactions: %v", err)
	}
}
