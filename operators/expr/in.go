package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// smallSet is the list length up to which IN scans the list instead of
// hashing.
const smallSet = 8

// bindIn binds x IN (v1, ...): TRUE if x equals an item, NULL if none
// does and x or an item is NULL, FALSE otherwise. A list of constants is
// turned into a set once; otherwise IN is x = v1 OR x = v2 ... with the
// three-valued OR, which has exactly these semantics.
func bindIn(call *Call, args []argInfo) (kernel, error) {
	if len(args) < 2 {
		return nil, typeErr(call, "takes a value and at least one list item")
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	t := args[0].typ
	allConst := true
	for i := 1; i < len(args); i++ {
		if !arrow.TypeEqual(args[i].typ, t) {
			return nil, typeErr(call, "list item %d is %s, want %s like the value", i,
				SQLTypeName(args[i].typ), SQLTypeName(t))
		}
		if args[i].lit == nil {
			allConst = false
		}
	}
	if compareKernel(cmpEq, t) == nil {
		return nil, typeErr(call, "cannot compare values of type %s", SQLTypeName(t))
	}
	if allConst {
		items := make([]*scalar, len(args)-1)
		for i := range items {
			items[i] = args[i+1].lit
		}
		switch t.ID() {
		case arrow.INT32, arrow.DATE32:
			return inFixed(constItems[int32](items)), nil
		case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
			return inFixed(constItems[int64](items)), nil
		case arrow.FLOAT32:
			return inFixed(constItems[float32](items)), nil
		case arrow.FLOAT64:
			return inFixed(constItems[float64](items)), nil
		case arrow.DECIMAL128:
			return inFixed(constItems[decimal128.Num](items)), nil
		case arrow.STRING:
			return inStrings(items), nil
		}
	}
	eq := compareKernel(cmpEq, t)
	or, _ := bindLogic(&Call{Func: FnOr, DataType: Boolean}, []argInfo{{typ: Boolean}, {typ: Boolean}})
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		var acc arrow.Array
		for i := 1; i < len(ds); i++ {
			x := ds[0]
			if x.arr == nil && ds[i].arr == nil {
				x = datum{arr: materialize(ec.alloc, x.sc, ec.n)}
			}
			e, err := eq(ec, []datum{x, ds[i]})
			if x.arr != ds[0].arr {
				x.release()
			}
			if err != nil {
				if acc != nil {
					acc.Release()
				}
				return nil, err
			}
			if acc == nil {
				acc = e
				continue
			}
			next, err := or(ec, []datum{{arr: acc}, {arr: e}})
			acc.Release()
			e.Release()
			if err != nil {
				return nil, err
			}
			acc = next
		}
		return acc, nil
	}, nil
}

type fixedSet[T fixed] struct {
	list    []T
	set     map[T]struct{}
	hasNull bool
}

func constItems[T fixed](items []*scalar) fixedSet[T] {
	var s fixedSet[T]
	for _, it := range items {
		if it.null {
			s.hasNull = true
			continue
		}
		s.list = append(s.list, scalarValue[T](it))
	}
	if len(s.list) > smallSet {
		s.set = make(map[T]struct{}, len(s.list))
		for _, v := range s.list {
			s.set[v] = struct{}{}
		}
	}
	return s
}

func (s *fixedSet[T]) contains(v T) bool {
	if s.set != nil {
		_, ok := s.set[v]
		return ok
	}
	for _, w := range s.list {
		if v == w {
			return true
		}
	}
	return false
}

func inFixed[T fixed](s fixedSet[T]) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[0]
		o := newBoolOut(ec.alloc, ec.n, x)
		vals := valuesOf[T](x.arr)
		for i, v := range vals {
			if s.contains(v) {
				o.set(i)
			} else if s.hasNull {
				o.setNull(i)
			}
		}
		return o.finish(), nil
	}
}

func inStrings(items []*scalar) kernel {
	var list []string
	hasNull := false
	for _, it := range items {
		if it.null {
			hasNull = true
			continue
		}
		list = append(list, it.s)
	}
	var set map[string]struct{}
	if len(list) > smallSet {
		set = make(map[string]struct{}, len(list))
		for _, v := range list {
			set[v] = struct{}{}
		}
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[0]
		o := newBoolOut(ec.alloc, ec.n, x)
		arr := x.arr.(*array.String)
		for i := 0; i < ec.n; i++ {
			v := arr.Value(i)
			found := false
			if set != nil {
				_, found = set[v]
			} else {
				for _, w := range list {
					if v == w {
						found = true
						break
					}
				}
			}
			if found {
				o.set(i)
			} else if hasNull {
				o.setNull(i)
			}
		}
		return o.finish(), nil
	}
}
