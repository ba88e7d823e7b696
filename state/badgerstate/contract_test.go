package badgerstate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/weir-stream/weir/state"
)

// The contract tests drive a table through a long random sequence of
// operations and compare every answer with a plain Go map model. The same
// function runs against the in-memory table and the Badger one; for the
// Badger one it also flushes now and then.

// flusher is a persistent table's Flush.
type flusher interface{ Flush() error }

// errer is a persistent table's sticky error.
type errer interface{ Err() error }

func groupOf(k int64) uint8 { return state.KeyGroupOf(state.HashUint64(uint64(k))) }

// gkey is an entry of the Keyed model: the key group is part of an
// entry's identity.
type gkey struct {
	g uint8
	k int64
}

const contractOps = 6000

func checkKeyedContract(t *testing.T, tab state.Keyed[int64, string], seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	model := map[gkey]string{}
	fl, persistent := tab.(flusher)
	pick := func() gkey {
		k := rng.Int64N(400) - 100
		g := groupOf(k)
		if rng.IntN(10) == 0 { // the same key in another group is another entry
			g = (g + 1) % state.KeyGroups
		}
		return gkey{g, k}
	}
	value := func() string {
		n := rng.IntN(20)
		if rng.IntN(50) == 0 {
			n = 2000
		}
		var b strings.Builder
		for range n {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		return b.String()
	}
	checkGroup := func(op int, g uint8) {
		got := map[int64]string{}
		tab.Range(g, func(k int64, v string) bool {
			if _, dup := got[k]; dup {
				t.Fatalf("op %d: Range(%d) yielded %d twice", op, g, k)
			}
			got[k] = v
			return true
		})
		want := map[int64]string{}
		for gk, v := range model {
			if gk.g == g {
				want[gk.k] = v
			}
		}
		if !maps.Equal(got, want) {
			t.Fatalf("op %d: Range(%d) = %v, want %v", op, g, got, want)
		}
	}
	for op := range contractOps {
		switch r := rng.IntN(100); {
		case r < 35:
			gk, v := pick(), value()
			tab.Put(gk.g, gk.k, v)
			model[gk] = v
		case r < 60:
			gk := pick()
			got, ok := tab.Get(gk.g, gk.k)
			want, wok := model[gk]
			if ok != wok || got != want {
				t.Fatalf("op %d: Get(%d, %d) = %q, %v; want %q, %v", op, gk.g, gk.k, got, ok, want, wok)
			}
		case r < 78:
			gk := pick()
			tab.Delete(gk.g, gk.k)
			delete(model, gk)
		case r < 90:
			checkGroup(op, pick().g)
		case r < 94:
			// Range stops when fn returns false.
			g := pick().g
			size := 0
			for gk := range model {
				if gk.g == g {
					size++
				}
			}
			stopAt := 1 + rng.IntN(3)
			calls := 0
			tab.Range(g, func(int64, string) bool { calls++; return calls < stopAt })
			if calls != min(stopAt, size) {
				t.Fatalf("op %d: Range(%d) stopping at %d made %d calls over %d entries", op, g, stopAt, calls, size)
			}
		case r < 97:
			if persistent {
				if err := fl.Flush(); err != nil {
					t.Fatalf("op %d: Flush: %v", op, err)
				}
			}
		default:
			for g := range state.KeyGroups {
				checkGroup(op, uint8(g))
			}
		}
		if tab.Len() != len(model) {
			t.Fatalf("op %d: Len = %d, want %d", op, tab.Len(), len(model))
		}
	}
	for g := range state.KeyGroups {
		checkGroup(contractOps, uint8(g))
	}
	if e, ok := tab.(errer); ok && e.Err() != nil {
		t.Fatalf("Err = %v", e.Err())
	}
	if len(model) < 50 {
		t.Fatalf("the model ended with only %d entries: the sequence exercises too little", len(model))
	}
}

func TestKeyedContract(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("mem/seed%d", seed), func(t *testing.T) {
			checkKeyedContract(t, state.NewMemKeyed[int64, string](), seed)
		})
		t.Run(fmt.Sprintf("badger/seed%d", seed), func(t *testing.T) {
			tab, err := NewKeyed[int64, string](openMem(t), "keyed", int64Codec{}, stringCodec{})
			if err != nil {
				t.Fatal(err)
			}
			checkKeyedContract(t, tab, seed)
		})
	}
}

// tkey addresses an entry of the TimeKeyed model.
type tkey struct{ ts, k int64 }

// tentry is an entry of the TimeKeyed model.
type tentry struct {
	g uint8
	v int64
}

