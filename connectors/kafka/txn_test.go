package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/weir-stream/weir/connectors"
)

// txnModes are the two transaction protocols: Kafka 4's default
// (transaction.version 2, KIP-890: the epoch bumps per transaction) and
// the one before (Kafka 3.9: EndTxn v4, one epoch per producer session).
var txnModes = []struct {
	name string
	opts []kfake.Opt
}{
	{"tv2", nil},
	{"tv1", []kfake.Opt{kfake.MaxVersions(kversion.V3_9_0())}},
}

// eoConfig is an exactly-once sink config for topic "out".
func eoConfig(alloc memory.Allocator, brokers string, extra map[string]string) connectors.SinkConfig {
	opts := map[string]string{"sink.delivery-guarantee": "exactly-once"}
	for k, v := range extra {
		opts[k] = v
	}
	cfg := sinkConfig(alloc, brokers, opts, nil)
	cfg.Checkpointing = true
	return cfg
}

// idRecord builds rows with ids from .. from+n-1 over sinkSchema.
func idRecord(alloc memory.Allocator, from, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(alloc, sinkSchema)
	defer b.Release()
	for i := from; i < from+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("n%d", i))
		b.Field(2).(*array.TimestampBuilder).AppendNull()
		b.Field(3).(*array.StringBuilder).AppendNull()
	}
	return b.NewRecordBatch()
}

// testWriter is one subtask's writer of a sink under test.
type testWriter struct {
	t     *testing.T
	alloc memory.Allocator
	w     connectors.Writer
}

func openWriter(t *testing.T, sink connectors.Sink, alloc memory.Allocator, subtask, parallelism int) *testWriter {
	t.Helper()
	w, err := sink.Writer(subtask, parallelism)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testWriter{t: t, alloc: alloc, w: w}
}

func (tw *testWriter) write(from, n int) {
	tw.t.Helper()
	rec := idRecord(tw.alloc, from, n)
	defer rec.Release()
	if err := tw.w.Write(context.Background(), rec); err != nil {
		tw.t.Fatal(err)
	}
}

func (tw *testWriter) preCommit(epoch uint64) []byte {
	tw.t.Helper()
	desc, err := tw.w.(connectors.Committer).PreCommit(context.Background(), epoch)
	if err != nil {
		tw.t.Fatal(err)
	}
	return desc
}

func (tw *testWriter) commit(epoch uint64) {
	tw.t.Helper()
	if err := tw.w.(connectors.Committer).Commit(context.Background(), epoch); err != nil {
		tw.t.Fatal(err)
	}
}

// crash abandons the writer as a dying process would: what it produced
// stays on the brokers (flushed first, so the open transaction holds
// records), no transaction is ended, and its connections close.
func (tw *testWriter) crash() {
	tw.t.Helper()
	w := tw.w.(*txnWriter)
	if w.cur != nil {
		if err := w.cur.cl.Flush(context.Background()); err != nil {
			tw.t.Fatal(err)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.slots {
		if s.cl != nil {
			s.cl.Close()
			s.cl = nil
		}
	}
}

// readCommitted reads "out" as a read_committed consumer up to its last
// stable offset and returns the ids, in offset order per partition; it
// also reports whether the last stable offset is the end of the log
// (no open transaction holds consumers back).
func readCommitted(t *testing.T, brokers string) (ids []int, stable bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	admCl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	lso, err := adm.ListCommittedOffsets(ctx, "out")
	if err != nil {
		t.Fatal(err)
	}
	hwm, err := adm.ListEndOffsets(ctx, "out")
	if err != nil {
		t.Fatal(err)
	}
	stable = true
	want := map[int32]int64{}
	lso.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
		}
		if h, _ := hwm.Lookup("out", o.Partition); h.Offset != o.Offset {
			stable = false
		}
	})
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.ConsumeTopics("out"), kgo.KeepControlRecords(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for len(want) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read_committed consumer did not reach the last stable offsets %v", want)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if !r.Attrs.IsControl() {
				var id int
				if _, err := fmt.Sscanf(string(r.Value), `{"id":%d`, &id); err != nil {
					t.Errorf("value %s", r.Value)
				}
				ids = append(ids, id)
			}
			if end, ok := want[r.Partition]; ok && r.Offset+1 >= end {
				delete(want, r.Partition)
			}
		})
	}
	return ids, stable
}

