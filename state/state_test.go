package state

import (
	"slices"
	"testing"
)

func TestKeyGroupOf(t *testing.T) {
	for _, h := range []uint64{0, 1, 127, 128, 129, ^uint64(0)} {
		if g := KeyGroupOf(h); uint64(g) != h%KeyGroups {
			t.Errorf("KeyGroupOf(%d) = %d, want %d", h, g, h%KeyGroups)
		}
	}
}

func TestMemKeyed(t *testing.T) {
	tab := NewMemKeyed[string, int]()
	tab.Put(3, "a", 1)
	tab.Put(3, "a", 2) // overwrite, not a new entry
	tab.Put(200, "b", 5)
	if tab.Len() != 2 {
		t.Fatalf("Len = %d, want 2", tab.Len())
	}
	if v, ok := tab.Get(3, "a"); !ok || v != 2 {
		t.Fatalf("Get a = %d, %v", v, ok)
	}
	if _, ok := tab.Get(4, "a"); ok {
		t.Fatal("key found in the wrong key group")
	}
	if v, ok := tab.Get(200%KeyGroups, "b"); !ok || v != 5 {
		t.Fatalf("Get b = %d, %v (group taken modulo KeyGroups)", v, ok)
	}
	var seen []string
	tab.Range(3, func(k string, v int) bool { seen = append(seen, k); return true })
	if !slices.Equal(seen, []string{"a"}) {
		t.Fatalf("Range(3) = %v", seen)
	}
	tab.Delete(3, "a")
	tab.Delete(3, "missing")
	if tab.Len() != 1 {
		t.Fatalf("Len after delete = %d, want 1", tab.Len())
	}
}

func TestMemTimeKeyed(t *testing.T) {
	tab := NewMemTimeKeyed[int64, int64]()
	// Enough entries in one bucket to span several pages, checking that
	// earlier pointers stay valid as the bucket grows.
	first, created := tab.Entry(10, 1, 0)
	if !created {
		t.Fatal("first entry not created")
	}
	*first = 42
	for k := int64(1); k < 3*pageSize; k++ {
		v, _ := tab.Entry(10, uint8(k), k)
		*v = k
	}
	if *first != 42 {
		t.Fatalf("pointer moved: %d", *first)
	}
	if v, created := tab.Entry(10, 1, 0); created || *v != 42 {
		t.Fatalf("second Entry = %d, created %v", *v, created)
	}
	tab.Entry(30, 0, 7)
	tab.Entry(20, 0, 7)
	tab.Entry(-5, 0, 7)
	if got := tab.Times(nil, 30); !slices.Equal(got, []int64{-5, 10, 20}) {
		t.Fatalf("Times(<30) = %v", got)
	}
	if tab.Len() != 3*pageSize+3 {
		t.Fatalf("Len = %d", tab.Len())
	}
	if p := tab.Lookup(20, 7); p == nil {
		t.Fatal("Lookup(20, 7) = nil")
	}
	if p := tab.Lookup(20, 8); p != nil {
		t.Fatal("Lookup(20, 8) found an absent key")
	}
	var sum, n int64
	tab.Scan(10, func(g uint8, k int64, v *int64) {
		if k != 0 && g != uint8(k)%KeyGroups {
			t.Errorf("key %d has group %d", k, g)
		}
		sum += *v
		n++
	})
	if n != 3*pageSize {
		t.Fatalf("Scan saw %d entries", n)
	}
	evicted := 0
	tab.Evict(10, func(uint8, int64, *int64) { evicted++ })
	if evicted != 3*pageSize || tab.Len() != 3 {
		t.Fatalf("evicted %d, Len %d", evicted, tab.Len())
	}
	if tab.Lookup(10, 5) != nil {
		t.Fatal("evicted bucket still answers")
	}
	// A new bucket reuses the evicted one's memory and starts empty.
	v, created := tab.Entry(40, 0, 5)
	if !created || *v != 0 {
		t.Fatalf("reused bucket not empty: %d, created %v", *v, created)
	}
	tab.Evict(99, nil) // absent: no-op
	if got := tab.Times(nil, 1000); !slices.Equal(got, []int64{-5, 20, 30, 40}) {
		t.Fatalf("Times = %v", got)
	}
}
