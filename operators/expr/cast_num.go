package expr

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// castNumeric converts between INT, BIGINT, FLOAT, DOUBLE and DECIMAL.
func castNumeric(from, to arrow.DataType) kernel {
	switch from.ID() {
	case arrow.INT32:
		return castFromInt[int32](to)
	case arrow.INT64:
		return castFromInt[int64](to)
	case arrow.FLOAT32:
		return castFromFloat[float32](from, to)
	case arrow.FLOAT64:
		return castFromFloat[float64](from, to)
	case arrow.DECIMAL128:
		return castFromDecimal(from.(*arrow.Decimal128Type), to)
	}
	return nil
}

func showInt[T ~int32 | ~int64](x T) string { return strconv.FormatInt(int64(x), 10) }

func castFromInt[T ~int32 | ~int64](to arrow.DataType) kernel {
	switch to.ID() {
	case arrow.INT32:
		return convKernel(to, func(x T) (int32, bool) {
			return int32(x), int64(int32(x)) == int64(x)
		}, showInt[T])
	case arrow.INT64:
		return convKernel(to, func(x T) (int64, bool) { return int64(x), true }, showInt[T])
	case arrow.FLOAT32:
		return convKernel(to, func(x T) (float32, bool) { return float32(x), true }, showInt[T])
	case arrow.FLOAT64:
		return convKernel(to, func(x T) (float64, bool) { return float64(x), true }, showInt[T])
	case arrow.DECIMAL128:
		dt := to.(*arrow.Decimal128Type)
		return convKernel(to, func(x T) (decimal128.Num, bool) {
			return decRescale(decimal128.FromI64(int64(x)), 0, dt.Scale, dt.Precision)
		}, showInt[T])
	}
	return nil
}

func castFromFloat[T ~float32 | ~float64](from, to arrow.DataType) kernel {
	bitSize := 64
	if from.ID() == arrow.FLOAT32 {
		bitSize = 32
	}
	show := func(x T) string { return string(appendJavaFloat(nil, float64(x), bitSize)) }
	switch to.ID() {
	case arrow.INT32:
		return convKernel(to, func(x T) (int32, bool) {
			t := math.Trunc(float64(x))
			return int32(t), t >= math.MinInt32 && t <= math.MaxInt32
		}, show)
	case arrow.INT64:
		return convKernel(to, func(x T) (int64, bool) {
			t := math.Trunc(float64(x))
			// 2^63 is not representable in int64; -2^63 is.
			return int64(t), t >= -(1<<63) && t < (1<<63)
		}, show)
	case arrow.FLOAT32:
		return convKernel(to, func(x T) (float32, bool) {
			f := float32(x)
			return f, !math.IsInf(float64(f), 0) || math.IsInf(float64(x), 0)
		}, show)
	case arrow.FLOAT64:
		return convKernel(to, func(x T) (float64, bool) { return float64(x), true }, show)
	case arrow.DECIMAL128:
		dt := to.(*arrow.Decimal128Type)
		return convKernel(to, func(x T) (decimal128.Num, bool) {
			return floatToDecimal(float64(x), bitSize, dt.Precision, dt.Scale)
		}, show)
	}
	return nil
}

// floatToDecimal converts the shortest decimal representation of x.
func floatToDecimal(x float64, bitSize int, prec, scale int32) (decimal128.Num, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return decimal128.Num{}, false
	}
	var buf [40]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', -1, bitSize)
	return parseDecimal(b, prec, scale)
}

func castFromDecimal(dt *arrow.Decimal128Type, to arrow.DataType) kernel {
	s := dt.Scale
	show := func(x decimal128.Num) string { return x.ToString(s) }
	switch to.ID() {
	case arrow.INT32:
		return convKernel(to, func(x decimal128.Num) (int32, bool) {
			v, ok := decToInt64(x, s)
			return int32(v), ok && int64(int32(v)) == v
		}, show)
	case arrow.INT64:
		return convKernel(to, func(x decimal128.Num) (int64, bool) { return decToInt64(x, s) }, show)
	case arrow.FLOAT32:
		return convKernel(to, func(x decimal128.Num) (float32, bool) { return float32(decToFloat64(x, s)), true }, show)
	case arrow.FLOAT64:
		return convKernel(to, func(x decimal128.Num) (float64, bool) { return decToFloat64(x, s), true }, show)
	case arrow.DECIMAL128:
		out := to.(*arrow.Decimal128Type)
		return convKernel(to, func(x decimal128.Num) (decimal128.Num, bool) {
			return decRescale(x, s, out.Scale, out.Precision)
		}, show)
	}
	return nil
}

// decToInt64 truncates a decimal toward zero.
func decToInt64(x decimal128.Num, scale int32) (int64, bool) {
	q, _ := decRescaleTrunc(x, scale)
	v := int64(q.LowBits())
	return v, q.HighBits() == v>>63
}

func castBoolToNumber(to arrow.DataType) kernel {
	one := &scalar{typ: to, i: 1, f: 1}
	zero := &scalar{typ: to}
	if dt, ok := to.(*arrow.Decimal128Type); ok {
		one.d, _ = decRescale(decimal128.FromI64(1), 0, dt.Scale, dt.Precision)
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := boolColOf(ds[0])
		pick := make([]int32, ec.n)
		for i := range pick {
			switch {
			case x.isNull(i):
				pick[i] = -1
			case x.at(i):
				pick[i] = 1
			}
		}
		return gather(ec.alloc, to, ec.n, []datum{{sc: zero}, {sc: one}}, pick, nil), nil
	}
}

func castNumberToBool(from arrow.DataType) kernel {
	switch from.ID() {
	case arrow.INT32:
		return nonZeroKernel[int32]()
	case arrow.INT64:
		return nonZeroKernel[int64]()
	case arrow.FLOAT32:
		return nonZeroKernel[float32]()
	case arrow.FLOAT64:
		return nonZeroKernel[float64]()
	}
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newBoolOut(ec.alloc, ec.n, ds[0])
		for i, v := range valuesOf[decimal128.Num](ds[0].arr) {
			setIf(o.bits, i, v.Sign() != 0)
		}
		return o.finish(), nil
	}
}

func nonZeroKernel[T number]() kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		o := newBoolOut(ec.alloc, ec.n, ds[0])
		for i, v := range valuesOf[T](ds[0].arr) {
			setIf(o.bits, i, v != 0)
		}
		return o.finish(), nil
	}
}

// decToFloat64 converts a decimal to the nearest float64. Arrow's
// ToFloat64 multiplies by a power of ten and can be off by an ulp
// (166.7 became 166.70000000000002); dividing two exactly representable
// doubles rounds correctly, and larger values go through the exact text.
func decToFloat64(x decimal128.Num, scale int32) float64 {
	if scale >= 0 && int(scale) < len(pow10f) {
		abs := x.Abs()
		if abs.HighBits() == 0 && abs.LowBits() < 1<<53 {
			f := float64(abs.LowBits()) / pow10f[scale]
			if x.Sign() < 0 {
				f = -f
			}
			return f
		}
	}
	f, err := strconv.ParseFloat(x.ToString(scale), 64)
	if err != nil {
		return x.ToFloat64(scale)
	}
	return f
}

var pow10f = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}
