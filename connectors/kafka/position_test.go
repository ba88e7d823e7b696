package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// produceMixed writes n records spread over parts partitions of topic
// (record i to partition i mod parts); every record whose i is a
// multiple of 7 is bad (its id is not a number). It returns the rows
// the good records decode to.
func produceMixed(t testing.TB, brokers, topic string, from, n, parts int) []string {
	t.Helper()
	var recs []*kgo.Record
	var good []string
	for i := from; i < from+n; i++ {
		v := fmt.Sprintf(`{"id":%d,"name":"n%d"}`, i, i)
		if i%7 == 0 {
			v = fmt.Sprintf(`{"id":"bad%d"}`, i)
		} else {
			good = append(good, fmt.Sprintf("%d|n%d", i, i))
		}
		recs = append(recs, msg(topic, int32(i%parts), "", v))
	}
	produce(t, brokers, recs...)
	return good
}

// openReader opens subtask's reader of src, restored to pos if not nil.
func openReader(t testing.TB, ctx context.Context, src connectors.Source, subtask, parallelism int, pos []byte) connectors.Reader {
	t.Helper()
	r, err := src.Reader(subtask, parallelism)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if pos != nil {
		if err := r.(connectors.Positioner).Restore(pos); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Open(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// readSome reads up to reads records from r (fewer at io.EOF) and
// returns their rows and the position after the last one.
func readSome(t testing.TB, ctx context.Context, r connectors.Reader, reads int) (rows []string, pos []byte, eof bool) {
	t.Helper()
	pos, err := r.(connectors.Positioner).Position()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < reads; i++ {
		rec, err := r.Read(ctx)
		if errors.Is(err, io.EOF) {
			eof = true
		} else if err != nil {
			t.Fatal(err)
		}
		if pos, err = r.(connectors.Positioner).Position(); err != nil {
			t.Fatal(err)
		}
		if eof {
			return rows, pos, true
		}
		rows = append(rows, rowStrings(rec)...)
		rec.Release()
	}
	return rows, pos, false
}

// checkExactlyOnce fails unless got holds every row of want once.
func checkExactlyOnce(t testing.TB, got, want []string) {
	t.Helper()
	g, w := append([]string(nil), got...), append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, ",") != strings.Join(w, ",") {
		seen := map[string]int{}
		for _, r := range got {
			seen[r]++
		}
		var dup, missing []string
		for r, n := range seen {
			if n > 1 {
				dup = append(dup, r)
			}
		}
		for _, r := range want {
			if seen[r] == 0 {
				missing = append(missing, r)
			}
		}
		t.Fatalf("read %d rows, want %d; duplicated %v; missing %v", len(got), len(want), dup, missing)
	}
}

// TestRestoreResumesExactly stops a reader after every possible number
// of reads, restores a new reader to its position and reads the rest:
// together they read every good row once, bad rows (dropped) never.
// Small batches cut fetches into several records, so the position must
// leave out rows fetched but not yet returned.
func TestRestoreResumesExactly(t *testing.T) {
	for _, c := range []struct {
		parts, parallelism int
	}{{1, 1}, {3, 1}, {4, 2}} {
		t.Run(fmt.Sprintf("parts%d-par%d", c.parts, c.parallelism), func(t *testing.T) {
			_, brokers := startCluster(t, kfake.SeedTopics(int32(c.parts), "t"))
			want := produceMixed(t, brokers, "t", 0, 80, c.parts)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			alloc := checkedAlloc(t)
			cfg := sourceConfig(alloc, brokers, "t", map[string]string{"bad-data": "drop"})
			cfg.BatchSize = 7
			src := mustSource(t, cfg)
			for cut := 0; ; cut++ {
				var got []string
				done := true
				for sub := 0; sub < c.parallelism; sub++ {
					first := openReader(t, ctx, src, sub, c.parallelism, nil)
					rows, pos, eof := readSome(t, ctx, first, cut)
					first.Close()
					done = done && eof
					got = append(got, rows...)
					rest := openReader(t, ctx, src, sub, c.parallelism, pos)
					more, _, eof := readSome(t, ctx, rest, 1<<20)
					if !eof {
						t.Fatal("no end")
					}
					rest.Close()
					got = append(got, more...)
				}
				checkExactlyOnce(t, got, want)
				if done {
					break
				}
			}
		})
	}
}

// TestRestoreUnbounded resumes an unbounded read and keeps reading what
// is produced after the restart.
func TestRestoreUnbounded(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	want := produceMixed(t, brokers, "t", 0, 60, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := sourceConfig(checkedAlloc(t), brokers, "t", map[string]string{"bad-data": "drop", "scan.bounded.mode": "unbounded"})
	cfg.BatchSize = 5
	src := mustSource(t, cfg)
	first := openReader(t, ctx, src, 0, 1, nil)
	got, pos, _ := readSome(t, ctx, first, 4)
	first.Close()
	if len(got) == 0 || len(got) >= len(want) {
		t.Fatalf("read %d of %d rows before the restart", len(got), len(want))
	}
	want = append(want, produceMixed(t, brokers, "t", 60, 30, 2)...)
	rest := openReader(t, ctx, src, 0, 1, pos)
	for len(got) < len(want) {
		rows, _, _ := readSome(t, ctx, rest, 1)
		got = append(got, rows...)
	}
	checkExactlyOnce(t, got, want)
	// Nothing more is there to read.
	short, stop := context.WithTimeout(ctx, 300*time.Millisecond)
	defer stop()
	if rec, err := rest.Read(short); err == nil {
		t.Fatalf("read %v past the end", rowStrings(rec))
	}
}

// TestPositionAtTheEnd: after io.EOF the position is the end offsets, and
// a reader restored to it ends at once; a bounded read restored before
// its end reads up to the end offsets taken at its own Open.
func TestPositionAtTheEnd(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	produceMixed(t, brokers, "t", 0, 10, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := mustSource(t, sourceConfig(checkedAlloc(t), brokers, "t", map[string]string{"bad-data": "drop"}))
	r := openReader(t, ctx, src, 0, 1, nil)
	_, end, eof := readSome(t, ctx, r, 100)
	if !eof {
		t.Fatal("no end")
	}
	offs, err := decodePosition(end)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(offs) != "[{{t 0} 5} {{t 1} 5}]" {
		t.Fatalf("end position %v", offs)
	}
	more := produceMixed(t, brokers, "t", 10, 4, 2)
	again := openReader(t, ctx, src, 0, 1, end)
	rows, _, eof := readSome(t, ctx, again, 100)
	if !eof {
		t.Fatal("no end")
	}
	checkExactlyOnce(t, rows, more)
}

// TestRestoreMissingPartitionUsesStartupMode: a partition the position
// does not name (one added to the topic since) starts as
// 'scan.startup.mode' says, and the reader says so in its log.
func TestRestoreMissingPartitionUsesStartupMode(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"))
	want := produceMixed(t, brokers, "t", 1, 12, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var log bytes.Buffer
	cfg := sourceConfig(checkedAlloc(t), brokers, "t", map[string]string{"bad-data": "drop"})
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	src := mustSource(t, cfg)
	// Partition 0 restored at offset 2 (its first two rows were read).
	pos := encodeTestPosition(partitionOffset{topicPartition{"t", 0}, 2})
	r := openReader(t, ctx, src, 0, 1, pos)
	rows, _, _ := readSome(t, ctx, r, 100)
	checkExactlyOnce(t, rows, slicesWithout(want, "2|n2", "4|n4"))
	if !strings.Contains(log.String(), "partitions=t/1") {
		t.Fatalf("log %q", log.String())
	}
}

func slicesWithout(all []string, drop ...string) []string {
	var out []string
	for _, s := range all {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// encodeTestPosition encodes offsets as a reader owning exactly those
// partitions would.
func encodeTestPosition(offs ...partitionOffset) []byte {
	var parts []*partState
	for _, o := range offs {
		parts = append(parts, &partState{tp: o.tp, next: o.offset})
	}
	return encodePosition(parts, 0)
}

func TestRestoreErrors(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "t"), kfake.SeedTopics(1, "other"))
	src := mustSource(t, sourceConfig(nil, brokers, "t", nil))
	good := encodeTestPosition(partitionOffset{topicPartition{"t", 0}, 3})
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-5] ^= 1
	cases := []struct {
		name string
		pos  []byte
		want string
	}{
		{"empty", nil, "not a Kafka source position"},
		{"file position", []byte(`{"file":"a.json","line":3}`), "not a Kafka source position"},
		{"version", append([]byte{'K', 9}, good[2:]...), "format 9"},
		{"checksum", flipped, "checksum mismatch"},
		{"truncated", withChecksum(good[:len(good)-6]), "truncated"},
		{"stray", withChecksum(append(append([]byte(nil), good[:len(good)-4]...), 7)), "stray bytes"},
		{"duplicate", encodeTestPosition(partitionOffset{topicPartition{"t", 0}, 3}, partitionOffset{topicPartition{"t", 0}, 4}), "appears twice"},
		{"other topic", encodeTestPosition(partitionOffset{topicPartition{"other", 0}, 3}), "topic 'other', which the table does not read"},
		{"no such partition", encodeTestPosition(partitionOffset{topicPartition{"t", 7}, 3}), "partition 7, which does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := src.Reader(0, 1)
			err := r.(connectors.Positioner).Restore(c.pos)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	t.Run("order", func(t *testing.T) {
		r, _ := src.Reader(0, 1)
		defer r.Close()
		p := r.(connectors.Positioner)
		if _, err := p.Position(); err == nil {
			t.Fatal("Position before Open")
		}
		if err := p.Restore(good); err != nil {
			t.Fatal(err)
		}
		if err := p.Restore(good); err == nil {
			t.Fatal("second Restore accepted")
		}
		if err := r.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := p.Restore(good); err == nil {
			t.Fatal("Restore after Open accepted")
		}
	})
}

// withChecksum replaces the checksum-less body's missing checksum.
func withChecksum(body []byte) []byte {
	out := append([]byte(nil), body...)
	return appendChecksum(out)
}

// TestPositionIgnoresPartitionsOfOtherSubtasks: a position naming every
// partition of the table (each subtask's merged) restores each reader to
// its own partitions.
func TestPositionIgnoresPartitionsOfOtherSubtasks(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(2, "a"), kfake.SeedTopics(1, "b"))
	var want []string
	want = append(want, produceMixed(t, brokers, "a", 1, 6, 2)...)
	want = append(want, produceMixed(t, brokers, "b", 101, 3, 1)...)
	all := encodeTestPosition(partitionOffset{topicPartition{"a", 0}, 1}, partitionOffset{topicPartition{"a", 1}, 0},
		partitionOffset{topicPartition{"b", 0}, 2})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := mustSource(t, sourceConfig(checkedAlloc(t), brokers, "a;b", nil))
	var got []string
	for sub := 0; sub < 2; sub++ {
		rows, _, _ := readSome(t, ctx, openReader(t, ctx, src, sub, 2, all), 100)
		got = append(got, rows...)
	}
	checkExactlyOnce(t, got, slicesWithout(want, "2|n2", "101|n101", "102|n102"))
}

func BenchmarkPosition(b *testing.B) {
	r := &reader{dec: nonNilDecoder(b)}
	for i := 0; i < 8; i++ {
		r.parts = append(r.parts, &partState{tp: topicPartition{"bids", int32(i)}, next: int64(i) << 30})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Position(); err != nil {
			b.Fatal(err)
		}
	}
}

// nonNilDecoder is an opened reader's decoder, for tests that need an
// opened reader without a broker.
func nonNilDecoder(tb testing.TB) *jsonformat.Decoder {
	dec, err := jsonformat.NewDecoder(jsonformat.DecoderConfig{Schema: testSchema, Alloc: memory.NewGoAllocator()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(dec.Release)
	return dec
}
