package window

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/weir-stream/weir/operators/expr"
)

// ErrSpec reports a Spec the window operator cannot run: an aggregate
// over an unsupported type, a result type that does not match, or a bad
// window size.
var ErrSpec = errors.New("invalid window aggregation")

// errOverflow reports a DECIMAL result that does not fit its type.
var errOverflow = errors.New("numeric overflow")

// newAccumulator builds the accumulator of one aggregate call over the
// input schema, checking the call's result type.
func newAccumulator(c AggCall, in *arrow.Schema) (accumulator, error) {
	if c.Func == CountStar {
		if err := wantType(c, arrow.INT64); err != nil {
			return nil, err
		}
		return &countAcc{star: true}, nil
	}
	if c.Arg < 0 || c.Arg >= in.NumFields() {
		return nil, fmt.Errorf("%w: %s has argument column %d, input has %d columns", ErrSpec, c.Func, c.Arg, in.NumFields())
	}
	at := in.Field(c.Arg).Type
	distinct := c.Distinct && (c.Func == Count || c.Func == Sum || c.Func == Avg)
	var acc accumulator
	var want arrow.Type
	switch {
	case c.Func == Count && !distinct:
		acc, want = &countAcc{}, arrow.INT64
	case c.Func == Min || c.Func == Max:
		acc, want = minMax(c.Func == Max, at), at.ID()
	case distinct:
		acc, want = distinctFor(c.Func, at)
	case c.Func == Sum:
		acc, want = sumFor(at)
	case c.Func == Avg:
		acc, want = avgFor(at, c.Type)
	default:
		return nil, fmt.Errorf("%w: unknown aggregate %q", ErrSpec, c.Func)
	}
	if acc == nil {
		return nil, fmt.Errorf("%w: %s does not accept %s", ErrSpec, c.Func, expr.SQLTypeName(at))
	}
	if err := wantType(c, want); err != nil {
		return nil, err
	}
	if dt, ok := c.Type.(*arrow.Decimal128Type); ok {
		if it, ok := at.(*arrow.Decimal128Type); ok && dt.Scale < it.Scale {
			return nil, fmt.Errorf("%w: %s result scale %d is below its argument's %d", ErrSpec, c.Func, dt.Scale, it.Scale)
		}
	}
	return acc, nil
}

func wantType(c AggCall, id arrow.Type) error {
	if c.Type == nil || c.Type.ID() != id {
		got := "none"
		if c.Type != nil {
			got = expr.SQLTypeName(c.Type)
		}
		return fmt.Errorf("%w: %s has result type %s, want %s", ErrSpec, c.Func, got, id)
	}
	return nil
}

func minMax(max bool, at arrow.DataType) accumulator {
	switch at.ID() {
	case arrow.INT32, arrow.DATE32:
		return &minMaxAcc[int32]{max: max}
	case arrow.INT64, arrow.TIMESTAMP:
		return &minMaxAcc[int64]{max: max}
	case arrow.FLOAT32:
		return &minMaxFloat[float32]{max: max}
	case arrow.FLOAT64:
		return &minMaxFloat[float64]{max: max}
	case arrow.DECIMAL128:
		return &minMaxDecimal{max: max}
	case arrow.BOOL:
		return &minMaxBool{max: max}
	case arrow.STRING:
		return &minMaxString{max: max}
	}
	return nil
}

func sumFor(at arrow.DataType) (accumulator, arrow.Type) {
	switch at.ID() {
	case arrow.INT32:
		return &sumAcc[int32, int32]{}, arrow.INT32
	case arrow.INT64:
		return &sumAcc[int64, int64]{}, arrow.INT64
	case arrow.FLOAT32:
		return &sumAcc[float32, float64]{}, arrow.FLOAT64
	case arrow.FLOAT64:
		return &sumAcc[float64, float64]{}, arrow.FLOAT64
	case arrow.DECIMAL128:
		return &sumDecimal{scale: at.(*arrow.Decimal128Type).Scale}, arrow.DECIMAL128
	}
	return nil, 0
}

