package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Two part files, each an in-order stream over the same 10 s (e.g. one
// file per producer). Read by one subtask one after the other, the
// per-subtask watermark from file 1 makes file 2 late.
func TestFilesReadInSequenceKeepTheirOwnEventTime(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "in"), 0o755)
	for p := range 2 {
		var sb strings.Builder
		for i := range 10 {
			fmt.Fprintf(&sb, `{"k": %d, "ts": %d}`+"\n", p, i*1000)
		}
		os.WriteFile(filepath.Join(dir, "in", fmt.Sprintf("part-%d.jsonl", p)), []byte(sb.String()), 0o644)
	}
	sql := `CREATE TABLE ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'in', 'format' = 'json');
CREATE TABLE res (k BIGINT, n BIGINT) WITH ('connector' = 'file', 'path' = 'out/res.jsonl', 'format' = 'json');
INSERT INTO res SELECT k, COUNT(*) AS n FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '5' SECOND);
`
	for _, par := range []int{1, 2} {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		job, err := Compile("f.sql", []byte(sql), Config{Parallelism: par, BatchSize: 4, Dir: dir, Alloc: alloc})
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var late int64
		for _, m := range job.Metrics() {
			late += m.LateRows
		}
		b, _ := os.ReadFile(filepath.Join(dir, "out", "res.jsonl"))
		t.Logf("parallelism %d: late %d, output:\n%s", par, late, b)
		if late != 0 {
			t.Errorf("parallelism %d: %d in-order rows dropped as late", par, late)
		}
	}
}
