package nexmark

import (
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/connectors"
)

// readRows opens subtask's reader, restores it to pos (unless nil) and
// reads at most limit records (all if limit < 0). It returns the rows as
// text and the position after the last Read.
func readRows(t *testing.T, src *Source, subtask, parallelism int, pos []byte, limit int) ([]string, []byte) {
	t.Helper()
	r, err := src.Reader(subtask, parallelism)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := r.(connectors.Positioner)
	if pos != nil {
		if err := p.Restore(pos); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for n := 0; limit < 0 || n < limit; n++ {
		rec, err := r.Read(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for c := 0; c < int(rec.NumCols()); c++ {
				cells = append(cells, rec.Column(c).ValueStr(i))
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		rec.Release()
	}
	b, err := p.Position()
	if err != nil {
		t.Fatal(err)
	}
	return rows, b
}

// TestRestoreContinuesSequence stops readers at random records and
// restores new readers (with other batch sizes) to their position: the
// rows before and after are the rows of a straight read.
func TestRestoreContinuesSequence(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct {
		table string
		tab   Table
		cols  []int
	}{{"person", TablePerson, nil}, {"auction", TableAuction, []int{8, 0, 2}}, {"bid", TableBid, nil}} {
		opts := map[string]string{"table": tc.table, "events.num": "3000"}
		for _, par := range []int{1, 3} {
			straight := newSource(t, alloc, opts, schemaOf(tc.tab), tc.cols, 50)
			for sub := 0; sub < par; sub++ {
				want, end := readRows(t, straight, sub, par, nil, -1)
				for iter := 0; iter < 10; iter++ {
					batch := 1 + rng.IntN(100)
					src := newSource(t, alloc, opts, schemaOf(tc.tab), tc.cols, batch)
					before, pos := readRows(t, src, sub, par, nil, rng.IntN(len(want)/batch+2))
					src2 := newSource(t, alloc, opts, schemaOf(tc.tab), tc.cols, 1+rng.IntN(100))
					after, pos2 := readRows(t, src2, sub, par, pos, -1)
					if got := append(before, after...); !slices.Equal(got, want) {
						t.Fatalf("%s parallelism %d subtask %d: %d rows before and %d after the restore differ from the %d of a straight read",
							tc.table, par, sub, len(before), len(after), len(want))
					}
					if string(pos2) != string(end) {
						t.Fatalf("%s: end position differs after a restore", tc.table)
					}
				}
			}
		}
	}
}

func TestRestoreErrors(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	bids := newSource(t, alloc, map[string]string{"table": "bid", "events.num": "1000"}, schemaOf(TableBid), []int{0}, 10)
	_, pos := readRows(t, bids, 1, 2, nil, 3)
	restore := func(src *Source, subtask, parallelism int, pos []byte) error {
		r, err := src.Reader(subtask, parallelism)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		return r.(connectors.Positioner).Restore(pos)
	}
	if err := restore(bids, 1, 2, pos); err != nil {
		t.Fatal(err)
	}
	// More events are fine: the sequence continues.
	more := newSource(t, alloc, map[string]string{"table": "bid", "events.num": "5000"}, schemaOf(TableBid), []int{0}, 10)
	if err := restore(more, 1, 2, pos); err != nil {
		t.Fatal(err)
	}
	people := newSource(t, alloc, map[string]string{"table": "person"}, schemaOf(TablePerson), []int{0}, 10)
	other := newSource(t, alloc, map[string]string{"table": "bid", "first-event.rate": "5"}, schemaOf(TableBid), []int{0}, 10)
	for _, tc := range []struct {
		src                  *Source
		subtask, parallelism int
		pos                  []byte
		want                 string
	}{
		{bids, 0, 2, pos, "the checkpoint position is subtask 1 of 2's, not subtask 0 of 2's"},
		{bids, 1, 3, pos, "not subtask 1 of 3's"},
		{people, 1, 2, pos, "for table 'bid', not 'person'"},
		{other, 1, 2, pos, "the generator options changed"},
		{bids, 1, 2, nil, "corrupt checkpoint position"},
		{bids, 1, 2, pos[:len(pos)-1], "corrupt checkpoint position"},
		{bids, 1, 2, append(slices.Clone(pos), 0), "corrupt checkpoint position"},
		{bids, 1, 2, []byte("WNX\x02" + string(pos[4:])), "corrupt checkpoint position"},
		{bids, 1, 2, withByte(pos, len(positionMagic)+8, 9), "corrupt checkpoint position: table 9"},
		{bids, 1, 2, withNext(pos, 2), "corrupt checkpoint position: event 2 is not subtask 1 of 2's"},
	} {
		err := restore(tc.src, tc.subtask, tc.parallelism, tc.pos)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
	// Random corruption is an error or a valid position, never a panic.
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 1000; i++ {
		b := slices.Clone(pos)
		b[rng.IntN(len(b))] = byte(rng.Uint32())
		if err := restore(bids, 1, 2, b); err != nil && !strings.HasPrefix(err.Error(), "nexmark source 't': ") {
			t.Fatalf("unclear error %v", err)
		}
	}
}

// withByte returns pos with byte at set to v.
func withByte(pos []byte, at int, v byte) []byte {
	b := slices.Clone(pos)
	b[at] = v
	return b
}

// withNext returns pos with the next event number set to n.
func withNext(pos []byte, n uint64) []byte {
	b := slices.Clone(pos)
	binary.LittleEndian.PutUint64(b[len(b)-8:], n)
	return b
}

// TestRestoreRateLimited checks that a restored rate-limited reader
// keeps the rate from the restored event on, without waiting for the
// event time that passed before the checkpoint.
func TestRestoreRateLimited(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	opts := map[string]string{"table": "bid", "first-event.rate": "1000", "events.num": "200000"}
	fast := newSource(t, alloc, opts, schemaOf(TableBid), []int{0}, 1000)
	_, pos := readRows(t, fast, 0, 1, nil, 100) // ~100 s of event time
	opts["rate-limited"] = "true"
	slow := newSource(t, alloc, opts, schemaOf(TableBid), []int{0}, 1000)
	began := time.Now()
	rows, _ := readRows(t, slow, 0, 1, pos, 1)
	if d := time.Since(began); d > 2*time.Second || len(rows) == 0 || len(rows) >= 100 {
		t.Fatalf("restored rate-limited read: %d rows after %v", len(rows), d)
	}
}
