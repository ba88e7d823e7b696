package badgerstate

import (
	"slices"
	"strings"
	"testing"

	"github.com/weir-stream/weir/state"
)

// trailingCodec encodes an int64 with a stray byte after it, so decoding
// its output fails.
type trailingCodec struct{ int64Codec }

func (trailingCodec) Append(dst []byte, v int64) []byte {
	return append(int64Codec{}.Append(dst, v), 0)
}

func TestKeyedOverlayAndBadger(t *testing.T) {
	tab, err := NewKeyed[int64, string](openMem(t), "k", int64Codec{}, stringCodec{})
	if err != nil {
		t.Fatal(err)
	}
	tab.Put(1, 10, "a")
	tab.Put(1, 10, "b") // overwrite, not new
	tab.Put(2, 10, "other group")
	if tab.Len() != 2 {
		t.Fatalf("Len = %d, want 2", tab.Len())
	}
	if v, ok := tab.Get(1, 10); !ok || v != "b" {
		t.Fatalf("unflushed Get = %q, %v", v, ok)
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(tab.pending) != 0 {
		t.Fatalf("Flush left %d pending writes", len(tab.pending))
	}
	if v, ok := tab.Get(1, 10); !ok || v != "b" {
		t.Fatalf("flushed Get = %q, %v", v, ok)
	}
	tab.Put(1, 10, "c") // exists in Badger only: not new
	tab.Delete(2, 10)
	tab.Delete(2, 10) // already gone: no change
	tab.Delete(3, 10) // never there
	if tab.Len() != 1 {
		t.Fatalf("Len = %d, want 1", tab.Len())
	}
	if _, ok := tab.Get(2, 10); ok {
		t.Fatal("unflushed Delete not seen")
	}
	tab.Put(2, 10, "back")
	if tab.Len() != 2 {
		t.Fatalf("Len after re-adding = %d, want 2", tab.Len())
	}
	tab.Delete(2, 10)
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	// Badger holds exactly what the table says.
	var rows []keyRow
	for g := range state.KeyGroups {
		rows = append(rows, scanKeyGroup(t, tab.tab, uint8(g))...)
	}
	want := []keyRow{{string(int64Codec{}.Append(nil, 10)), string(stringCodec{}.Append(nil, "c"))}}
	if !slices.Equal(rows, want) {
		t.Fatalf("Badger holds %q, want %q", rows, want)
	}
}

func TestKeyedFlushesWhenOverlayFull(t *testing.T) {
	tab, err := NewKeyed[int64, string](openMem(t), "k", int64Codec{}, stringCodec{})
	if err != nil {
		t.Fatal(err)
	}
	const n = maxPendingWrites + 100
	for k := range int64(n) {
		tab.Put(groupOf(k), k, "v")
		if len(tab.pending) >= maxPendingWrites {
			t.Fatalf("overlay reached %d entries", len(tab.pending))
		}
	}
	if len(tab.pending) != 100 {
		t.Fatalf("overlay holds %d entries after %d puts, want 100", len(tab.pending), n)
	}
	if tab.Len() != n {
		t.Fatalf("Len = %d, want %d", tab.Len(), n)
	}
	for _, k := range []int64{0, maxPendingWrites - 1, n - 1} {
		if v, ok := tab.Get(groupOf(k), k); !ok || v != "v" {
			t.Fatalf("Get(%d) = %q, %v", k, v, ok)
		}
	}
	if err := tab.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestKeyedStickyError(t *testing.T) {
	db := openMem(t)
	tab, err := NewKeyed[int64, string](db, "k", int64Codec{}, stringCodec{})
	if err != nil {
		t.Fatal(err)
	}
	tab.Put(1, 1, "kept")
	tab.Put(1, 2, strings.Repeat("x", db.maxBatchEntry()))
	err = tab.Err()
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("Err = %v, want the oversize entry's", err)
	}
	if v, ok := tab.Get(1, 1); ok || v != "" {
		t.Fatalf("Get after the error = %q, %v", v, ok)
	}
	tab.Put(1, 3, "ignored")
	tab.Delete(1, 1)
	if tab.Len() != 0 {
		t.Fatalf("Len after the error = %d", tab.Len())
	}
	tab.Range(1, func(int64, string) bool { t.Fatal("Range called fn after the error"); return false })
	if got := tab.Flush(); got != err {
		t.Fatalf("Flush = %v, want the first error %v", got, err)
	}
	if tab.Err() != err {
		t.Fatalf("the error changed: %v", tab.Err())
	}
}

func TestKeyedDecodeError(t *testing.T) {
	tab, err := NewKeyed[int64, int64](openMem(t), "k", int64Codec{}, trailingCodec{})
	if err != nil {
		t.Fatal(err)
	}
	tab.Put(4, 1, 7)
	if _, ok := tab.Get(4, 1); ok {
		t.Fatal("undecodable value returned")
	}
	if err := tab.Err(); err == nil || !strings.Contains(err.Error(), "trailing bytes") || !strings.Contains(err.Error(), "state table k") {
		t.Fatalf("Err = %v", err)
	}
}

func TestTimeKeyedWriteBack(t *testing.T) {
	tab, err := NewTimeKeyed[int64, int64](openMem(t), "t", int64Codec{}, int64Codec{})
	if err != nil {
		t.Fatal(err)
	}
	p, created := tab.Entry(10, 3, 1)
	if !created || *p != 0 {
		t.Fatalf("Entry = %d, %v", *p, created)
	}
	*p = 41
	q, _ := tab.Entry(10, 4, 2)
	*q = 7
	if tab.Cached() != 2 {
		t.Fatalf("Cached = %d", tab.Cached())
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if tab.Cached() != 0 || tab.Len() != 2 {
		t.Fatalf("after Flush: Cached %d, Len %d", tab.Cached(), tab.Len())
	}
	// The value written through the pointer reached Badger.
	if v, ok := getTime(t, tab.tab, 3, 10, string(int64Codec{}.Append(nil, 1))); !ok || v != string(int64Codec{}.Append(nil, 41)) {
		t.Fatalf("Badger holds %x, %v", v, ok)
	}
	// Lookup finds it without being told the group, and caches it.
	p = tab.Lookup(10, 1)
	if p == nil || *p != 41 {
		t.Fatalf("Lookup after Flush = %v", p)
	}
	*p = 42
	if p2, created := tab.Entry(10, 3, 1); created || p2 != p {
		t.Fatalf("Entry after Lookup: %p (created %v), want %p", p2, created, p)
	}
	if tab.Lookup(10, 3) != nil || tab.Lookup(11, 1) != nil {
		t.Fatal("Lookup found an absent entry")
	}
	if tab.Cached() != 1 || tab.Len() != 2 {
		t.Fatalf("Lookup added: Cached %d, Len %d", tab.Cached(), tab.Len())
	}
	// Scan yields the cached entry once, with its cached value, and
	// loads the other.
	got := map[int64]int64{}
	tab.Scan(10, func(g uint8, k int64, v *int64) {
		if _, dup := got[k]; dup {
			t.Fatalf("key %d yielded twice", k)
		}
		if want := uint8(k + 2); g != want {
			t.Fatalf("key %d has group %d, want %d", k, g, want)
		}
		got[k] = *v
	})
	if len(got) != 2 || got[1] != 42 || got[2] != 7 {
		t.Fatalf("Scan = %v", got)
	}
	if tab.Cached() != 2 {
		t.Fatalf("Scan cached %d entries, want 2", tab.Cached())
	}
	// A bucket evicted after a Flush leaves nothing in Badger.
	tab.Entry(20, 5, 9)
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	tab.Evict(10, nil)
	if got := tab.Times(nil, 100); !slices.Equal(got, []int64{20}) {
		t.Fatalf("Times = %v", got)
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	var left []timeRow
	for g := range state.KeyGroups {
		left = append(left, scanGroup(t, tab.tab, uint8(g))...)
	}
	if len(left) != 1 || left[0].ts != 20 {
		t.Fatalf("Badger holds %v after evicting bucket 10", left)
	}
	if tab.Len() != 1 || tab.Err() != nil {
		t.Fatalf("Len %d, Err %v", tab.Len(), tab.Err())
	}
}

func TestTimeKeyedStickyError(t *testing.T) {
	tab, err := NewTimeKeyed[int64, string](openMem(t), "t", int64Codec{}, stringCodec{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := tab.Entry(5, 1, 1)
	*p = strings.Repeat("x", 1<<20) // too big for the profile's batches
	if err := tab.Flush(); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("Flush = %v", err)
	}
	first := tab.Err()
	if first == nil {
		t.Fatal("Err = nil after a failed Flush")
	}
	q, created := tab.Entry(5, 1, 1)
	if q == nil || *q != "" || created || q == p {
		t.Fatalf("Entry after the error = %p (%q), created %v", q, *q, created)
	}
	if tab.Lookup(5, 1) != nil {
		t.Fatal("Lookup after the error found an entry")
	}
	tab.Scan(5, func(uint8, int64, *string) { t.Fatal("Scan called fn after the error") })
	tab.Evict(5, func(uint8, int64, *string) { t.Fatal("Evict called fn after the error") })
	if got := tab.Times([]int64{1}, 100); !slices.Equal(got, []int64{1}) {
		t.Fatalf("Times after the error = %v", got)
	}
	if tab.Len() != 0 {
		t.Fatalf("Len after the error = %d", tab.Len())
	}
	if tab.Flush() != first || tab.Err() != first {
		t.Fatal("the error changed")
	}
}

func TestTimeKeyedDecodeError(t *testing.T) {
	tab, err := NewTimeKeyed[int64, int64](openMem(t), "t", trailingCodec{}, int64Codec{})
	if err != nil {
		t.Fatal(err)
	}
	tab.Entry(1, 2, 3)
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	tab.Scan(1, func(uint8, int64, *int64) { t.Fatal("Scan yielded an undecodable key") })
	if err := tab.Err(); err == nil || !strings.Contains(err.Error(), "key in key group 2, bucket 1") {
		t.Fatalf("Err = %v", err)
	}
}
