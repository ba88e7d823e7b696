package connectors

import "context"

// Positioner is implemented by readers whose progress can be saved in a
// checkpoint and restored after a restart. With checkpointing on (`weir
// run --state-dir`), every source reader must implement it.
//
// The runtime calls Position after Open and after every Read, on the
// goroutine that calls Read, and stores the last value with the
// checkpoint taken right after that record; Restore is called (at most
// once) before Open.
type Positioner interface {
	// Position encodes the reader's position just after the last record
	// Read returned (after Open and before any Read: where reading will
	// start; after io.EOF: the end). A reader restored to it continues
	// with the next row: no row is read twice or skipped. It must not
	// block and should be cheap (it runs once per record). The slice
	// must be new: the runtime keeps it while Read goes on.
	Position() ([]byte, error)
	// Restore makes the reader start from pos, a value Position returned
	// for the same subtask of an earlier run of the same query, instead of
	// from its configured start. A pos it cannot use (corrupt, or for
	// another topic or file) is an error saying why.
	Restore(pos []byte) error
}

// Committer is implemented by writers that take part in checkpoints with
// a two-phase commit. With checkpointing on, the runtime calls PreCommit
// when a checkpoint barrier reaches the writer (and once more at the end
// of input, for the final checkpoint), stores the returned description in
// the checkpoint, and calls Commit only once that checkpoint is durable.
// Preparer is not used then, and Close only releases resources: after
// the last PreCommit, Close must not make anything visible that Commit
// did not.
//
// A writer whose sink gives at-least-once delivery implements it too:
// PreCommit flushes (durable and visible), Commit does nothing.
type Committer interface {
	// PreCommit ends the current transaction: everything written since
	// the previous PreCommit (or Open) becomes durable but not visible,
	// and later writes go to a new transaction. It returns a description
	// of the transaction (nil if there is nothing to commit) which the
	// sink's Recover gets after a crash. epoch numbers the checkpoint and
	// only grows.
	PreCommit(ctx context.Context, epoch uint64) ([]byte, error)
	// Commit makes the transaction PreCommit returned for epoch visible.
	// It runs on another goroutine than Write, possibly concurrently with
	// Write, with PreCommit of the next epoch, and (when the job fails)
	// with Abort or Close; never concurrently with another Commit, and
	// only after PreCommit(epoch) returned.
	Commit(ctx context.Context, epoch uint64) error
}

// Recoverer is implemented by sinks whose writers are Committers. With
// checkpointing on, the runtime calls Recover once when the job starts,
// before any writer of the sink is created.
type Recoverer interface {
	// Recover finishes what an earlier run left. prepared holds the
	// descriptions PreCommit returned for the restored checkpoint epoch
	// (one per writer subtask that returned one; empty on a fresh start).
	// parallelism is the number of writers this run will create.
	// Recover commits them, and must succeed when one was already
	// committed before the crash; then it aborts every other transaction
	// an earlier run of this sink may have left open, so that consumers
	// in read_committed mode are not held back and nothing written after
	// the checkpoint ever becomes visible.
	Recover(ctx context.Context, epoch uint64, prepared [][]byte, parallelism int) error
}