func checkTimeKeyedContract(t *testing.T, tab state.TimeKeyed[int64, int64], seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x7177e))
	model := map[int64]map[int64]tentry{} // bucket time -> key -> entry
	// held are the pointers handed out and still valid: each must keep
	// aliasing its entry.
	held := map[tkey]*int64{}
	var heldKeys []tkey
	fl, persistent := tab.(flusher)
	pickT := func() int64 { return 10 * (rng.Int64N(12) - 6) } // -60 .. 50
	pickK := func() int64 { return rng.Int64N(120) }
	hold := func(op int, at tkey, p *int64) {
		if old, ok := held[at]; ok {
			if old != p {
				t.Fatalf("op %d: entry %v handed out at %p, before at %p", op, at, p, old)
			}
			return
		}
		held[at] = p
		heldKeys = append(heldKeys, at)
	}
	dropHeld := func(keep func(tkey) bool) {
		heldKeys = slices.DeleteFunc(heldKeys, func(at tkey) bool {
			if keep(at) {
				return false
			}
			delete(held, at)
			return true
		})
	}
	checkHeld := func(op int) {
		for at, p := range held {
			if want := model[at.ts][at.k].v; *p != want {
				t.Fatalf("op %d: pointer of %v reads %d, want %d", op, at, *p, want)
			}
		}
	}
	bucketOf := func(op int, ts int64, fn func(func(uint8, int64, *int64))) map[int64]tentry {
		got := map[int64]tentry{}
		fn(func(g uint8, k int64, v *int64) {
			if _, dup := got[k]; dup {
				t.Fatalf("op %d: bucket %d yielded key %d twice", op, ts, k)
			}
			got[k] = tentry{g, *v}
			hold(op, tkey{ts, k}, v)
		})
		return got
	}
	for op := range contractOps {
		switch r := rng.IntN(100); {
		case r < 32:
			ts, k := pickT(), pickK()
			p, created := tab.Entry(ts, groupOf(k), k)
			e, present := model[ts][k]
			if created == present || *p != e.v {
				t.Fatalf("op %d: Entry(%d, %d) = %d, created %v; model %d, present %v", op, ts, k, *p, created, e.v, present)
			}
			hold(op, tkey{ts, k}, p)
			*p += 1 + rng.Int64N(100)
			if model[ts] == nil {
				model[ts] = map[int64]tentry{}
			}
			model[ts][k] = tentry{groupOf(k), *p}
		case r < 48:
			ts, k := pickT(), pickK()
			p := tab.Lookup(ts, k)
			e, present := model[ts][k]
			if (p != nil) != present || (p != nil && *p != e.v) {
				t.Fatalf("op %d: Lookup(%d, %d) = %v; model %d, present %v", op, ts, k, p, e.v, present)
			}
			if p != nil {
				hold(op, tkey{ts, k}, p)
			}
		case r < 64:
			if len(heldKeys) == 0 {
				break
			}
			at := heldKeys[rng.IntN(len(heldKeys))]
			v := rng.Int64N(1000) - 500
			*held[at] = v
			e := model[at.ts][at.k]
			e.v = v
			model[at.ts][at.k] = e
		case r < 76:
			ts := pickT()
			got := bucketOf(op, ts, func(yield func(uint8, int64, *int64)) { tab.Scan(ts, yield) })
			if want := model[ts]; !maps.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("op %d: Scan(%d) = %v, want %v", op, ts, got, want)
			}
		case r < 82:
			before := pickT() + rng.Int64N(3) - 1
			var want []int64
			for ts := range model {
				if ts < before {
					want = append(want, ts)
				}
			}
			slices.Sort(want)
			got := tab.Times([]int64{-999}, before)
			if !slices.Equal(got, append([]int64{-999}, want...)) {
				t.Fatalf("op %d: Times(<%d) = %v, want [-999] + %v", op, before, got, want)
			}
		case r < 89:
			ts := pickT()
			if rng.IntN(3) == 0 {
				tab.Evict(ts, nil)
			} else {
				got := bucketOf(op, ts, func(yield func(uint8, int64, *int64)) { tab.Evict(ts, yield) })
				if want := model[ts]; !maps.Equal(got, want) && len(got)+len(want) > 0 {
					t.Fatalf("op %d: Evict(%d) yielded %v, want %v", op, ts, got, want)
				}
			}
			delete(model, ts)
			dropHeld(func(at tkey) bool { return at.ts != ts })
			if p := tab.Lookup(ts, pickK()); p != nil {
				t.Fatalf("op %d: Lookup in evicted bucket %d found %d", op, ts, *p)
			}
		case r < 93:
			if persistent {
				checkHeld(op)
				if err := fl.Flush(); err != nil {
					t.Fatalf("op %d: Flush: %v", op, err)
				}
				dropHeld(func(tkey) bool { return false })
			}
		default:
			checkHeld(op)
		}
		n := 0
		for _, b := range model {
			n += len(b)
		}
		if tab.Len() != n {
			t.Fatalf("op %d: Len = %d, want %d", op, tab.Len(), n)
		}
	}
	checkHeld(contractOps)
	for ts, want := range model {
		got := bucketOf(contractOps, ts, func(yield func(uint8, int64, *int64)) { tab.Scan(ts, yield) })
		if !maps.Equal(got, want) {
			t.Fatalf("final Scan(%d) = %v, want %v", ts, got, want)
		}
	}
	if e, ok := tab.(errer); ok && e.Err() != nil {
		t.Fatalf("Err = %v", e.Err())
	}
	if len(model) < 3 {
		t.Fatalf("the model ended with only %d buckets: the sequence exercises too little", len(model))
	}
}

func TestTimeKeyedContract(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("mem/seed%d", seed), func(t *testing.T) {
			checkTimeKeyedContract(t, state.NewMemTimeKeyed[int64, int64](), seed)
		})
		t.Run(fmt.Sprintf("badger/seed%d", seed), func(t *testing.T) {
			tab, err := NewTimeKeyed[int64, int64](openMem(t), "timekeyed", int64Codec{}, int64Codec{})
			if err != nil {
				t.Fatal(err)
			}
			checkTimeKeyedContract(t, tab, seed)
		})
	}
}
