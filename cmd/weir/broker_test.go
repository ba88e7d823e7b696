package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// syncBuffer is a log destination safe for the broker's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testBroker starts a broker in-process on a free loopback port and stops
// it when the test ends.
func testBroker(t *testing.T, partitions int, dataDir string, log io.Writer) *runningBroker {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	b, err := startBroker(brokerConfig{listen: "127.0.0.1:0", partitions: partitions, dataDir: dataDir},
		slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func testClient(t *testing.T, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr), kgo.AllowAutoTopicCreation()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produceValues(t *testing.T, cl *kgo.Client, topic string, values ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Topic: topic, Key: []byte(v), Value: []byte(v)}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce to %s: %v", topic, err)
	}
}

// consumeN polls until n records arrived or the deadline passes.
func consumeN(t *testing.T, cl *kgo.Client, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []string
	for len(got) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records before the deadline: %v", len(got), n, got)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s[%d]: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	sort.Strings(got)
	return got
}

func values(prefix string, n int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	sort.Strings(v)
	return v
}

func TestBrokerProduceConsumeAndAutoCreatedPartitions(t *testing.T) {
	var log syncBuffer
	b := testBroker(t, 3, "", &log)
	prod := testClient(t, b.Addr())
	want := values("r", 50)
	produceValues(t, prod, "events", want...)

	details, err := kadm.NewClient(prod).ListTopics(context.Background(), "events")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := details["events"]
	if !ok || d.Err != nil || len(d.Partitions) != 3 {
		t.Fatalf("topic events: %+v, want 3 partitions", d)
	}
	if !strings.Contains(log.String(), "creating topic on first use") || !strings.Contains(log.String(), "topic=events") {
		t.Fatalf("topic creation not logged:\n%s", log.String())
	}

	cons := testClient(t, b.Addr(), kgo.ConsumeTopics("events"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if got := consumeN(t, cons, len(want)); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("consumed %v, want %v", got, want)
	}
}

// TestBrokerConsumerGroup: two members of one group share the partitions
// and together read every record once; committed offsets are kept.
func TestBrokerConsumerGroup(t *testing.T) {
	b := testBroker(t, 4, "", nil)
	prod := testClient(t, b.Addr())
	want := values("g", 80)
	produceValues(t, prod, "grouped", want[:1]...)

	opts := []kgo.Opt{kgo.ConsumerGroup("readers"), kgo.ConsumeTopics("grouped"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit()}
	c1 := testClient(t, b.Addr(), opts...)
	c2 := testClient(t, b.Addr(), opts...)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	seen := map[string]int{}
	members := map[int]bool{}
	var wg sync.WaitGroup
	for i, cl := range []*kgo.Client{c1, c2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				done := len(seen) == len(want)
				mu.Unlock()
				if done {
					return
				}
				pctx, pcancel := context.WithTimeout(ctx, 500*time.Millisecond)
				fs := cl.PollFetches(pctx)
				pcancel()
				mu.Lock()
				fs.EachRecord(func(r *kgo.Record) {
					seen[string(r.Value)]++
					members[i] = true
				})
				mu.Unlock()
				if err := cl.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
					// A commit racing the group's rebalance is refused;
					// the next loop commits again, as any client would.
					if errors.Is(err, kerr.RebalanceInProgress) || errors.Is(err, kerr.IllegalGeneration) ||
						errors.Is(err, kerr.UnknownMemberID) {
						continue
					}
					t.Errorf("commit: %v", err)
					return
				}
			}
		}()
	}
	// Both members join (their polls drive the join), then the rest is
	// produced: the group splits the 4 partitions between them.
	if _, err := b.cluster.WaitGroupStable(ctx, "readers", 2); err != nil {
		t.Fatalf("group never had 2 stable members: %v", err)
	}
	produceValues(t, prod, "grouped", want[1:]...)
	wg.Wait()
	if len(seen) != len(want) {
		t.Fatalf("group read %d distinct records of %d", len(seen), len(want))
	}
	// Records produced once the group was stable are read exactly once;
	// the first one, read while members were still joining, may be read
	// again after the rebalance (Kafka groups are at-least-once).
	for v, n := range seen {
		if n != 1 && v != want[0] {
			t.Errorf("record %s read %d times", v, n)
		}
	}
	if len(members) != 2 {
		t.Fatalf("only member(s) %v received records; the group should share 4 partitions", members)
	}

	lag, err := kadm.NewClient(prod).Lag(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	lag.Each(func(l kadm.DescribedGroupLag) {
		for _, ps := range l.Lag {
			for _, p := range ps {
				total += p.Lag
			}
		}
	})
	if total != 0 {
		t.Fatalf("group lag after committing everything = %d, want 0", total)
	}
}

