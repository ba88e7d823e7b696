package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/engine/failpoint"
)

// The chaos tests run a Kafka -> TUMBLE aggregation -> sink pipeline as
// `weir run --state-dir` child processes against `weir broker` (its own
// process) while a producer feeds the input topic at a steady rate. They
// kill the engine with SIGKILL at random moments and at every named
// failpoint of the checkpoint protocol, restarting it each time. Then the
// producer stops, a last run of the same pipeline reads to the end of the
// topic ('scan.bounded.mode' = 'latest-offset': only the end changes, so
// it resumes from the checkpoints), and the committed output must be
// exactly the reference rows: nothing lost, nothing duplicated.
//
// `make test` runs a short form; `make chaos` sets WEIR_CHAOS_KILLS=25.
// WEIR_CHAOS_SEED replays a schedule.

const chaosSQL = `CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'bids', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s', 'scan.startup.mode' = 'earliest-offset'%[3]s);
CREATE TABLE totals (auction BIGINT, ws TIMESTAMP(3), cnt BIGINT, total BIGINT)
WITH (%[2]s);
INSERT INTO totals
SELECT auction, TUMBLE_START(ts, INTERVAL '2' SECOND), COUNT(*), SUM(price)
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '2' SECOND);
`

// chaosRow is one output row.
type chaosRow struct {
	Auction int64  `json:"auction"`
	WS      string `json:"ws"`
	Cnt     int64  `json:"cnt"`
	Total   int64  `json:"total"`
}

func (r chaosRow) String() string { return fmt.Sprintf("%d|%s|%d|%d", r.Auction, r.WS, r.Cnt, r.Total) }

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}

func TestChaosKafkaExactlyOnce(t *testing.T) {
	runChaos(t, "kafka")
}

func TestChaosFileExactlyOnce(t *testing.T) {
	runChaos(t, "file")
}

