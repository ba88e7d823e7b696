package nexmark

import (
	"context"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

// reader generates one subtask's events: numbers next, next+step, ...
// below limit, keeping those of the source's table.
type reader struct {
	src     *Source
	subtask int64
	next    int64
	step    int64
	limit   int64
	start   time.Time // wall-clock time of event 0, when rate limited
	// restored is set by Restore; started by the first Read.
	restored, started bool

	people   personBatch
	auctions auctionBatch
	bids     bidBatch
}

var _ connectors.Reader = (*reader)(nil)

// Open implements connectors.Reader.
func (r *reader) Open(ctx context.Context) error {
	r.start = time.Now()
	if r.restored {
		// The restored event is due now: event time continues at the
		// configured rate from where the checkpoint left it.
		g := r.src.gen
		r.start = r.start.Add(-time.Duration(g.Timestamp(r.next)-g.cfg.BaseTime) * time.Millisecond)
	}
	return nil
}

// Read implements connectors.Reader: up to BatchSize events, as fast as
// possible or, when rate limited, those that are due.
func (r *reader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.started = true
	g := r.src.gen
	table := g.cfg.Table
	batch := r.src.cfg.BatchSize
	r.people.reset()
	r.auctions.reset()
	r.bids.reset()
	rows := 0
	for rows < batch && r.next < r.limit {
		n := r.next
		if g.cfg.RateLimited {
			due := r.start.Add(time.Duration(g.Timestamp(n)-g.cfg.BaseTime) * time.Millisecond)
			if wait := time.Until(due); wait > 0 {
				if rows > 0 {
					break
				}
				if err := sleep(ctx, wait); err != nil {
					return nil, err
				}
			}
		}
		r.next += r.step
		if g.TableOf(n) != table {
			continue
		}
		switch table {
		case TablePerson:
			g.appendPerson(n, &r.people)
		case TableAuction:
			g.appendAuction(n, &r.auctions)
		default:
			g.appendBid(n, &r.bids)
		}
		rows++
	}
	if rows == 0 {
		return nil, io.EOF
	}
	rec := r.record(rows)
	r.src.cfg.Stats.Records.Add(int64(rows))
	return rec, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// record builds the output columns from the batch, one column at a time.
func (r *reader) record(rows int) arrow.RecordBatch {
	alloc := r.src.cfg.Alloc
	schema := r.src.schema
	arrs := make([]arrow.Array, len(r.src.ids))
	for i, id := range r.src.ids {
		typ := schema.Field(i).Type
		var ints []int64
		var strs *strCol
		switch r.src.gen.cfg.Table {
		case TablePerson:
			ints, strs = r.people.column(id)
		case TableAuction:
			ints, strs = r.auctions.column(id)
		default:
			ints, strs = r.bids.column(id)
		}
		if strs != nil {
			arrs[i] = stringArray(alloc, typ, strs)
		} else {
			arrs[i] = int64Array(alloc, typ, ints)
		}
	}
	rec := array.NewRecordBatch(schema, arrs, int64(rows))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

func (b *personBatch) column(id int) ([]int64, *strCol) {
	switch id {
	case personID:
		return b.id, nil
	case personName:
		return nil, &b.name
	case personEmail:
		return nil, &b.email
	case personCreditCard:
		return nil, &b.creditCard
	case personCity:
		return nil, &b.city
	case personState:
		return nil, &b.state
	case personDateTime:
		return b.dateTime, nil
	}
	return nil, &b.extra
}

func (b *auctionBatch) column(id int) ([]int64, *strCol) {
	switch id {
	case auctionID:
		return b.id, nil
	case auctionItemName:
		return nil, &b.itemName
	case auctionDescription:
		return nil, &b.description
	case auctionInitialBid:
		return b.initialBid, nil
	case auctionReserve:
		return b.reserve, nil
	case auctionDateTime:
		return b.dateTime, nil
	case auctionExpires:
		return b.expires, nil
	case auctionSeller:
		return b.seller, nil
	case auctionCategory:
		return b.category, nil
	}
	return nil, &b.extra
}

func (b *bidBatch) column(id int) ([]int64, *strCol) {
	switch id {
	case bidAuction:
		return b.auction, nil
	case bidBidder:
		return b.bidder, nil
	case bidPrice:
		return b.price, nil
	case bidChannel:
		return nil, &b.channel
	case bidURL:
		return nil, &b.url
	case bidDateTime:
		return b.dateTime, nil
	}
	return nil, &b.extra
}

// int64Array copies vals into a BIGINT or TIMESTAMP(3) array.
func int64Array(alloc memory.Allocator, typ arrow.DataType, vals []int64) arrow.Array {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(len(vals) * arrow.Int64SizeBytes)
	copy(arrow.Int64Traits.CastFromBytes(buf.Bytes()), vals)
	data := array.NewData(typ, len(vals), []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

// stringArray copies a string column into a VARCHAR array.
func stringArray(alloc memory.Allocator, typ arrow.DataType, s *strCol) arrow.Array {
	offsets := memory.NewResizableBuffer(alloc)
	offsets.Resize((len(s.ends) + 1) * arrow.Int32SizeBytes)
	offs := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	offs[0] = 0
	copy(offs[1:], s.ends)
	values := memory.NewResizableBuffer(alloc)
	values.Resize(len(s.data))
	copy(values.Bytes(), s.data)
	data := array.NewData(typ, len(s.ends), []*memory.Buffer{nil, offsets, values}, nil, 0, 0)
	offsets.Release()
	values.Release()
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

// Close implements connectors.Reader.
func (r *reader) Close() error { return nil }