// idsFrom returns from .. from+n-1.
func idsFrom(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

func TestExactlyOnceVisibleOnlyAfterCommit(t *testing.T) {
	for _, mode := range txnModes {
		t.Run(mode.name, func(t *testing.T) {
			_, brokers := startCluster(t, append([]kfake.Opt{kfake.SeedTopics(1, "out")}, mode.opts...)...)
			alloc := checkedAlloc(t)
			sink, err := NewSink(eoConfig(alloc, brokers, nil))
			if err != nil {
				t.Fatal(err)
			}
			w := openWriter(t, sink, alloc, 0, 1)
			defer w.w.Close(context.Background())
			if desc := w.preCommit(1); desc != nil {
				t.Fatalf("nothing written, description %s", desc)
			}
			w.write(0, 10)
			desc := w.preCommit(2)
			d, err := decodeTxnDescription(desc)
			if err != nil {
				t.Fatal(err)
			}
			if d.Prefix != "weir-out" || len(d.Txns) != 1 || d.Txns[0].ID != "weir-out-0-0" || d.Txns[0].Epoch != 2 {
				t.Fatalf("description %s", desc)
			}
			if ids, _ := readCommitted(t, brokers); len(ids) != 0 {
				t.Fatalf("read %v before the commit", ids)
			}
			// The next interval's rows go to another transaction, written
			// while the commit runs.
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.commit(2)
			}()
			w.write(10, 5)
			wg.Wait()
			if ids, _ := readCommitted(t, brokers); fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 10)) {
				t.Fatalf("after the commit: %v", ids)
			}
			w.preCommit(3)
			w.commit(3)
			if ids, stable := readCommitted(t, brokers); fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 15)) || !stable {
				t.Fatalf("after the second commit: %v (stable %v)", ids, stable)
			}
		})
	}
}

// TestExactlyOnceSlotsCycle: as the engine drives a writer (rows of the
// next interval written before the checkpoint commits), a transactional
// id is used again only once no restorable checkpoint names it: three
// ids in turn.
func TestExactlyOnceSlotsCycle(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "out"))
	alloc := checkedAlloc(t)
	sink, err := NewSink(eoConfig(alloc, brokers, map[string]string{"sink.transactional-id-prefix": "job7"}))
	if err != nil {
		t.Fatal(err)
	}
	w := openWriter(t, sink, alloc, 1, 2)
	defer w.w.Close(context.Background())
	var slots []string
	w.write(0, 3)
	for epoch := uint64(1); epoch <= 7; epoch++ {
		desc := w.preCommit(epoch)
		w.write(int(epoch)*3, 3)
		w.commit(epoch)
		d, err := decodeTxnDescription(desc)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Txns) != 1 {
			t.Fatalf("epoch %d: %s", epoch, desc)
		}
		slots = append(slots, d.Txns[0].ID)
	}
	want := "[job7-1-0 job7-1-1 job7-1-2 job7-1-0 job7-1-1 job7-1-2 job7-1-0]"
	if fmt.Sprint(slots) != want {
		t.Fatalf("transactional ids %v, want %s", slots, want)
	}
	w.preCommit(8)
	w.commit(8)
	if ids, stable := readCommitted(t, brokers); len(ids) != 24 || !stable {
		t.Fatalf("read %d rows (stable %v)", len(ids), stable)
	}
}

