package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// partState is one partition a reader owns.
type partState struct {
	tp    topicPartition
	split int
	start int64 // first offset to read, resolved at Open
	next  int64 // one past the last message consumed (returned or dropped); start until then
	end   int64 // bounded read: offsets at or past end are not read; -1 unbounded
	done  bool  // bounded read: reached end
	recs  []*kgo.Record
	pos   int // next record of recs to decode
	stats *connectors.PartitionStats
}

// reader consumes its partitions with one franz-go client and decodes
// them one partition at a time.
type reader struct {
	src       *Source
	parts     []*partState
	byTP      map[topicPartition]*partState
	remaining int // bounded read: partitions not done
	cl        *kgo.Client
	dec       *jsonformat.Decoder
	meta      []*metaColumn
	rr        int          // round-robin cursor over parts
	last      atomic.Int64 // split of the last record returned; read from any goroutine
	bad       badData
	restored  map[topicPartition]int64 // Restore: start offsets of owned partitions; nil if not restored
	posSize   int                      // length of the last Position, to size the next
}

var _ connectors.SplitReader = (*reader)(nil)

// Splits implements connectors.SplitReader: the split id of each owned
// partition (its index among the source's sorted partitions).
func (r *reader) Splits() []int {
	out := make([]int, len(r.parts))
	for i, p := range r.parts {
		out[i] = p.split
	}
	return out
}

// LastSplit implements connectors.SplitReader.
func (r *reader) LastSplit() int { return int(r.last.Load()) }

// Open implements connectors.Reader: resolves the start (and, bounded,
// end) offsets and starts consuming.
func (r *reader) Open(ctx context.Context) error {
	if r.dec != nil {
		return errors.New("kafka source: Open called twice")
	}
	s := r.src
	dec, err := jsonformat.NewDecoder(s.decoderConfig())
	if err != nil {
		return err
	}
	r.dec = dec
	for slot, idx := range s.cols {
		if kind, ok := s.meta[idx]; ok {
			r.meta = append(r.meta, newMetaColumn(s.cfg.Alloc, slot, kind, s.cfg.BatchSize))
		}
	}
	r.byTP = map[topicPartition]*partState{}
	for _, p := range r.parts {
		r.byTP[p.tp] = p
	}
	if len(r.parts) == 0 {
		return nil
	}
	if err := r.bad.open(s); err != nil {
		return err
	}
	admCl, err := kgo.NewClient(s.opts.client.baseOpts()...)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	err = r.resolveOffsets(ctx, kadm.NewClient(admCl))
	admCl.Close()
	if err != nil {
		return err
	}
	return r.startConsuming()
}

// startConsuming creates the client that fetches the partitions not
// already done, from their start offsets.
func (r *reader) startConsuming() error {
	c := r.src.opts.client
	assign := map[string]map[int32]kgo.Offset{}
	for _, p := range r.parts {
		if p.done {
			continue
		}
		r.remaining++
		if assign[p.tp.topic] == nil {
			assign[p.tp.topic] = map[int32]kgo.Offset{}
		}
		assign[p.tp.topic][p.tp.partition] = kgo.NewOffset().At(p.start)
	}
	if len(assign) == 0 {
		return nil
	}
	// Fetch sessions (KIP-227) are off: franz-go v1.22.2's Close reads a
	// source's session while its fetch loop may still be writing it (the
	// race detector reports it when a reader closes mid-fetch, as every
	// stop and restore does). A reader fetches a few partitions, so the
	// sessions save little.
	opts := append(c.baseOpts(), kgo.ConsumePartitions(assign), kgo.KeepControlRecords(), kgo.DisableFetchSessions())
	if c.fetchMaxBytes > 0 {
		opts = append(opts, kgo.FetchMaxBytes(c.fetchMaxBytes), kgo.FetchMaxPartitionBytes(c.fetchMaxBytes))
	}
	if c.fetchMaxWait > 0 {
		opts = append(opts, kgo.FetchMaxWait(c.fetchMaxWait))
	}
	if c.readCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	r.cl = cl
	return nil
}

// Read implements connectors.Reader: up to BatchSize rows of one
// partition; io.EOF when a bounded read reached the end offsets of every
// partition. It returns ctx's error promptly when ctx is cancelled.
func (r *reader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if r.dec == nil {
		return nil, errors.New("kafka source: Read before Open")
	}
	for {
		if err := r.bad.err(); err != nil {
			return nil, err
		}
		p := r.nextPending()
		if p == nil {
			if r.src.opts.bounded && r.remaining == 0 {
				if err := r.bad.flush(ctx); err != nil {
					return nil, err
				}
				return nil, io.EOF
			}
			if err := r.poll(ctx); err != nil {
				return nil, err
			}
			continue
		}
		rec, err := r.decode(ctx, p)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			r.last.Store(int64(p.split))
			return rec, nil
		}
	}
}

