package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/sql"
	"github.com/weir-stream/weir/state/badgerstate"
)

// Job is a compiled SQL file, planned and ready to run.
type Job struct {
	name  string
	cfg   Config
	prog  *sql.Program
	graph *Graph

	stopOnce sync.Once
	stopping chan struct{}
	// manual asks the coordinator for a checkpoint now.
	manual chan struct{}

	// restore is the checkpoint this run resumes from (nil: fresh).
	restore *restored
	ckStats *checkpointStats
	// tables is the Badger state backend's database for this run (nil:
	// state in memory).
	tables *badgerstate.DB

	mu       sync.Mutex
	counters map[int]*vertexCounters
	prepared []preparedWriter
}

// preparedWriter is a sink writer whose input ended; it commits only when
// the whole job succeeds.
type preparedWriter struct {
	w     connectors.Writer
	task  string
	table string
}

func (j *Job) addPrepared(w connectors.Writer, task, table string) {
	j.mu.Lock()
	j.prepared = append(j.prepared, preparedWriter{w: w, task: task, table: table})
	j.mu.Unlock()
}

// finishSinks commits every prepared writer when the job succeeded, and
// aborts them all when it failed, so a failed job commits nothing.
func (j *Job) finishSinks(ctx context.Context, failed bool) error {
	j.mu.Lock()
	prepared := j.prepared
	j.prepared = nil
	j.mu.Unlock()
	var first error
	for _, p := range prepared {
		if failed {
			if a, ok := p.w.(connectors.Aborter); ok {
				_ = a.Abort()
			} else {
				_ = p.w.Close(ctx)
			}
			continue
		}
		if err := p.w.Close(ctx); err != nil && first == nil {
			first = fmt.Errorf("%s: committing sink %s: %w", p.task, p.table, err)
		}
	}
	return first
}

