package nexmark

import "strconv"

// Ids start here so small runs still find matches.
const (
	firstPersonID   = 1000
	firstAuctionID  = 1000
	firstCategoryID = 10
	numCategories   = 5
	// Hot auctions, bidders and sellers are the first of each block of
	// this many ids.
	hotRatio = 100
	// Cold ids are drawn from a range reaching this far past the last id.
	personIDLead  = 10
	auctionIDLead = 10
)

// Generator computes Nexmark events from their event numbers. It holds
// no mutable state: Event may be called concurrently.
type Generator struct {
	cfg   Config
	total int64
	ch    *channelTable
}

// NewGenerator returns a generator; zero fields of cfg take Flink's
// defaults.
func NewGenerator(cfg Config) *Generator {
	d := DefaultConfig()
	fill := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	fill32 := func(v *int32, def int32) {
		if *v <= 0 {
			*v = def
		}
	}
	fillInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&cfg.FirstEventRate, d.FirstEventRate)
	if cfg.PersonProportion <= 0 || cfg.AuctionProportion <= 0 || cfg.BidProportion <= 0 {
		cfg.PersonProportion, cfg.AuctionProportion, cfg.BidProportion = d.PersonProportion, d.AuctionProportion, d.BidProportion
	}
	fill32(&cfg.HotAuctionRatio, d.HotAuctionRatio)
	fill32(&cfg.HotBiddersRatio, d.HotBiddersRatio)
	fill32(&cfg.HotSellersRatio, d.HotSellersRatio)
	fill(&cfg.NumActivePeople, d.NumActivePeople)
	fill(&cfg.NumInFlightAuctions, d.NumInFlightAuctions)
	fillInt(&cfg.AvgPersonByteSize, d.AvgPersonByteSize)
	fillInt(&cfg.AvgAuctionByteSize, d.AvgAuctionByteSize)
	fillInt(&cfg.AvgBidByteSize, d.AvgBidByteSize)
	return &Generator{cfg: cfg, total: cfg.PersonProportion + cfg.AuctionProportion + cfg.BidProportion, ch: channels()}
}

// Config returns the generator's configuration, defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// TableOf returns the type of event number n.
func (g *Generator) TableOf(n int64) Table {
	switch rem := n % g.total; {
	case rem < g.cfg.PersonProportion:
		return TablePerson
	case rem < g.cfg.PersonProportion+g.cfg.AuctionProportion:
		return TableAuction
	}
	return TableBid
}

// Timestamp returns event n's time in epoch milliseconds: the base time
// plus n inter-event delays of 1/FirstEventRate seconds.
func (g *Generator) Timestamp(n int64) int64 {
	r := g.cfg.FirstEventRate
	return g.cfg.BaseTime + n/r*1000 + n%r*1000/r
}

// Event returns event number n (n >= 0).
func (g *Generator) Event(n int64) Event {
	switch t := g.TableOf(n); t {
	case TablePerson:
		var b personBatch
		keepAll(&b.name, &b.email, &b.creditCard, &b.city, &b.state, &b.extra)
		g.appendPerson(n, &b)
		return Event{Table: t, Person: &Person{
			ID: b.id[0], Name: string(b.name.value(0)), EmailAddress: string(b.email.value(0)),
			CreditCard: string(b.creditCard.value(0)), City: string(b.city.value(0)), State: string(b.state.value(0)),
			DateTime: b.dateTime[0], Extra: string(b.extra.value(0)),
		}}
	case TableAuction:
		var b auctionBatch
		keepAll(&b.itemName, &b.description, &b.extra)
		g.appendAuction(n, &b)
		return Event{Table: t, Auction: &Auction{
			ID: b.id[0], ItemName: string(b.itemName.value(0)), Description: string(b.description.value(0)),
			InitialBid: b.initialBid[0], Reserve: b.reserve[0], DateTime: b.dateTime[0], Expires: b.expires[0],
			Seller: b.seller[0], Category: b.category[0], Extra: string(b.extra.value(0)),
		}}
	default:
		b := bidBatch{needChannel: true, needURL: true, needExtra: true}
		keepAll(&b.channel, &b.url, &b.extra)
		g.appendBid(n, &b)
		return Event{Table: t, Bid: &Bid{
			Auction: b.auction[0], Bidder: b.bidder[0], Price: b.price[0],
			Channel: string(b.channel.value(0)), URL: string(b.url.value(0)),
			DateTime: b.dateTime[0], Extra: string(b.extra.value(0)),
		}}
	}
}

