package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	benchRows  = 1 << 20
	benchBatch = 8192
)

// benchBids builds 1M Nexmark-like bid rows in batches: auction, price
// (BIGINT), channel, url (VARCHAR), price as DECIMAL(19, 0).
func benchBids(b *testing.B) (*arrow.Schema, []arrow.RecordBatch) {
	schema := schemaOf(BigInt, BigInt, Varchar, Varchar, Decimal(19, 0))
	rng := rand.New(rand.NewPCG(1, 2))
	channels := []string{"Apple", "Google", "Facebook", "Baidu", "channel-1234", "channel-77"}
	var recs []arrow.RecordBatch
	alloc := memory.DefaultAllocator
	for start := 0; start < benchRows; start += benchBatch {
		auction := array.NewInt64Builder(alloc)
		price := array.NewInt64Builder(alloc)
		channel := array.NewStringBuilder(alloc)
		url := array.NewStringBuilder(alloc)
		dprice := array.NewDecimal128Builder(alloc, Decimal(19, 0).(*arrow.Decimal128Type))
		for i := 0; i < benchBatch; i++ {
			p := rng.Int64N(10_000_000)
			auction.Append(1000 + rng.Int64N(100_000))
			price.Append(p)
			dprice.Append(decimalFromInt(p))
			ch := channels[rng.IntN(len(channels))]
			channel.Append(ch)
			url.Append(fmt.Sprintf("https://www.nexmark.com/%s/item.htm?query=1&channel_id=%d", ch, rng.IntN(1000)))
		}
		cols := []arrow.Array{auction.NewArray(), price.NewArray(), channel.NewArray(), url.NewArray(), dprice.NewArray()}
		recs = append(recs, array.NewRecordBatch(schema, cols, benchBatch))
		for _, c := range cols {
			c.Release()
		}
		auction.Release()
		price.Release()
		channel.Release()
		url.Release()
		dprice.Release()
	}
	return schema, recs
}

func BenchmarkExpr(b *testing.B) {
	schema, recs := benchBids(b)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	auction, price := col(0, BigInt), col(1, BigInt)
	channel, url := col(2, Varchar), col(3, Varchar)
	cases := []struct {
		name string
		e    Expr
	}{
		{"price*908/1000 BIGINT", call(FnDiv, BigInt, call(FnMul, BigInt, price, i64(908)), i64(1000))},
		{"0.908*price DECIMAL", call(FnMul, Decimal(23, 3), dec("0.908", 3, 3), &Cast{Input: price, To: Decimal(19, 0)})},
		{"0.908*dprice DECIMAL column", call(FnMul, Decimal(23, 3), dec("0.908", 3, 3), col(4, Decimal(19, 0)))},
		{"MOD(auction,123)=0", call(FnEq, Boolean, call(FnMod, BigInt, auction, i64(123)), i64(0))},
		{"LOWER(channel) IN (apple,google)", call(FnIn, Boolean, call(FnLower, Varchar, channel), str("apple"), str("google"))},
		{"REGEXP_EXTRACT(url,channel_id,2)", call(FnRegexpExtract, Varchar, url, str("(&|^)channel_id=([^&]*)"), i32(2))},
		{"SPLIT_INDEX(url,/,3)", call(FnSplitIndex, Varchar, url, str("/"), i32(3))},
		{"url LIKE %channel_id%", call(FnLike, Boolean, url, str("%channel_id%"))},
	}
	for _, c := range cases {
		ev, err := Compile(c.e, schema)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				for _, r := range recs {
					out, err := ev.Eval(ctx, memory.DefaultAllocator, r)
					if err != nil {
						b.Fatal(err)
					}
					out.Release()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
		})
	}
}
