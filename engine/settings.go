package engine

import (
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
		default:
			if cfg.Logger != nil {
				cfg.Logger.Warn("setting not used by Weir", "key", k, "at", pos.String())
			}
		}
	}
	return name, errs.Err()
}
