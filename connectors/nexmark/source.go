package nexmark

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

// Source generates one Nexmark table.
type Source struct {
	cfg    connectors.SourceConfig
	gen    *Generator
	ids    []int // column id of each output column
	schema *arrow.Schema
	// fingerprint identifies the generator options in positions.
	fingerprint uint64
}

var _ connectors.Source = (*Source)(nil)

// NewSource validates a table's options and columns and returns its
// source. It is the 'nexmark' connector's SourceFactory.
func NewSource(cfg connectors.SourceConfig) (connectors.Source, error) {
	c, err := ParseOptions(cfg.Options)
	if err != nil {
		return nil, err
	}
	ids, err := matchColumns(c.Table, cfg.Schema, cfg.Columns)
	if err != nil {
		return nil, err
	}
	if cfg.Alloc == nil {
		cfg.Alloc = memory.DefaultAllocator
	}
	if cfg.Stats == nil {
		cfg.Stats = &connectors.SourceStats{}
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 4096
	}
	fields := make([]arrow.Field, 0, len(ids))
	if cfg.Columns == nil {
		fields = append(fields, cfg.Schema.Fields()...)
	} else {
		for _, p := range cfg.Columns {
			fields = append(fields, cfg.Schema.Field(p))
		}
	}
	gen := NewGenerator(c)
	return &Source{cfg: cfg, gen: gen, ids: ids, schema: arrow.NewSchema(fields, nil), fingerprint: configFingerprint(gen.cfg)}, nil
}

// Generator returns the source's generator.
func (s *Source) Generator() *Generator { return s.gen }

// Schema implements connectors.Source.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Bounded implements connectors.Source: bounded when 'events.num' > 0.
func (s *Source) Bounded() bool { return s.gen.cfg.EventsNum > 0 }

// MaxParallelism implements connectors.Source: any.
func (s *Source) MaxParallelism() int { return 0 }

// Reader implements connectors.Source: subtask generates the event
// numbers congruent to subtask mod parallelism.
func (s *Source) Reader(subtask, parallelism int) (connectors.Reader, error) {
	if parallelism < 1 || subtask < 0 || subtask >= parallelism {
		return nil, fmt.Errorf("nexmark source '%s': subtask %d of %d", s.cfg.Table, subtask, parallelism)
	}
	limit := s.gen.cfg.EventsNum
	if limit == 0 {
		limit = math.MaxInt64
	}
	r := &reader{src: s, subtask: int64(subtask), next: int64(subtask), step: int64(parallelism), limit: limit}
	r.bids.needChannel = s.needs(TableBid, bidChannel)
	r.bids.needURL = s.needs(TableBid, bidURL)
	r.bids.needExtra = s.needs(TableBid, bidExtra)
	r.bids.channel.keep, r.bids.url.keep, r.bids.extra.keep = r.bids.needChannel, r.bids.needURL, r.bids.needExtra
	p := &r.people
	p.name.keep, p.email.keep, p.creditCard.keep = s.needs(TablePerson, personName), s.needs(TablePerson, personEmail), s.needs(TablePerson, personCreditCard)
	p.city.keep, p.state.keep, p.extra.keep = s.needs(TablePerson, personCity), s.needs(TablePerson, personState), s.needs(TablePerson, personExtra)
	a := &r.auctions
	a.itemName.keep, a.description.keep, a.extra.keep = s.needs(TableAuction, auctionItemName), s.needs(TableAuction, auctionDescription), s.needs(TableAuction, auctionExtra)
	return r, nil
}

// needs reports whether the output has column id of table t.
func (s *Source) needs(t Table, id int) bool {
	if s.gen.cfg.Table != t {
		return false
	}
	for _, c := range s.ids {
		if c == id {
			return true
		}
	}
	return false
}