// TestBrokerDataDirSurvivesRestart: records and committed offsets written
// before a stop are there after a start on the same directory.
func TestBrokerDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first, err := startBroker(brokerConfig{listen: "127.0.0.1:0", partitions: 2, dataDir: dir}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(first.Addr()), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	want := values("p", 30)
	produceValues(t, cl, "kept", want...)
	adm := kadm.NewClient(cl)
	var commit kadm.Offsets
	commit.Add(kadm.Offset{Topic: "kept", Partition: 0, At: 7, LeaderEpoch: -1})
	if err := adm.CommitAllOffsets(context.Background(), "keepers", commit); err != nil {
		t.Fatalf("commit offsets: %v", err)
	}
	cl.Close()
	first.Close()

	second := testBroker(t, 2, dir, nil)
	cons := testClient(t, second.Addr(), kgo.ConsumeTopics("kept"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if got := consumeN(t, cons, len(want)); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("after restart consumed %v, want %v", got, want)
	}
	details, err := kadm.NewClient(cons).ListTopics(context.Background(), "kept")
	if err != nil || len(details["kept"].Partitions) != 2 {
		t.Fatalf("after restart topic kept: %+v (%v)", details["kept"], err)
	}
	offs, err := kadm.NewClient(cons).FetchOffsets(context.Background(), "keepers")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := offs.Lookup("kept", 0); !ok || o.At != 7 {
		t.Fatalf("after restart group keepers' offset for kept[0] = %+v (found %v), want 7", o, ok)
	}
}

// TestBrokerProcessStopsOnSignal runs `weir broker` as a process: a
// franz-go client produces and consumes, then SIGTERM stops it with exit 0.
func TestBrokerProcessStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	b := startBrokerProcess(t, buildWeir(t), "--partitions", "2")
	cl := testClient(t, b.addr, kgo.ConsumeTopics("proc"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	want := values("x", 10)
	produceValues(t, cl, "proc", want...)
	if got := consumeN(t, cl, len(want)); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("consumed %v, want %v", got, want)
	}
	cl.Close()
	b.stop(t)
}

func TestBrokerRefusesBadSettings(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string
		env    map[string]string
		stderr string
	}{
		{[]string{"broker", "--listen", busy.Addr().String()}, nil, "address already in use"},
		{[]string{"broker", "--listen", "0.0.0.0:0"}, nil, "not a loopback address"},
		{[]string{"broker", "--listen", ":9092"}, nil, "--allow-remote"},
		{[]string{"broker"}, map[string]string{"WEIR_BROKER_LISTEN": "10.1.2.3:9092"}, "--listen 10.1.2.3:9092 is not a loopback address"},
		{[]string{"broker", "--listen", "127.0.0.1"}, nil, "want host:port"},
		{[]string{"broker", "--listen", "127.0.0.1:99999"}, nil, "not a number between 0 and 65535"},
		{[]string{"broker", "--partitions", "0"}, nil, "--partitions must be between 1"},
		{[]string{"broker"}, map[string]string{"WEIR_BROKER_PARTITIONS": "four"}, "WEIR_BROKER_PARTITIONS must be a positive integer"},
		{[]string{"broker", "--listen", busy.Addr().String()}, map[string]string{"WEIR_BROKER_LISTEN": "0.0.0.0:1"}, "address already in use"},
		{[]string{"broker", "--listen", "0.0.0.0:0"}, map[string]string{"WEIR_BROKER_ALLOW_REMOTE": "maybe"}, "WEIR_BROKER_ALLOW_REMOTE must be true or false"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		code, _, stderr := run(t, dir, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("weir %v (env %v): exit %d, stderr %q; want exit 2 with %q", tc.args, tc.env, code, stderr, tc.stderr)
		}
		for k := range tc.env {
			t.Setenv(k, "")
		}
	}
}

// TestBrokerAdvertisedAddress: clients are told the --advertise address.
func TestBrokerAdvertisedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	b, err := startBroker(brokerConfig{listen: addr, advertise: "localhost:" + port, partitions: 1}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cl := testClient(t, addr)
	brokers, err := kadm.NewClient(cl).ListBrokers(context.Background())
	if err != nil || len(brokers) != 1 || brokers[0].Host != "localhost" || fmt.Sprint(brokers[0].Port) != port {
		t.Fatalf("brokers %+v (%v), want localhost:%s", brokers, err, port)
	}
}
