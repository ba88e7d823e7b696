package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// bindLogic binds AND and OR over two or more BOOLEAN arguments with SQL
// three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE.
func bindLogic(call *Call, args []argInfo) (kernel, error) {
	if len(args) < 2 {
		return nil, typeErr(call, "takes at least 2 arguments, got %d", len(args))
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	for i := range args {
		if err := wantArgType(call, args, i, Boolean); err != nil {
			return nil, err
		}
	}
	// AND looks for a FALSE that decides the row, OR for a TRUE.
	decider := call.Func == FnOr
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newBoolOut(ec.alloc, ec.n)
		cols := make([]boolCol, len(ds))
		for i, d := range ds {
			cols[i] = boolColOf(d)
		}
		for i := 0; i < ec.n; i++ {
			decided, sawNull := false, false
			for c := range cols {
				if cols[c].isNull(i) {
					sawNull = true
					continue
				}
				if cols[c].at(i) == decider {
					decided = true
					break
				}
			}
			switch {
			case decided:
				setIf(o.bits, i, decider)
			case sawNull:
				o.setNull(i)
			default:
				setIf(o.bits, i, !decider)
			}
		}
		return o.finish(), nil
	}, nil
}

// bindNot binds NOT: NULL stays NULL.
func bindNot(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 0, Boolean); err != nil {
		return nil, err
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		a := ds[0]
		o := newBoolOut(ec.alloc, ec.n, a)
		src := a.arr.Data().Buffers()[1]
		if src != nil && ec.n > 0 {
			bitutil.InvertBitmap(src.Bytes(), a.arr.Data().Offset(), ec.n, o.bits, 0)
		}
		return o.finish(), nil
	}, nil
}

// bindIsNull binds IS NULL and IS NOT NULL, which accept any type and
// never return NULL.
func bindIsNull(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 1, 1); err != nil {
		return nil, err
	}
	if err := wantResult(call, Boolean); err != nil {
		return nil, err
	}
	want := call.Func == FnIsNull
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		a := ds[0].arr
		o := newBoolOut(ec.alloc, ec.n)
		switch {
		case a.DataType().ID() == arrow.NULL || a.NullN() == a.Len():
			if want {
				fillBits(o.bits, ec.n)
			}
		case a.NullN() == 0:
			if !want {
				fillBits(o.bits, ec.n)
			}
		case want:
			bitutil.InvertBitmap(a.NullBitmapBytes(), a.Data().Offset(), ec.n, o.bits, 0)
		default:
			bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), ec.n, o.bits, 0)
		}
		return o.finish(), nil
	}, nil
}

// fillBits sets the first n bits.
func fillBits(bits []byte, n int) {
	bitutil.SetBitsTo(bits, 0, int64(n), true)
}
