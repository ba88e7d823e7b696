package expr

import (
	"fmt"
	"regexp"

	"github.com/apache/arrow-go/v18/arrow"
)

func compileRegexp(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: regular expression %q: %w", ErrInvalidValue, p, err)
	}
	return re, nil
}

// bindRegexpExtract binds REGEXP_EXTRACT(s, regex [, group]): the group
// (default 0, the whole match) of the first match, NULL when there is no
// match or the group is out of range or did not take part in the match.
// A literal regex is compiled here (an invalid one is a Compile error);
// others are compiled per distinct value, with a cache.
func bindRegexpExtract(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 3); err != nil {
		return nil, err
	}
	if err := wantStrings(call, args, 0, 1); err != nil {
		return nil, err
	}
	if len(args) == 3 {
		if err := wantArgType(call, args, 2, Int); err != nil {
			return nil, err
		}
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	var fixedRe *regexp.Regexp
	if l := args[1].lit; l != nil && !l.null {
		re, err := compileRegexp(l.s)
		if err != nil {
			return nil, compileErr(call, err)
		}
		fixedRe = re
	}
	cache := newCompileCache(compileRegexp)
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		for _, d := range ds {
			if d.isNullScalar() {
				return nullArray(ec.alloc, Varchar, ec.n), nil
			}
		}
		s, pat := strColOf(ds[0]), strColOf(ds[1])
		var group fixedCol[int32]
		if len(ds) == 3 {
			group = fixedColOf[int32](ds[2])
		} else {
			group = fixedCol[int32]{cnst: true}
		}
		mm := memo[*regexp.Regexp]{cache: cache}
		o := newStrOut(ec.alloc, ec.n, strSizeHint(ds[0], ec.n)/2, ds...)
		var loc []int
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			re := fixedRe
			if re == nil {
				var err error
				if re, err = mm.get(pat.at(i)); err != nil {
					o.release()
					return nil, err
				}
			}
			g := int(group.at(i))
			if g < 0 || g > re.NumSubexp() {
				o.appendNull()
				continue
			}
			v := s.at(i)
			if g == 0 {
				loc = re.FindStringIndex(v)
			} else {
				loc = re.FindStringSubmatchIndex(v)
			}
			if loc == nil || loc[2*g] < 0 {
				o.appendNull()
				continue
			}
			o.appendString(v[loc[2*g]:loc[2*g+1]])
		}
		return o.finish(), nil
	}, nil
}
