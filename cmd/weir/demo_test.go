package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestDemoPrintSQLFillsBrokerAndRate(t *testing.T) {
	code, out, stderr := run(t, t.TempDir(), "demo", "--print-sql", "--listen", "127.0.0.1:19092", "--rate", "250")
	if code != 0 || !strings.Contains(out, "'properties.bootstrap.servers' = '127.0.0.1:19092'") ||
		!strings.Contains(out, "'first-event.rate' = '250'") || strings.Contains(out, "${") {
		t.Fatalf("exit %d, stderr %q, sql:\n%s", code, stderr, out)
	}
}

func TestDemoRefusesBusyPortAndBadRate(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"demo", "--listen", busy.Addr().String()}, "address already in use"},
		{[]string{"demo", "--rate", "0"}, "--rate must be between 1 and 1000000"},
	} {
		code, _, stderr := run(t, t.TempDir(), tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("weir %v: exit %d, stderr %q; want exit 2 with %q", tc.args, code, stderr, tc.stderr)
		}
	}
}

// TestDemoRunsWindowedPipelines runs `weir demo` on a free port, waits
// for a tumbling-window row on stdout and a hop-count row in the topic
// hot_auctions, then stops it with SIGINT (exit 0). The generator paces
// event time at wall-clock speed, so the first 10-second window fires
// about 14 seconds in (10 s plus the 4 s watermark delay).
func TestDemoRunsWindowedPipelines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for ~15 s")
	}
	bin := buildWeir(t)
	// Port 0: the demo's broker binds a port of the kernel's choosing and
	// the banner names it, so no other test can take it in between.
	cmd := exec.Command(bin, "demo", "--listen", "127.0.0.1:0", "--rate", "5000", "--parallelism", "2")
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
	}()

	rows := make(chan map[string]any, 16)
	go func() {
		defer close(rows)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var row map[string]any
			if gojson.Unmarshal(bytes.TrimSpace(sc.Bytes()), &row) == nil {
				rows <- row
			}
		}
		exited <- cmd.Wait()
	}()

	deadline := time.After(60 * time.Second)
	var tumble map[string]any
	for tumble == nil {
		select {
		case row, ok := <-rows:
			if !ok {
				stopped = true
				t.Fatalf("demo exited before printing a window row: %v\n%s", <-exited, stderr.String())
			}
			tumble = row
		case <-deadline:
			t.Fatalf("no window row on stdout within 60 s\n%s", stderr.String())
		}
	}
	// The banner is printed before the job starts, so it is there by now.
	addr := ""
	if _, rest, ok := strings.Cut(stderr.String(), "broker on "); ok {
		addr, _, _ = strings.Cut(rest, " ")
	}
	if addr == "" {
		t.Fatalf("the demo did not say where its broker listens:\n%s", stderr.String())
	}
	if tumble["window_end"] == nil || tumble["max_price"] == nil || tumble["bids"] == nil {
		t.Fatalf("stdout row %v lacks window_end, max_price or bids", tumble)
	}
	for _, want := range []string{"kcat -C -b " + addr + " -t hot_auctions", "Ctrl-C stops"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not tell the user %q:\n%s", want, stderr.String())
		}
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("hot_auctions"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var hot map[string]any
	for hot == nil && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			var row map[string]any
			if hot == nil && gojson.Unmarshal(r.Value, &row) == nil {
				hot = row
			}
		})
	}
	if hot == nil || hot["auction"] == nil || hot["num"] == nil || hot["window_start"] == nil {
		t.Fatalf("hot_auctions row %v; want auction, num, window_start\n%s", hot, stderr.String())
	}
	t.Logf("stdout row %v; hot_auctions row %v", tumble, hot)

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range rows {
		}
	}()
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Fatalf("demo after SIGINT: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("demo still running 30 s after SIGINT\n%s", stderr.String())
	}
}
