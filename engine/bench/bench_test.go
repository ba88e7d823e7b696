package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Events the generator benchmarks run through (all event types; bids are
// 46 of every 50).
const generatorEvents = 10_000_000

// Events written to the JSON-lines file the file benchmarks read.
const fileEvents = 4_000_000

const bidDDL = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH (%s);
CREATE TABLE sink (%s) WITH ('connector' = 'blackhole');
`

var queries = []struct {
	name, cols, query string
}{
	{"q0", "auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3), extra VARCHAR",
		"INSERT INTO sink SELECT auction, bidder, price, date_time, extra FROM bid;"},
	{"q1", "auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), date_time TIMESTAMP(3), extra VARCHAR",
		"INSERT INTO sink SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid;"},
	{"q2", "auction BIGINT, price BIGINT",
		"INSERT INTO sink SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;"},
}

// weirBinary builds cmd/weir once per benchmark run.
func weirBinary(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "weir")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/weir")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("building weir: %v", err)
	}
	return bin
}

// runStats is what one child run cost.
type runStats struct {
	cpu    time.Duration
	wall   time.Duration
	peakMB float64
}

// runWeir runs `weir run file` and returns its CPU time and peak RSS.
func runWeir(b *testing.B, bin, dir, sql string, extra ...string) runStats {
	b.Helper()
	file := filepath.Join(dir, "q.sql")
	if err := os.WriteFile(file, []byte(sql), 0o644); err != nil {
		b.Fatal(err)
	}
	args := append([]string{"run", file}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("weir run: %v\n%s", err, stderr.String())
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return runStats{cpu: cpu, wall: wall, peakMB: float64(ru.Maxrss) / 1024}
}

func report(b *testing.B, rows int64, s runStats) {
	b.ReportMetric(float64(rows)/s.cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(rows)/s.wall.Seconds(), "events/s")
	if s.peakMB > 0 {
		b.ReportMetric(s.peakMB, "peak-MB")
	}
	b.ReportMetric(0, "ns/op")
}

// bidsIn is the number of bids among the first n events (46 of every 50).
func bidsIn(n int64) int64 {
	full := n / 50 * 46
	rem := n % 50
	if rem > 4 {
		full += rem - 4
	}
	return full
}

// BenchmarkGenerator runs q0, q1 and q2 from the in-process Nexmark
// generator into a blackhole sink.
func BenchmarkGenerator(b *testing.B) {
	bin := weirBinary(b)
	opts := fmt.Sprintf("'connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d'", generatorEvents)
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			dir := b.TempDir()
			var s runStats
			for i := 0; i < b.N; i++ {
				s = runWeir(b, bin, dir, fmt.Sprintf(bidDDL, opts, q.cols)+q.query)
			}
			report(b, bidsIn(generatorEvents), s)
		})
	}
}

// BenchmarkJSONFile runs q0, q1 and q2 over a JSON-lines file of bids
// (written first by weir itself from the generator) into a blackhole.
func BenchmarkJSONFile(b *testing.B) {
	bin := weirBinary(b)
	dir := b.TempDir()
	writeBidFile(b, bin, dir, fileEvents)
	// Baselines in the same run: a plain Go decode of every line into a
	// struct with goccy/go-json, and arrow-go's own JSON reader.
	b.Run("baseline-gojson-struct", func(b *testing.B) {
		var s runStats
		for i := 0; i < b.N; i++ {
			s = measure(b, bidsIn(fileEvents), func() int64 { return decodeWithGoJSON(b, filepath.Join(dir, "bids.jsonl")) })
		}
		report(b, bidsIn(fileEvents), s)
	})
	b.Run("baseline-arrow-jsonreader", func(b *testing.B) {
		var s runStats
		for i := 0; i < b.N; i++ {
			s = measure(b, bidsIn(fileEvents), func() int64 { return decodeWithArrowReader(b, filepath.Join(dir, "bids.jsonl")) })
		}
		report(b, bidsIn(fileEvents), s)
	})
	opts := "'connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json'"
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var s runStats
			for i := 0; i < b.N; i++ {
				s = runWeir(b, bin, dir, fmt.Sprintf(bidDDL, opts, q.cols)+q.query)
			}
			report(b, bidsIn(fileEvents), s)
		})
	}
}

// writeBidFile has weir write events Nexmark events' bids to
// dir/bids.jsonl (the input of the JSON-file benchmarks).
func writeBidFile(b *testing.B, bin, dir string, events int) {
	b.Helper()
	gen := fmt.Sprintf(`CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '%d');
CREATE TABLE f (
  auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time TIMESTAMP(3), extra VARCHAR
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
INSERT INTO f SELECT * FROM bid;`, events)
	runWeir(b, bin, dir, gen)
	if st, err := os.Stat(filepath.Join(dir, "bids.jsonl")); err == nil {
		b.Logf("bids.jsonl: %d MB", st.Size()>>20)
	}
}
