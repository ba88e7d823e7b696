package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
)

// kcatPath finds Debian's kcat, installing it with `make test-deps` when
// missing; the test is skipped only if that fails too.
func kcatPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("kcat"); err == nil {
		return p
	}
	out, err := exec.Command("make", "-C", "../..", "test-deps").CombinedOutput()
	if p, lerr := exec.LookPath("kcat"); lerr == nil {
		return p
	}
	t.Skipf("kcat is not installed and `make test-deps` could not install it (%v):\n%s", err, out)
	return ""
}

// brokerProcess is `weir broker` running as a child process.
type brokerProcess struct {
	cmd     *exec.Cmd
	addr    string
	stderr  *syncBuffer
	exited  chan error
	stopped bool
}

// startBrokerProcess starts `weir broker` on a free loopback port and
// waits until it says it is listening.
func startBrokerProcess(t *testing.T, bin string, args ...string) *brokerProcess {
	t.Helper()
	// Port 0: the broker binds a port of the kernel's choosing and logs
	// it, so no other test can take the port between choosing and binding.
	cmd := exec.Command(bin, append([]string{"broker", "--listen", "127.0.0.1:0"}, args...)...)
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &brokerProcess{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderrPipe)
		signalled := false
		for sc.Scan() {
			fmt.Fprintln(b.stderr, sc.Text())
			if !signalled && strings.Contains(sc.Text(), "broker listening") {
				b.addr = logField(sc.Text(), "addr")
				close(ready)
				signalled = true
			}
		}
		io.Copy(io.Discard, stderrPipe)
		b.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if !b.stopped {
			cmd.Process.Kill()
			<-b.exited
		}
	})
	select {
	case <-ready:
	case err := <-b.exited:
		b.stopped = true
		t.Fatalf("weir broker exited at start: %v\n%s", err, b.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("weir broker did not start within 20 s\n%s", b.stderr.String())
	}
	return b
}

// stop sends SIGTERM and expects a clean exit 0.
func (b *brokerProcess) stop(t *testing.T) {
	t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-b.exited:
		b.stopped = true
		if err != nil {
			t.Fatalf("weir broker after SIGTERM: %v\n%s", err, b.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("weir broker still running 20 s after SIGTERM\n%s", b.stderr.String())
	}
	if !strings.Contains(b.stderr.String(), "broker stopped") {
		t.Fatalf("broker did not log its stop:\n%s", b.stderr.String())
	}
}

// kcat runs kcat with stdin and returns its stdout.
func kcat(t *testing.T, kcatBin string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(kcatBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kcat %v: %v\n%s", args, err, errb.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("kcat %v did not finish within 30 s\nstdout %s\nstderr %s", args, out.String(), errb.String())
	}
	return out.String()
}

const kcatSQL = `CREATE TABLE orders (id BIGINT, item VARCHAR, qty BIGINT, price DOUBLE, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'in', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE big_orders (id BIGINT, item VARCHAR, total DOUBLE, ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json',
  'properties.bootstrap.servers' = '%[1]s', 'sink.key' = 'id');
INSERT INTO big_orders
SELECT id, UPPER(item) AS item, qty * price AS total, ts FROM orders WHERE qty >= 3;
`

// TestKcatInterop drives `weir broker` with Debian's kcat: kcat produces
// JSON lines into 'in', `weir run` reads them (bounded) and writes the
// big orders to 'out', kcat consumes 'out' with keys.
func TestKcatInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs child processes")
	}
	kcatBin := kcatPath(t)
	bin := buildWeir(t)
	broker := startBrokerProcess(t, bin, "--partitions", "3")

	const n = 60
	var in strings.Builder
	var want []string
	for i := 1; i <= n; i++ {
		qty := i % 5
		fmt.Fprintf(&in, `{"id":%d,"item":"item-%d","qty":%d,"price":%d.5,"ts":"2024-01-01 00:00:%02d.000"}`+"\n", i, i, qty, i, i%60)
		if qty >= 3 {
			want = append(want, fmt.Sprintf("%d ITEM-%d %g", i, i, float64(qty)*(float64(i)+0.5)))
		}
	}
	kcat(t, kcatBin, in.String(), "-P", "-b", broker.addr, "-t", "in")
	if !strings.Contains(broker.stderr.String(), "topic=in") {
		t.Errorf("broker did not log creating topic in:\n%s", broker.stderr.String())
	}

	dir := writeFiles(t, map[string]string{"q.sql": fmt.Sprintf(kcatSQL, broker.addr)})
	run := exec.Command(bin, "run", filepath.Join(dir, "q.sql"), "--parallelism", "2")
	run.Dir = dir
	if out, err := runWithTimeout(run, 60*time.Second); err != nil {
		t.Fatalf("weir run: %v\n%s\nbroker:\n%s", err, out, broker.stderr.String())
	}

	out := kcat(t, kcatBin, "", "-C", "-b", broker.addr, "-t", "out", "-e", "-q", "-f", "%k\t%s\n")
	if strings.TrimSpace(out) == "" {
		t.Fatalf("kcat read no messages from topic out\nbroker:\n%s", broker.stderr.String())
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		key, value, ok := strings.Cut(line, "\t")
		var row struct {
			ID    int64   `json:"id"`
			Item  string  `json:"item"`
			Total float64 `json:"total"`
			TS    string  `json:"ts"`
		}
		if !ok || gojson.Unmarshal([]byte(value), &row) != nil {
			t.Fatalf("kcat line %q is not key<TAB>json", line)
		}
		if key != fmt.Sprint(row.ID) {
			t.Errorf("message key %q, want the id %d", key, row.ID)
		}
		if !strings.HasPrefix(row.TS, "2024-01-01") {
			t.Errorf("row %+v: ts %q lost its date", row, row.TS)
		}
		got = append(got, fmt.Sprintf("%d %s %g", row.ID, row.Item, row.Total))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("kcat consumed from out:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	broker.stop(t)
}

// runWithTimeout runs cmd, killing it after d, and returns its output.
func runWithTimeout(cmd *exec.Cmd, d time.Duration) (string, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return out.String(), errors.New("timed out after " + d.String())
	}
}

// logField returns the value of key=value in a slog text line.
func logField(line, key string) string {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
