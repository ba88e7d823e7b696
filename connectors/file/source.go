package file

import (
	"fmt"
	"log/slog"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// Source is a bounded file source. Its files are cut into byte-range
// splits that subtasks read in parallel: a file under 1 MiB is read
// whole by one subtask, a larger one may be shared (see assignSplits).
type Source struct {
	cfg    connectors.SourceConfig
	opts   sourceOptions
	schema *arrow.Schema
	// minSplit is the smallest split in bytes (minSplitBytes; tests lower
	// it to split small files).
	minSplit int64
}

var _ connectors.Source = (*Source)(nil)

// NewSource validates a table's options (the path must exist) and
// returns its source. It is the 'file' connector's SourceFactory.
func NewSource(cfg connectors.SourceConfig) (connectors.Source, error) {
	opts, err := parseSourceOptions(cfg.Options, cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Alloc == nil {
		cfg.Alloc = memory.DefaultAllocator
	}
	if cfg.Stats == nil {
		cfg.Stats = &connectors.SourceStats{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	dec, err := jsonformat.NewDecoder(decoderConfig(cfg, opts))
	if err != nil {
		return nil, connectors.Optionf(OptionFormat, "%v", err)
	}
	schema := dec.Schema()
	dec.Release()
	return &Source{cfg: cfg, opts: opts, schema: schema, minSplit: minSplitBytes}, nil
}

func decoderConfig(cfg connectors.SourceConfig, opts sourceOptions) jsonformat.DecoderConfig {
	return jsonformat.DecoderConfig{
		Schema:    cfg.Schema,
		Columns:   cfg.Columns,
		BatchSize: cfg.BatchSize,
		Options:   opts.json,
		Alloc:     cfg.Alloc,
	}
}

// Schema implements connectors.Source: the projected columns.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Bounded implements connectors.Source: files end.
func (s *Source) Bounded() bool { return true }

// MaxParallelism implements connectors.Source: the most splits the
// files can be cut into (one per file under 1 MiB, one per whole MiB of
// a larger file); more subtasks than that would have nothing to read.
func (s *Source) MaxParallelism() int { return maxSplits(s.opts.files, s.minSplit) }

// Reader implements connectors.Source.
func (s *Source) Reader(subtask, parallelism int) (connectors.Reader, error) {
	if parallelism < 1 || subtask < 0 || subtask >= parallelism {
		return nil, fmt.Errorf("file source '%s': subtask %d of %d", s.cfg.Table, subtask, parallelism)
	}
	return &reader{
		src: s, splits: assignSplits(s.opts.files, subtask, parallelism, s.minSplit),
		subtask: subtask, parallelism: parallelism, resumeAt: -1,
	}, nil
}
