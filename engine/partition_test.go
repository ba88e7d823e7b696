package engine

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestPartitionerSendsEqualKeysTogether(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(alloc, schema)
	defer b.Release()
	const n = 5000
	for i := 0; i < n; i++ {
		if i%97 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(int64(i % 50))
		}
		b.Field(1).(*array.StringBuilder).Append(string(rune('a' + i%7)))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()

	p := newPartitioner([]int{0, 1}, 4, alloc)
	parts, err := p.split(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]int{}
	total := 0
	for sub, part := range parts {
		if part == nil {
			continue
		}
		total += int(part.NumRows())
		ks := part.Column(0).(*array.Int64)
		ss := part.Column(1).(*array.String)
		for i := 0; i < int(part.NumRows()); i++ {
			key := ss.Value(i)
			if ks.IsNull(i) {
				key += "/null"
			} else {
				key += "/" + string(rune('0'+ks.Value(i)))
			}
			if prev, ok := owner[key]; ok && prev != sub {
				t.Fatalf("key %q went to subtasks %d and %d", key, prev, sub)
			}
			owner[key] = sub
		}
		part.Release()
	}
	if total != n {
		t.Fatalf("partitions hold %d rows, want %d", total, n)
	}
	used := map[int]bool{}
	for _, s := range owner {
		used[s] = true
	}
	if len(used) < 3 {
		t.Fatalf("only %d of 4 subtasks got keys: hash spreads badly", len(used))
	}
}

func TestKeyGroupOwnerCoversAllSubtasks(t *testing.T) {
	for _, par := range []int{1, 2, 3, 4, 7, 128} {
		seen := map[int]bool{}
		for g := 0; g < KeyGroups; g++ {
			o := KeyGroupOwner(g, par)
			if o < 0 || o >= par {
				t.Fatalf("group %d at parallelism %d -> subtask %d", g, par, o)
			}
			seen[o] = true
		}
		if len(seen) != par {
			t.Fatalf("parallelism %d: only %d subtasks own key groups", par, len(seen))
		}
	}
}
