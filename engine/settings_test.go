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

func TestSetCheckpointSettings(t *testing.T) {
	src := `SET 'state.checkpoints.dir' = 'file://ck';
SET 'execution.checkpointing.interval' = '3 s';
SET 'state.checkpoints.num-retained' = '5';
SET 'state.backend.badger.memtable-size' = '32 mb';
SET 'state.backend.badger.block-cache-size' = '64mb';
SET 'state.backend.badger.index-cache-size' = '1048576';
SET 'state.backend.badger.value-log-file-size' = '1 gb';
` + strings.Replace(settingsSQL, "%s", "1", 1)
	job, err := Compile("s.sql", []byte(src), Config{Dir: "/work"})
	if err != nil {
		t.Fatal(err)
	}
	c := job.cfg.Checkpoint
	if c.Dir != "/work/ck" || c.Interval.Seconds() != 3 || c.Retain != 5 || c.Store.MemTableSize != 32<<20 ||
		c.Store.BlockCacheSize != 64<<20 || c.Store.IndexCacheSize != 1<<20 || c.Store.ValueLogFileSize != 1<<30 {
		t.Fatalf("checkpoint config %+v", c)
	}
	// A flag (already in the config) wins over SET.
	job, err = Compile("s.sql", []byte(src), Config{Dir: "/work", Checkpoint: CheckpointConfig{Dir: "/d", Interval: 7e9}})
	if err != nil {
		t.Fatal(err)
	}
	if c := job.cfg.Checkpoint; c.Dir != "/d" || c.Interval.Seconds() != 7 {
		t.Fatalf("flags lost to SET: %+v", c)
	}
	for _, bad := range []string{
		"SET 'execution.checkpointing.interval' = 'soon';",
		"SET 'state.checkpoints.num-retained' = '0';",
		"SET 'state.backend.badger.memtable-size' = '12 parsecs';",
	} {
		_, err := Compile("b.sql", []byte(bad+"\n"+strings.Replace(settingsSQL, "%s", "1", 1)), Config{})
		if err == nil || !strings.HasPrefix(err.Error(), "b.sql:1:1: SET '") {
			t.Errorf("%s: got %v", bad, err)
		}
	}
	if _, err := Compile("i.sql", []byte("SET 'execution.checkpointing.interval' = '2';\n"+strings.Replace(settingsSQL, "%s", "1", 1)), Config{}); err == nil ||
		!strings.Contains(err.Error(), "too short") {
		t.Errorf("a 2 ms interval: %v", err)
	}
	if _, err := Compile("f.sql", []byte(strings.Replace(settingsSQL, "%s", "1", 1)), Config{Checkpoint: CheckpointConfig{Fresh: true}}); err == nil ||
		!strings.Contains(err.Error(), "--fresh needs --state-dir") {
		t.Errorf("--fresh without a state dir: %v", err)
	}
}

func TestSetStateBackendSettings(t *testing.T) {
	src := `SET 'state.backend.type' = 'RocksDB';
SET 'state.backend.badger.dir' = 'scratch';
SET 'state.backend.badger.resident-entries' = '1000';
SET 'state.backend.badger.memtable-size' = '16 mb';
` + strings.Replace(settingsSQL, "%s", "1", 1)
	job, err := Compile("s.sql", []byte(src), Config{Dir: "/work"})
	if err != nil {
		t.Fatal(err)
	}
	if s := job.cfg.State; s.Backend != BackendBadger || s.Dir != "/work/scratch" || s.ResidentEntries != 1000 ||
		s.Profile.MemTableSize != 16<<20 || job.cfg.Checkpoint.Store.MemTableSize != 16<<20 {
		t.Fatalf("state config %+v (a Flink script's rocksdb runs on badger; the profile sizes both databases)", s)
	}
	// A flag (already in the config) wins over SET.
	job, err = Compile("s.sql", []byte(src), Config{Dir: "/work", State: StateConfig{Backend: "memory", Dir: "/t", ResidentEntries: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if s := job.cfg.State; s.Backend != BackendMemory || s.Dir != "/t" || s.ResidentEntries != 5 {
		t.Fatalf("flags lost to SET: %+v", s)
	}
	if job, err = Compile("s.sql", []byte(strings.Replace(settingsSQL, "%s", "1", 1)), Config{}); err != nil || job.cfg.State.Backend != BackendMemory {
		t.Fatalf("default backend %q (%v), want memory", job.cfg.State.Backend, err)
	}
	for _, bad := range []string{
		"SET 'state.backend.type' = 'cassandra';",
		"SET 'state.backend.badger.resident-entries' = '0';",
		"SET 'state.backend.badger.dir' = '';",
	} {
		_, err := Compile("b.sql", []byte(bad+"\n"+strings.Replace(settingsSQL, "%s", "1", 1)), Config{})
		if err == nil || !strings.HasPrefix(err.Error(), "b.sql:1:1: SET '") {
			t.Errorf("%s: got %v", bad, err)
		}
	}
	if _, err := Compile("f.sql", []byte(strings.Replace(settingsSQL, "%s", "1", 1)), Config{State: StateConfig{Backend: "disk"}}); err == nil ||
		!strings.Contains(err.Error(), `want a state backend of "memory" or "badger"`) {
		t.Errorf("an unknown backend in the config: %v", err)
	}
}
