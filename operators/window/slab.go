package window

// slab allocates accumulator slots: one slot is one (key, pane, window
// or session) partial result across all of the operator's aggregates.
// Freed slots are reset at once (dropping any memory they hold) and
// reused.
type slab struct {
	accs []accumulator
	n    int32 // slots ever handed out
	cap  int32 // slots every accumulator can address
	free []int32
	live int
}

func newSlab(accs []accumulator) *slab { return &slab{accs: accs} }

// alloc returns an empty slot.
func (s *slab) alloc() int32 {
	s.live++
	if k := len(s.free); k > 0 {
		slot := s.free[k-1]
		s.free = s.free[:k-1]
		return slot
	}
	if s.n == s.cap {
		s.cap = max(1024, 2*s.cap)
		for _, a := range s.accs {
			a.grow(int(s.cap))
		}
	}
	s.n++
	return s.n - 1
}

// reserve makes room for n more slots, so that as many alloc calls grow
// the accumulators at most once.
func (s *slab) reserve(n int) {
	need := int(s.n) + n - len(s.free)
	if need <= int(s.cap) {
		return
	}
	s.cap = int32(max(need, 2*int(s.cap)))
	for _, a := range s.accs {
		a.grow(int(s.cap))
	}
}

// release resets slot and makes it available again.
func (s *slab) release(slot int32) {
	for _, a := range s.accs {
		a.reset(slot)
	}
	s.free = append(s.free, slot)
	s.live--
}

// merge adds the partials of src[i] into dst[i] for every aggregate.
func (s *slab) merge(dst, src []int32) {
	if len(dst) == 0 {
		return
	}
	for _, a := range s.accs {
		a.merge(dst, src)
	}
}
