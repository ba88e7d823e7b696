package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunWithStateDirAndListCheckpoints: a bounded run with --state-dir
// commits its file sink as part files and leaves a final checkpoint that
// `weir checkpoints` lists; running again resumes from it and writes
// nothing twice; a changed query is refused until --fresh.
func TestRunWithStateDirAndListCheckpoints(t *testing.T) {
	dir := writeFiles(t, map[string]string{"q.sql": okSQL, "in.jsonl": "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":3,\"name\":\"c\"}\n"})
	code, _, stderr := run(t, dir, "run", "q.sql", "--parallelism", "2", "--state-dir", "state")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	parts, err := filepath.Glob(filepath.Join(dir, "out.jsonl", "part-*.json"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("no committed part files in out.jsonl/ (%v)", err)
	}
	rows := 0
	for _, p := range parts {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows += strings.Count(string(data), "\n")
	}
	if rows != 2 {
		t.Fatalf("%d rows committed, want 2", rows)
	}

	code, stdout, stderr := run(t, dir, "checkpoints", "state")
	if code != 0 {
		t.Fatalf("checkpoints: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "EPOCH") || !strings.Contains(stdout, "complete") {
		t.Fatalf("checkpoints listing:\n%s", stdout)
	}

	// Listing a directory that is no state dir refuses, and creates nothing.
	code, _, stderr = run(t, dir, "checkpoints", "out.jsonl")
	if code != 2 || !strings.Contains(stderr, "holds no checkpoints") {
		t.Fatalf("checkpoints on a non-state dir: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.jsonl", "MANIFEST")); err == nil {
		t.Fatal("listing created a store in the sink's directory")
	}

	code, _, stderr = run(t, dir, "run", "q.sql", "--parallelism", "2", "--state-dir", "state")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	again, _ := filepath.Glob(filepath.Join(dir, "out.jsonl", "part-*.json"))
	if len(again) != len(parts) {
		t.Fatalf("resuming from the final checkpoint wrote %d more part files", len(again)-len(parts))
	}

	changed := strings.Replace(okSQL, "WHERE id > 1", "WHERE id > 2", 1)
	changed = strings.Replace(changed, "UPPER(name)", "LOWER(name)", 1)
	if err := os.WriteFile(filepath.Join(dir, "q2.sql"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, dir, "run", "q2.sql", "--parallelism", "2", "--state-dir", "state")
	if code != 1 || !strings.Contains(stderr, "different query") || !strings.Contains(stderr, "--fresh") {
		t.Fatalf("changed query: exit %d: %s", code, stderr)
	}
	code, _, stderr = run(t, dir, "run", "q2.sql", "--parallelism", "2", "--state-dir", "state", "--fresh")
	if code != 0 {
		t.Fatalf("--fresh: exit %d: %s", code, stderr)
	}
	code, _, stderr = run(t, dir, "run", "q.sql", "--fresh")
	if code != 2 || !strings.Contains(stderr, "--fresh needs --state-dir") {
		t.Fatalf("--fresh without --state-dir: exit %d: %s", code, stderr)
	}
}

// TestSIGTERMTakesFinalCheckpoint: with --state-dir, SIGTERM takes a final
// checkpoint, commits the sink and exits 0; the next run resumes the
// generator where it stopped, so the two runs' rows are each event once.
func TestSIGTERMTakesFinalCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildWeir(t)
	q := `CREATE TABLE b (auction BIGINT, price BIGINT, date_time TIMESTAMP(3))
WITH ('connector' = 'nexmark', 'table' = 'bid', 'first-event.rate' = '5000', 'rate-limited' = 'true', 'events.num' = '4000');
CREATE TABLE o (auction BIGINT, price BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'out', 'format' = 'json');
INSERT INTO o SELECT auction, price, date_time FROM b;`
	dir := writeFiles(t, map[string]string{"q.sql": q})
	start := func() (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(bin, "run", "q.sql", "--parallelism", "2", "--state-dir", "state", "--checkpoint-interval", "1h")
		cmd.Dir = dir
		stderr := &syncBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, stderr
	}
	cmd, stderr := start()
	time.Sleep(400 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "final checkpoint") {
		t.Fatalf("no word of the final checkpoint:\n%s", stderr.String())
	}
	first := len(partRows(t, filepath.Join(dir, "out")))
	if first == 0 || first >= 3680 {
		t.Fatalf("%d rows committed at SIGTERM; want some of the 3680 bids, not all", first)
	}
	cmd, stderr = start()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("resumed run: %v\n%s", err, stderr.String())
	}
	// 4000 events hold 3680 bids (46 of every 50 events): both runs
	// together must have committed exactly the rows of a straight run.
	got := partRows(t, filepath.Join(dir, "out"))
	straightSQL := strings.Replace(q, "'path' = 'out'", "'path' = 'straight.jsonl'", 1)
	straightSQL = strings.Replace(straightSQL, "'rate-limited' = 'true', ", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "straight.sql"), []byte(straightSQL), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, dir, "run", "straight.sql", "--parallelism", "2"); code != 0 {
		t.Fatalf("straight run: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "straight.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(data)), "\n")
	slices.Sort(want)
	if len(want) != 3680 || !slices.Equal(got, want) {
		t.Fatalf("stop + resume committed %d rows, the straight run %d (want the same 3680 rows)", len(got), len(want))
	}
}

// partRows reads every committed part file's rows, sorted.
func partRows(t *testing.T, dir string) []string {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "part-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, p := range parts {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimSpace(string(data)); s != "" {
			rows = append(rows, strings.Split(s, "\n")...)
		}
	}
	slices.Sort(rows)
	return rows
}