func keepAll(cols ...*strCol) {
	for _, c := range cols {
		c.keep = true
	}
}

// lastBase0PersonID is the (0-based) id of the last person generated at
// or before event n.
func (g *Generator) lastBase0PersonID(n int64) int64 {
	epoch, off := n/g.total, n%g.total
	if off >= g.cfg.PersonProportion {
		off = g.cfg.PersonProportion - 1
	}
	return epoch*g.cfg.PersonProportion + off
}

// nextBase0PersonID picks a recently active person (or one a little in
// the future).
func (g *Generator) nextBase0PersonID(n int64, r *jrand) int64 {
	numPeople := g.lastBase0PersonID(n) + 1
	active := min(numPeople, g.cfg.NumActivePeople)
	return numPeople - active + r.longn(active+personIDLead)
}

// lastBase0AuctionID is the (0-based) id of the last auction generated at
// or before event n.
func (g *Generator) lastBase0AuctionID(n int64) int64 {
	pp, ap := g.cfg.PersonProportion, g.cfg.AuctionProportion
	epoch, off := n/g.total, n%g.total
	switch {
	case off < pp:
		epoch--
		off = ap - 1
	case off >= pp+ap:
		off = ap - 1
	default:
		off -= pp
	}
	return epoch*ap + off
}

// nextBase0AuctionID picks an auction still in flight (or a little in
// the future).
func (g *Generator) nextBase0AuctionID(n int64, r *jrand) int64 {
	maxID := g.lastBase0AuctionID(n)
	minID := max(maxID-g.cfg.NumInFlightAuctions, 0)
	return minID + r.longn(maxID-minID+1+auctionIDLead)
}

func (g *Generator) appendPerson(n int64, b *personBatch) {
	r := newJrand(n)
	b.id = append(b.id, g.lastBase0PersonID(n)+firstPersonID)
	b.dateTime = append(b.dateTime, g.Timestamp(n))
	size := 8
	mark := func(s *strCol, start int) {
		size += len(s.data) - start
		s.end()
	}
	start := len(b.name.data)
	b.name.data = append(b.name.data, firstNames[r.intn(int32(len(firstNames)))]...)
	b.name.data = append(b.name.data, ' ')
	b.name.data = append(b.name.data, lastNames[r.intn(int32(len(lastNames)))]...)
	mark(&b.name, start)
	start = len(b.email.data)
	b.email.data = appendNextString(b.email.data, &r, 7, ' ')
	b.email.data = append(b.email.data, '@')
	b.email.data = appendNextString(b.email.data, &r, 5, ' ')
	b.email.data = append(b.email.data, ".com"...)
	mark(&b.email, start)
	start = len(b.creditCard.data)
	for i := 0; i < 4; i++ {
		if i > 0 {
			b.creditCard.data = append(b.creditCard.data, ' ')
		}
		b.creditCard.data = appendPad4(b.creditCard.data, r.intn(10000))
	}
	mark(&b.creditCard, start)
	start = len(b.city.data)
	b.city.data = append(b.city.data, usCities[r.intn(int32(len(usCities)))]...)
	mark(&b.city, start)
	start = len(b.state.data)
	b.state.data = append(b.state.data, usStates[r.intn(int32(len(usStates)))]...)
	mark(&b.state, start)
	if b.extra.keep {
		b.extra.data = appendExactString(b.extra.data, &r, extraLength(&r, size, g.cfg.AvgPersonByteSize))
		b.extra.end()
	}
}

