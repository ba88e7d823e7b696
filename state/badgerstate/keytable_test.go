package badgerstate

import (
	"fmt"
	"slices"
	"testing"
)

// keyRow is one entry a KeyTable scan yielded.
type keyRow struct{ key, val string }

func scanKeyGroup(t *testing.T, tab *KeyTable, g uint8) []keyRow {
	t.Helper()
	var rows []keyRow
	if err := tab.ScanGroup(g, func(k, v []byte) error {
		rows = append(rows, keyRow{string(k), string(v)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

func getKey(t *testing.T, tab *KeyTable, g uint8, key string) (string, bool) {
	t.Helper()
	var val []byte
	var ok bool
	if err := tab.View(func(r *KeyReader) error {
		var err error
		val, ok, err = r.Get(g, []byte(key), nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return string(val), ok
}

func TestKeyTable(t *testing.T) {
	tab, err := openMem(t).KeyTable("k")
	if err != nil {
		t.Fatal(err)
	}
	put := func(g uint8, k, v string) {
		t.Helper()
		if err := tab.Put(g, []byte(k), []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	put(2, "b", "1")
	put(2, "a", "2")
	put(2, "ab", "3")
	put(3, "a", "other group")
	// Reads see the pending writes.
	if v, ok := getKey(t, tab, 2, "a"); !ok || v != "2" {
		t.Fatalf("Get(2, a) = %q, %v", v, ok)
	}
	want := []keyRow{{"a", "2"}, {"ab", "3"}, {"b", "1"}}
	if got := scanKeyGroup(t, tab, 2); !slices.Equal(got, want) {
		t.Fatalf("ScanGroup(2) = %v", got)
	}
	if got := scanKeyGroup(t, tab, 3); !slices.Equal(got, []keyRow{{"a", "other group"}}) {
		t.Fatalf("ScanGroup(3) = %v", got)
	}
	put(2, "a", "overwritten")
	if err := tab.Delete(2, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if err := tab.Delete(2, []byte("absent")); err != nil {
		t.Fatal(err)
	}
	if _, ok := getKey(t, tab, 2, "b"); ok {
		t.Fatal("pending Delete not seen")
	}
	if got := scanKeyGroup(t, tab, 2); !slices.Equal(got, []keyRow{{"a", "overwritten"}, {"ab", "3"}}) {
		t.Fatalf("ScanGroup(2) after overwrite and delete = %v", got)
	}
	if v, ok := getKey(t, tab, 128+3, "a"); !ok || v != "other group" {
		t.Fatalf("group 131 = %q, %v; want group 3's", v, ok)
	}
	for i := range 300 {
		put(2, fmt.Sprintf("x%03d", i), "v")
	}
	n, err := tab.DeleteGroup(2)
	if err != nil || n != 302 {
		t.Fatalf("DeleteGroup(2) = %d, %v", n, err)
	}
	if got := scanKeyGroup(t, tab, 2); len(got) != 0 {
		t.Fatalf("group 2 after DeleteGroup: %v", got)
	}
	if got := scanKeyGroup(t, tab, 3); len(got) != 1 {
		t.Fatalf("group 3 after DeleteGroup(2): %v", got)
	}
	if err := tab.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := tab.Flush(); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
}