func runChaos(t *testing.T, sinkKind string) {
	if testing.Short() {
		t.Skip("chaos test: not in -short")
	}
	kills := envInt(t, "WEIR_CHAOS_KILLS", 3)
	rate := envInt(t, "WEIR_CHAOS_RATE", 20000)
	seed := uint64(envInt(t, "WEIR_CHAOS_SEED", int(time.Now().UnixNano()%1e9)))
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d (WEIR_CHAOS_SEED replays it), %d random kills, input at %d records/s, %s sink", seed, kills, rate, sinkKind)

	bin := buildWeir(t)
	broker := startBrokerProcess(t, bin, "--partitions", "4")
	feed := startChaosFeed(t, broker.addr, rate)
	t.Cleanup(func() {
		select {
		case <-feed.done:
		default:
			close(feed.done)
		}
	})
	select {
	case <-feed.ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the input topic got no records within 30 s")
	}

	dir := t.TempDir()
	var sinkOpts string
	outDir := filepath.Join(dir, "out")
	switch sinkKind {
	case "kafka":
		sinkOpts = fmt.Sprintf(`'connector' = 'kafka', 'topic' = 'totals', 'format' = 'json',
  'properties.bootstrap.servers' = '%s',
  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'chaos'`, broker.addr)
	case "file":
		sinkOpts = fmt.Sprintf(`'connector' = 'file', 'path' = '%s', 'format' = 'json'`, outDir)
	}
	// Each run keeps its window state in memory or in Badger at random
	// (so each restores the other's checkpoints too); on Badger, with at
	// most 8 entries per subtask in memory, state goes to disk all along.
	workDir := filepath.Join(dir, "work")
	backendSQL := fmt.Sprintf("SET 'state.backend.badger.resident-entries' = '8';\nSET 'state.backend.badger.dir' = '%s';\n", workDir)
	backends := []string{"memory", "badger"}
	sqlPath := filepath.Join(dir, "chaos.sql")
	if err := os.WriteFile(sqlPath, fmt.Appendf([]byte(backendSQL), chaosSQL, broker.addr, sinkOpts, ""), 0o644); err != nil {
		t.Fatal(err)
	}
	finalPath := filepath.Join(dir, "chaos_final.sql")
	bounded := ", 'scan.bounded.mode' = 'latest-offset'"
	if err := os.WriteFile(finalPath, fmt.Appendf([]byte(backendSQL), chaosSQL, broker.addr, sinkOpts, bounded), 0o644); err != nil {
		t.Fatal(err)
	}
	stateDir := filepath.Join(dir, "state")

	// The schedule: every failpoint once, and the random kills, shuffled.
	type step struct {
		failpoint string
		after     time.Duration
	}
	var steps []step
	for _, fp := range []string{failpoint.AfterBarrier + "@3", failpoint.BeforeSync + "@2",
		failpoint.BeforeCommit + "@2", failpoint.DuringCommit + "@2"} {
		steps = append(steps, step{failpoint: fp})
	}
	for range kills {
		steps = append(steps, step{after: time.Duration(100+rng.IntN(900)) * time.Millisecond})
	}
	rng.Shuffle(len(steps), func(i, j int) { steps[i], steps[j] = steps[j], steps[i] })

	outcomes := map[string]int{}
	killedMidRun := 0
	for i, s := range steps {
		backend := backends[rng.IntN(len(backends))]
		cmd := exec.Command(bin, "run", sqlPath, "--state-dir", stateDir, "--checkpoint-interval", "100ms",
			"--parallelism", "2", "--batch-size", "256", "--log-level", "warn", "--state-backend", backend)
		cmd.Env = append(os.Environ(), failpoint.Env+"="+s.failpoint)
		stderr := &syncBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
		outcome := ""
		if s.failpoint != "" {
			select {
			case err = <-exited:
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("step %d (%s): no exit within 2 minutes\n%s", i, s.failpoint, stderr.String())
			}
			outcome = "failpoint " + s.failpoint
		} else {
			select {
			case err = <-exited:
			case <-time.After(s.after):
				cmd.Process.Signal(syscall.SIGKILL)
				err = <-exited
			}
			outcome = fmt.Sprintf("SIGKILL after %s", s.after)
		}
		if !killedBySignal(err) {
			t.Fatalf("step %d (%s): weir run ended by itself (%v), not by SIGKILL\n%s", i, outcome, err, stderr.String())
		}
		killedMidRun++
		outcomes[outcome]++
		t.Logf("cycle %d: %s, state in %s", i+1, outcome, backend)
	}

	want := feed.stop()
	// The last run goes to the end of the input.
	final := exec.Command(bin, "run", finalPath, "--state-dir", stateDir, "--checkpoint-interval", "100ms",
		"--parallelism", "2", "--log-level", "warn", "--state-backend", "badger")
	if out, err := runWithTimeout(final, 3*time.Minute); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	// The final run removed what the killed runs left in the working
	// directory, and its own.
	if left, err := os.ReadDir(workDir); err != nil || len(left) != 0 {
		t.Errorf("the state backend's directory holds %d entries after the final run (%v)", len(left), err)
	}
	t.Logf("%d cycles, all killed mid-run (%d by failpoints, %d at random): %v", len(steps), len(steps)-kills, kills, outcomes)

	var got []string
	switch sinkKind {
	case "kafka":
		got = consumeCommitted(t, broker.addr, "totals", len(want))
	case "file":
		got = readPartFiles(t, outDir)
	}
	slices.Sort(got)
	if d := diffRows(got, want); d != "" {
		t.Fatalf("after %d cycles: %s", len(steps), d)
	}
	t.Logf("exactly the %d reference rows: 0 lost, 0 duplicated", len(want))
}