func (g *Generator) appendAuction(n int64, b *auctionBatch) {
	r := newJrand(n)
	ts := g.Timestamp(n)
	b.id = append(b.id, g.lastBase0AuctionID(n)+firstAuctionID)
	var seller int64
	if r.intn(g.cfg.HotSellersRatio) > 0 {
		seller = g.lastBase0PersonID(n) / hotRatio * hotRatio
	} else {
		seller = g.nextBase0PersonID(n, &r)
	}
	b.seller = append(b.seller, seller+firstPersonID)
	b.category = append(b.category, firstCategoryID+int64(r.intn(numCategories)))
	initial := nextPrice(&r)
	b.initialBid = append(b.initialBid, initial)
	// An auction stays open for up to twice the event time it takes to
	// generate NumInFlightAuctions auctions.
	horizon := g.Timestamp(n+g.cfg.NumInFlightAuctions*g.total/g.cfg.AuctionProportion) - ts
	b.expires = append(b.expires, ts+1+r.longn(max(horizon*2, 1)))
	b.dateTime = append(b.dateTime, ts)
	size := 8 + 5*8
	start := len(b.itemName.data)
	b.itemName.data = appendNextString(b.itemName.data, &r, 20, ' ')
	size += len(b.itemName.data) - start
	b.itemName.end()
	start = len(b.description.data)
	b.description.data = appendNextString(b.description.data, &r, 100, ' ')
	size += len(b.description.data) - start
	b.description.end()
	b.reserve = append(b.reserve, initial+nextPrice(&r))
	if b.extra.keep {
		b.extra.data = appendExactString(b.extra.data, &r, extraLength(&r, size, g.cfg.AvgAuctionByteSize))
		b.extra.end()
	}
}

func (g *Generator) appendBid(n int64, b *bidBatch) {
	r := newJrand(n)
	var auction int64
	if r.intn(g.cfg.HotAuctionRatio) > 0 {
		auction = g.lastBase0AuctionID(n) / hotRatio * hotRatio
	} else {
		auction = g.nextBase0AuctionID(n, &r)
	}
	var bidder int64
	if r.intn(g.cfg.HotBiddersRatio) > 0 {
		// The second person of the block, so hot bidders are not hot
		// sellers.
		bidder = g.lastBase0PersonID(n)/hotRatio*hotRatio + 1
	} else {
		bidder = g.nextBase0PersonID(n, &r)
	}
	b.auction = append(b.auction, auction+firstAuctionID)
	b.bidder = append(b.bidder, bidder+firstPersonID)
	b.price = append(b.price, nextPrice(&r))
	b.dateTime = append(b.dateTime, g.Timestamp(n))
	var channel, url string
	if r.intn(2) > 0 {
		i := r.intn(int32(len(hotChannel)))
		channel, url = hotChannel[i], g.ch.hotURLs[i]
	} else {
		k := r.intn(numChannels)
		channel, url = g.ch.names[k], g.ch.urls[k]
	}
	if b.needChannel {
		b.channel.data = append(b.channel.data, channel...)
		b.channel.end()
	}
	if b.needURL {
		b.url.data = append(b.url.data, url...)
		b.url.end()
	}
	if b.needExtra {
		b.extra.data = appendExactString(b.extra.data, &r, extraLength(&r, 32, g.cfg.AvgBidByteSize))
		b.extra.end()
	}
}

// String describes the generator's configuration.
func (g *Generator) String() string {
	return "nexmark(" + g.cfg.Table.String() + ", events.num=" + strconv.FormatInt(g.cfg.EventsNum, 10) +
		", first-event.rate=" + strconv.FormatInt(g.cfg.FirstEventRate, 10) + ")"
}
