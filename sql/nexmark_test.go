package sql

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weir-stream/weir/sql/plan"
)

var update = flag.Bool("update", false, "rewrite the golden .plan files")

// TestNexmarkPlans compiles Nexmark q0, q1, q2, q5 and q7 (their inner
// windowed queries), q11, q21 and q22 (Flink's text after
// testdata/nexmark/ddl.sql) and compares each optimised plan with its
// golden .plan file.
func TestNexmarkPlans(t *testing.T) {
	ddl, err := os.ReadFile("testdata/nexmark/ddl.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"q0", "q1", "q2", "q5", "q7", "q11", "q21", "q22"} {
		t.Run(q, func(t *testing.T) {
			query, err := os.ReadFile(filepath.Join("testdata/nexmark", q+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			prog, err := Compile(q+".sql", append(append([]byte{}, ddl...), query...))
			if err != nil {
				t.Fatal(err)
			}
			if len(prog.Pipelines) != 1 {
				t.Fatalf("got %d pipelines, want 1", len(prog.Pipelines))
			}
			p := prog.Pipelines[0]
			if p.Name != "insert_into_discard_sink" || p.Sink == nil || p.Sink.Name != "discard_sink" {
				t.Errorf("pipeline %q sink %v", p.Name, p.Sink)
			}
			if !p.Query.Schema().Equal(p.Sink.Schema) {
				t.Errorf("query schema %v != sink schema %v", p.Query.Schema(), p.Sink.Schema)
			}
			got := plan.Format(p.Query)
			golden := filepath.Join("testdata/nexmark", q+".plan")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
				t.Errorf("plan:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
