package kafka

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// Sink is a table written to one Kafka topic, one message per row.
type Sink struct {
	cfg         connectors.SinkConfig
	opts        sinkOptions
	valueSchema *arrow.Schema
	valueCols   []int // input columns written into the value, in order
	keyCol      int   // input column of the message key, or -1
	keyIsMeta   bool  // keyCol is a 'key' metadata column
	tsCol       int   // input column of a 'timestamp' metadata column, or -1
	headersCol  int   // input column of a 'headers' metadata column, or -1

	mu   sync.Mutex
	held map[int][]int // exactly-once: per subtask, the slots Recover found named (see newTxnWriter)
}

var _ connectors.Sink = (*Sink)(nil)

// NewSink validates a table's options and metadata columns and returns
// its sink; it does not connect. It is the 'kafka' connector's
// SinkFactory.
func NewSink(cfg connectors.SinkConfig) (connectors.Sink, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	opts, err := parseSinkOptions(cfg.Options, cfg.Logger)
	if err != nil {
		return nil, err
	}
	if opts.delivery == ExactlyOnce {
		if !cfg.Checkpointing {
			return nil, connectors.Optionf(OptionSinkDelivery, "'exactly-once' needs checkpoints: run with --state-dir")
		}
		if opts.txnPrefix == "" {
			// Transactional ids must differ between jobs writing one
			// topic, or they fence each other: name the job as well.
			opts.txnPrefix = "weir-" + cfg.Table
			if cfg.Job != "" {
				opts.txnPrefix = "weir-" + cfg.Job + "-" + cfg.Table
			}
		}
	}
	meta, err := checkMetadata(cfg.Schema, cfg.Metadata, true)
	if err != nil {
		return nil, err
	}
	s := &Sink{cfg: cfg, opts: opts, keyCol: -1, tsCol: -1, headersCol: -1}
	var fields []arrow.Field
	for i, f := range cfg.Schema.Fields() {
		kind, isMeta := meta[i]
		if !isMeta {
			s.valueCols = append(s.valueCols, i)
			fields = append(fields, f)
			continue
		}
		switch kind {
		case metaKey:
			s.keyCol, s.keyIsMeta = i, true
		case metaTimestamp:
			s.tsCol = i
		case metaHeaders:
			s.headersCol = i
		}
	}
	s.valueSchema = arrow.NewSchema(fields, nil)
	if _, err := jsonformat.NewEncoder(s.valueSchema); err != nil {
		return nil, connectors.Optionf(OptionFormat, "%v", err)
	}
	if opts.keyColumn != "" {
		idx := cfg.Schema.FieldIndices(opts.keyColumn)
		switch {
		case len(idx) != 1:
			return nil, connectors.Optionf(OptionSinkKey, "no column '%s' in the rows written (columns: %s)", opts.keyColumn, columnList(cfg.Schema))
		case s.keyIsMeta:
			cfg.Logger.Warn("kafka sink: the 'key' metadata column sets the message key; 'sink.key' is not used", "table", cfg.Table)
		default:
			s.keyCol = idx[0]
			if _, err := newKeyRenderer(cfg.Schema.Field(idx[0])); err != nil {
				return nil, connectors.Optionf(OptionSinkKey, "%v", err)
			}
		}
	}
	return s, nil
}

func columnList(schema *arrow.Schema) string {
	out := ""
	for i, f := range schema.Fields() {
		if i > 0 {
			out += ", "
		}
		out += f.Name
	}
	return out
}

// MaxParallelism implements connectors.Sink: no limit.
func (s *Sink) MaxParallelism() int { return 0 }

// Writer implements connectors.Sink; it connects on Open (exactly-once:
// on its first Write). An at-least-once writer is a connectors.Preparer
// and a connectors.Committer whose PreCommit flushes; an exactly-once
// writer is a connectors.Committer that writes in Kafka transactions.
func (s *Sink) Writer(subtask, parallelism int) (connectors.Writer, error) {
	if parallelism < 1 || subtask < 0 || subtask >= parallelism {
		return nil, fmt.Errorf("kafka sink '%s': subtask %d of %d", s.cfg.Table, subtask, parallelism)
	}
	enc, err := jsonformat.NewEncoder(s.valueSchema)
	if err != nil {
		return nil, err
	}
	w := &writer{sink: s, subtask: subtask, enc: enc}
	if s.keyCol >= 0 {
		if w.keys, err = newKeyRenderer(s.cfg.Schema.Field(s.keyCol)); err != nil {
			return nil, err
		}
	}
	if s.opts.delivery == ExactlyOnce {
		return newTxnWriter(w, s.heldSlots(subtask)), nil
	}
	return w, nil
}