// TestExactlyOnceRecoverCommitsPrepared: a writer crashes after
// PreCommit (the checkpoint is durable, its Commit never came) with rows
// of the next interval in an open transaction. Recover commits the
// prepared transaction and aborts the open one: read_committed consumers
// see the checkpoint's rows once, never the others, and are not held
// back. The next run's writer goes on without touching the id the
// checkpoint names.
func TestExactlyOnceRecoverCommitsPrepared(t *testing.T) {
	for _, mode := range txnModes {
		t.Run(mode.name, func(t *testing.T) {
			_, brokers := startCluster(t, append([]kfake.Opt{kfake.SeedTopics(3, "out")}, mode.opts...)...)
			alloc := checkedAlloc(t)
			cfg := eoConfig(alloc, brokers, nil)
			sink, err := NewSink(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := sink.(connectors.Recoverer).Recover(context.Background(), 0, nil, 2); err != nil {
				t.Fatal(err)
			}
			w0, w1 := openWriter(t, sink, alloc, 0, 2), openWriter(t, sink, alloc, 1, 2)
			w0.write(0, 20)
			w1.write(100, 20)
			d0, d1 := w0.preCommit(1), w1.preCommit(1)
			w0.write(20, 7) // after the checkpoint: must never be visible
			w1.write(120, 7)
			w0.crash()
			w1.crash()
			if ids, stable := readCommitted(t, brokers); len(ids) != 0 || stable {
				t.Fatalf("before recovery: read %v, stable %v", ids, stable)
			}

			sink2, err := NewSink(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := sink2.(connectors.Recoverer).Recover(context.Background(), 1, [][]byte{d0, d1}, 2); err != nil {
				t.Fatal(err)
			}
			ids, stable := readCommitted(t, brokers)
			checkIDs(t, ids, append(idsFrom(0, 20), idsFrom(100, 20)...))
			if !stable {
				t.Fatal("an aborted transaction still holds read_committed consumers back")
			}

			// The next run replays from the checkpoint.
			n0, n1 := openWriter(t, sink2, alloc, 0, 2), openWriter(t, sink2, alloc, 1, 2)
			defer n0.w.Close(context.Background())
			defer n1.w.Close(context.Background())
			n0.write(20, 7)
			n1.write(120, 7)
			e0, e1 := n0.preCommit(2), n1.preCommit(2)
			n0.commit(2)
			n1.commit(2)
			for i, desc := range [][]byte{e0, e1} {
				d, err := decodeTxnDescription(desc)
				if err != nil {
					t.Fatal(err)
				}
				if id := d.Txns[0].ID; id == fmt.Sprintf("weir-out-%d-0", i) {
					t.Fatalf("the new writer wrote with %s, which the restored checkpoint names", id)
				}
			}
			ids, stable = readCommitted(t, brokers)
			checkIDs(t, ids, append(idsFrom(0, 27), idsFrom(100, 27)...))
			if !stable {
				t.Fatal("not stable")
			}
		})
	}
}

// checkIDs fails unless got holds want's ids once each (in any order).
func checkIDs(t *testing.T, got, want []int) {
	t.Helper()
	g, w := map[int]int{}, map[int]bool{}
	for _, id := range want {
		w[id] = true
	}
	for _, id := range got {
		g[id]++
		if g[id] > 1 || !w[id] {
			t.Fatalf("read %v, want %v: id %d read twice or unexpected", got, want, id)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("read %d rows, want %d", len(got), len(want))
	}
}

// TestExactlyOnceRecoverAlreadyCommitted: the crash came after the
// commit; recovering the checkpoint again succeeds and duplicates
// nothing, also when it happens twice, with the next run's writer having
// written and crashed in between.
func TestExactlyOnceRecoverAlreadyCommitted(t *testing.T) {
	for _, mode := range txnModes {
		t.Run(mode.name, func(t *testing.T) {
			_, brokers := startCluster(t, append([]kfake.Opt{kfake.SeedTopics(1, "out")}, mode.opts...)...)
			alloc := checkedAlloc(t)
			cfg := eoConfig(alloc, brokers, nil)
			sink, _ := NewSink(cfg)
			w := openWriter(t, sink, alloc, 0, 1)
			w.write(0, 10)
			desc := w.preCommit(1)
			w.commit(1)
			w.write(10, 3)
			w.crash()
			for run := 0; run < 3; run++ {
				s, err := NewSink(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.(connectors.Recoverer).Recover(context.Background(), 1, [][]byte{desc}, 1); err != nil {
					t.Fatalf("recovery %d: %v", run, err)
				}
				ids, stable := readCommitted(t, brokers)
				if fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 10)) || !stable {
					t.Fatalf("recovery %d: read %v, stable %v", run, ids, stable)
				}
				// The next run writes, prepares and crashes before its
				// checkpoint completes.
				n := openWriter(t, s, alloc, 0, 1)
				n.write(10, 3)
				n.preCommit(2)
				n.write(13, 1)
				n.crash()
			}
		})
	}
}

// TestExactlyOnceRecoverAbortedIsAnError: a prepared transaction that
// was aborted (fenced by another producer of its id, or timed out) can
// no longer be committed; Recover says so rather than lose its rows
// silently. kfake's answers: INVALID_TXN_STATE at EndTxn v5 (one epoch
// bump), PRODUCER_FENCED at v4.
func TestExactlyOnceRecoverAbortedIsAnError(t *testing.T) {
	for _, mode := range txnModes {
		wantCode := kerr.InvalidTxnState
		if mode.name == "tv1" {
			wantCode = kerr.ProducerFenced
		}
		t.Run(mode.name+"/fenced", func(t *testing.T) {
			_, brokers := startCluster(t, append([]kfake.Opt{kfake.SeedTopics(1, "out")}, mode.opts...)...)
			alloc := checkedAlloc(t)
			cfg := eoConfig(alloc, brokers, nil)
			sink, _ := NewSink(cfg)
			w := openWriter(t, sink, alloc, 0, 1)
			w.write(0, 10)
			desc := w.preCommit(1)
			w.crash()
			// A fresh start (no checkpoint) fences every id of the sink.
			if err := sink.(connectors.Recoverer).Recover(context.Background(), 0, nil, 1); err != nil {
				t.Fatal(err)
			}
			err := sink.(connectors.Recoverer).Recover(context.Background(), 1, [][]byte{desc}, 1)
			if !errors.Is(err, wantCode) || !strings.Contains(err.Error(), "'weir-out-0-0' (producer id") ||
				!strings.Contains(err.Error(), "can no longer be committed") {
				t.Fatalf("got %v, want %v", err, wantCode)
			}
			if ids, stable := readCommitted(t, brokers); len(ids) != 0 || !stable {
				t.Fatalf("read %v, stable %v", ids, stable)
			}
		})
		t.Run(mode.name+"/timed-out", func(t *testing.T) {
			c, brokers := startCluster(t, append([]kfake.Opt{kfake.SeedTopics(1, "out")}, mode.opts...)...)
			alloc := checkedAlloc(t)
			cfg := eoConfig(alloc, brokers, map[string]string{"sink.transaction-timeout": "300 ms"})
			sink, _ := NewSink(cfg)
			w := openWriter(t, sink, alloc, 0, 1)
			w.write(0, 10)
			desc := w.preCommit(1)
			w.crash()
			// kfake aborts a transaction older than its timeout (and
			// bumps the epoch) from its timer.
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, stable := readCommitted(t, brokers); stable {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("kfake did not abort the timed-out transaction")
				}
				time.Sleep(50 * time.Millisecond)
			}
			_ = c
			err := sink.(connectors.Recoverer).Recover(context.Background(), 1, [][]byte{desc}, 1)
			if !errors.Is(err, wantCode) || !strings.Contains(err.Error(), "'sink.transaction-timeout' = 300ms") {
				t.Fatalf("got %v, want %v", err, wantCode)
			}
			if ids, _ := readCommitted(t, brokers); len(ids) != 0 {
				t.Fatalf("read %v", ids)
			}
		})
	}
}

// TestExactlyOnceRecoverFindsListedLeftovers: an open transaction of a
// subtask beyond this run's parallelism (the job ran wider before) is
// found by listing the brokers' transactions and aborted.
func TestExactlyOnceRecoverFindsListedLeftovers(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	alloc := checkedAlloc(t)
	cfg := eoConfig(alloc, brokers, nil)
	sink, _ := NewSink(cfg)
	w := openWriter(t, sink, alloc, 5, 6)
	w.write(0, 4)
	w.crash()
	if _, stable := readCommitted(t, brokers); stable {
		t.Fatal("the open transaction does not hold consumers back")
	}
	if err := sink.(connectors.Recoverer).Recover(context.Background(), 0, nil, 2); err != nil {
		t.Fatal(err)
	}
	if ids, stable := readCommitted(t, brokers); len(ids) != 0 || !stable {
		t.Fatalf("read %v, stable %v", ids, stable)
	}
}

func TestRecoverRejectsCorruptDescriptions(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	sink, err := NewSink(eoConfig(nil, brokers, nil))
	if err != nil {
		t.Fatal(err)
	}
	good := txnDescription{Prefix: "weir-out", Subtask: 1, Slots: 2, Txns: []preparedTxn{{ID: "weir-out-1-1", Slot: 1, ProducerID: 5, Epoch: 3}}}
	enc := func(d txnDescription) []byte {
		b, err := d.encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	wrongID := good
	wrongID.Txns = []preparedTxn{{ID: "weir-out-0-1", Slot: 1}}
	wrongSlot := good
	wrongSlot.Txns = []preparedTxn{{ID: "weir-out-1-2", Slot: 2}}
	cases := []struct {
		data []byte
		want string
	}{
		{[]byte("{"), "corrupt Kafka sink transaction description"},
		{[]byte(`{"version":7}`), "format 7"},
		{[]byte(`{"version":1,"subtask":0,"slots":1}`), "no prefix"},
		{enc(wrongID), "does not fit"},
		{enc(wrongSlot), "does not fit"},
	}
	for _, c := range cases {
		err := sink.(connectors.Recoverer).Recover(context.Background(), 4, [][]byte{enc(good), c.data}, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "checkpoint 4, transaction description 1") {
			t.Errorf("%s: got %v, want %q", c.data, err, c.want)
		}
	}
}

func TestParseTxnID(t *testing.T) {
	for id, want := range map[string]string{
		"weir-a-b-3-12": "3 12 true", "weir-a-b-03-1": "0 0 false", "weir-a-b-3": "0 0 false",
		"weir-a-b-x-1": "0 0 false", "other-3-1": "0 0 false", "weir-a-b-3-1-2": "0 0 false",
	} {
		sub, slot, ok := parseTxnID("weir-a-b", id)
		if got := fmt.Sprint(sub, slot, ok); got != want {
			t.Errorf("%s: got %s, want %s", id, got, want)
		}
	}
}

// TestAtLeastOncePreCommitFlushes: with checkpoints, an at-least-once
// writer's PreCommit makes everything written durable (and visible) and
// reports failed messages; there is no transaction to commit.
func TestAtLeastOncePreCommitFlushes(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "out"))
	alloc := checkedAlloc(t)
	cfg := sinkConfig(alloc, brokers, map[string]string{"properties.linger.ms": "60000"}, nil)
	cfg.Checkpointing = true
	sink, err := NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w := openWriter(t, sink, alloc, 0, 1)
	defer w.w.Close(context.Background())
	w.write(0, 9)
	if desc := w.preCommit(1); desc != nil {
		t.Fatalf("description %s", desc)
	}
	if got := consumeAll(t, brokers, "out"); len(got) != 9 {
		t.Fatalf("%d messages after PreCommit", len(got))
	}
	w.commit(1)
	if err := sink.(connectors.Recoverer).Recover(context.Background(), 1, nil, 1); err != nil {
		t.Fatal(err)
	}

	// A failed message fails PreCommit, naming where.
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cfg = sinkConfig(alloc, strings.Join(c.ListenAddrs(), ","), map[string]string{"topic": "missing"}, nil)
	cfg.Checkpointing = true
	bad, err := NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bw := openWriter(t, bad, alloc, 0, 1)
	defer bw.w.Close(context.Background())
	bw.write(0, 1)
	_, err = bw.w.(connectors.Committer).PreCommit(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "kafka sink 'out' topic 'missing'") {
		t.Fatalf("got %v", err)
	}
}

