package nexmark

// jrand is java.util.Random's linear congruential generator (48-bit
// state), seeded per event with the event number.
type jrand struct{ seed uint64 }

const (
	jrandMul  = 0x5DEECE66D
	jrandMask = 1<<48 - 1
)

func newJrand(seed int64) jrand { return jrand{(uint64(seed) ^ jrandMul) & jrandMask} }

func (r *jrand) next(bits uint) int32 {
	r.seed = (r.seed*jrandMul + 0xB) & jrandMask
	return int32(r.seed >> (48 - bits))
}

// intn returns a uniform value in [0, bound), bound > 0.
func (r *jrand) intn(bound int32) int32 {
	v := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(v)) >> 31)
	}
	for u := v; ; u = r.next(31) {
		v = u % bound
		if u-v+m >= 0 { // int32 overflow means a biased draw: retry
			return v
		}
	}
}

func (r *jrand) int31() int32 { return r.next(31) }

func (r *jrand) int64() int64 { return int64(r.next(32))<<32 + int64(r.next(32)) }

func (r *jrand) float64() float64 {
	return float64(int64(r.next(26))<<27+int64(r.next(27))) * (1.0 / (1 << 53))
}

// longn returns a value in [0, n), n > 0, as the Nexmark generator does.
func (r *jrand) longn(n int64) int64 {
	if n < 1<<31-1 {
		return int64(r.intn(int32(n)))
	}
	v := r.int64() % n
	if v < 0 {
		v = -v
	}
	return v
}
