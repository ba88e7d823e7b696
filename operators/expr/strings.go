package expr

import (
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// wantStrings checks that every argument in idx is VARCHAR.
func wantStrings(call *Call, args []argInfo, idx ...int) error {
	for _, i := range idx {
		if i < len(args) {
			if err := wantArgType(call, args, i, Varchar); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindCaseMap binds LOWER and UPPER (Unicode simple case mapping, with an
// ASCII fast path).
func bindCaseMap(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0); err != nil {
		return nil, err
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	upper := call.Func == FnUpper
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[0].arr.(*array.String)
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n), ds[0])
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			s := x.Value(i)
			o.reserve(len(s))
			o.commit(appendCaseMapped(o.dst(), s, upper))
		}
		return o.finish(), nil
	}, nil
}

func appendCaseMapped(b []byte, s string, upper bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if upper {
					r = unicode.ToUpper(r)
				} else {
					r = unicode.ToLower(r)
				}
				b = utf8.AppendRune(b, r)
			}
			return b
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// bindCharLength binds CHAR_LENGTH: the number of characters (runes).
func bindCharLength(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0); err != nil {
		return nil, err
	}
	if err := wantResult(call, Int); err != nil {
		return nil, err
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[0].arr.(*array.String)
		o := newFixedOut[int32](ec.alloc, ec.n, ds[0])
		for i := range o.vals {
			o.vals[i] = int32(utf8.RuneCountInString(x.Value(i)))
		}
		return o.finish(Int), nil
	}, nil
}

// bindConcat binds CONCAT: NULL if any argument is NULL.
func bindConcat(call *Call, args []argInfo) (kernel, error) {
	if len(args) < 1 {
		return nil, typeErr(call, "takes at least one argument")
	}
	for i := range args {
		if err := wantStrings(call, args, i); err != nil {
			return nil, err
		}
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		hint := 0
		for _, d := range ds {
			if d.isNullScalar() {
				return nullArray(ec.alloc, Varchar, ec.n), nil
			}
			hint += strSizeHint(d, ec.n)
		}
		cols := make([]strCol, len(ds))
		for k, d := range ds {
			cols[k] = strColOf(d)
		}
		o := newStrOut(ec.alloc, ec.n, hint, ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			b := o.dst()
			for k := range cols {
				b = append(b, cols[k].at(i)...)
			}
			o.commit(b)
		}
		return o.finish(), nil
	}, nil
}

// bindSubstring binds SUBSTRING(s, start [, len]), counting characters.
// start 0 is treated as 1 and a negative start counts from the end (-1 is
// the last character); positions before the first character still count
// against len, so SUBSTRING('abc', -5, 3) is 'a'. A negative len gives
// NULL, as in Flink.
func bindSubstring(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 3); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0); err != nil {
		return nil, err
	}
	for i := 1; i < len(args); i++ {
		if err := wantArgType(call, args, i, Int); err != nil {
			return nil, err
		}
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
		s := strColOf(ds[0])
		start := fixedColOf[int32](ds[1])
		var length fixedCol[int32]
		hasLen := len(ds) == 3
		if hasLen {
			length = fixedColOf[int32](ds[2])
		}
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n), ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			l := int64(-1)
			if hasLen {
				l = int64(length.at(i))
				if l < 0 {
					o.appendNull()
					continue
				}
			}
			o.appendString(substring(s.at(i), int64(start.at(i)), l))
		}
		return o.finish(), nil
	}, nil
}

// substring returns the characters [from, from+n) of s by SQL rules; n < 0
// means to the end.
func substring(s string, pos, n int64) string {
	var from int64
	switch {
	case pos > 0:
		from = pos - 1
	case pos < 0:
		from = int64(utf8.RuneCountInString(s)) + pos
	}
	end := int64(-1)
	if n >= 0 {
		end = from + n
		if end <= 0 {
			return ""
		}
	}
	if from < 0 {
		from = 0
	}
	// Walk runes to byte offsets.
	var idx int64
	lo := -1
	for bi := range s {
		if idx == from {
			lo = bi
		}
		if end >= 0 && idx == end {
			if lo < 0 {
				return ""
			}
			return s[lo:bi]
		}
		idx++
	}
	if lo < 0 {
		return ""
	}
	return s[lo:]
}
