package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// bindTrim binds TRIM, LTRIM and RTRIM (s, chars): remove the characters
// in chars (a set, not a sequence) from both ends, the start or the end.
func bindTrim(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0, 1); err != nil {
		return nil, err
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	var trim func(s, cut string) string
	switch call.Func {
	case FnTrim:
		trim = strings.Trim
	case FnLTrim:
		trim = strings.TrimLeft
	default:
		trim = strings.TrimRight
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		if ds[0].isNullScalar() || ds[1].isNullScalar() {
			return nullArray(ec.alloc, Varchar, ec.n), nil
		}
		s, cut := strColOf(ds[0]), strColOf(ds[1])
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n), ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			o.appendString(trim(s.at(i), cut.at(i)))
		}
		return o.finish(), nil
	}, nil
}

// bindReplace binds REPLACE(s, from, to): every non-overlapping
// occurrence of from, left to right; an empty from leaves s unchanged.
func bindReplace(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 3, 3); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0, 1, 2); err != nil {
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
		s, from, to := strColOf(ds[0]), strColOf(ds[1]), strColOf(ds[2])
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n), ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			v, f, t := s.at(i), from.at(i), to.at(i)
			o.reserve(len(v))
			o.commit(appendReplaced(o.dst(), v, f, t))
		}
		return o.finish(), nil
	}, nil
}

func appendReplaced(b []byte, s, from, to string) []byte {
	if from == "" {
		return append(b, s...)
	}
	for {
		j := strings.Index(s, from)
		if j < 0 {
			return append(b, s...)
		}
		b = append(b, s[:j]...)
		b = append(b, to...)
		s = s[j+len(from):]
	}
}
