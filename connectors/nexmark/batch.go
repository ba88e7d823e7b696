package nexmark

// strCol accumulates a VARCHAR column: values back to back in data, the
// end offset of each in ends.
type strCol struct {
	data []byte
	ends []int32
	keep bool // false: the column is not needed, values are discarded
}

func (s *strCol) reset() { s.data, s.ends = s.data[:0], s.ends[:0] }

// end closes the value appended since the last end.
func (s *strCol) end() {
	if !s.keep {
		s.data = s.data[:0]
		return
	}
	s.ends = append(s.ends, int32(len(s.data)))
}

// value returns row i's bytes.
func (s *strCol) value(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.data[start:s.ends[i]]
}

// personBatch holds generated people column by column.
type personBatch struct {
	id, dateTime                                []int64
	name, email, creditCard, city, state, extra strCol
}

// auctionBatch holds generated auctions column by column.
type auctionBatch struct {
	id, initialBid, reserve, dateTime, expires, seller, category []int64
	itemName, description, extra                                 strCol
}

// bidBatch holds generated bids column by column.
type bidBatch struct {
	auction, bidder, price, dateTime []int64
	channel, url, extra              strCol
	needChannel, needURL, needExtra  bool
}

func (b *personBatch) reset() {
	b.id, b.dateTime = b.id[:0], b.dateTime[:0]
	for _, s := range []*strCol{&b.name, &b.email, &b.creditCard, &b.city, &b.state, &b.extra} {
		s.reset()
	}
}

func (b *auctionBatch) reset() {
	b.id, b.initialBid, b.reserve, b.dateTime = b.id[:0], b.initialBid[:0], b.reserve[:0], b.dateTime[:0]
	b.expires, b.seller, b.category = b.expires[:0], b.seller[:0], b.category[:0]
	for _, s := range []*strCol{&b.itemName, &b.description, &b.extra} {
		s.reset()
	}
}

func (b *bidBatch) reset() {
	b.auction, b.bidder, b.price, b.dateTime = b.auction[:0], b.bidder[:0], b.price[:0], b.dateTime[:0]
	b.channel.reset()
	b.url.reset()
	b.extra.reset()
}
