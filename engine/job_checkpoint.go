package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/engine/failpoint"
	"github.com/weir-stream/weir/state/checkpoint"
)

// openCheckpoints opens the state directory, picks the checkpoint to
// resume from (the newest complete one whose every part verifies; newer
// broken ones are reported and passed over), refuses one written by
// another query, and lets every two-phase-commit sink finish what the
// previous run left: commit the restored epoch's transactions, abort
// the rest.
func (j *Job) openCheckpoints(ctx context.Context) (*coordinator, error) {
	cc := j.cfg.Checkpoint
	opts := cc.Store
	if opts.Logger == nil {
		opts.Logger = j.cfg.Logger
	}
	if failpoint.Armed() == failpoint.BeforeSync {
		opts.BeforeSync = func() { failpoint.Hit(failpoint.BeforeSync) }
	}
	store, err := checkpoint.Open(cc.Dir, opts)
	if err != nil {
		return nil, fmt.Errorf("state dir %s: %w", cc.Dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = store.Close()
		}
	}()
	j.restore = nil
	if cc.Fresh {
		// Starting over discards the old checkpoints, so that a crash
		// before this run's first checkpoint cannot resume the old run.
		if err := store.Clear(); err != nil {
			return nil, fmt.Errorf("state dir %s: starting fresh: %w", cc.Dir, err)
		}
		j.cfg.Logger.Info("starting fresh: the state dir's old checkpoints are deleted", "dir", cc.Dir)
	} else if err := j.pickCheckpoint(store); err != nil {
		return nil, err
	}
	next, err := store.NextEpoch()
	if err != nil {
		return nil, fmt.Errorf("state dir %s: %w", cc.Dir, err)
	}
	committed := false
	if j.restore != nil {
		done, ok, err := store.Committed()
		if err != nil {
			return nil, fmt.Errorf("state dir %s: %w", cc.Dir, err)
		}
		committed = ok && done >= j.restore.cp.Epoch
	}
	if err := j.recoverSinks(ctx, committed); err != nil {
		return nil, err
	}
	ok = true
	return &coordinator{job: j, store: store, interval: cc.Interval, retain: cc.Retain, next: next, stats: j.ckStats}, nil
}

// recoverSinks calls Recover on every sink that supports it, with the
// transactions its writers prepared for the restored checkpoint, unless
// they are known to be committed already (then only leftovers are
// aborted: a transaction committed long ago may be unknown to its system
// by now, and a committed part file may have been consumed and removed).
func (j *Job) recoverSinks(ctx context.Context, committed bool) error {
	for _, p := range j.graph.Pipelines {
		for _, v := range p.Vertices {
			if v.Sink == nil {
				continue
			}
			rec, ok := v.Sink.Sink.(connectors.Recoverer)
			if !ok {
				continue
			}
			var epoch uint64
			var prepared [][]byte
			if r := j.restore; r != nil {
				epoch = r.cp.Epoch
				for s := 0; !committed; s++ {
					st, ok, err := r.taskState(v.ID, s)
					if err != nil {
						return err
					}
					if !ok {
						break
					}
					if st.Prepared != nil {
						prepared = append(prepared, st.Prepared)
					}
				}
			}
			if err := rec.Recover(ctx, epoch, prepared, v.Parallelism); err != nil {
				return fmt.Errorf("sink %s: recovering transactions of checkpoint %d: %w", v.Sink.Table, epoch, err)
			}
		}
	}
	return nil
}

// Checkpoints reports the job's checkpoints so far (Enabled false when it
// does not checkpoint).
func (j *Job) Checkpoints() CheckpointMetrics {
	if j.ckStats == nil {
		return CheckpointMetrics{}
	}
	return j.ckStats.snapshot()
}

// pickCheckpoint sets the checkpoint to resume from: the newest complete
// one. Epochs newer than it that never got their manifest (a crash while
// writing) are passed over: nothing was committed for them. A newer epoch
// that has a manifest but does not verify (corrupt or truncated) was
// durable, so its sinks may have committed; resuming from an older one
// would write its output again, so the job refuses to start instead.
func (j *Job) pickCheckpoint(store *checkpoint.Store) error {
	dir := j.cfg.Checkpoint.Dir
	cp, err := store.Latest()
	var skipped []checkpoint.Skipped
	var none *checkpoint.NoCheckpointError
	switch {
	case errors.As(err, &none):
		skipped = none.Skipped
	case errors.Is(err, checkpoint.ErrNoCheckpoint):
	case err != nil:
		return fmt.Errorf("state dir %s: %w", dir, err)
	default:
		skipped = cp.Skipped
	}
	for _, s := range skipped {
		if s.Status != checkpoint.StatusIncomplete {
			using := "no older checkpoint is complete either"
			if cp != nil {
				using = fmt.Sprintf("resuming from the older checkpoint %d would write the output committed since then a second time", cp.Epoch)
			}
			return fmt.Errorf("state dir %s: checkpoint %d is %s (%s); %s. Refusing to start: run with --fresh to start over, or restore the state dir from a backup",
				dir, s.Epoch, s.Status, s.Reason, using)
		}
		j.cfg.Logger.Info("passing over a checkpoint a crash left unfinished", "dir", dir, "epoch", s.Epoch, "reason", s.Reason)
	}
	if cp == nil {
		return nil
	}
	if j.restore, err = j.checkCompatible(cp, dir); err != nil {
		return err
	}
	j.ckStats.mu.Lock()
	j.ckStats.restored = cp.Epoch
	j.ckStats.mu.Unlock()
	if j.restore.job.Final {
		j.cfg.Logger.Info("resuming from the final checkpoint of a run that finished: its sources read nothing more (--fresh starts over)",
			"dir", dir, "epoch", cp.Epoch)
	} else {
		j.cfg.Logger.Info("resuming from checkpoint", "dir", dir, "epoch", cp.Epoch)
	}
	return nil
}

// logCheckpoints sums up the run's checkpoints.
func (j *Job) logCheckpoints() {
	m := j.Checkpoints()
	args := []any{"dir", j.cfg.Checkpoint.Dir, "completed", m.Completed}
	if m.Restored > 0 || j.restore != nil {
		args = append(args, "resumed_from", m.Restored)
	}
	if n := len(m.Recent); n > 0 {
		last := m.Recent[n-1]
		args = append(args, "last_epoch", last.Epoch, "last_duration", last.Duration, "last_bytes", last.Bytes,
			"last_pause", last.Pause, "last_alignment", last.Alignment)
	}
	j.cfg.Logger.Info("checkpoints", args...)
}
