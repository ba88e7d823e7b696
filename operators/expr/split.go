package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// bindSplitIndex binds SPLIT_INDEX(s, delim, index): the index-th
// (0-based) piece of s split by the string delim, keeping empty pieces;
// NULL when index is out of range or negative, or delim is empty. An empty
// s has no pieces at all, so it is always NULL (as Flink's split, which
// keeps every token but gives none for an empty string).
func bindSplitIndex(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 3, 3); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0, 1); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 2, Int); err != nil {
		return nil, err
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		for _, d := range ds {
			if d.isNullScalar() {
				return nullArray(ec.alloc, Varchar, ec.n), nil
			}
		}
		s, delim, idx := strColOf(ds[0]), strColOf(ds[1]), fixedColOf[int32](ds[2])
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n)/2, ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			piece, ok := splitIndex(s.at(i), delim.at(i), int(idx.at(i)))
			if !ok {
				o.appendNull()
				continue
			}
			o.appendString(piece)
		}
		return o.finish(), nil
	}, nil
}

func splitIndex(s, delim string, index int) (string, bool) {
	if index < 0 || delim == "" || s == "" {
		return "", false
	}
	for ; index > 0; index-- {
		j := strings.Index(s, delim)
		if j < 0 {
			return "", false
		}
		s = s[j+len(delim):]
	}
	if j := strings.Index(s, delim); j >= 0 {
		return s[:j], true
	}
	return s, true
}
