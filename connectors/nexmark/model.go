package nexmark

// Person is a person event: someone who can sell or bid.
type Person struct {
	ID           int64
	Name         string
	EmailAddress string
	CreditCard   string
	City         string
	State        string
	// DateTime is the event time, epoch milliseconds.
	DateTime int64
	Extra    string
}

// Auction is an auction event: an item put up for sale.
type Auction struct {
	ID          int64
	ItemName    string
	Description string
	InitialBid  int64
	Reserve     int64
	// DateTime and Expires are epoch milliseconds.
	DateTime int64
	Expires  int64
	Seller   int64
	Category int64
	Extra    string
}

// Bid is a bid event on an auction.
type Bid struct {
	Auction int64
	Bidder  int64
	Price   int64
	Channel string
	URL     string
	// DateTime is the event time, epoch milliseconds.
	DateTime int64
	Extra    string
}

// Event is one generated event; exactly one of Person, Auction and Bid
// is set, as Table says.
type Event struct {
	Table   Table
	Person  *Person
	Auction *Auction
	Bid     *Bid
}
