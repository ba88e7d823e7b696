package jsonformat

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func bidSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "auction", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "bidder", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "url", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "date_time", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

// bidLines makes Nexmark-like bid lines (about 200 bytes each).
func bidLines(n int) [][]byte {
	r := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	letters := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		return string(b)
	}
	out := make([][]byte, n)
	for i := range out {
		ts := base.Add(time.Duration(i) * 100 * time.Microsecond).Format("2006-01-02 15:04:05.000")
		out[i] = fmt.Appendf(nil, `{"auction":%d,"bidder":%d,"price":%d,"channel":"channel-%d","url":"https://www.nexmark.com/%s/%s/%s/item.htm?query=1&channel_id=%d","date_time":"%s","extra":"%s"}`,
			1000+r.IntN(10000), 1000+r.IntN(10000), r.IntN(10_000_000), r.IntN(10000), letters(4), letters(4), letters(4), r.Int32(), ts, letters(54+r.IntN(28)))
	}
	return out
}

func BenchmarkDecodeBids(b *testing.B) {
	lines := bidLines(4096)
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	d, err := NewDecoder(DecoderConfig{Schema: bidSchema(), BatchSize: 4096, Alloc: memory.NewGoAllocator()})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Release()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if err := d.Append(l); err != nil {
				b.Fatal(err)
			}
		}
		d.Flush().Release()
	}
	reportPerCPUSecond(b, cpu0, b.N*len(lines))
}

func BenchmarkEncodeBids(b *testing.B) {
	lines := bidLines(4096)
	d, err := NewDecoder(DecoderConfig{Schema: bidSchema(), BatchSize: 4096, Alloc: memory.NewGoAllocator()})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Release()
	for _, l := range lines {
		if err := d.Append(l); err != nil {
			b.Fatal(err)
		}
	}
	rec := d.Flush()
	defer rec.Release()
	enc, err := NewEncoder(rec.Schema())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := enc.Encode(&buf, rec); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	reportPerCPUSecond(b, cpu0, b.N*int(rec.NumRows()))
}