// TestExactlyOnceFailedMessageFailsPreCommit: a message that cannot be
// written fails the transaction's PreCommit, and the writer stays failed.
func TestExactlyOnceFailedMessageFailsPreCommit(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	alloc := checkedAlloc(t)
	cfg := eoConfig(alloc, strings.Join(c.ListenAddrs(), ","), map[string]string{"topic": "missing"})
	sink, err := NewSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w := openWriter(t, sink, alloc, 0, 1)
	defer w.w.Close(context.Background())
	w.write(0, 1)
	_, err = w.w.(connectors.Committer).PreCommit(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "topic 'missing'") {
		t.Fatalf("got %v", err)
	}
	rec := idRecord(alloc, 1, 1)
	defer rec.Release()
	if err2 := w.w.Write(context.Background(), rec); err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("write after the failure: %v", err2)
	}
}

func TestSinkTransactionOptions(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	s, err := NewSink(eoConfig(nil, brokers, nil))
	if err != nil {
		t.Fatal(err)
	}
	o := s.(*Sink).opts
	if o.delivery != ExactlyOnce || o.txnPrefix != "weir-out" || o.txnTimeout != 15*time.Minute {
		t.Fatalf("defaults %+v", o)
	}
	for v, want := range map[string]time.Duration{"900 s": 900 * time.Second, "1 min": time.Minute, "60000": time.Minute, "2m30s": 150 * time.Second} {
		s, err := NewSink(eoConfig(nil, brokers, map[string]string{"sink.transaction-timeout": v, "sink.transactional-id-prefix": " p "}))
		if err != nil {
			t.Fatal(err)
		}
		if o := s.(*Sink).opts; o.txnTimeout != want || o.txnPrefix != "p" {
			t.Errorf("%s: %v %q", v, o.txnTimeout, o.txnPrefix)
		}
	}
	cases := []struct {
		extra    map[string]string
		ck       bool
		key, msg string
	}{
		{map[string]string{"sink.delivery-guarantee": "exactly-once"}, false, "sink.delivery-guarantee", "'exactly-once' needs checkpoints: run with --state-dir"},
		{map[string]string{"sink.delivery-guarantee": "none"}, true, "sink.delivery-guarantee", "accepted: 'at-least-once', 'exactly-once'"},
		{map[string]string{"sink.transactional-id-prefix": "x"}, true, "sink.transactional-id-prefix", "only used with 'sink.delivery-guarantee' = 'exactly-once'"},
		{map[string]string{"sink.transaction-timeout": "1 min"}, true, "sink.transaction-timeout", "only used with"},
		{map[string]string{"sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": " "}, true, "sink.transactional-id-prefix", "non-empty"},
		{map[string]string{"sink.delivery-guarantee": "exactly-once", "sink.transaction-timeout": "0"}, true, "sink.transaction-timeout", "positive duration"},
		{map[string]string{"sink.delivery-guarantee": "exactly-once", "sink.transaction-timeout": "soon"}, true, "sink.transaction-timeout", "positive duration"},
		{map[string]string{"sink.delivery-guarantee": "exactly-once", "sink.transaction-timeout": "-5 s"}, true, "sink.transaction-timeout", "positive duration"},
		{map[string]string{"sink.delivery-guarantee": "exactly-once", "properties.acks": "1"}, true, "properties.acks", "needs 'all'"},
	}
	for _, c := range cases {
		cfg := sinkConfig(nil, brokers, c.extra, nil)
		cfg.Checkpointing = c.ck
		_, err := NewSink(cfg)
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || oe.Key != c.key || !strings.Contains(oe.Msg, c.msg) {
			t.Errorf("%v: got %v; want key %q containing %q", c.extra, err, c.key, c.msg)
		}
	}
}

