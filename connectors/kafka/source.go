package kafka

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// Source is a table read from Kafka topics. Its partitions are listed
// when it is created; each subtask's reader owns a fixed share of them.
type Source struct {
	cfg       connectors.SourceConfig
	opts      sourceOptions
	schema    *arrow.Schema
	cols      []int            // declared indices of the output columns, in order
	valueCols []int            // declared indices decoded from the JSON value
	meta      map[int]metaKind // declared index -> metadata kind
	parts     []topicPartition // sorted; a partition's index is its split id
}

var _ connectors.Source = (*Source)(nil)

// NewSource validates a table's options and metadata columns, lists the
// topics' partitions (the brokers must be reachable, and the topics must
// exist) and returns the source. It is the 'kafka' connector's
// SourceFactory.
func NewSource(cfg connectors.SourceConfig) (connectors.Source, error) {
	if cfg.Alloc == nil {
		cfg.Alloc = memory.DefaultAllocator
	}
	if cfg.Stats == nil {
		cfg.Stats = &connectors.SourceStats{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	opts, err := parseSourceOptions(cfg.Options, cfg.Logger)
	if err != nil {
		return nil, err
	}
	meta, err := checkMetadata(cfg.Schema, cfg.Metadata, false)
	if err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, opts: opts, meta: meta, cols: cfg.Columns}
	if s.cols == nil {
		s.cols = make([]int, cfg.Schema.NumFields())
		for i := range s.cols {
			s.cols[i] = i
		}
	}
	fields := make([]arrow.Field, len(s.cols))
	s.valueCols = []int{}
	for slot, idx := range s.cols {
		if idx < 0 || idx >= cfg.Schema.NumFields() {
			return nil, fmt.Errorf("kafka source '%s': projected column index %d out of range", cfg.Table, idx)
		}
		fields[slot] = cfg.Schema.Field(idx)
		if _, isMeta := meta[idx]; !isMeta {
			s.valueCols = append(s.valueCols, idx)
		}
	}
	s.schema = arrow.NewSchema(fields, nil)
	dec, err := jsonformat.NewDecoder(s.decoderConfig())
	if err != nil {
		return nil, connectors.Optionf(OptionFormat, "%v", err)
	}
	dec.Release()
	ctx, cancel := context.WithTimeout(context.Background(), metadataTimeout)
	defer cancel()
	if s.parts, err = listPartitions(ctx, opts.client, opts.topics); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Source) decoderConfig() jsonformat.DecoderConfig {
	return jsonformat.DecoderConfig{
		Schema:    s.cfg.Schema,
		Columns:   s.valueCols,
		BatchSize: s.cfg.BatchSize,
		Options:   s.opts.json,
		Alloc:     s.cfg.Alloc,
	}
}

// Schema implements connectors.Source: the projected columns.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Bounded implements connectors.Source: true with 'scan.bounded.mode' =
// 'latest-offset'.
func (s *Source) Bounded() bool { return s.opts.bounded }

// MaxParallelism implements connectors.Source: the number of partitions.
func (s *Source) MaxParallelism() int { return len(s.parts) }

// Partitions is the number of partitions the source reads.
func (s *Source) Partitions() int { return len(s.parts) }

// Reader implements connectors.Source: the reader of the partitions i
// (in (topic, partition) order) with i mod parallelism == subtask.
func (s *Source) Reader(subtask, parallelism int) (connectors.Reader, error) {
	if parallelism < 1 || subtask < 0 || subtask >= parallelism {
		return nil, fmt.Errorf("kafka source '%s': subtask %d of %d", s.cfg.Table, subtask, parallelism)
	}
	r := &reader{src: s}
	r.last.Store(-1)
	for _, i := range assign(len(s.parts), subtask, parallelism) {
		tp := s.parts[i]
		r.parts = append(r.parts, &partState{tp: tp, split: i, end: -1, stats: s.cfg.Stats.Partition(tp.topic, tp.partition)})
	}
	return r, nil
}
