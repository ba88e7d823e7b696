package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func run(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code = execute(args, &out, &errb)
	return code, out.String(), errb.String()
}

const okSQL = `CREATE TABLE t (id BIGINT, name VARCHAR) WITH ('connector' = 'file', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE o (id BIGINT, name VARCHAR) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
INSERT INTO o SELECT id, UPPER(name) FROM t WHERE id > 1;
`

func TestRunWritesSinkAndExitsZero(t *testing.T) {
	dir := writeFiles(t, map[string]string{"q.sql": okSQL, "in.jsonl": "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n"})
	code, _, stderr := run(t, dir, "run", "q.sql", "--parallelism", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var row map[string]any
	if err := gojson.Unmarshal(bytes.TrimSpace(data), &row); err != nil || row["name"] != "B" {
		t.Fatalf("out.jsonl = %q (%v)", data, err)
	}
}

func TestExitCodes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok.sql":   okSQL,
		"bad.sql":  "CREATE TABLE t (id BIGINT) WITH ('connector' = 'file', 'path' = 'in.jsonl', 'format' = 'json');\nSELECT nope FROM t;\n",
		"in.jsonl": "{\"id\":1,\"name\":\"a\"}\n{\"id\":\"two\"}\n",
	})
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{[]string{"validate", "ok.sql"}, 0, "", "ok.sql: ok (1 pipelines)"},
		{[]string{"validate", "bad.sql"}, 2, "bad.sql:2:8: column nope not found in t", ""},
		{[]string{"run", "bad.sql"}, 2, "bad.sql:2:8:", ""},
		{[]string{"run", "missing.sql"}, 2, "missing.sql", ""},
		{[]string{"run", "ok.sql"}, 1, "in.jsonl:2", ""},
		{[]string{"run"}, 2, "accepts 1 arg", ""},
		{[]string{"run", "ok.sql", "--parallelism", "0"}, 2, "--parallelism must be a positive integer", ""},
		{[]string{"explain", "ok.sql", "--format", "yaml"}, 2, "--format must be one of", ""},
		{[]string{"validate", "ok.sql", "--batch-size", "9223372036854775807"}, 2, "batch size 9223372036854775807 is too large", ""},
		{[]string{"validate", "ok.sql", "--parallelism", "100000"}, 2, "parallelism 100000 is too large", ""},
		{[]string{"frobnicate"}, 2, "unknown command", ""},
	} {
		code, stdout, stderr := run(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) || !strings.Contains(stdout, tc.stdout) {
			t.Errorf("weir %v: exit %d, stdout %q, stderr %q; want exit %d, stderr containing %q", tc.args, code, stdout, stderr, tc.code, tc.stderr)
		}
	}
}

func TestExplainFormats(t *testing.T) {
	dir := writeFiles(t, map[string]string{"ok.sql": okSQL, "in.jsonl": ""})
	code, out, stderr := run(t, dir, "explain", "ok.sql")
	if code != 0 || !strings.Contains(out, "Source: t") || !strings.Contains(out, "parallelism=1") || !strings.Contains(out, "Calc(") {
		t.Fatalf("text explain: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, dir, "explain", "ok.sql", "--format", "dot")
	if code != 0 || !strings.HasPrefix(out, "digraph weir {") {
		t.Fatalf("dot explain: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, "explain", "ok.sql", "--format", "json")
	var g struct {
		Pipelines []struct {
			Name     string `json:"name"`
			Vertices []struct {
				Parallelism int `json:"parallelism"`
			} `json:"vertices"`
		} `json:"pipelines"`
	}
	if code != 0 || gojson.Unmarshal([]byte(out), &g) != nil || len(g.Pipelines) != 1 || g.Pipelines[0].Name != "insert_into_o" {
		t.Fatalf("json explain: exit %d\n%s", code, out)
	}
}

func TestEnvironmentSetsParallelismUnlessFlagGiven(t *testing.T) {
	dir := writeFiles(t, map[string]string{"q.sql": `CREATE TABLE b (auction BIGINT) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '10');
SELECT auction FROM b;`})
	t.Setenv("WEIR_PARALLELISM", "3")
	code, out, stderr := run(t, dir, "explain", "q.sql")
	if code != 0 || !strings.Contains(out, "parallelism=3") {
		t.Fatalf("env: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, dir, "explain", "q.sql", "--parallelism", "2")
	if code != 0 || !strings.Contains(out, "parallelism=2") || strings.Contains(out, "parallelism=3") {
		t.Fatalf("flag over env: exit %d\n%s", code, out)
	}
	t.Setenv("WEIR_PARALLELISM", "many")
	if code, _, stderr := run(t, dir, "explain", "q.sql"); code != 2 || !strings.Contains(stderr, "WEIR_PARALLELISM") {
		t.Fatalf("bad env: exit %d %s", code, stderr)
	}
}

// TestSIGTERMStopsGracefully runs the real binary on an endless generator,
// sends SIGTERM, and expects exit 0 with the file sink committed.
func TestSIGTERMStopsGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildWeir(t)
	dir := writeFiles(t, map[string]string{"q.sql": `CREATE TABLE b (auction BIGINT, price BIGINT)
WITH ('connector' = 'nexmark', 'table' = 'bid', 'first-event.rate' = '2000', 'rate-limited' = 'true');
CREATE TABLE o (auction BIGINT, price BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
INSERT INTO o SELECT auction, price FROM b;`})
	cmd := exec.Command(bin, "run", "q.sql", "--parallelism", "2")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(dir, "out.jsonl")); err == nil {
		t.Fatal("sink file visible before the job committed")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.jsonl"))
	if err != nil {
		t.Fatalf("sink not committed: %v", err)
	}
	lines := strings.Count(string(data), "\n")
	if lines == 0 {
		t.Fatal("no rows committed")
	}
	t.Logf("%d rows committed at SIGTERM", lines)
}

// TestSecondSignalAborts: the first SIGINT stops gracefully, but a sink
// that never drains would hold the job; the second SIGINT aborts it with
// exit 1 and commits nothing.
func TestSecondSignalAborts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildWeir(t)
	dir := writeFiles(t, map[string]string{"q.sql": `CREATE TABLE b (auction BIGINT, price BIGINT)
WITH ('connector' = 'nexmark', 'table' = 'bid');
SELECT auction, price FROM b;`})
	cmd := exec.Command(bin, "run", "q.sql", "--parallelism", "2")
	cmd.Dir = dir
	// stdout is a pipe nobody reads: the stdout sink blocks once it fills.
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("exit: %v, want exit code 1\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "aborted by a second signal") {
			t.Fatalf("stderr does not say it aborted:\n%s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 20s after the second SIGINT\n%s", stderr.String())
	}
}

// buildWeir builds the binary for tests that need a real process (signals).
func buildWeir(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weir")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
