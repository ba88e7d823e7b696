package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
)

// An exactly-once writer writes each checkpoint interval's rows in one
// Kafka transaction. PreCommit flushes the transaction (durable, not
// visible to read_committed consumers) and describes it; Commit ends it
// with a commit once the checkpoint is durable. Writes of the next
// interval go meanwhile to another transactional id: the writer keeps a
// small pool of them ("slots", transactional id prefix-subtask-slot),
// each with its own franz-go client.
//
// A slot is reused only once no checkpoint a restart could resume from
// still names its last transaction: after its commit, the next PreCommit
// (whose description leaves it out) and the Commit of that checkpoint.
// Without that wait, a restored checkpoint could name a transactional id
// whose producer had since begun a new transaction under the same
// producer id and epoch (Kafka before transaction.version 2 does not bump
// the epoch per transaction), and Recover's commit would commit the new
// transaction's rows too. Because the engine commits a checkpoint before
// it starts the next, the pool settles at three slots; it grows instead
// of blocking Write when commits lag.

// slotState is where a slot is in its cycle.
type slotState int

const (
	slotFree     slotState = iota // may begin a transaction
	slotOpen                      // the current transaction: Write produces into it
	slotPrepared                  // flushed by PreCommit; waits for Commit
	slotHeld                      // committed, but still named by a checkpoint a restart may resume from
)

// txnSlot is one transactional id of a writer.
type txnSlot struct {
	index int
	id    string
	cl    *kgo.Client // nil until first used, and after a commit through it failed
	state slotState
	txn   preparedTxn // slotPrepared: what PreCommit described
	// release (slotHeld) is 0 until a PreCommit leaves the slot's
	// transaction out of its description; then the epoch of that
	// PreCommit, whose Commit frees the slot.
	release uint64
}

// txnRetryTimeout bounds how long one commit or fence is retried while it
// fails with retriable errors.
var txnRetryTimeout = 30 * time.Second

// txnWriter is the exactly-once writer of one subtask.
type txnWriter struct {
	base   *writer // row encoding, and the first failed message
	logger *slog.Logger
	prefix string
	opened bool

	// commitMu serialises Commit with Close and Abort.
	commitMu sync.Mutex

	// mu guards the slots' states and clients, cur and failed: Commit
	// runs on another goroutine than Write and PreCommit.
	mu     sync.Mutex
	slots  []*txnSlot
	cur    *txnSlot // slotOpen; nil until a Write after Open or PreCommit
	failed error    // sticky: the writer cannot go on
}

var (
	_ connectors.Writer    = (*txnWriter)(nil)
	_ connectors.Committer = (*txnWriter)(nil)
	_ connectors.Aborter   = (*txnWriter)(nil)
)

// newTxnWriter returns subtask's exactly-once writer. held lists the
// slots whose transactions the restored checkpoint names (committed by
// Recover): they stay unused until this run's first checkpoint commits.
func newTxnWriter(base *writer, held []int) *txnWriter {
	s := base.sink
	w := &txnWriter{base: base, logger: s.cfg.Logger, prefix: s.opts.txnPrefix}
	for _, slot := range held {
		for len(w.slots) <= slot {
			i := len(w.slots)
			w.slots = append(w.slots, &txnSlot{index: i, id: txnID(w.prefix, base.subtask, i)})
		}
		w.slots[slot].state = slotHeld
	}
	return w
}

// Open implements connectors.Writer. Clients are created when a slot is
// first used.
func (w *txnWriter) Open(ctx context.Context) error {
	w.opened = true
	return nil
}

func (w *txnWriter) where() string {
	return fmt.Sprintf("kafka sink '%s' topic '%s'", w.base.sink.cfg.Table, w.base.sink.opts.topic)
}

// fail records err as the writer's failure (keeping the first) and
// returns the failure.
func (w *txnWriter) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failed == nil {
		w.failed = err
	}
	return w.failed
}

func (w *txnWriter) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}