// TestExactlyOnceCommitFallsBackToTransactionalID: when the producer's
// own commit fails, Commit commits by transactional id, producer id and
// epoch (as Recover does); the slot gets a new client when used again.
// Commit after Close takes the same way.
func TestExactlyOnceCommitFallsBackToTransactionalID(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
	alloc := checkedAlloc(t)
	sink, err := NewSink(eoConfig(alloc, brokers, nil))
	if err != nil {
		t.Fatal(err)
	}
	w := openWriter(t, sink, alloc, 0, 1)
	w.write(0, 5)
	w.preCommit(1)
	tw := w.w.(*txnWriter)
	tw.slots[0].cl.Close() // its EndTxn fails: the client is closed
	w.commit(1)
	if tw.slots[0].cl != nil {
		t.Fatal("the failed client was kept")
	}
	for epoch := uint64(2); epoch <= 5; epoch++ {
		w.write(int(epoch)*5-5, 5)
		w.preCommit(epoch)
		w.commit(epoch)
	}
	if ids, stable := readCommitted(t, brokers); fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 25)) || !stable {
		t.Fatalf("read %v, stable %v", ids, stable)
	}
	w.write(25, 2)
	w.preCommit(6)
	if err := w.w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.commit(6)
	if ids, stable := readCommitted(t, brokers); fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 27)) || !stable {
		t.Fatalf("read %v, stable %v", ids, stable)
	}
}

