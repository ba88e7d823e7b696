package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// extractUnit computes one EXTRACT unit from days since the epoch and the
// milliseconds into that day.
type extractUnit func(days, msOfDay int64) int64

var extractUnits = map[string]extractUnit{
	"YEAR": func(d, _ int64) int64 { y, _, _ := civilFromDays(d); return y },
	"QUARTER": func(d, _ int64) int64 {
		_, m, _ := civilFromDays(d)
		return int64((m-1)/3 + 1)
	},
	"MONTH":       func(d, _ int64) int64 { _, m, _ := civilFromDays(d); return int64(m) },
	"WEEK":        func(d, _ int64) int64 { return isoWeek(d) },
	"DAY":         func(d, _ int64) int64 { _, _, dd := civilFromDays(d); return int64(dd) },
	"DOY":         func(d, _ int64) int64 { return dayOfYear(d) },
	"DOW":         func(d, _ int64) int64 { return floorMod(d+4, 7) + 1 }, // Sunday = 1
	"HOUR":        func(_, ms int64) int64 { return ms / 3_600_000 },
	"MINUTE":      func(_, ms int64) int64 { return ms / 60_000 % 60 },
	"SECOND":      func(_, ms int64) int64 { return ms / 1000 % 60 },
	"MILLISECOND": func(_, ms int64) int64 { return ms % 60_000 }, // includes the seconds, as in Flink
	"EPOCH":       func(d, ms int64) int64 { return d*86_400 + ms/1000 },
}

// bindExtract binds EXTRACT(unit, t): unit is an upper-case VARCHAR
// literal (YEAR, QUARTER, MONTH, WEEK (ISO), DAY, DOY, DOW (Sunday = 1),
// HOUR, MINUTE, SECOND, MILLISECOND (seconds * 1000 + milliseconds, as in
// Flink), EPOCH (seconds)); t is TIMESTAMP or DATE; the result BIGINT.
func bindExtract(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 0, Varchar); err != nil {
		return nil, err
	}
	if args[0].lit == nil || args[0].lit.null {
		return nil, typeErr(call, "the unit must be a literal")
	}
	unit, ok := extractUnits[strings.ToUpper(args[0].lit.s)]
	if !ok {
		return nil, typeErr(call, "unknown unit %q", args[0].lit.s)
	}
	t := args[1].typ
	if t.ID() != arrow.TIMESTAMP && t.ID() != arrow.DATE32 {
		return nil, typeErr(call, "argument 2 is %s, want TIMESTAMP(3) or DATE", SQLTypeName(t))
	}
	if err := wantResult(call, BigInt); err != nil {
		return nil, err
	}
	isDate := t.ID() == arrow.DATE32
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		x := ds[1]
		if x.arr == nil { // a constant argument (folding at Compile)
			x = datum{arr: materialize(ec.alloc, x.sc, ec.n)}
			defer x.release()
		}
		o := newFixedOut[int64](ec.alloc, ec.n, x)
		if isDate {
			for i, d := range valuesOf[int32](x.arr) {
				o.vals[i] = unit(int64(d), 0)
			}
		} else {
			for i, ms := range valuesOf[int64](x.arr) {
				o.vals[i] = unit(floorDiv(ms, msPerDay), floorMod(ms, msPerDay))
			}
		}
		return o.finish(BigInt), nil
	}, nil
}
