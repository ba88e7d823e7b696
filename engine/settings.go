package engine

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/weir-stream/weir/sql"
	"github.com/weir-stream/weir/sql/diag"
)

// Settings keys a SQL file may SET that Weir uses. Others are accepted
// (Flink scripts carry many) and reported once as unused.
const (
	SettingParallelism      = "parallelism.default"
	SettingFlinkParallelism = "table.exec.resource.default-parallelism"
	SettingPipelineName     = "pipeline.name"
	SettingRuntimeMode      = "execution.runtime-mode"
	// SettingCheckpointDir turns checkpoints on, like `weir run
	// --state-dir` (a "file://" prefix is accepted, as Flink writes it).
	SettingCheckpointDir = "state.checkpoints.dir"
	// SettingCheckpointInterval is the time between checkpoints.
	SettingCheckpointInterval = "execution.checkpointing.interval"
	// SettingCheckpointsRetained is how many complete checkpoints to keep.
	SettingCheckpointsRetained = "state.checkpoints.num-retained"
	// The Badger profile of the state directory (sizes such as '64 mb').
	SettingBadgerMemtableSize   = "state.backend.badger.memtable-size"
	SettingBadgerBlockCacheSize = "state.backend.badger.block-cache-size"
	SettingBadgerIndexCacheSize = "state.backend.badger.index-cache-size"
	SettingBadgerValueLogSize   = "state.backend.badger.value-log-file-size"
	// SettingStateBackend picks the state backend, like `weir run
	// --state-backend`: 'memory' or 'badger' (Flink's 'hashmap' and
	// 'rocksdb' are read as those).
	SettingStateBackend = "state.backend.type"
	// SettingBadgerDir is where the Badger backend keeps its working
	// state (Flink's state.backend.rocksdb.localdir).
	SettingBadgerDir = "state.backend.badger.dir"
	// SettingBadgerResident bounds the window state entries each
	// subtask on the Badger backend keeps in memory.
	SettingBadgerResident = "state.backend.badger.resident-entries"
)

// applySettings folds the file's SET statements into cfg. A flag or
// environment value (already in cfg) wins over SET; SET wins over the
// defaults. It returns the job's name, if the file gave one.
func applySettings(prog *sql.Program, cfg *Config) (string, error) {
	var errs diag.List
	keys := make([]string, 0, len(prog.Settings))
	for k := range prog.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	name := ""
	for _, k := range keys {
		v, pos := prog.Settings[k], prog.SettingPos[k]
		switch strings.ToLower(k) {
		case SettingParallelism, SettingFlinkParallelism:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 || n > MaxParallelism {
				errs.Add(pos, "SET '%s': want a parallelism between 1 and %d, got '%s'", k, MaxParallelism, v)
				continue
			}
			if cfg.Parallelism == 0 {
				cfg.Parallelism = n
			}
		case SettingPipelineName:
			name = v
		case SettingRuntimeMode:
			if !strings.EqualFold(strings.TrimSpace(v), "streaming") {
				errs.Add(pos, "SET '%s': Weir runs pipelines in streaming mode only, got '%s'", k, v)
			}
		case SettingCheckpointDir, SettingBadgerDir:
			dir := strings.TrimPrefix(strings.TrimSpace(v), "file://")
			if dir == "" {
				errs.Add(pos, "SET '%s': want a directory, got '%s'", k, v)
				continue
			}
			if !filepath.IsAbs(dir) && cfg.Dir != "" {
				dir = filepath.Join(cfg.Dir, dir)
			}
			target := &cfg.Checkpoint.Dir
			if strings.EqualFold(k, SettingBadgerDir) {
				target = &cfg.State.Dir
			}
			if *target == "" {
				*target = dir
			}
		case SettingCheckpointInterval:
			d, err := ParseDuration(v)
			if err != nil || d <= 0 {
				errs.Add(pos, "SET '%s': want a positive duration such as '10 s', got '%s'", k, v)
				continue
			}
			if cfg.Checkpoint.Interval == 0 {
				cfg.Checkpoint.Interval = d
			}
		case SettingCheckpointsRetained:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 || n > 1000 {
				errs.Add(pos, "SET '%s': want a number of checkpoints between 1 and 1000, got '%s'", k, v)
				continue
			}
			if cfg.Checkpoint.Retain == 0 {
				cfg.Checkpoint.Retain = n
			}
		case SettingBadgerMemtableSize, SettingBadgerBlockCacheSize, SettingBadgerIndexCacheSize, SettingBadgerValueLogSize:
			n, err := parseSize(v)
			if err != nil {
				errs.Add(pos, "SET '%s': %v", k, err)
				continue
			}
			// Both Badger databases, the checkpoint store and the state
			// backend's, take the profile.
			st, sp := &cfg.Checkpoint.Store, &cfg.State.Profile
			switch strings.ToLower(k) {
			case SettingBadgerMemtableSize:
				st.MemTableSize, sp.MemTableSize = n, n
			case SettingBadgerBlockCacheSize:
				st.BlockCacheSize, sp.BlockCacheSize = n, n
			case SettingBadgerIndexCacheSize:
				st.IndexCacheSize, sp.IndexCacheSize = n, n
			default:
				st.ValueLogFileSize, sp.ValueLogFileSize = n, n
			}
		case SettingStateBackend:
			b, err := ParseBackend(v)
			if err != nil {
				errs.Add(pos, "SET '%s': %v", k, err)
				continue
			}
			if cfg.State.Backend == "" {
				cfg.State.Backend = b
			}
		case SettingBadgerResident:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 || n > 1<<30 {
				errs.Add(pos, "SET '%s': want a number of entries between 1 and %d, got '%s'", k, 1<<30, v)
				continue
			}
			if cfg.State.ResidentEntries == 0 {
				cfg.State.ResidentEntries = n
			}
		default:
			if cfg.Logger != nil {
				cfg.Logger.Warn("setting not used by Weir", "key", k, "at", pos.String())
			}
		}
	}
	return name, errs.Err()
}

// sizeUnits maps size units to bytes (binary, as Flink's MemorySize).
var sizeUnits = map[string]int64{
	"": 1, "b": 1, "bytes": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
}

// parseSize reads a memory size the way Flink writes them: "64 mb",
// "512kb", or a bare number of bytes.
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	u, ok := sizeUnits[strings.TrimSpace(s[i:])]
	if i == 0 || err != nil || !ok || n <= 0 || n > (1<<40)/u {
		return 0, fmt.Errorf("want a size such as '64 mb' (at most 1 tb), got '%s'", v)
	}
	return n * u, nil
}
