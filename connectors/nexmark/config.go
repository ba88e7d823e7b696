package nexmark

import (
	"strconv"
	"strings"
	"time"

	"github.com/weir-stream/weir/connectors"
)

// The connector's WITH options.
const (
	OptionTable          = "table"
	OptionEventsNum      = "events.num"
	OptionFirstEventRate = "first-event.rate"
	OptionBaseTime       = "base-time"
	OptionRateLimited    = "rate-limited"
)

// Table names one of the three event types.
type Table int

// The Nexmark tables.
const (
	TablePerson Table = iota
	TableAuction
	TableBid
)

// String returns the table's name.
func (t Table) String() string {
	return [...]string{"person", "auction", "bid"}[t]
}

// Config controls the generator. NewGenerator fills zero fields with
// Flink's defaults (DefaultConfig).
type Config struct {
	// Table is the event type a source emits (the generator itself
	// produces all three).
	Table Table
	// EventsNum is the number of events of all types, 0 for unbounded.
	EventsNum int64
	// FirstEventRate is the event rate in events per second of event
	// time; the inter-event delay is 1/rate.
	FirstEventRate int64
	// BaseTime is the first event's time, epoch milliseconds.
	BaseTime int64
	// RateLimited makes a source emit in wall-clock time at
	// FirstEventRate instead of as fast as possible.
	RateLimited bool

	// Proportions of the event mix (Flink: 1, 3, 46).
	PersonProportion, AuctionProportion, BidProportion int64
	// A bid's auction is hot with probability 1 - 1/HotAuctionRatio
	// (Flink: 2); likewise a bidder (4) and an auction's seller (4).
	HotAuctionRatio, HotBiddersRatio, HotSellersRatio int32
	// NumActivePeople (1000) and NumInFlightAuctions (100) bound the
	// ids picked for cold bidders, sellers and auctions.
	NumActivePeople, NumInFlightAuctions int64
	// Average event sizes in bytes that 'extra' pads to (Flink: 200,
	// 500, 100).
	AvgPersonByteSize, AvgAuctionByteSize, AvgBidByteSize int
}

// DefaultBaseTime is 2024-01-01 00:00:00 UTC, fixed so runs repeat.
var DefaultBaseTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// DefaultConfig returns Flink's generator defaults.
func DefaultConfig() Config {
	return Config{
		Table:               TableBid,
		FirstEventRate:      10_000,
		BaseTime:            DefaultBaseTime,
		PersonProportion:    1,
		AuctionProportion:   3,
		BidProportion:       46,
		HotAuctionRatio:     2,
		HotBiddersRatio:     4,
		HotSellersRatio:     4,
		NumActivePeople:     1000,
		NumInFlightAuctions: 100,
		AvgPersonByteSize:   200,
		AvgAuctionByteSize:  500,
		AvgBidByteSize:      100,
	}
}

// OptionKeys are the WITH options the connector accepts.
var OptionKeys = []string{OptionTable, OptionEventsNum, OptionFirstEventRate, OptionBaseTime, OptionRateLimited}

// ParseOptions reads a table's WITH options into a Config; 'table' is
// required, unknown keys are OptionErrors.
func ParseOptions(opts map[string]string) (Config, error) {
	c := DefaultConfig()
	if err := connectors.CheckOptions(opts, OptionKeys...); err != nil {
		return c, err
	}
	switch v := strings.ToLower(opts[OptionTable]); v {
	case "person":
		c.Table = TablePerson
	case "auction":
		c.Table = TableAuction
	case "bid":
		c.Table = TableBid
	case "":
		return c, connectors.Optionf(OptionTable, "required; accepted: 'person', 'auction', 'bid'")
	default:
		return c, connectors.Optionf(OptionTable, "unknown table '%s'; accepted: 'person', 'auction', 'bid'", opts[OptionTable])
	}
	if v, ok := opts[OptionEventsNum]; ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return c, connectors.Optionf(OptionEventsNum, "want a number of events >= 0 (0 = unbounded), got '%s'", v)
		}
		c.EventsNum = n
	}
	if v, ok := opts[OptionFirstEventRate]; ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 || n > 1_000_000_000 {
			return c, connectors.Optionf(OptionFirstEventRate, "want events per second between 1 and 1000000000, got '%s'", v)
		}
		c.FirstEventRate = n
	}
	if v, ok := opts[OptionBaseTime]; ok {
		t, err := parseBaseTime(v)
		if err != nil {
			return c, connectors.Optionf(OptionBaseTime, "want 'YYYY-MM-DD HH:MM:SS[.fff]' (UTC) or RFC 3339, got '%s'", v)
		}
		c.BaseTime = t
	}
	if v, ok := opts[OptionRateLimited]; ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return c, connectors.Optionf(OptionRateLimited, "want 'true' or 'false', got '%s'", v)
		}
		c.RateLimited = b
	}
	return c, nil
}

func parseBaseTime(v string) (int64, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), nil
		}
	}
	_, err := time.Parse(time.RFC3339Nano, v)
	return 0, err
}