// Write implements connectors.Writer: encodes each row as one message
// and produces them, without waiting, in the current transaction (begun
// by the first Write after Open or PreCommit). It returns the first
// earlier message's failure, if any.
func (w *txnWriter) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if !w.opened {
		return fmt.Errorf("kafka sink '%s': write before open", w.base.sink.cfg.Table)
	}
	if err := w.failure(); err != nil {
		return err
	}
	if err := w.base.err(); err != nil {
		return w.fail(err)
	}
	if rec.NumRows() == 0 {
		return nil
	}
	msgs, err := w.base.messages(rec)
	if err != nil {
		return fmt.Errorf("%s: %w", w.where(), err)
	}
	s := w.cur
	if s == nil {
		if s, err = w.begin(ctx); err != nil {
			return w.fail(err)
		}
	}
	for i := range msgs {
		s.cl.Produce(ctx, &msgs[i], w.base.promise)
	}
	return nil
}

// begin takes the lowest free slot (a new one if none is) and begins a
// transaction on it.
func (w *txnWriter) begin(ctx context.Context) (*txnSlot, error) {
	w.mu.Lock()
	var s *txnSlot
	for _, c := range w.slots {
		if c.state == slotFree {
			s = c
			break
		}
	}
	if s == nil {
		s = &txnSlot{index: len(w.slots), id: txnID(w.prefix, w.base.subtask, len(w.slots))}
		w.slots = append(w.slots, s)
	}
	s.state = slotOpen
	cl := s.cl
	w.mu.Unlock()
	if cl == nil {
		var err error
		if cl, err = kgo.NewClient(w.clientOpts(s.id)...); err != nil {
			return nil, fmt.Errorf("%s: %w", w.where(), err)
		}
		w.mu.Lock()
		s.cl = cl
		w.mu.Unlock()
	}
	// Initialise the producer id under ctx (BeginTransaction would do it
	// without one): a new client's InitProducerID fences any earlier
	// producer of the id and aborts its open transaction.
	if _, _, err := cl.ProducerID(ctx); err != nil {
		if errors.Is(err, kerr.InvalidTransactionTimeout) {
			return nil, fmt.Errorf("%s: '%s' = %v is more than the brokers allow (their 'transaction.max.timeout.ms'): %w",
				w.where(), OptionSinkTxnTimeout, w.base.sink.opts.txnTimeout, err)
		}
		return nil, fmt.Errorf("%s: initialising transactional id '%s': %w", w.where(), s.id, err)
	}
	if err := cl.BeginTransaction(); err != nil {
		return nil, fmt.Errorf("%s: beginning a transaction with transactional id '%s': %w", w.where(), s.id, err)
	}
	w.cur = s
	return s, nil
}

// clientOpts are the options of the client of transactional id.
func (w *txnWriter) clientOpts(id string) []kgo.Opt {
	s := w.base.sink
	return append(s.opts.client.producerOpts(),
		kgo.DefaultProduceTopic(s.opts.topic),
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(rowPartitioner{mode: s.opts.partitioner, subtask: w.base.subtask}),
		kgo.TransactionalID(id),
		kgo.TransactionTimeout(s.opts.txnTimeout))
}

// PreCommit implements connectors.Committer: flushes the current
// transaction (any failed message fails it) and describes every
// transaction prepared and not yet committed, oldest first; nil when
// there is none.
func (w *txnWriter) PreCommit(ctx context.Context, epoch uint64) ([]byte, error) {
	if err := w.failure(); err != nil {
		return nil, err
	}
	if s := w.cur; s != nil {
		if err := s.cl.Flush(ctx); err != nil {
			return nil, w.fail(fmt.Errorf("%s: flushing transaction '%s': %w", w.where(), s.id, err))
		}
		if err := w.base.err(); err != nil {
			return nil, w.fail(err)
		}
		id, pepoch, err := s.cl.ProducerID(ctx)
		if err != nil {
			return nil, w.fail(fmt.Errorf("%s: transaction '%s': %w", w.where(), s.id, err))
		}
		w.mu.Lock()
		s.state = slotPrepared
		s.txn = preparedTxn{ID: s.id, Slot: s.index, ProducerID: id, ProducerEpoch: pepoch, Epoch: epoch}
		w.cur = nil
		w.mu.Unlock()
	}
	w.mu.Lock()
	d := txnDescription{Prefix: w.prefix, Subtask: w.base.subtask, Slots: len(w.slots)}
	for _, s := range w.slots {
		switch s.state {
		case slotPrepared:
			d.Txns = append(d.Txns, s.txn)
		case slotHeld:
			if s.release == 0 {
				s.release = epoch
			}
		}
	}
	w.mu.Unlock()
	if len(d.Txns) == 0 {
		return nil, nil
	}
	sort.Slice(d.Txns, func(i, j int) bool { return d.Txns[i].Epoch < d.Txns[j].Epoch })
	return d.encode()
}