// killedBySignal reports whether a child exited by SIGKILL.
func killedBySignal(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// chaosFeed produces bids at a steady rate until stopped, keeping the
// reference aggregation of everything it produced. Event times ascend
// within each partition, so no row is ever late.
type chaosFeed struct {
	t     *testing.T
	done  chan struct{}
	ready chan struct{} // closed once the first records are in the topic
	out   chan []string
}

func startChaosFeed(t *testing.T, addr string, rate int) *chaosFeed {
	cl := testClient(t, addr, kgo.DefaultProduceTopic("bids"), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	f := &chaosFeed{t: t, done: make(chan struct{}), ready: make(chan struct{}), out: make(chan []string, 1)}
	go func() {
		type key struct {
			auction int64
			ws      int64
		}
		agg := map[key]*chaosRow{}
		const base = int64(1_700_000_000_000)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		perTick := max(1, rate/100)
		i := 0
		var failed error
	loop:
		for {
			select {
			case <-f.done:
				break loop
			case <-tick.C:
			}
			recs := make([]*kgo.Record, 0, perTick)
			for range perTick {
				auction, price, ts := int64(i%37), int64(i%1000), base+int64(i)*5
				recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"auction":%d,"price":%d,"ts":"%s"}`,
					auction, price, time.UnixMilli(ts).UTC().Format("2006-01-02 15:04:05.000"))})
				k := key{auction, ts - ts%2000}
				r := agg[k]
				if r == nil {
					r = &chaosRow{Auction: auction, WS: time.UnixMilli(k.ws).UTC().Format("2006-01-02 15:04:05.000")}
					agg[k] = r
				}
				r.Cnt++
				r.Total += price
				i++
			}
			if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				failed = err
				break
			}
			if i == perTick {
				close(f.ready)
			}
		}
		if failed != nil {
			f.out <- nil
			select {
			case <-f.done:
			default:
				t.Errorf("producing input: %v", failed)
			}
			return
		}
		out := make([]string, 0, len(agg))
		for _, r := range agg {
			out = append(out, r.String())
		}
		slices.Sort(out)
		f.out <- out
	}()
	return f
}

// stop ends the feed and returns the reference rows of all it produced.
func (f *chaosFeed) stop() []string {
	select {
	case <-f.done:
	default:
		close(f.done)
	}
	out := <-f.out
	if out == nil {
		f.t.FailNow()
	}
	return out
}

// consumeCommitted reads topic from the start in read_committed mode
// until no new row has come for a while (or well past want rows).
func consumeCommitted(t *testing.T, addr, topic string, want int) []string {
	cl := testClient(t, addr, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	var out []string
	quiet := time.Now()
	for time.Since(quiet) < 3*time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(r *kgo.Record) {
			var row chaosRow
			if err := json.Unmarshal(r.Value, &row); err != nil {
				t.Fatalf("output record %s/%d@%d: %v", r.Topic, r.Partition, r.Offset, err)
			}
			out = append(out, row.String())
			quiet = time.Now()
		})
		if len(out) > 2*want+100 {
			break
		}
	}
	return out
}

// readPartFiles reads every committed part file of the file sink.
func readPartFiles(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("in-progress file %s left behind", e.Name())
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line == "" {
				continue
			}
			var row chaosRow
			if err := json.Unmarshal([]byte(line), &row); err != nil {
				t.Fatalf("%s: %v: %q", e.Name(), err, line)
			}
			out = append(out, row.String())
		}
	}
	return out
}

// diffRows describes how sorted got differs from sorted want ("" if not).
func diffRows(got, want []string) string {
	count := map[string]int{}
	for _, r := range want {
		count[r]++
	}
	for _, r := range got {
		count[r]--
	}
	var lost, dup []string
	for r, n := range count {
		for ; n > 0; n-- {
			lost = append(lost, r)
		}
		for ; n < 0; n++ {
			dup = append(dup, r)
		}
	}
	if len(lost) == 0 && len(dup) == 0 {
		return ""
	}
	slices.Sort(lost)
	slices.Sort(dup)
	return fmt.Sprintf("%d rows, want %d: %d lost %v, %d duplicated or wrong %v",
		len(got), len(want), len(lost), lost[:min(5, len(lost))], len(dup), dup[:min(5, len(dup))])
}
