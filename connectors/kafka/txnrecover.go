package kafka

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/weir-stream/weir/connectors"
)

// minSweepSlots is how many slots per subtask Recover aborts at least:
// the pool a writer settles at (see txn.go).
const minSweepSlots = 3

// recoverConcurrency bounds the transaction requests Recover has in
// flight.
const recoverConcurrency = 8

var _ connectors.Recoverer = (*Sink)(nil)

// Recover implements connectors.Recoverer. It commits every transaction
// the restored checkpoint's descriptions name, then aborts every other
// transaction an earlier run of the sink may have left open: for each
// subtask below max(parallelism, the subtasks in prepared) and each slot
// below max(3, the slots in prepared), and each transactional id with
// the prefix that the brokers list as open, it initialises a producer
// with that transactional id (InitProducerID), which fences the earlier
// producer and aborts its open transaction. The ids the checkpoint names
// are not fenced (their transactions are committed, and a restart that
// recovers the same checkpoint again must find them committed, not
// fenced), and this run's writers leave them unused until their first
// checkpoint commits.
//
// An at-least-once sink recovers only what an exactly-once run of it
// prepared (when the delivery guarantee was changed).
func (s *Sink) Recover(ctx context.Context, epoch uint64, prepared [][]byte, parallelism int) error {
	var descs []txnDescription
	for i, p := range prepared {
		d, err := decodeTxnDescription(p)
		if err != nil {
			return fmt.Errorf("kafka sink '%s': checkpoint %d, transaction description %d: %w", s.cfg.Table, epoch, i, err)
		}
		descs = append(descs, d)
	}
	if s.opts.delivery != ExactlyOnce && len(descs) == 0 {
		return nil
	}
	a, err := newTxnAdmin(ctx, s.opts.client)
	if err != nil {
		return fmt.Errorf("kafka sink '%s': recovering transactions: %w", s.cfg.Table, err)
	}
	defer a.close()

	var txns []preparedTxn
	named := map[string]bool{}
	for _, d := range descs {
		for _, t := range d.Txns {
			txns = append(txns, t)
			named[t.ID] = true
		}
	}
	commitErr := forEachLimited(txns, func(t preparedTxn) error { return a.commit(ctx, t, s.opts.txnTimeout) })
	ids := s.leftovers(ctx, a, descs, parallelism, named)
	timeout := s.opts.txnTimeout
	if timeout == 0 {
		timeout = DefaultTransactionTimeout
	}
	fenceErr := forEachLimited(ids, func(id string) error { return a.fence(ctx, id, timeout) })
	if err := errors.Join(commitErr, fenceErr); err != nil {
		return fmt.Errorf("kafka sink '%s': recovering the transactions of checkpoint %d: %w", s.cfg.Table, epoch, err)
	}
	s.holdNamed(descs)
	s.cfg.Logger.Info("kafka sink: recovered transactions", "table", s.cfg.Table, "checkpoint", epoch,
		"committed", len(txns), "aborted", len(ids))
	return nil
}

