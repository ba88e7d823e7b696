package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// abortTimeout bounds how long Abort waits for franz-go to drop what it
// buffered.
const abortTimeout = 5 * time.Second

// writer produces one subtask's rows asynchronously.
type writer struct {
	sink    *Sink
	subtask int
	enc     *jsonformat.Encoder
	keys    *keyRenderer // nil without a key column
	cl      *kgo.Client

	mu       sync.Mutex
	firstErr error // the first message that failed
}

var (
	_ connectors.Writer    = (*writer)(nil)
	_ connectors.Preparer  = (*writer)(nil)
	_ connectors.Aborter   = (*writer)(nil)
	_ connectors.Committer = (*writer)(nil)
)

// Open implements connectors.Writer: creates the producing client.
// Topics are created on first use when the broker allows it, as with the
// Java client's defaults.
func (w *writer) Open(ctx context.Context) error {
	s := w.sink
	opts := append(s.opts.client.producerOpts(),
		kgo.DefaultProduceTopic(s.opts.topic),
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(rowPartitioner{mode: s.opts.partitioner, subtask: w.subtask}))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("kafka sink '%s' topic '%s': %w", s.cfg.Table, s.opts.topic, err)
	}
	w.cl = cl
	return nil
}

// Write implements connectors.Writer: encodes each row as one message
// and hands the messages to the producer without waiting for them. It
// returns the first earlier message's failure, if any.
func (w *writer) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if w.cl == nil {
		return fmt.Errorf("kafka sink '%s': write before open", w.sink.cfg.Table)
	}
	if err := w.err(); err != nil {
		return err
	}
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	msgs, err := w.messages(rec)
	if err != nil {
		return fmt.Errorf("kafka sink '%s' topic '%s': %w", w.sink.cfg.Table, w.sink.opts.topic, err)
	}
	for i := range msgs {
		w.cl.Produce(ctx, &msgs[i], w.promise)
	}
	return nil
}

// messages builds rec's messages: values, keys, timestamps, headers.
func (w *writer) messages(rec arrow.RecordBatch) ([]kgo.Record, error) {
	s := w.sink
	n := int(rec.NumRows())
	values, err := w.values(rec)
	if err != nil {
		return nil, err
	}
	msgs := make([]kgo.Record, n)
	for i := range msgs {
		msgs[i].Topic = s.opts.topic
		msgs[i].Value = values[i]
	}
	if w.keys != nil {
		keys, err := w.keys.render(rec.Column(s.keyCol))
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			msgs[i].Key = k
		}
	}
	if s.tsCol >= 0 {
		ts := rec.Column(s.tsCol).(*array.Timestamp)
		for i, v := range ts.TimestampValues() {
			if ts.IsValid(i) {
				msgs[i].Timestamp = time.UnixMilli(int64(v))
			}
		}
	}
	if s.headersCol >= 0 {
		hs := rec.Column(s.headersCol).(*array.String)
		for i := 0; i < n; i++ {
			if hs.IsNull(i) {
				continue
			}
			h, err := parseHeadersJSON([]byte(hs.Value(i)))
			if err != nil {
				return nil, fmt.Errorf("column '%s': %w", s.cfg.Schema.Field(s.headersCol).Name, err)
			}
			msgs[i].Headers = h
		}
	}
	return msgs, nil
}

// values renders the value columns of rec, one JSON object per row. The
// returned slices share one buffer owned by the messages.
func (w *writer) values(rec arrow.RecordBatch) ([][]byte, error) {
	s := w.sink
	vrec := rec
	if len(s.valueCols) != int(rec.NumCols()) {
		cols := make([]arrow.Array, len(s.valueCols))
		for i, c := range s.valueCols {
			cols[i] = rec.Column(c)
		}
		vrec = array.NewRecordBatch(s.valueSchema, cols, rec.NumRows())
		defer vrec.Release()
	}
	var buf bytes.Buffer
	if err := w.enc.Encode(&buf, vrec); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	n := int(rec.NumRows())
	out := make([][]byte, n)
	for i := 0; i < n; i++ {
		// JSON strings escape line ends, so '\n' ends each row.
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return nil, errors.New("json encoder: fewer lines than rows")
		}
		out[i] = data[:nl:nl]
		data = data[nl+1:]
	}
	return out, nil
}

// promise records the first failed message.
func (w *writer) promise(r *kgo.Record, err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.firstErr != nil {
		return
	}
	where := fmt.Sprintf("topic '%s'", r.Topic)
	if r.Partition >= 0 {
		where += fmt.Sprintf(" partition %d", r.Partition)
	}
	w.firstErr = fmt.Errorf("kafka sink '%s' %s: %w", w.sink.cfg.Table, where, err)
}

func (w *writer) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.firstErr
}

// Prepare implements connectors.Preparer: waits until every message
// written so far is acknowledged and returns the first failure (naming
// its topic and partition).
func (w *writer) Prepare(ctx context.Context) error {
	if w.cl == nil {
		return w.err()
	}
	if err := w.cl.Flush(ctx); err != nil {
		return fmt.Errorf("kafka sink '%s' topic '%s': flushing: %w", w.sink.cfg.Table, w.sink.opts.topic, err)
	}
	return w.err()
}

// PreCommit implements connectors.Committer for at-least-once delivery:
// like Prepare, it waits until every message written so far is
// acknowledged (durable and already visible) and returns the first
// failure. There is never a transaction to describe.
func (w *writer) PreCommit(ctx context.Context, epoch uint64) ([]byte, error) {
	return nil, w.Prepare(ctx)
}

// Commit implements connectors.Committer: at-least-once messages are
// visible once acknowledged, so there is nothing to do.
func (w *writer) Commit(ctx context.Context, epoch uint64) error { return nil }

// Close implements connectors.Writer: Prepare, then disconnect.
func (w *writer) Close(ctx context.Context) error {
	err := w.Prepare(ctx)
	if w.cl != nil {
		w.cl.Close()
		w.cl = nil
	}
	return err
}

// Abort implements connectors.Aborter: drops buffered messages without
// waiting for them (messages already sent may have been written: the
// sink is at-least-once) and disconnects.
func (w *writer) Abort() error {
	if w.cl == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	_ = w.cl.AbortBufferedRecords(ctx)
	w.cl.Close()
	w.cl = nil
	return nil
}
