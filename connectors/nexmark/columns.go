package nexmark

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
)

// column is one column a Nexmark table offers.
type column struct {
	name string
	typ  arrow.DataType
}

var (
	bigint    = arrow.PrimitiveTypes.Int64
	varchar   = arrow.BinaryTypes.String
	timestamp = arrow.FixedWidthTypes.Timestamp_ms
)

// Column ids, in each table's column order.
const (
	personID = iota
	personName
	personEmail
	personCreditCard
	personCity
	personState
	personDateTime
	personExtra
)

const (
	auctionID = iota
	auctionItemName
	auctionDescription
	auctionInitialBid
	auctionReserve
	auctionDateTime
	auctionExpires
	auctionSeller
	auctionCategory
	auctionExtra
)

const (
	bidAuction = iota
	bidBidder
	bidPrice
	bidChannel
	bidURL
	bidDateTime
	bidExtra
)

// tableColumns is the column contract of each table.
var tableColumns = [...][]column{
	TablePerson: {
		{"id", bigint}, {"name", varchar}, {"email_address", varchar}, {"credit_card", varchar},
		{"city", varchar}, {"state", varchar}, {"date_time", timestamp}, {"extra", varchar},
	},
	TableAuction: {
		{"id", bigint}, {"item_name", varchar}, {"description", varchar}, {"initial_bid", bigint},
		{"reserve", bigint}, {"date_time", timestamp}, {"expires", timestamp}, {"seller", bigint},
		{"category", bigint}, {"extra", varchar},
	},
	TableBid: {
		{"auction", bigint}, {"bidder", bigint}, {"price", bigint}, {"channel", varchar},
		{"url", varchar}, {"date_time", timestamp}, {"extra", varchar},
	},
}

func sqlType(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT64:
		return "BIGINT"
	case arrow.STRING:
		return "VARCHAR"
	case arrow.TIMESTAMP:
		return "TIMESTAMP(3)"
	}
	return t.String()
}

func sameType(a, b arrow.DataType) bool {
	if a.ID() != b.ID() {
		return false
	}
	if at, ok := a.(*arrow.TimestampType); ok {
		return at.Unit == b.(*arrow.TimestampType).Unit
	}
	return true
}

// describeColumns lists a table's columns for messages.
func describeColumns(t Table) string {
	var parts []string
	for _, c := range tableColumns[t] {
		parts = append(parts, c.name+" "+sqlType(c.typ))
	}
	return strings.Join(parts, ", ")
}

// matchColumns checks every declared column against the table's contract
// (names case-insensitively, types exactly) and returns, for each
// projected column, its column id.
func matchColumns(t Table, schema *arrow.Schema, projection []int) ([]int, error) {
	ids := make([]int, schema.NumFields())
	for i, f := range schema.Fields() {
		ids[i] = -1
		for id, c := range tableColumns[t] {
			if strings.EqualFold(f.Name, c.name) {
				ids[i] = id
				if !sameType(f.Type, c.typ) {
					return nil, connectors.Optionf("", "column '%s' is declared %s, but the nexmark %s column is %s", f.Name, sqlType(f.Type), t, sqlType(c.typ))
				}
			}
		}
		if ids[i] < 0 {
			return nil, connectors.Optionf("", "column '%s' is not a nexmark %s column; the table has: %s", f.Name, t, describeColumns(t))
		}
	}
	if projection == nil {
		return ids, nil
	}
	out := make([]int, len(projection))
	for i, p := range projection {
		if p < 0 || p >= len(ids) {
			return nil, fmt.Errorf("nexmark: projected column index %d out of range", p)
		}
		out[i] = ids[p]
	}
	return out, nil
}
