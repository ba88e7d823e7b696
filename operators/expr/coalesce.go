package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// bindCoalesce binds COALESCE(a, b, ...): the first non-NULL argument,
// all of the result type.
func bindCoalesce(call *Call, args []argInfo) (kernel, error) {
	if len(args) < 1 {
		return nil, typeErr(call, "takes at least one argument")
	}
	for i := range args {
		if err := wantArgType(call, args, i, call.DataType); err != nil {
			return nil, err
		}
	}
	dt := call.DataType
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		// Leading arguments that are entirely NULL are skipped; an array
		// without NULLs ends the search for every row.
		for len(ds) > 1 && (ds[0].isNullScalar() || ds[0].arr != nil && ds[0].arr.NullN() == ds[0].arr.Len()) {
			ds = ds[1:]
		}
		if ds[0].arr != nil && ds[0].arr.NullN() == 0 {
			ds[0].arr.Retain()
			return ds[0].arr, nil
		}
		if ds[0].arr == nil {
			return materialize(ec.alloc, ds[0].sc, ec.n), nil
		}
		valid := make([]bitmap, len(ds))
		for k, d := range ds {
			if d.arr != nil {
				valid[k] = validityOf(d.arr)
			}
		}
		pick := make([]int32, ec.n)
		for i := range pick {
			pick[i] = -1
			for k, d := range ds {
				if d.arr == nil {
					if !d.sc.null {
						pick[i] = int32(k)
						break
					}
					continue
				}
				if valid[k].valid(i) {
					pick[i] = int32(k)
					break
				}
			}
		}
		return gather(ec.alloc, dt, ec.n, ds, pick, nil), nil
	}, nil
}