// Commit implements connectors.Committer: commits, oldest first, every
// prepared transaction of epoch or earlier (the checkpoint of epoch is
// durable, and it covers everything written before its barrier), and
// frees the slots no restorable checkpoint names any more.
func (w *txnWriter) Commit(ctx context.Context, epoch uint64) error {
	w.commitMu.Lock()
	defer w.commitMu.Unlock()
	w.mu.Lock()
	var todo []*txnSlot
	for _, s := range w.slots {
		if s.state == slotPrepared && s.txn.Epoch <= epoch {
			todo = append(todo, s)
		}
	}
	w.mu.Unlock()
	sort.Slice(todo, func(i, j int) bool { return todo[i].txn.Epoch < todo[j].txn.Epoch })
	for _, s := range todo {
		if err := w.commitSlot(ctx, s); err != nil {
			return w.fail(err)
		}
		w.mu.Lock()
		s.state, s.release = slotHeld, 0
		w.mu.Unlock()
	}
	w.mu.Lock()
	for _, s := range w.slots {
		if s.state == slotHeld && s.release != 0 && s.release <= epoch {
			s.state, s.release = slotFree, 0
		}
	}
	w.mu.Unlock()
	return nil
}

// commitSlot commits s's prepared transaction with its client; if that
// fails (franz-go does not retry a commit whose outcome it does not
// know), it closes the client and commits by transactional id, producer
// id and epoch, retrying, as Recover does. It never fences the id: that
// would abort the transaction if it is still open. An error leaves the
// transaction to the restart's Recover.
func (w *txnWriter) commitSlot(ctx context.Context, s *txnSlot) error {
	w.mu.Lock()
	cl := s.cl
	w.mu.Unlock()
	if cl != nil {
		cctx, cancel := context.WithTimeout(ctx, txnRetryTimeout)
		err := cl.EndTransaction(cctx, kgo.TryCommit)
		cancel()
		if err == nil {
			return nil
		}
		w.logger.Warn("kafka sink: committing a transaction failed; retrying by its transactional id", "table", w.base.sink.cfg.Table,
			"transactional_id", s.id, "error", err.Error())
		w.mu.Lock()
		s.cl = nil
		w.mu.Unlock()
		cl.Close()
	}
	if err := commitPrepared(ctx, w.base.sink.opts.client, s.txn, w.base.sink.opts.txnTimeout); err != nil {
		return fmt.Errorf("%s: %w", w.where(), err)
	}
	return nil
}

// Abort implements connectors.Aborter: aborts the transaction after the
// last PreCommit (its rows are in no checkpoint) and disconnects.
// Prepared transactions stay as they are: the restart's Recover commits
// those the restored checkpoint names and aborts the others.
func (w *txnWriter) Abort() error {
	w.shutdown()
	return nil
}

// Close implements connectors.Writer: releases the clients. Rows written
// after the last PreCommit are in no checkpoint, so their transaction is
// aborted; prepared transactions stay for Commit (which then commits by
// transactional id) or for the restart's Recover.
func (w *txnWriter) Close(ctx context.Context) error {
	if w.shutdown() {
		w.logger.Warn("kafka sink: closed with rows written after the last checkpoint; aborted their transaction",
			"table", w.base.sink.cfg.Table)
	}
	return w.failure()
}

// shutdown aborts the open transaction, if any (reporting whether there
// was one), and closes every client.
func (w *txnWriter) shutdown() (aborted bool) {
	w.commitMu.Lock()
	defer w.commitMu.Unlock()
	w.mu.Lock()
	var open *kgo.Client
	if w.cur != nil {
		open = w.cur.cl
	}
	w.cur = nil
	var cls []*kgo.Client
	for _, s := range w.slots {
		if s.cl != nil {
			cls = append(cls, s.cl)
			s.cl = nil
		}
	}
	w.mu.Unlock()
	if open != nil {
		aborted = true
		ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
		_ = open.AbortBufferedRecords(ctx)
		if err := open.EndTransaction(ctx, kgo.TryAbort); err != nil {
			w.logger.Info("kafka sink: aborting the open transaction failed; the next run's recovery aborts it",
				"table", w.base.sink.cfg.Table, "error", err.Error())
		}
		cancel()
	}
	for _, cl := range cls {
		cl.Close()
	}
	return aborted
}
