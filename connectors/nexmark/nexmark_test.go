package nexmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

func schemaOf(t Table) *arrow.Schema {
	var fields []arrow.Field
	for _, c := range tableColumns[t] {
		fields = append(fields, arrow.Field{Name: strings.ToUpper(c.name[:1]) + c.name[1:], Type: c.typ, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

func newSource(t *testing.T, alloc memory.Allocator, opts map[string]string, schema *arrow.Schema, cols []int, batch int) *Source {
	t.Helper()
	src, err := NewSource(connectors.SourceConfig{Table: "t", Schema: schema, Columns: cols, Options: opts, BatchSize: batch, Alloc: alloc, Stats: &connectors.SourceStats{}})
	if err != nil {
		t.Fatal(err)
	}
	return src.(*Source)
}

// rowsOf reads every subtask and renders each row as text, per subtask.
func rowsOf(t *testing.T, src *Source, parallelism, batch int) [][]string {
	t.Helper()
	out := make([][]string, parallelism)
	for s := 0; s < parallelism; s++ {
		r, err := src.Reader(s, parallelism)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Read(context.Background())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.NumRows() == 0 || rec.NumRows() > int64(batch) {
				t.Fatalf("record of %d rows, batch %d", rec.NumRows(), batch)
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				var cells []string
				for c := 0; c < int(rec.NumCols()); c++ {
					cells = append(cells, rec.Column(c).ValueStr(i))
				}
				out[s] = append(out[s], strings.Join(cells, "|"))
			}
			rec.Release()
		}
		r.Close()
	}
	return out
}

func TestSplitsAreDisjointAndComplete(t *testing.T) {
	for _, table := range []string{"person", "auction", "bid"} {
		t.Run(table, func(t *testing.T) {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer alloc.AssertSize(t, 0)
			opts := map[string]string{"connector": "nexmark", "table": table, "events.num": "20000"}
			var tab Table
			switch table {
			case "person":
				tab = TablePerson
			case "auction":
				tab = TableAuction
			default:
				tab = TableBid
			}
			one := rowsOf(t, newSource(t, alloc, opts, schemaOf(tab), nil, 1000), 1, 1000)[0]
			four := rowsOf(t, newSource(t, alloc, opts, schemaOf(tab), nil, 333), 4, 333)
			var union []string
			for _, part := range four {
				// Event types follow n mod 50, so with 4 subtasks people
				// (n = 0 mod 50) only go to subtasks 0 and 2.
				if len(part) == 0 && tab != TablePerson {
					t.Errorf("a subtask produced nothing")
				}
				union = append(union, part...)
			}
			sort.Strings(union)
			sorted := append([]string(nil), one...)
			sort.Strings(sorted)
			if len(union) != len(sorted) {
				t.Fatalf("parallelism 4 made %d rows, 1 made %d", len(union), len(sorted))
			}
			for i := range union {
				if union[i] != sorted[i] {
					t.Fatalf("row %d differs:\n%s\n%s", i, union[i], sorted[i])
				}
			}
			seen := map[string]bool{}
			for _, row := range union {
				if seen[row] {
					t.Fatalf("row generated twice: %s", row)
				}
				seen[row] = true
			}
		})
	}
}

func TestProportions(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	counts := map[string]int{}
	for _, table := range []string{"person", "auction", "bid"} {
		src := newSource(t, alloc, map[string]string{"table": table, "events.num": "50000"}, arrow.NewSchema(nil, nil), []int{}, 4096)
		for _, part := range rowsOf(t, src, 3, 4096) {
			counts[table] += len(part)
		}
	}
	if counts["person"] != 1000 || counts["auction"] != 3000 || counts["bid"] != 46000 {
		t.Fatalf("counts %v, want 1000:3000:46000", counts)
	}
}

func TestReaderMatchesEvent(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	g := NewGenerator(DefaultConfig())
	for _, tab := range []Table{TablePerson, TableAuction, TableBid} {
		src := newSource(t, alloc, map[string]string{"table": tab.String(), "events.num": "3000"}, schemaOf(tab), nil, 100)
		rows := rowsOf(t, src, 1, 100)[0]
		var want []string
		for n := int64(0); n < 3000; n++ {
			e := g.Event(n)
			if e.Table != tab {
				continue
			}
			switch tab {
			case TablePerson:
				p := e.Person
				want = append(want, fmt.Sprint(p.ID, "|", p.Name, "|", p.EmailAddress, "|", p.CreditCard, "|", p.City, "|", p.State, "|", tsStr(p.DateTime), "|", p.Extra))
			case TableAuction:
				a := e.Auction
				want = append(want, fmt.Sprint(a.ID, "|", a.ItemName, "|", a.Description, "|", a.InitialBid, "|", a.Reserve, "|", tsStr(a.DateTime), "|", tsStr(a.Expires), "|", a.Seller, "|", a.Category, "|", a.Extra))
			default:
				b := e.Bid
				want = append(want, fmt.Sprint(b.Auction, "|", b.Bidder, "|", b.Price, "|", b.Channel, "|", b.URL, "|", tsStr(b.DateTime), "|", b.Extra))
			}
		}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: reader rows differ from Generator.Event:\n%s\n%s", tab, rows[0], want[0])
		}
	}
}

func tsStr(ms int64) string {
	b := array.NewTimestampBuilder(memory.NewGoAllocator(), &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"})
	defer b.Release()
	b.Append(arrow.Timestamp(ms))
	a := b.NewArray()
	defer a.Release()
	return a.ValueStr(0)
}

func TestEventValues(t *testing.T) {
	g := NewGenerator(DefaultConfig())
	if got := g.Timestamp(12345); got != DefaultBaseTime+1234 {
		t.Fatalf("timestamp of event 12345 = %d, want base + 1234 ms", got-DefaultBaseTime)
	}
	var hotAuction, hotBidder, bids, hotChannels int
	maxPerson, maxAuction := int64(-1), int64(-1)
	for n := int64(0); n < 100_000; n++ {
		e := g.Event(n)
		switch e.Table {
		case TablePerson:
			p := e.Person
			if p.ID <= maxPerson || !strings.Contains(p.EmailAddress, "@") || len(p.CreditCard) != 19 || p.DateTime != g.Timestamp(n) {
				t.Fatalf("bad person %d: %+v", n, p)
			}
			maxPerson = p.ID
		case TableAuction:
			a := e.Auction
			if a.ID <= maxAuction || a.Reserve < a.InitialBid || a.Expires <= a.DateTime || a.Category < 10 || a.Category > 14 || a.Seller > maxPerson+personIDLead {
				t.Fatalf("bad auction %d: %+v", n, a)
			}
			maxAuction = a.ID
		default:
			b := e.Bid
			bids++
			if b.Auction%hotRatio == 0 {
				hotAuction++
			}
			if b.Bidder%hotRatio == 1 {
				hotBidder++
			}
			switch b.Channel {
			case "Google", "Facebook", "Baidu", "Apple":
				hotChannels++
			}
			if b.Price < 100 || b.Price > 100_000_000 || b.Auction > maxAuction+auctionIDLead || b.Bidder > maxPerson+personIDLead ||
				!strings.HasPrefix(b.URL, "https://www.nexmark.com/") || len(b.Extra) < 54 || len(b.Extra) > 82 {
				t.Fatalf("bad bid %d: %+v", n, b)
			}
		}
	}
	// Hot auctions: 1/2 of bids plus the cold picks that land on a hot
	// id; hot bidders 3/4; hot channels 1/2.
	frac := func(k int) float64 { return float64(k) / float64(bids) }
	if f := frac(hotAuction); f < 0.5 || f > 0.53 {
		t.Errorf("hot auction fraction %.3f", f)
	}
	if f := frac(hotBidder); f < 0.75 || f > 0.77 {
		t.Errorf("hot bidder fraction %.3f", f)
	}
	if f := frac(hotChannels); f < 0.49 || f > 0.51 {
		t.Errorf("hot channel fraction %.3f", f)
	}
	if a, b := g.Event(777), NewGenerator(DefaultConfig()).Event(777); *a.Bid != *b.Bid {
		t.Fatal("event 777 differs between generators")
	}
}

func TestColumnContract(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	// A subset, in another order, names in other case.
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "PRICE", Type: bigint, Nullable: true},
		{Name: "date_time", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		{Name: "Auction", Type: bigint, Nullable: true},
	}, nil)
	src := newSource(t, alloc, map[string]string{"table": "bid", "events.num": "100"}, schema, []int{2, 0}, 10)
	rows := rowsOf(t, src, 1, 10)[0]
	g := NewGenerator(DefaultConfig())
	b := g.Event(4).Bid
	if want := fmt.Sprint(b.Auction, "|", b.Price); rows[0] != want {
		t.Fatalf("first row %s, want %s", rows[0], want)
	}
	for _, tc := range []struct {
		field arrow.Field
		want  string
	}{
		{arrow.Field{Name: "bogus", Type: bigint}, "column 'bogus' is not a nexmark bid column; the table has: auction BIGINT"},
		{arrow.Field{Name: "price", Type: varchar}, "column 'price' is declared VARCHAR, but the nexmark bid column is BIGINT"},
	} {
		_, err := NewSource(connectors.SourceConfig{Schema: arrow.NewSchema([]arrow.Field{tc.field}, nil), Options: map[string]string{"table": "bid"}})
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || !strings.Contains(oe.Msg, tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}

func TestOptions(t *testing.T) {
	c, err := ParseOptions(map[string]string{"connector": "nexmark", "table": "Person", "events.num": "10", "first-event.rate": "1000", "base-time": "2020-05-01 10:00:00", "rate-limited": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Table != TablePerson || c.EventsNum != 10 || c.FirstEventRate != 1000 || c.BaseTime != 1588327200000 || !c.RateLimited {
		t.Fatalf("config %+v", c)
	}
	for _, tc := range []struct {
		opts map[string]string
		key  string
	}{
		{map[string]string{}, "table"},
		{map[string]string{"table": "bids"}, "table"},
		{map[string]string{"table": "bid", "events.num": "-1"}, "events.num"},
		{map[string]string{"table": "bid", "first-event.rate": "0"}, "first-event.rate"},
		{map[string]string{"table": "bid", "base-time": "yesterday"}, "base-time"},
		{map[string]string{"table": "bid", "rate-limited": "maybe"}, "rate-limited"},
		{map[string]string{"table": "bid", "events.number": "5"}, "events.number"},
	} {
		_, err := ParseOptions(tc.opts)
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || oe.Key != tc.key {
			t.Errorf("%v: got %v, want an error on %q", tc.opts, err, tc.key)
		}
	}
}

func TestUnboundedAndRateLimited(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	src := newSource(t, alloc, map[string]string{"table": "bid", "first-event.rate": "1000", "rate-limited": "true"}, schemaOf(TableBid), []int{0}, 4096)
	if src.Bounded() {
		t.Fatal("events.num 0 must be unbounded")
	}
	r, _ := src.Reader(0, 1)
	if err := r.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// At 1000 events/s, the first read returns what is due (about one
	// event), not a full batch.
	rec, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rec.NumRows() >= 100 {
		t.Fatalf("rate-limited read returned %d rows at once", rec.NumRows())
	}
	rec.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v", err)
	}
}
