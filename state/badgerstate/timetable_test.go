package badgerstate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// timeRow is one entry a TimeTable scan yielded.
type timeRow struct {
	ts       int64
	key, val string
}

func scanGroup(t *testing.T, tab *TimeTable, g uint8) []timeRow {
	t.Helper()
	var rows []timeRow
	err := tab.ScanGroup(g, func(ts int64, k, v []byte) error {
		rows = append(rows, timeRow{ts, string(k), string(v)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func scanBucket(t *testing.T, tab *TimeTable, g uint8, ts int64) []timeRow {
	t.Helper()
	var rows []timeRow
	err := tab.Scan(g, ts, func(k, v []byte) error {
		rows = append(rows, timeRow{ts, string(k), string(v)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func getTime(t *testing.T, tab *TimeTable, g uint8, ts int64, key string) (string, bool) {
	t.Helper()
	var val []byte
	var ok bool
	err := tab.View(func(r *TimeReader) error {
		var err error
		val, ok, err = r.Get(g, ts, []byte(key), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(val), ok
}

func mustPut(t *testing.T, tab *TimeTable, g uint8, ts int64, key, val string) {
	t.Helper()
	if err := tab.Put(g, ts, []byte(key), []byte(val)); err != nil {
		t.Fatal(err)
	}
}

func TestTimeTablePutGetDelete(t *testing.T) {
	tab, err := openMem(t).TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, tab, 3, 10, "a", "1")
	mustPut(t, tab, 3, 10, "a", "2") // overwrite
	mustPut(t, tab, 3, 11, "a", "3")
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if v, ok := getTime(t, tab, 3, 10, "a"); !ok || v != "2" {
		t.Fatalf("Get(3, 10, a) = %q, %v", v, ok)
	}
	if v, ok := getTime(t, tab, 3, 11, "a"); !ok || v != "3" {
		t.Fatalf("Get(3, 11, a) = %q, %v", v, ok)
	}
	if _, ok := getTime(t, tab, 3, 12, "a"); ok {
		t.Fatal("Get of an absent time found a value")
	}
	if _, ok := getTime(t, tab, 3, 10, "ab"); ok {
		t.Fatal("Get of a longer key found a value")
	}
	if err := tab.Delete(3, 10, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := tab.Delete(3, 10, []byte("missing")); err != nil {
		t.Fatal(err)
	}
	if _, ok := getTime(t, tab, 3, 10, "a"); ok {
		t.Fatal("deleted entry still there")
	}
	if got := scanGroup(t, tab, 3); !slices.Equal(got, []timeRow{{11, "a", "3"}}) {
		t.Fatalf("ScanGroup after delete = %v", got)
	}
	// The value buffer is appended to, not overwritten.
	err = tab.View(func(r *TimeReader) error {
		dst, ok, err := r.Get(3, 11, []byte("a"), []byte("x"))
		if err != nil || !ok || string(dst) != "x3" {
			return fmt.Errorf("Get appended to dst: %q, %v, %v", dst, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTimeTableTimeOrder(t *testing.T) {
	tab, err := openMem(t).TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	times := []int64{7, -1, 0, -5, math.MaxInt64, math.MinInt64, 1 << 40, -1 << 40}
	for _, ts := range times {
		mustPut(t, tab, 9, ts, "b", fmt.Sprint(ts))
		mustPut(t, tab, 9, ts, "a", fmt.Sprint(ts))
	}
	got := scanGroup(t, tab, 9)
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	var want []timeRow
	for _, ts := range sorted {
		want = append(want, timeRow{ts, "a", fmt.Sprint(ts)}, timeRow{ts, "b", fmt.Sprint(ts)})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ScanGroup order:\n got %v\nwant %v", got, want)
	}
	if want[0].ts != math.MinInt64 || want[2].ts != -1<<40 || want[4].ts != -5 || want[6].ts != -1 || want[8].ts != 0 || want[10].ts != 7 {
		t.Fatalf("expected order not numeric: %v", want)
	}
}

func TestTimeTableScanAndEvict(t *testing.T) {
	tab, err := openMem(t).TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		mustPut(t, tab, 1, 100, fmt.Sprintf("k%02d", i), "v")
	}
	mustPut(t, tab, 1, 99, "other", "v")
	mustPut(t, tab, 1, 101, "other", "v")
	mustPut(t, tab, 2, 100, "k00", "group2")
	if got := scanBucket(t, tab, 1, 100); len(got) != 50 || got[0].key != "k00" || got[49].key != "k49" {
		t.Fatalf("Scan(1, 100) = %d rows: %v", len(got), got)
	}
	// Scan stops at fn's error and returns it.
	stop := errors.New("stop here")
	n := 0
	err = tab.Scan(1, 100, func(k, v []byte) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("Scan with a failing fn: n %d, err %v", n, err)
	}
	evicted, err := tab.Evict(1, 100)
	if err != nil || evicted != 50 {
		t.Fatalf("Evict(1, 100) = %d, %v", evicted, err)
	}
	if got := scanBucket(t, tab, 1, 100); len(got) != 0 {
		t.Fatalf("bucket left after Evict: %v", got)
	}
	want := []timeRow{{99, "other", "v"}, {101, "other", "v"}}
	if got := scanGroup(t, tab, 1); !slices.Equal(got, want) {
		t.Fatalf("neighbouring buckets after Evict: %v", got)
	}
	if got := scanBucket(t, tab, 2, 100); !slices.Equal(got, []timeRow{{100, "k00", "group2"}}) {
		t.Fatalf("another group's bucket after Evict: %v", got)
	}
	if evicted, err := tab.Evict(1, 100); err != nil || evicted != 0 {
		t.Fatalf("second Evict = %d, %v", evicted, err)
	}
}

func TestTimeTableGroupIsolation(t *testing.T) {
	tab, err := openMem(t).TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	for g := range 128 {
		mustPut(t, tab, uint8(g), 5, "k", fmt.Sprint(g))
	}
	for g := range 128 {
		if got := scanGroup(t, tab, uint8(g)); !slices.Equal(got, []timeRow{{5, "k", fmt.Sprint(g)}}) {
			t.Fatalf("group %d: %v", g, got)
		}
	}
	// Groups are taken modulo KeyGroups.
	if v, ok := getTime(t, tab, 128+7, 5, "k"); !ok || v != "7" {
		t.Fatalf("group 135 = %q, %v; want group 7's", v, ok)
	}
	if n, err := tab.Evict(127, 5); err != nil || n != 1 {
		t.Fatalf("Evict(127, 5) = %d, %v", n, err)
	}
	if got := scanGroup(t, tab, 126); len(got) != 1 {
		t.Fatalf("group 126 after evicting group 127: %v", got)
	}
}

func TestTableIsolation(t *testing.T) {
	db := openMem(t)
	a, err := db.TimeTable("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.TimeTable("b")
	if err != nil {
		t.Fatal(err)
	}
	kt, err := db.KeyTable("c")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []uint8{0, 127} {
		mustPut(t, a, g, 1, "same", "from a")
		mustPut(t, b, g, 1, "same", "from b")
		if err := kt.Put(g, []byte("same"), []byte("from c")); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []uint8{0, 127} {
		if got := scanGroup(t, a, g); !slices.Equal(got, []timeRow{{1, "same", "from a"}}) {
			t.Fatalf("table a, group %d: %v", g, got)
		}
		if got := scanGroup(t, b, g); !slices.Equal(got, []timeRow{{1, "same", "from b"}}) {
			t.Fatalf("table b, group %d: %v", g, got)
		}
		if got := scanKeyGroup(t, kt, g); !slices.Equal(got, []keyRow{{"same", "from c"}}) {
			t.Fatalf("table c, group %d: %v", g, got)
		}
	}
	if n, err := a.Evict(0, 1); err != nil || n != 1 {
		t.Fatalf("Evict in a = %d, %v", n, err)
	}
	if v, ok := getTime(t, b, 0, 1, "same"); !ok || v != "from b" {
		t.Fatalf("b after evicting a's bucket: %q, %v", v, ok)
	}
}

func TestTimeTableReadsSeePendingWrites(t *testing.T) {
	tab, err := openMem(t).TimeTable("t")
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, tab, 4, 1, "a", "1") // no Flush
	if v, ok := getTime(t, tab, 4, 1, "a"); !ok || v != "1" {
		t.Fatalf("View did not see a pending Put: %q, %v", v, ok)
	}
	mustPut(t, tab, 4, 1, "b", "2")
	if got := scanBucket(t, tab, 4, 1); len(got) != 2 {
		t.Fatalf("Scan did not see a pending Put: %v", got)
	}
	mustPut(t, tab, 4, 2, "c", "3")
	if got := scanGroup(t, tab, 4); len(got) != 3 {
		t.Fatalf("ScanGroup did not see a pending Put: %v", got)
	}
	if err := tab.Delete(4, 1, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, ok := getTime(t, tab, 4, 1, "a"); ok {
		t.Fatal("View did not see a pending Delete")
	}
	if n, err := tab.Evict(4, 1); err != nil || n != 1 {
		t.Fatalf("Evict = %d, %v", n, err)
	}
	if got := scanGroup(t, tab, 4); !slices.Equal(got, []timeRow{{2, "c", "3"}}) {
		t.Fatalf("ScanGroup did not see a pending Evict: %v", got)
	}
	// An Evict sees the Puts queued before it.
	mustPut(t, tab, 4, 2, "d", "4")
	if n, err := tab.Evict(4, 2); err != nil || n != 2 {
		t.Fatalf("Evict after a pending Put = %d, %v", n, err)
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := scanGroup(t, tab, 4); len(got) != 0 {
		t.Fatalf("group not empty: %v", got)
	}
}

func TestOversizeEntryRefused(t *testing.T) {
	db := openMem(t)
	tab, err := db.TimeTable("big")
	if err != nil {
		t.Fatal(err)
	}
	limit := db.maxBatchEntry()
	key := []byte("k")
	keyLen := prefixLen + 8 + len(key)
	err = tab.Put(0, 1, key, make([]byte, limit-keyLen+1))
	if err == nil {
		t.Fatal("oversize entry accepted")
	}
	for _, want := range []string{"state table big", "exceeds", fmt.Sprint(limit), "memtable-size"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not mention %q", err, want)
		}
	}
	// The refusal leaves the table usable, and an entry at the limit fits.
	if err := tab.Put(0, 1, key, make([]byte, limit-keyLen)); err != nil {
		t.Fatalf("entry at the limit: %v", err)
	}
	mustPut(t, tab, 0, 2, "small", "v")
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := scanGroup(t, tab, 0); len(got) != 2 || len(got[0].val) != limit-keyLen {
		t.Fatalf("after the refusal: %d rows", len(got))
	}
	kt, err := db.KeyTable("bigkeys")
	if err != nil {
		t.Fatal(err)
	}
	if err := kt.Put(0, key, make([]byte, limit)); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("KeyTable oversize entry: err = %v", err)
	}
}
