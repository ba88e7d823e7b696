package badgerstate

import "github.com/weir-stream/weir/state"

// groupSet is a set of key groups, one bit per group.
type groupSet [(state.KeyGroups + 63) / 64]uint64

func (s *groupSet) add(g uint8) { s[g/64] |= 1 << (g % 64) }

func (s *groupSet) has(g uint8) bool { return s[g/64]&(1<<(g%64)) != 0 }

// each calls fn for every group of the set, in ascending order, until fn
// returns an error, which each returns.
func (s *groupSet) each(fn func(g uint8) error) error {
	for g := 0; g < state.KeyGroups; g++ {
		if s.has(uint8(g)) {
			if err := fn(uint8(g)); err != nil {
				return err
			}
		}
	}
	return nil
}
