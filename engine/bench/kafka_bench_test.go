package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaEvents is how many generator events are pre-filled into the
// Kafka topic 'bid' for the throughput benchmarks (about 2M bids).
const kafkaEvents = 2_200_000

// kafkaPartitions is the partition count of every benchmark topic.
const kafkaPartitions = 4

// The latency benchmark's fixed input rate and duration.
const (
	latencyRate     = 50_000
	latencyDuration = 20 * time.Second
)

const kafkaBidDDL = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE out_%[2]s (%[3]s) WITH ('connector' = 'kafka', 'topic' = 'out_%[2]s', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s');
`

// kafkaQueries are the Kafka benchmarks, each from the pre-filled
// topic 'bid' (bounded read) to its own output topic.
var kafkaQueries = []struct {
	name, cols, query string
}{
	{"filter", "auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3)",
		`INSERT INTO out_filter SELECT auction, bidder, price, date_time FROM bid WHERE MOD(price, 2) = 0;`},
	{"hop_count", "auction BIGINT, num BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
		`INSERT INTO out_hop_count SELECT auction, COUNT(*) AS num,
  HOP_START(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND),
  HOP_END(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
FROM bid GROUP BY auction, HOP(date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND);`},
}

// brokerChild is `weir broker` running as a child process.
type brokerChild struct {
	cmd  *exec.Cmd
	addr string
}

// startBrokerChild starts `weir broker` on a free loopback port and waits
// until it listens.
func startBrokerChild(b *testing.B, bin string) *brokerChild {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "broker", "--listen", addr, "--partitions", strconv.Itoa(kafkaPartitions), "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	bc := &brokerChild{cmd: cmd, addr: addr}
	b.Cleanup(bc.stop)
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return bc
		}
		if time.Since(start) > 20*time.Second {
			b.Fatalf("weir broker did not listen on %s within 20 s", addr)
		}
	}
}

func (bc *brokerChild) stop() {
	if bc.cmd.ProcessState != nil {
		return
	}
	bc.cmd.Process.Signal(syscall.SIGTERM)
	bc.cmd.Wait()
}

// cpu is the broker's CPU time so far.
func (bc *brokerChild) cpu() time.Duration { return procCPU(bc.cmd.Process.Pid) }

// endOffsets sums the end offsets of a topic's partitions: its record
// count when nothing was deleted.
func endOffsets(b *testing.B, addr, topic string) int64 {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	offs, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err != nil {
		b.Fatalf("end offsets of %s: %v", topic, err)
	}
	var n int64
	offs.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// BenchmarkKafka runs Kafka -> filter -> Kafka and Kafka -> HOP count ->
// Kafka on the built-in broker (its own child process) over about 2M
// pre-filled bids, reporting events per CPU-second of the `weir run`
// process; then the end-to-end latency of a stateless pipeline at a fixed
// input rate.
func BenchmarkKafka(b *testing.B) {
	bin := weirBinary(b)
	broker := startBrokerChild(b, bin)
	dir := b.TempDir()
	fill := fmt.Sprintf(`CREATE TABLE gen (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d');
CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json',
  'properties.bootstrap.servers' = '%s', 'sink.key' = 'auction');
INSERT INTO bid SELECT * FROM gen;`, kafkaEvents, broker.addr)
	createTopics(b, broker.addr, "bid", "out_filter", "out_hop_count", "lat_in", "lat_out")
	// One generator subtask writes the topic, so each partition holds its
	// bids in event-time order: with several, their interleaving can put
	// bids more than the 4-second watermark delay out of order, and the
	// HOP count would drop them as late.
	fs := runWeir(b, bin, dir, fill, "--parallelism", "1")
	bids := bidsIn(kafkaEvents)
	if n := endOffsets(b, broker.addr, "bid"); n != bids {
		b.Fatalf("topic bid holds %d records after the fill, want %d", n, bids)
	}
	// The fill is setup, not a sub-benchmark, but its cost is worth a line.
	fmt.Printf("BenchmarkKafka: filled topic bid with %d bids (nexmark -> kafka sink) in %s: %.0f events/cpu-s of weir run\n",
		bids, fs.wall.Round(time.Millisecond), float64(bids)/fs.cpu.Seconds())

	for _, q := range kafkaQueries {
		b.Run(q.name, func(b *testing.B) {
			var s runStats
			var brokerCPU time.Duration
			before := endOffsets(b, broker.addr, "out_"+q.name)
			for i := 0; i < b.N; i++ {
				c0 := broker.cpu()
				s = runWeir(b, bin, dir, fmt.Sprintf(kafkaBidDDL, broker.addr, q.name, q.cols)+q.query)
				brokerCPU = broker.cpu() - c0
			}
			out := (endOffsets(b, broker.addr, "out_"+q.name) - before) / int64(b.N)
			report(b, bids, s)
			b.ReportMetric(float64(out), "records-out")
			b.ReportMetric(brokerCPU.Seconds(), "broker-cpu-s")
		})
	}
	b.Run("latency-filter-50k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			kafkaLatency(b, bin, broker, dir)
		}
	})
}

func createTopics(b *testing.B, addr string, topics ...string) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	res, err := kadm.NewClient(cl).CreateTopics(context.Background(), kafkaPartitions, 1, nil, topics...)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range res.Sorted() {
		if r.Err != nil {
			b.Fatalf("creating topic %s: %v", r.Topic, r.Err)
		}
	}
}

const latencySQL = `CREATE TABLE lat_in (id BIGINT, sent_ns BIGINT, price BIGINT, channel VARCHAR)
WITH ('connector' = 'kafka', 'topic' = 'lat_in', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s', 'scan.startup.mode' = 'latest-offset');
CREATE TABLE lat_out (id BIGINT, sent_ns BIGINT, price BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'lat_out', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s');
INSERT INTO lat_out SELECT id, sent_ns, price FROM lat_in WHERE price >= 0;
`

// kafkaLatency runs the stateless pipeline lat_in -> lat_out (unbounded),
// produces latencyRate records per second for latencyDuration, each
// stamped with its send time, and measures, in a consumer of lat_out,
// the time from send to receipt. Probe records (negative ids) sent first
// wait until the job is reading.
func kafkaLatency(b *testing.B, bin string, broker *brokerChild, dir string) {
	file := filepath.Join(dir, "latency.sql")
	if err := os.WriteFile(file, []byte(fmt.Sprintf(latencySQL, broker.addr)), 0o644); err != nil {
		b.Fatal(err)
	}
	job := exec.Command(bin, "run", file)
	job.Dir = dir
	job.Stderr = os.Stderr
	if err := job.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if job.ProcessState == nil {
			job.Process.Kill()
			job.Wait()
		}
	}()

	prod, err := kgo.NewClient(kgo.SeedBrokers(broker.addr), kgo.DefaultProduceTopic("lat_in"), kgo.ProducerLinger(0))
	if err != nil {
		b.Fatal(err)
	}
	defer prod.Close()
	cons, err := kgo.NewClient(kgo.SeedBrokers(broker.addr), kgo.ConsumeTopics("lat_out"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer cons.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	total := int64(latencyRate * latencyDuration / time.Second)
	lat := make([]time.Duration, 0, total)
	probed := make(chan struct{})
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		seenProbe := false
		for int64(len(lat)) < total && ctx.Err() == nil {
			fetches := cons.PollFetches(ctx)
			now := time.Now().UnixNano()
			fetches.EachRecord(func(r *kgo.Record) {
				id, sent, ok := parseLatencyRow(r.Value)
				if !ok {
					return
				}
				if id < 0 {
					if !seenProbe {
						seenProbe = true
						close(probed)
					}
					return
				}
				lat = append(lat, time.Duration(now-sent))
			})
		}
	}()

	// Probe until a record makes it through: the job is then reading.
	waitStart := time.Now()
probing:
	for i := int64(-1); ; i-- {
		prod.Produce(ctx, &kgo.Record{Value: latencyRow(i, time.Now().UnixNano())}, nil)
		select {
		case <-probed:
			break probing
		case <-time.After(100 * time.Millisecond):
		}
		if time.Since(waitStart) > 60*time.Second {
			b.Fatal("no probe record came through lat_in -> lat_out within 60 s")
		}
	}

	c0 := procCPU(job.Process.Pid)
	start := time.Now()
	var sent int64
	var produceErrs atomic.Int64
	tick := time.NewTicker(time.Millisecond)
	for sent < total {
		<-tick.C
		due := min(total, int64(time.Since(start).Seconds()*latencyRate))
		for ; sent < due; sent++ {
			prod.Produce(ctx, &kgo.Record{Value: latencyRow(sent, time.Now().UnixNano())}, func(_ *kgo.Record, err error) {
				if err != nil {
					produceErrs.Add(1)
				}
			})
		}
	}
	tick.Stop()
	sendWall := time.Since(start)
	select {
	case <-consumed:
	case <-time.After(30 * time.Second):
	}
	cancel()
	<-consumed
	cpu := procCPU(job.Process.Pid) - c0
	job.Process.Signal(os.Interrupt)
	job.Wait()
	if n := produceErrs.Load(); n > 0 {
		b.Fatalf("%d produce errors", n)
	}
	if int64(len(lat)) < total {
		b.Fatalf("received %d of %d records within 30 s after the last send", len(lat), total)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(sent)/sendWall.Seconds(), "sent/s")
	b.ReportMetric(cpu.Seconds()/sendWall.Seconds(), "engine-cores")
	b.ReportMetric(0, "ns/op")
}

// latencyRow is one input record of the latency benchmark.
func latencyRow(id, sentNs int64) []byte {
	return fmt.Appendf(nil, `{"id":%d,"sent_ns":%d,"price":%d,"channel":"bench"}`, id, sentNs, id&1023)
}

// parseLatencyRow reads id and sent_ns back from an output row without a
// full JSON decode (the consumer must keep up with the input rate).
func parseLatencyRow(v []byte) (id, sent int64, ok bool) {
	field := func(name string) (int64, bool) {
		s := string(v)
		i := strings.Index(s, `"`+name+`":`)
		if i < 0 {
			return 0, false
		}
		s = s[i+len(name)+3:]
		j := strings.IndexAny(s, ",}")
		if j < 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s[:j]), 10, 64)
		return n, err == nil
	}
	id, ok1 := field("id")
	sent, ok2 := field("sent_ns")
	return id, sent, ok1 && ok2
}

// procCPU is a running process's CPU time so far, from /proc/PID/stat
// (utime and stime in USER_HZ ticks, 100 per second on Linux).
func procCPU(pid int) time.Duration {
	f, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(line[strings.LastIndexByte(line, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