// TestExactlyOnceCloseAndAbortDropUncheckpointedRows: rows written after
// the last PreCommit are in no checkpoint: Close and Abort abort their
// transaction, and leave prepared ones for Commit or Recover.
func TestExactlyOnceCloseAndAbortDropUncheckpointedRows(t *testing.T) {
	for _, how := range []string{"close", "abort"} {
		t.Run(how, func(t *testing.T) {
			_, brokers := startCluster(t, kfake.SeedTopics(1, "out"))
			alloc := checkedAlloc(t)
			cfg := eoConfig(alloc, brokers, nil)
			sink, _ := NewSink(cfg)
			w := openWriter(t, sink, alloc, 0, 1)
			w.write(0, 4)
			desc := w.preCommit(1)
			w.write(4, 4)
			if err := w.w.(*txnWriter).cur.cl.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if how == "close" {
				if err := w.w.Close(context.Background()); err != nil {
					t.Fatal(err)
				}
			} else if err := w.w.(connectors.Aborter).Abort(); err != nil {
				t.Fatal(err)
			}
			// Only the prepared transaction still holds consumers back.
			ids, stable := readCommitted(t, brokers)
			if len(ids) != 0 || stable {
				t.Fatalf("read %v, stable %v", ids, stable)
			}
			s2, _ := NewSink(cfg)
			if err := s2.(connectors.Recoverer).Recover(context.Background(), 1, [][]byte{desc}, 1); err != nil {
				t.Fatal(err)
			}
			if ids, stable := readCommitted(t, brokers); fmt.Sprint(ids) != fmt.Sprint(idsFrom(0, 4)) || !stable {
				t.Fatalf("read %v, stable %v", ids, stable)
			}
		})
	}
}