// leftovers lists the transactional ids to fence: every id in the range
// of subtasks and slots an earlier run used, and every id with the
// prefix the brokers list in a state other than ended, except the named.
func (s *Sink) leftovers(ctx context.Context, a *txnAdmin, descs []txnDescription, parallelism int, named map[string]bool) []string {
	type extent struct{ subtasks, slots int }
	prefixes := map[string]*extent{}
	if s.opts.delivery == ExactlyOnce {
		prefixes[s.opts.txnPrefix] = &extent{parallelism, minSweepSlots}
	}
	for _, d := range descs {
		e := prefixes[d.Prefix]
		if e == nil {
			e = &extent{parallelism, minSweepSlots}
			prefixes[d.Prefix] = e
		}
		e.subtasks = max(e.subtasks, d.Subtask+1)
		e.slots = max(e.slots, d.Slots)
	}
	ids := map[string]bool{}
	for prefix, e := range prefixes {
		for sub := range e.subtasks {
			for slot := range e.slots {
				ids[txnID(prefix, sub, slot)] = true
			}
		}
		open, err := a.listOpen(ctx, prefix)
		if err != nil {
			s.cfg.Logger.Info("kafka sink: could not list the brokers' open transactions; aborting by subtask and slot only",
				"table", s.cfg.Table, "prefix", prefix, "error", err.Error())
		}
		for _, id := range open {
			ids[id] = true
		}
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		if !named[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// holdNamed records, per subtask, the slots the descriptions name, for
// the writers of this run (see newTxnWriter).
func (s *Sink) holdNamed(descs []txnDescription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = map[int][]int{}
	for _, d := range descs {
		if d.Prefix != s.opts.txnPrefix {
			continue
		}
		for _, t := range d.Txns {
			s.held[d.Subtask] = append(s.held[d.Subtask], t.Slot)
		}
	}
}

// heldSlots returns the slots of subtask that Recover left held.
func (s *Sink) heldSlots(subtask int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[subtask]
}

// commitPrepared commits t by transactional id with a client of its own:
// the writer's way when its producer's own commit failed.
func commitPrepared(ctx context.Context, cc clientConfig, t preparedTxn, timeout time.Duration) error {
	a, err := newTxnAdmin(ctx, cc)
	if err != nil {
		return err
	}
	defer a.close()
	return a.commit(ctx, t, timeout)
}

// txnAdmin sends transaction requests by transactional id; franz-go
// routes them to the id's transaction coordinator (FindCoordinator) and
// retries NOT_COORDINATOR and COORDINATOR_LOAD_IN_PROGRESS itself.
type txnAdmin struct {
	cl    *kgo.Client // InitProducerID, ListTransactions, ApiVersions
	endCl *kgo.Client // EndTxn: cl, or one capped at EndTxn v4 (see commit)
}

func newTxnAdmin(ctx context.Context, cc clientConfig) (*txnAdmin, error) {
	cl, err := kgo.NewClient(cc.baseOpts()...)
	if err != nil {
		return nil, err
	}
	a := &txnAdmin{cl: cl, endCl: cl}
	vctx, cancel := context.WithTimeout(ctx, txnRetryTimeout)
	tv2, err := transactionV2(vctx, cl)
	cancel()
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("asking the brokers' versions: %w", err)
	}
	if !tv2 {
		vs := kversion.Stable()
		vs.SetMaxKeyVersion(int16(kmsg.EndTxn), 4)
		if a.endCl, err = kgo.NewClient(append(cc.baseOpts(), kgo.MaxVersions(vs))...); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return a, nil
}

func (a *txnAdmin) close() {
	if a.endCl != a.cl {
		a.endCl.Close()
	}
	a.cl.Close()
}

// transactionV2 reports whether a broker finalized transaction.version
// 2 or more (KIP-890 part 2), the test franz-go applies to its own
// transactions (kgo.Client.supportsKIP890p2).
func transactionV2(ctx context.Context, cl *kgo.Client) (bool, error) {
	vs, err := kadm.NewClient(cl).ApiVersions(ctx)
	if err != nil {
		return false, err
	}
	tv2 := false
	vs.Each(func(v kadm.BrokerApiVersions) {
		if v.Err != nil || v.Raw() == nil {
			return
		}
		for _, f := range v.Raw().FinalizedFeatures {
			if f.Name == "transaction.version" && f.MaxVersionLevel >= 2 {
				tv2 = true
			}
		}
	})
	return tv2, nil
}

// commit ends t with a commit by EndTxn with its transactional id,
// producer id and epoch, from any client. What brokers answer, from
// Kafka's TransactionCoordinator (core/src/main/scala/kafka/coordinator/
// transaction/TransactionCoordinator.scala: endTransactionWithTV1 for
// EndTxn v0-4, endTransaction and its state table for v5 ("transaction
// version 2", KIP-890 part 2)) and from kfake ((*pids).doEnd in
// pkg/kfake/txns.go at the version go.mod pins; the tests here check
// it):
//
//   - Still open at that producer id and epoch: committed. NONE.
//   - Already committed (the crash came after the commit, or an earlier
//     recovery of the same checkpoint committed it): NONE. TV1: the
//     state is CompleteCommit at the same epoch, and a commit is
//     answered NONE ("case CompleteCommit => if COMMIT Left(NONE)";
//     kfake: !inTx && Commit == lastWasCommit). TV2: the commit bumped
//     the epoch, so this is a retry at epoch-1, answered NONE for
//     CompleteCommit (retryOnEpochBump; kfake: epoch == req+1 && !inTx
//     && Commit == lastWasCommit). Kafka takes the transaction version
//     from the request version (v5 is TV2), so a retry sent at v5 to a
//     cluster below transaction.version 2 would be answered
//     INVALID_TXN_STATE: newTxnAdmin caps EndTxn at v4 there, as
//     franz-go does for its own EndTxn. Neither answer would be safe if
//     the producer could have begun another transaction under the same
//     id since (TV1 would commit that one): the writers' slot reuse
//     rule (txn.go) and Recover not fencing named ids rule that out.
//   - Aborted, by its timeout or by a newer producer's InitProducerID
//     (which aborts and bumps the epoch): TV1: PRODUCER_FENCED (the
//     epoch differs; kfake the same at v4). TV2: INVALID_TXN_STATE when
//     the epoch moved by one (CompleteAbort, and a commit "retry"),
//     PRODUCER_FENCED when by more (Kafka's fencing InitProducerID is
//     retried and bumps twice); kfake answers INVALID_TXN_STATE at v5
//     after a timeout or a fence (one bump).
//   - The transactional id expired (transactional.id.expiration.ms, 7
//     days by default; the transaction timed out long before):
//     INVALID_PRODUCER_ID_MAPPING in both.
//
// So NONE is success; PRODUCER_FENCED, INVALID_TXN_STATE and
// INVALID_PRODUCER_ID_MAPPING mean the transaction's rows are lost, an
// error rather than a job that silently misses them. CONCURRENT_TRANSACTIONS
// (markers still being written), coordinator moves and transport errors
// are retried for txnRetryTimeout.
func (a *txnAdmin) commit(ctx context.Context, t preparedTxn, timeout time.Duration) error {
	err := retryTxn(ctx, func(ctx context.Context) error {
		req := kmsg.NewPtrEndTxnRequest()
		req.TransactionalID = t.ID
		req.ProducerID = t.ProducerID
		req.ProducerEpoch = t.ProducerEpoch
		req.Commit = true
		resp, err := req.RequestWith(ctx, a.endCl)
		if err != nil {
			return err
		}
		return kerr.ErrorForCode(resp.ErrorCode)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kerr.ProducerFenced), errors.Is(err, kerr.InvalidTxnState),
		errors.Is(err, kerr.InvalidProducerIDMapping), errors.Is(err, kerr.InvalidProducerEpoch):
		how := "its timeout"
		if timeout > 0 {
			how = fmt.Sprintf("its timeout ('%s' = %v; was the job down longer?)", OptionSinkTxnTimeout, timeout)
		}
		return fmt.Errorf("transaction '%s' (producer id %d, epoch %d) of checkpoint %d can no longer be committed (%w): "+
			"it was aborted, by %s or by another producer with the same transactional id (is '%s' shared with another job?); its rows are lost",
			t.ID, t.ProducerID, t.ProducerEpoch, t.Epoch, err, how, OptionSinkTxnPrefix)
	default:
		return fmt.Errorf("committing transaction '%s' (producer id %d, epoch %d) of checkpoint %d: %w", t.ID, t.ProducerID, t.ProducerEpoch, t.Epoch, err)
	}
}

// fence initialises a producer with transactional id (InitProducerID):
// the coordinator bumps the id's epoch, so its earlier producer can no
// longer write or commit, and aborts its open transaction (Kafka answers
// CONCURRENT_TRANSACTIONS until the abort's markers are written; retried).
func (a *txnAdmin) fence(ctx context.Context, id string, timeout time.Duration) error {
	err := retryTxn(ctx, func(ctx context.Context) error {
		req := kmsg.NewPtrInitProducerIDRequest()
		req.TransactionalID = &id
		req.TransactionTimeoutMillis = int32(timeout.Milliseconds())
		resp, err := req.RequestWith(ctx, a.cl)
		if err != nil {
			return err
		}
		return kerr.ErrorForCode(resp.ErrorCode)
	})
	if err != nil {
		return fmt.Errorf("aborting what transactional id '%s' left open: %w", id, err)
	}
	return nil
}

// listOpen lists the transactional ids of prefix that the brokers know
// in a state that may hold an open transaction (ListTransactions, Kafka
// 3.0+; filtered here too, as brokers before 4.1 ignore the pattern).
// With an error it returns what it could list.
func (a *txnAdmin) listOpen(ctx context.Context, prefix string) ([]string, error) {
	pattern := "^" + regexp.QuoteMeta(prefix) + "-[0-9]+-[0-9]+$"
	lctx, cancel := context.WithTimeout(ctx, txnRetryTimeout)
	defer cancel()
	listed, err := kadm.NewClient(a.cl).ListTransactionsByTxPattern(lctx, nil, nil, pattern)
	var out []string
	for _, t := range listed.Sorted() {
		if _, _, ok := parseTxnID(prefix, t.TxnID); !ok {
			continue
		}
		switch t.State {
		case "Empty", "CompleteCommit", "CompleteAbort", "Dead":
			continue
		}
		out = append(out, t.TxnID)
	}
	return out, err
}

// retryTxn runs do until it succeeds or fails with an error that
// retrying does not cure, retrying for at most txnRetryTimeout.
func retryTxn(ctx context.Context, do func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, txnRetryTimeout)
	defer cancel()
	backoff := 20 * time.Millisecond
	for {
		err := do(ctx)
		if err == nil || !retriableTxnErr(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (still failing after %v of retries)", err, txnRetryTimeout)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// retriableTxnErr reports whether a transaction request may succeed
// when sent again: retriable Kafka errors, CONCURRENT_TRANSACTIONS (a
// previous end of the transaction is still writing its markers), and
// transport errors.
func retriableTxnErr(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrClientClosed) {
		return false
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Retriable || ke == kerr.ConcurrentTransactions
	}
	return true
}

// forEachLimited calls fn for every item, at most recoverConcurrency at
// a time, and returns every error joined.
func forEachLimited[T any](items []T, fn func(T) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, recoverConcurrency)
	)
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(it); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