func avgFor(at, out arrow.DataType) (accumulator, arrow.Type) {
	switch at.ID() {
	case arrow.INT32:
		return &avgAcc[int32, int64, int32]{}, arrow.INT32
	case arrow.INT64:
		return &avgAcc[int64, int64, int64]{}, arrow.INT64
	case arrow.FLOAT32:
		return &avgAcc[float32, float64, float64]{}, arrow.FLOAT64
	case arrow.FLOAT64:
		return &avgAcc[float64, float64, float64]{}, arrow.FLOAT64
	case arrow.DECIMAL128:
		return &avgDecimal{scale: at.(*arrow.Decimal128Type).Scale, outScale: decimalScale(out)}, arrow.DECIMAL128
	}
	return nil, 0
}

func decimalScale(t arrow.DataType) int32 {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d.Scale
	}
	return 0
}

// distinctFor builds COUNT, SUM or AVG over distinct values.
func distinctFor(f AggFunc, at arrow.DataType) (accumulator, arrow.Type) {
	if f == Count {
		switch at.ID() {
		case arrow.STRING:
			return &distinctString{}, arrow.INT64
		case arrow.BOOL:
			return &distinctAcc[bool]{load: loadBools, fold: countFold[bool]}, arrow.INT64
		}
	}
	avg := f == Avg
	switch at.ID() {
	case arrow.INT32, arrow.DATE32:
		a := &distinctAcc[int64]{load: loadInts[int32], fold: countFold[int64]}
		if f == Count {
			return a, arrow.INT64
		}
		if at.ID() == arrow.INT32 {
			a.fold = intFold[int32](avg)
			return a, arrow.INT32
		}
	case arrow.INT64, arrow.TIMESTAMP:
		a := &distinctAcc[int64]{load: loadInts[int64], fold: countFold[int64]}
		if f == Count {
			return a, arrow.INT64
		}
		if at.ID() == arrow.INT64 {
			a.fold = intFold[int64](avg)
			return a, arrow.INT64
		}
	case arrow.FLOAT32, arrow.FLOAT64:
		a := &distinctAcc[uint64]{load: loadFloats[float64], fold: countFold[uint64]}
		if at.ID() == arrow.FLOAT32 {
			a.load = loadFloats[float32]
		}
		if f == Count {
			return a, arrow.INT64
		}
		a.fold = floatFold(avg)
		return a, arrow.FLOAT64
	case arrow.DECIMAL128:
		a := &distinctAcc[decimal128.Num]{load: loadDecimals, fold: countFold[decimal128.Num]}
		if f == Count {
			return a, arrow.INT64
		}
		a.fold = decimalFold(avg, at.(*arrow.Decimal128Type).Scale)
		return a, arrow.DECIMAL128
	}
	return nil, 0
}

func loadDecimals(col arrow.Array) func(i int) decimal128.Num {
	vals := fixedValues[decimal128.Num](col)
	return func(i int) decimal128.Num { return vals[i] }
}

// decimalFold sums or averages each set of DECIMAL values at scale.
func decimalFold(avg bool, scale int32) func(b array.Builder, sets []map[decimal128.Num]struct{}) error {
	return func(b array.Builder, sets []map[decimal128.Num]struct{}) error {
		out := make([]decimal128.Num, len(sets))
		valid := make([]bool, len(sets))
		outScale := decimalScale(b.Type())
		for i, m := range sets {
			if len(m) == 0 {
				continue
			}
			var sum decimal128.Num
			var carry int64
			for v := range m {
				sum, carry = addWide(sum, carry, v)
			}
			what := "SUM(DISTINCT)"
			if avg {
				what = "AVG(DISTINCT)'s sum"
			}
			if err := checkSum(what, sum, carry, scale); err != nil {
				return err
			}
			if avg {
				q, err := decimalAvg(sum, int64(len(m)), scale, outScale)
				if err != nil {
					return err
				}
				sum = q
			}
			out[i], valid[i] = sum, true
		}
		return appendFixed(b, out, valid)
	}
}
