package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors/jsonformat"
)

const (
	// loggedBadRecords is how many dropped messages each reader logs.
	loggedBadRecords = 5
	// dlqCloseTimeout bounds how long Close waits for buffered
	// dead-letter messages.
	dlqCloseTimeout = 10 * time.Second
	// dlqDeliveryTimeout bounds how long a dead-letter message may take
	// before it fails (and fails the job).
	dlqDeliveryTimeout = time.Minute
)

// The headers a dead-letter message carries.
const (
	HeaderError     = "weir.error"
	HeaderTopic     = "weir.topic"
	HeaderPartition = "weir.partition"
	HeaderOffset    = "weir.offset"
)

// badData applies a reader's 'bad-data' mode to messages the decoder
// rejected.
type badData struct {
	src    *Source
	logged int
	dlq    *kgo.Client // 'dlq' only

	mu       sync.Mutex
	firstErr error // the first failed dead-letter produce
}

func (b *badData) open(s *Source) error {
	b.src = s
	if s.opts.badData != BadDataDLQ {
		return nil
	}
	cl, err := kgo.NewClient(append(s.opts.client.producerOpts(), kgo.DefaultProduceTopic(s.opts.dlqTopic),
		kgo.AllowAutoTopicCreation(), kgo.RecordDeliveryTimeout(dlqDeliveryTimeout))...)
	if err != nil {
		return fmt.Errorf("kafka dead-letter topic '%s': %w", s.opts.dlqTopic, err)
	}
	b.dlq = cl
	return nil
}

// handle deals with a message the decoder rejected with err: returns
// the located error under 'fail', else counts (and logs, or sends) it.
func (b *badData) handle(ctx context.Context, rec *kgo.Record, err error) error {
	var fe *jsonformat.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	loc := fmt.Errorf("kafka topic '%s' partition %d offset %d: %w", rec.Topic, rec.Partition, rec.Offset, err)
	s := b.src
	switch s.opts.badData {
	case BadDataFail:
		return loc
	case BadDataDLQ:
		b.send(ctx, rec, err.Error())
	}
	s.cfg.Stats.Dropped.Add(1)
	if b.logged < loggedBadRecords {
		b.logged++
		msg := "dropped a bad record"
		if s.opts.badData == BadDataDLQ {
			msg = "sent a bad record to the dead-letter topic"
		}
		s.cfg.Logger.Warn(msg, "table", s.cfg.Table, "error", loc.Error())
		if b.logged == loggedBadRecords {
			s.cfg.Logger.Warn("further bad records are handled and counted without logging", "table", s.cfg.Table)
		}
	}
	return nil
}

// send produces the original key and value to the dead-letter topic,
// asynchronously; a failure is reported by the next err. Stopping the
// job (ctx) does not cancel messages already sent: Close delivers them.
func (b *badData) send(ctx context.Context, rec *kgo.Record, msg string) {
	ctx = context.WithoutCancel(ctx)
	out := &kgo.Record{
		Key:   rec.Key,
		Value: rec.Value,
		Headers: []kgo.RecordHeader{
			{Key: HeaderError, Value: []byte(msg)},
			{Key: HeaderTopic, Value: []byte(rec.Topic)},
			{Key: HeaderPartition, Value: strconv.AppendInt(nil, int64(rec.Partition), 10)},
			{Key: HeaderOffset, Value: strconv.AppendInt(nil, rec.Offset, 10)},
		},
	}
	b.dlq.Produce(ctx, out, func(r *kgo.Record, err error) {
		if err == nil {
			return
		}
		b.mu.Lock()
		if b.firstErr == nil {
			b.firstErr = fmt.Errorf("kafka dead-letter topic '%s' partition %d (bad record from %s offset %d): %w",
				r.Topic, r.Partition, topicPartition{rec.Topic, rec.Partition}, rec.Offset, err)
		}
		b.mu.Unlock()
	})
}

// err is the first failed dead-letter produce, if any.
func (b *badData) err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.firstErr
}

// flush waits for every dead-letter message sent so far.
func (b *badData) flush(ctx context.Context) error {
	if b.dlq == nil {
		return nil
	}
	if err := b.dlq.Flush(ctx); err != nil {
		return fmt.Errorf("kafka dead-letter topic '%s': %w", b.src.opts.dlqTopic, err)
	}
	return b.err()
}

// close delivers what is buffered (bounded by dlqCloseTimeout) and
// closes the dead-letter client.
func (b *badData) close() error {
	if b.dlq == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), dlqCloseTimeout)
	defer cancel()
	err := b.flush(ctx)
	b.dlq.Close()
	b.dlq = nil
	return err
}
