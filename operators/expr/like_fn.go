package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// bindLike binds x LIKE pattern [ESCAPE esc]. A literal pattern (and
// escape) is compiled here, once; an invalid literal pattern is a Compile
// error. Other patterns are compiled per distinct value, with a cache.
func bindLike(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 3); err != nil {
		return nil, err
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	for i := range args {
		if err := wantArgType(call, args, i, Varchar); err != nil {
			return nil, err
		}
	}
	escConst := len(args) == 2 || args[2].lit != nil
	esc := ""
	if len(args) == 3 && args[2].lit != nil && !args[2].lit.null {
		esc = args[2].lit.s
	}
	var fixedM *likeMatcher
	if escConst && args[1].lit != nil && !args[1].lit.null {
		m, err := compileLike(args[1].lit.s, esc)
		if err != nil {
			return nil, compileErr(call, err)
		}
		fixedM = m
	}
	cache := newCompileCache(func(key string) (*likeMatcher, error) {
		// key is pattern + "\x00" + escape.
		for i := 0; i < len(key); i++ {
			if key[i] == 0 {
				return compileLike(key[:i], key[i+1:])
			}
		}
		return compileLike(key, "")
	})
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		for _, d := range ds {
			if d.isNullScalar() {
				return nullArray(ec.alloc, Boolean, ec.n), nil
			}
		}
		o := newBoolOut(ec.alloc, ec.n, ds...)
		x := strColOf(ds[0])
		if fixedM != nil && ds[0].arr != nil {
			for i := 0; i < ec.n; i++ {
				if fixedM.match(x.at(i)) {
					o.set(i)
				}
			}
			return o.finish(), nil
		}
		p := strColOf(ds[1])
		var e strCol
		if len(ds) == 3 {
			e = strColOf(ds[2])
		}
		mm := memo[*likeMatcher]{cache: cache}
		var key []byte
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				continue
			}
			key = append(key[:0], p.at(i)...)
			key = append(key, 0)
			if len(ds) == 3 {
				key = append(key, e.at(i)...)
			}
			m, err := mm.getBytes(key)
			if err != nil {
				o.release()
				return nil, err
			}
			if m.match(x.at(i)) {
				o.set(i)
			}
		}
		return o.finish(), nil
	}, nil
}
