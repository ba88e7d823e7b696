package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/weir-stream/weir/state/badgeropt"
	"github.com/weir-stream/weir/state/checkpoint"
)

// TestPartStream: parts handed to a stream, more bytes in all than its
// budget and one larger than the budget alone, are all in the epoch once
// it commits; a part handed over after finish is refused (the caller
// keeps it), and a wait for budget ends with the context.
func TestPartStream(t *testing.T) {
	store, err := checkpoint.Open("", checkpoint.Options{Profile: badgeropt.Profile{InMemory: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const budget = 64 << 10
	s := newPartStream(store.Begin(1), budget)
	ctx := context.Background()
	want := map[string][]byte{}
	sizes := []int{budget / 3, budget / 3, budget / 3, budget + 5, 10}
	for i, n := range sizes {
		name := fmt.Sprintf("p%d", i)
		data := bytes.Repeat([]byte{byte(i + 1)}, n)
		want[name] = data
		if sent, err := s.put(ctx, name, data); err != nil || !sent {
			t.Fatalf("put %s: sent %v, %v", name, sent, err)
		}
	}
	w, err := s.finish()
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := s.put(ctx, "late", []byte("x")); sent || err != nil {
		t.Fatalf("put after finish: sent %v, %v", sent, err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Latest()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range want {
		got, err := cp.Get(name)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("part %s: %d bytes (%v), want %d", name, len(got), err, len(data))
		}
	}

	// A full budget: a put waits, and gives up with its context.
	s = newPartStream(store.Begin(2), budget)
	if !s.sem.TryAcquire(budget) {
		t.Fatal("a new stream's budget is spent")
	}
	cctx, cancel := context.WithCancelCause(ctx)
	cause := errors.New("job failed")
	cancel(cause)
	if _, err := s.put(cctx, "p", []byte("x")); !errors.Is(err, cause) {
		t.Fatalf("put with the budget spent and the context done: %v", err)
	}
	s.sem.Release(budget)
	w, _ = s.finish()
	_ = w.Abort()
}