// nextPending returns the next partition, round-robin, with records
// waiting to be decoded, or nil.
func (r *reader) nextPending() *partState {
	for range r.parts {
		p := r.parts[r.rr]
		r.rr = (r.rr + 1) % len(r.parts)
		if p.pos < len(p.recs) {
			return p
		}
	}
	return nil
}

// poll waits for fetched records and queues them on their partitions.
func (r *reader) poll(ctx context.Context) error {
	if r.cl == nil { // nothing to fetch: an unbounded reader waits to be stopped
		<-ctx.Done()
		return ctx.Err()
	}
	fs := r.cl.PollFetches(ctx)
	if err := ctx.Err(); err != nil {
		return err
	}
	var first error
	fs.EachError(func(t string, p int32, err error) {
		if first == nil {
			first = fmt.Errorf("kafka %s: %w", topicPartition{t, p}, err)
		}
	})
	if first != nil {
		return first
	}
	fs.EachPartition(func(fp kgo.FetchTopicPartition) {
		if p := r.byTP[topicPartition{fp.Topic, fp.Partition}]; p != nil {
			r.queue(p, fp.FetchPartition)
		}
	})
	return nil
}

// queue adds a fetch's records to p, leaving out control records and,
// in a bounded read, anything at or past the end offset.
func (r *reader) queue(p *partState, fp kgo.FetchPartition) {
	if n := len(fp.Records); n > 0 {
		p.stats.Lag.Store(max(0, fp.HighWatermark-(fp.Records[n-1].Offset+1)))
	}
	for _, rec := range fp.Records {
		if p.done {
			return
		}
		if p.end >= 0 && rec.Offset >= p.end {
			r.finish(p)
			return
		}
		if !rec.Attrs.IsControl() {
			p.recs = append(p.recs, rec)
		}
		if p.end >= 0 && rec.Offset >= p.end-1 {
			r.finish(p)
		}
	}
}

// finish marks a bounded partition done and stops fetching it.
func (r *reader) finish(p *partState) {
	p.done = true
	r.remaining--
	r.cl.PauseFetchPartitions(map[string][]int32{p.tp.topic: {p.tp.partition}})
}

// decode turns p's queued records into one record batch (nil if every
// queued record was empty or bad and dropped).
func (r *reader) decode(ctx context.Context, p *partState) (arrow.RecordBatch, error) {
	var nbytes int64
	for p.pos < len(p.recs) && !r.dec.Full() {
		rec := p.recs[p.pos]
		p.pos++
		p.next = rec.Offset + 1
		nbytes += int64(len(rec.Key) + len(rec.Value))
		before := r.dec.Len()
		if err := r.dec.Append(rec.Value); err != nil {
			if err := r.bad.handle(ctx, rec, err); err != nil {
				return nil, err
			}
			continue
		}
		if r.dec.Len() > before {
			for _, m := range r.meta {
				m.add(rec)
			}
		}
	}
	if p.pos == len(p.recs) {
		clear(p.recs)
		p.recs, p.pos = p.recs[:0], 0
	}
	p.stats.Bytes.Add(nbytes)
	r.src.cfg.Stats.Bytes.Add(nbytes)
	rec := r.flush()
	if rec != nil {
		p.stats.Records.Add(rec.NumRows())
		r.src.cfg.Stats.Records.Add(rec.NumRows())
	}
	return rec, nil
}

// flush assembles the decoded value columns and the metadata columns
// into one record in output order.
func (r *reader) flush() arrow.RecordBatch {
	vals := r.dec.Flush()
	if vals == nil || len(r.meta) == 0 {
		return vals
	}
	defer vals.Release()
	arrs := make([]arrow.Array, len(r.src.cols))
	v, m := 0, 0
	for slot := range arrs {
		if m < len(r.meta) && r.meta[m].slot == slot {
			arrs[slot] = r.meta[m].build()
			m++
			continue
		}
		arrs[slot] = vals.Column(v)
		arrs[slot].Retain()
		v++
	}
	out := array.NewRecordBatch(r.src.schema, arrs, vals.NumRows())
	for _, a := range arrs {
		a.Release()
	}
	return out
}

// Close implements connectors.Reader: stops fetching, delivers any
// dead-letter messages still buffered, and frees the buffers.
func (r *reader) Close() error {
	if r.cl != nil {
		r.cl.Close()
		r.cl = nil
	}
	err := r.bad.close()
	for _, m := range r.meta {
		m.release()
	}
	r.meta = nil
	if r.dec != nil {
		r.dec.Release()
		r.dec = nil
	}
	for _, p := range r.parts {
		p.recs, p.pos = nil, 0
	}
	return err
}