// Compile parses, binds, optimises and plans a SQL file and opens its
// connectors' configuration. Every error it returns is a user error (SQL
// or options) with FILE:LINE:COL positions: nothing has started.
func Compile(file string, src []byte, cfg Config) (*Job, error) {
	prog, err := sql.Compile(file, src)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	name, err := applySettings(prog, &cfg)
	if err != nil {
		return nil, err
	}
	if iv := cfg.Checkpoint.Interval; iv != 0 && iv < MinCheckpointInterval {
		return nil, fmt.Errorf("checkpoint interval %s is too short (at least %s)", iv, MinCheckpointInterval)
	}
	if cfg.State.Backend, err = ParseBackend(cfg.State.Backend); err != nil {
		return nil, err
	}
	if cfg.Checkpoint.Fresh && cfg.Checkpoint.Dir == "" {
		return nil, fmt.Errorf("--fresh needs --state-dir (or SET '%s'): there are no checkpoints to start over from", SettingCheckpointDir)
	}
	cfg = cfg.withDefaults()
	if len(prog.Pipelines) == 0 {
		return nil, fmt.Errorf("%s: nothing to run: the file has no INSERT INTO or SELECT statement", file)
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	g, err := buildGraph(prog, cfg, name)
	if err != nil {
		return nil, err
	}
	j := &Job{name: name, cfg: cfg, prog: prog, graph: g, stopping: make(chan struct{}), manual: make(chan struct{}, 1)}
	if cfg.Checkpoint.Enabled() {
		j.ckStats = &checkpointStats{}
	}
	return j, nil
}

// Name is the job's name: SET 'pipeline.name', else the file's base name.
func (j *Job) Name() string { return j.name }

// Graph is the job's physical dataflow.
func (j *Job) Graph() *Graph { return j.graph }

// Program is the compiled SQL the job runs.
func (j *Job) Program() *sql.Program { return j.prog }

// Stop asks the job to end gracefully, and Run then returns nil. Without
// checkpoints, sources stop reading, everything already read flows
// through (windows fire) and sinks commit. With checkpoints, the job
// takes a final checkpoint instead, commits its sinks and stops, leaving
// open windows in the checkpoint for the next run; but once every source
// has read all its input, the job just finishes (windows fire, final
// checkpoint). Safe to call more than once and from any goroutine.
func (j *Job) Stop() {
	j.stopOnce.Do(func() { close(j.stopping) })
}

// TriggerCheckpoint asks a checkpointing job for a checkpoint now, on top
// of the periodic ones; it does not wait for it (see Checkpoints). It
// does nothing when the job does not checkpoint or one is pending.
func (j *Job) TriggerCheckpoint() {
	select {
	case j.manual <- struct{}{}:
	default:
	}
}

// Metrics returns each vertex's counters so far.
func (j *Job) Metrics() []VertexMetrics {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []VertexMetrics
	for _, p := range j.graph.Pipelines {
		// Lag is measured against the newest event this pipeline's own
		// sources read.
		newest := MinWatermark
		for _, v := range p.Vertices {
			if c := j.counters[v.ID]; c != nil && v.Source != nil {
				newest = max(newest, c.newestEvent())
			}
		}
		for _, v := range p.Vertices {
			m := VertexMetrics{ID: v.ID, Name: v.Name, Watermark: MinWatermark}
			if c := j.counters[v.ID]; c != nil {
				c.fill(&m)
			}
			if v.Source != nil {
				m.Dropped = v.Source.Stats.Dropped.Load()
				for _, ps := range v.Source.Stats.Partitions() {
					m.Partitions = append(m.Partitions, PartitionMetrics{
						Topic: ps.Key.Topic, Partition: ps.Key.Partition,
						Records: ps.Records.Load(), Bytes: ps.Bytes.Load(), Lag: ps.Lag.Load(),
					})
				}
			}
			if newest != MinWatermark {
				m.NewestEvent = newest
				if m.HasWatermark && m.Watermark != MaxWatermark {
					m.WatermarkLag = newest - m.Watermark
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// Run executes the job until its bounded sources end, Stop is called, or
// something fails. Cancelling ctx aborts at once without committing sinks.
// A failure names the vertex and subtask where it happened.
func (j *Job) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	j.mu.Lock()
	j.counters = map[int]*vertexCounters{}
	j.mu.Unlock()

	if j.cfg.State.Backend == BackendBadger {
		p := j.cfg.State.Profile
		p.Logger = j.cfg.Logger
		db, err := badgerstate.Open(j.cfg.State.Dir, p)
		if err != nil {
			return fmt.Errorf("state backend: %w", err)
		}
		j.tables = db
		defer func() {
			if err := db.Close(); err != nil {
				j.cfg.Logger.Warn("closing the state backend", "dir", db.Dir(), "err", err)
			}
			j.tables = nil
		}()
		j.cfg.Logger.Debug("state backend", "backend", BackendBadger, "dir", db.Dir())
	}
	var ck *coordinator
	if j.cfg.Checkpoint.Enabled() {
		var err error
		if ck, err = j.openCheckpoints(ctx); err != nil {
			return err
		}
		defer ck.store.Close()
	}
	tasks, chans := j.wire()
	if ck != nil {
		ck.ntasks = len(tasks)
		ck.events = make(chan ack, 2*len(tasks))
		ck.finals = map[int]ack{}
		ck.manual = j.manual
		for i, t := range tasks {
			t.idx = i
			t.ck, t.epoch = ck, ck.next
			if t.v.Source != nil {
				t.trigger = ck.register()
			}
		}
	}

	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := t.run(ctx); err != nil {
				errs[i] = err
				cancel(err)
			}
		}()
	}
	tasksDone := make(chan struct{})
	ckDone := make(chan error, 1)
	if ck != nil {
		go func() {
			err := ck.run(ctx, tasksDone)
			if err != nil {
				// A checkpoint that cannot be taken or committed fails the
				// job at once: without it nothing more could commit.
				cancel(err)
			}
			ckDone <- err
		}()
	}
	wg.Wait()
	close(tasksDone)
	if ck != nil {
		<-ckDone
	}
	j.logDrops()

	// Release whatever a failure left in flight.
	for _, ch := range chans {
		for {
			select {
			case m := <-ch:
				if m.rec != nil {
					m.rec.Release()
				}
				continue
			default:
			}
			break
		}
	}
	failed := ctx.Err() != nil
	for _, err := range errs {
		failed = failed || err != nil
	}
	if ck != nil && !failed {
		if err := ck.finish(ctx); err != nil {
			cancel(err)
			failed = true
		}
	}
	if ck != nil {
		ck.abandon() // an epoch a failure left in flight
		j.logCheckpoints()
	}
	commitErr := j.finishSinks(context.WithoutCancel(ctx), failed)
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return commitErr
}

// wire creates the job's channels and tasks. Edges may cross pipelines
// (several INSERTs into one table share its sink vertex).
func (j *Job) wire() ([]*task, []chan message) {
	byID := map[int]*Vertex{}
	var vertices []*Vertex
	var edges []*Edge
	for _, p := range j.graph.Pipelines {
		for _, v := range p.Vertices {
			byID[v.ID] = v
			vertices = append(vertices, v)
		}
		edges = append(edges, p.Edges...)
	}
	inputs := map[int][][]chan message{} // vertex -> subtask -> channels
	routers := map[int][]*router{}       // vertex -> subtask -> router
	var all []chan message
	for _, e := range edges {
		from, to := byID[e.From], byID[e.To]
		if inputs[to.ID] == nil {
			inputs[to.ID] = make([][]chan message, to.Parallelism)
		}
		rs := make([]*router, from.Parallelism)
		for s := range rs {
			r := &router{kind: e.Kind}
			switch e.Kind {
			case Forward:
				ch := make(chan message, j.cfg.ChannelCapacity)
				r.outs = []chan message{ch}
				inputs[to.ID][s] = append(inputs[to.ID][s], ch)
				all = append(all, ch)
			default:
				for d := 0; d < to.Parallelism; d++ {
					ch := make(chan message, j.cfg.ChannelCapacity)
					r.outs = append(r.outs, ch)
					inputs[to.ID][d] = append(inputs[to.ID][d], ch)
					all = append(all, ch)
				}
				r.next = s % to.Parallelism
				if e.Kind == Shuffle {
					r.part = newPartitioner(e.Keys, to.Parallelism, j.cfg.Alloc)
				}
			}
			rs[s] = r
		}
		routers[from.ID] = rs
	}
	var tasks []*task
	for _, v := range vertices {
		c := newVertexCounters(v)
		j.mu.Lock()
		j.counters[v.ID] = c
		j.mu.Unlock()
		for s := 0; s < v.Parallelism; s++ {
			t := &task{job: j, v: v, subtask: s, counters: c}
			if in := inputs[v.ID]; in != nil {
				t.inputs = in[s]
			}
			if rs := routers[v.ID]; rs != nil {
				t.router = rs[s]
			}
			tasks = append(tasks, t)
		}
	}
	return tasks, all
}

// logDrops reports, once per source, how many bad records it skipped under
// 'bad-data' = 'drop', and once per vertex how many late rows its
// operators dropped, so a run never loses rows silently.
func (j *Job) logDrops() {
	for _, p := range j.graph.Pipelines {
		for _, v := range p.Vertices {
			if v.Source != nil {
				if n := v.Source.Stats.Dropped.Load(); n > 0 {
					j.cfg.Logger.Warn("bad records dropped", "pipeline", p.Name, "table", v.Source.Table, "dropped", n)
				}
			}
		}
	}
	for _, m := range j.Metrics() {
		if m.LateRows > 0 {
			j.cfg.Logger.Warn("late rows dropped: every window they belong to had already fired", "vertex", m.Name, "late", m.LateRows)
		}
	}
}
