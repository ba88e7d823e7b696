package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// castToString renders values as Flink does (see the package doc).
func castToString(from arrow.DataType) kernel {
	switch from.ID() {
	case arrow.BOOL:
		return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
			x := boolColOf(ds[0])
			o := newStrOut(ec.alloc, ec.n, 5*ec.n, ds[0])
			for i := 0; i < ec.n; i++ {
				switch {
				case !o.isValid(i):
					o.skip()
				case x.at(i):
					o.appendString("TRUE")
				default:
					o.appendString("FALSE")
				}
			}
			return o.finish(), nil
		}
	case arrow.INT32:
		return renderKernel(8, func(b []byte, v int32) []byte { return strconv.AppendInt(b, int64(v), 10) })
	case arrow.INT64:
		return renderKernel(12, func(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) })
	case arrow.FLOAT32:
		return renderKernel(12, func(b []byte, v float32) []byte { return appendJavaFloat(b, float64(v), 32) })
	case arrow.FLOAT64:
		return renderKernel(16, func(b []byte, v float64) []byte { return appendJavaFloat(b, v, 64) })
	case arrow.DECIMAL128:
		scale := from.(*arrow.Decimal128Type).Scale
		return renderKernel(16, func(b []byte, v decimal128.Num) []byte { return appendDecimal(b, v, scale) })
	case arrow.TIMESTAMP:
		return renderKernel(23, func(b []byte, v int64) []byte { return appendTimestamp(b, v) })
	case arrow.DATE32:
		return renderKernel(10, func(b []byte, v int32) []byte { return appendDate(b, int64(v)) })
	}
	return nil
}

// renderKernel renders each fixed-width value with f; width is a size
// guess per value.
func renderKernel[T fixed](width int, f func([]byte, T) []byte) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := valuesOf[T](ds[0].arr)
		o := newStrOut(ec.alloc, ec.n, width*ec.n, ds[0])
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			o.reserve(48)
			o.commit(f(o.dst(), x[i]))
		}
		return o.finish(), nil
	}
}

// castFromString parses VARCHAR values; surrounding white space is
// ignored and text that does not parse is an error naming it.
func castFromString(to arrow.DataType) kernel {
	switch to.ID() {
	case arrow.BOOL:
		return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
			x := ds[0].arr.(*array.String)
			o := newBoolOut(ec.alloc, ec.n, ds[0])
			for i := 0; i < ec.n; i++ {
				if !o.isValid(i) {
					continue
				}
				v, ok := parseBool(strings.TrimSpace(x.Value(i)))
				if !ok {
					o.release()
					return nil, parseErr(x.Value(i), to)
				}
				setIf(o.bits, i, v)
			}
			return o.finish(), nil
		}
	case arrow.INT32:
		return parseKernel(to, func(s string) (int32, bool) { v, ok := parseInt(s, 32); return int32(v), ok })
	case arrow.INT64:
		return parseKernel(to, func(s string) (int64, bool) { return parseInt(s, 64) })
	case arrow.FLOAT32:
		return parseKernel(to, func(s string) (float32, bool) {
			v, err := strconv.ParseFloat(s, 32)
			return float32(v), err == nil
		})
	case arrow.FLOAT64:
		return parseKernel(to, func(s string) (float64, bool) {
			v, err := strconv.ParseFloat(s, 64)
			return v, err == nil
		})
	case arrow.DECIMAL128:
		dt := to.(*arrow.Decimal128Type)
		return parseKernel(to, func(s string) (decimal128.Num, bool) {
			return parseDecimal(unsafe.Slice(unsafe.StringData(s), len(s)), dt.Precision, dt.Scale)
		})
	case arrow.TIMESTAMP:
		return parseKernel(to, parseTimestamp)
	case arrow.DATE32:
		return parseKernel(to, func(s string) (int32, bool) {
			d, n, ok := parseDate(s)
			return int32(d), ok && n == len(s) && int64(int32(d)) == d
		})
	}
	return nil
}

func parseKernel[T fixed](to arrow.DataType, parse func(string) (T, bool)) kernel {
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[0].arr.(*array.String)
		o := newFixedOut[T](ec.alloc, ec.n, ds[0])
		for i := range o.vals {
			if !o.isValid(i) {
				continue
			}
			v, ok := parse(strings.TrimSpace(x.Value(i)))
			if !ok {
				o.release()
				return nil, parseErr(x.Value(i), to)
			}
			o.vals[i] = v
		}
		return o.finish(to), nil
	}
}

func parseErr(s string, to arrow.DataType) error {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return fmt.Errorf("%w: cannot parse %q as %s", ErrInvalidValue, s, SQLTypeName(to))
}
