package engine

import (
	"strings"
	"testing"
)

const settingsSQL = `SET 'parallelism.default' = '%s';
SET 'pipeline.name' = 'bids';
CREATE TABLE b (auction BIGINT) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '10');
SELECT auction FROM b;
`

func TestSetParallelismAppliesUnlessConfigured(t *testing.T) {
	src := strings.Replace(settingsSQL, "%s", "3", 1)
	job, err := Compile("s.sql", []byte(src), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p := job.Graph().Pipelines[0].Vertices[0].Parallelism; p != 3 {
		t.Fatalf("parallelism %d, want 3 from SET", p)
	}
	if job.Name() != "bids" {
		t.Fatalf("name %q, want bids", job.Name())
	}
	job, err = Compile("s.sql", []byte(src), Config{Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p := job.Graph().Pipelines[0].Vertices[0].Parallelism; p != 2 {
		t.Fatalf("parallelism %d, want 2: a flag wins over SET", p)
	}
}

func TestSetInvalidValueIsPositioned(t *testing.T) {
	src := "\n" + strings.Replace(settingsSQL, "%s", "lots", 1)
	_, err := Compile("s.sql", []byte(src), Config{})
	if err == nil || err.Error() != "s.sql:2:1: SET 'parallelism.default': want a parallelism between 1 and 128, got 'lots'" {
		t.Fatalf("got %v", err)
	}
	_, err = Compile("m.sql", []byte("SET 'execution.runtime-mode' = 'batch';\n"+strings.Replace(settingsSQL, "%s", "1", 1)), Config{})
	if err == nil || !strings.HasPrefix(err.Error(), "m.sql:1:1: SET 'execution.runtime-mode': Weir runs pipelines in streaming mode only") {
		t.Fatalf("got %v", err)
	}
}
