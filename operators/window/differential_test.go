package window

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/weir-stream/weir/operators/expr"
)

// The differential test's input: two keys, the event time and one value
// column per type.
var diffSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k1", Type: expr.BigInt, Nullable: true},
	{Name: "k2", Type: expr.Varchar, Nullable: true},
	{Name: "ts", Type: expr.Timestamp, Nullable: true},
	{Name: "vi", Type: expr.Int, Nullable: true},
	{Name: "vb", Type: expr.BigInt, Nullable: true},
	{Name: "vd", Type: expr.Double, Nullable: true},
	{Name: "vdec", Type: expr.Decimal(10, 2), Nullable: true},
	{Name: "vs", Type: expr.Varchar, Nullable: true},
	{Name: "vbool", Type: expr.Boolean, Nullable: true},
	{Name: "vdate", Type: expr.Date, Nullable: true},
}, nil)

const (
	cK1, cK2, cTS, cVI, cVB, cVD, cVDec, cVS, cVBool, cVDate = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
)

// diffAggs covers every function over every type it accepts.
var diffAggs = []AggCall{
	{Func: CountStar, Arg: -1, Type: expr.BigInt},
	{Func: Count, Arg: cVB, Type: expr.BigInt},
	{Func: Count, Arg: cVS, Type: expr.BigInt},
	{Func: Sum, Arg: cVI, Type: expr.Int},
	{Func: Sum, Arg: cVB, Type: expr.BigInt},
	{Func: Sum, Arg: cVD, Type: expr.Double},
	{Func: Sum, Arg: cVDec, Type: expr.Decimal(38, 2)},
	{Func: Avg, Arg: cVI, Type: expr.Int},
	{Func: Avg, Arg: cVB, Type: expr.BigInt},
	{Func: Avg, Arg: cVD, Type: expr.Double},
	{Func: Avg, Arg: cVDec, Type: expr.Decimal(38, 6)},
	{Func: Min, Arg: cVI, Type: expr.Int},
	{Func: Max, Arg: cVB, Type: expr.BigInt},
	{Func: Min, Arg: cVD, Type: expr.Double},
	{Func: Max, Arg: cVDec, Type: expr.Decimal(10, 2)},
	{Func: Min, Arg: cVS, Type: expr.Varchar},
	{Func: Max, Arg: cVS, Type: expr.Varchar},
	{Func: Max, Arg: cVBool, Type: expr.Boolean},
	{Func: Min, Arg: cVBool, Type: expr.Boolean},
	{Func: Min, Arg: cTS, Type: expr.Timestamp},
	{Func: Max, Arg: cVDate, Type: expr.Date},
	{Func: Count, Arg: cVB, Distinct: true, Type: expr.BigInt},
	{Func: Count, Arg: cVS, Distinct: true, Type: expr.BigInt},
	{Func: Count, Arg: cVBool, Distinct: true, Type: expr.BigInt},
	{Func: Count, Arg: cVD, Distinct: true, Type: expr.BigInt},
	{Func: Sum, Arg: cVI, Distinct: true, Type: expr.Int},
	{Func: Avg, Arg: cVB, Distinct: true, Type: expr.BigInt},
	{Func: Sum, Arg: cVD, Distinct: true, Type: expr.Double},
	{Func: Avg, Arg: cVDec, Distinct: true, Type: expr.Decimal(38, 6)},
	{Func: Max, Arg: cVI, Distinct: true, Type: expr.Int},
}

// diffRow is one generated input row; nil means NULL.
type diffRow struct {
	k1    *int64
	k2    *string
	ts    *int64
	vi    *int32
	vb    *int64
	vd    *float64
	vdec  *int64 // cents
	vs    *string
	vbool *bool
	vdate *int32
}

func maybe[T any](r *rand.Rand, v T) *T {
	if r.IntN(5) == 0 {
		return nil
	}
	return &v
}

// genRows makes n rows with times i*step + jitter (jitter < delay), so a
// watermark of i*step after row i never makes a later row late.
func genRows(r *rand.Rand, n int, step, delay int64) []diffRow {
	rows := make([]diffRow, n)
	strs := []string{"", "a", "b", "ab", "zz", "é"}
	for i := range rows {
		t := int64(i)*step + r.Int64N(delay) - 60
		rows[i] = diffRow{
			k1:    maybe(r, r.Int64N(3)),
			k2:    maybe(r, strs[1+r.IntN(2)]),
			ts:    &t,
			vi:    maybe(r, int32(r.IntN(21)-10)),
			vb:    maybe(r, r.Int64N(2001)-1000),
			vd:    maybe(r, float64(r.IntN(41)-20)/2),
			vdec:  maybe(r, r.Int64N(200001)-100000),
			vs:    maybe(r, strs[r.IntN(len(strs))]),
			vbool: maybe(r, r.IntN(2) == 0),
			vdate: maybe(r, int32(r.IntN(30000))),
		}
		if r.IntN(40) == 0 {
			rows[i].ts = nil
		}
	}
	return rows
}

func buildRecord(mem memory.Allocator, rows []diffRow) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, diffSchema)
	defer b.Release()
	for _, r := range rows {
		app(b.Field(cK1).(*array.Int64Builder), r.k1)
		app(b.Field(cK2).(*array.StringBuilder), r.k2)
		if r.ts == nil {
			b.Field(cTS).AppendNull()
		} else {
			b.Field(cTS).(*array.TimestampBuilder).Append(arrow.Timestamp(*r.ts))
		}
		app(b.Field(cVI).(*array.Int32Builder), r.vi)
		app(b.Field(cVB).(*array.Int64Builder), r.vb)
		app(b.Field(cVD).(*array.Float64Builder), r.vd)
		if r.vdec == nil {
			b.Field(cVDec).AppendNull()
		} else {
			b.Field(cVDec).(*array.Decimal128Builder).Append(decimal128.FromI64(*r.vdec))
		}
		app(b.Field(cVS).(*array.StringBuilder), r.vs)
		app(b.Field(cVBool).(*array.BooleanBuilder), r.vbool)
		if r.vdate == nil {
			b.Field(cVDate).AppendNull()
		} else {
			b.Field(cVDate).(*array.Date32Builder).Append(arrow.Date32(*r.vdate))
		}
	}
	return b.NewRecordBatch()
}

func app[T any, B interface {
	Append(T)
	AppendNull()
}](b B, v *T) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// reference computes the expected output rows directly: it buffers every
// row, lists each window's rows and aggregates them.
func reference(spec Spec, rows []diffRow) []string {
	type group struct {
		keyCells   []string
		start, end int64
		rows       []diffRow
	}
	keyOf := func(r diffRow) []string {
		var cells []string
		for _, k := range spec.Keys {
			if k == cK1 {
				cells = append(cells, fmtPtr(r.k1, func(v int64) string { return fmt.Sprint(v) }))
			} else {
				cells = append(cells, fmtPtr(r.k2, func(v string) string { return fmt.Sprintf("%q", v) }))
			}
		}
		return cells
	}
	groups := map[string]*group{}
	add := func(r diffRow, start, end int64) {
		kc := keyOf(r)
		id := fmt.Sprint(kc, start, end)
		g := groups[id]
		if g == nil {
			g = &group{keyCells: kc, start: start, end: end}
			groups[id] = g
		}
		g.rows = append(g.rows, r)
	}
	w := spec.Window
	switch w.Kind {
	case Tumble, Hop:
		slide := w.Slide
		if w.Kind == Tumble {
			slide = w.Size
		}
		for _, r := range rows {
			if r.ts == nil {
				continue
			}
			t := *r.ts
			for s := floorDiv(t, slide) * slide; s+w.Size > t; s -= slide {
				add(r, s, s+w.Size)
			}
		}
	case Session:
		byKey := map[string][]diffRow{}
		for _, r := range rows {
			if r.ts != nil {
				k := fmt.Sprint(keyOf(r))
				byKey[k] = append(byKey[k], r)
			}
		}
		for _, rs := range byKey {
			slices.SortStableFunc(rs, func(a, b diffRow) int { return int(*a.ts - *b.ts) })
			start, end := *rs[0].ts, *rs[0].ts+w.Gap
			var cur []diffRow
			flush := func() {
				for _, r := range cur {
					add(r, start, end)
				}
			}
			for _, r := range rs {
				if *r.ts > end {
					flush()
					cur, start = nil, *r.ts
				}
				end = max(end, *r.ts+w.Gap)
				cur = append(cur, r)
			}
			flush()
		}
	}
	var out []string
	for _, g := range groups {
		cells := append(slices.Clone(g.keyCells), fmt.Sprint(g.start), fmt.Sprint(g.end))
		for _, a := range spec.Aggs {
			cells = append(cells, refAgg(a, g.rows))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	slices.Sort(out)
	return out
}

func fmtPtr[T any](p *T, f func(T) string) string {
	if p == nil {
		return "NULL"
	}
	return f(*p)
}

// refAgg computes one aggregate over a window's rows, rendered as cell
// renders the operator's output.
func refAgg(a AggCall, rows []diffRow) string {
	if a.Func == CountStar {
		return fmt.Sprint(len(rows))
	}
	// The non-NULL argument values, as comparable Go values.
	var vals []any
	seen := map[any]bool{}
	for _, r := range rows {
		var v any
		switch a.Arg {
		case cVI:
			v = ptrAny(r.vi)
		case cVB:
			v = ptrAny(r.vb)
		case cVD:
			v = ptrAny(r.vd)
		case cVDec:
			v = ptrAny(r.vdec)
		case cVS:
			v = ptrAny(r.vs)
		case cVBool:
			v = ptrAny(r.vbool)
		case cTS:
			v = ptrAny(r.ts)
		case cVDate:
			v = ptrAny(r.vdate)
		}
		if v == nil || (a.Distinct && seen[v]) {
			continue
		}
		seen[v] = true
		vals = append(vals, v)
	}
	if a.Func == Count {
		return fmt.Sprint(len(vals))
	}
	if len(vals) == 0 {
		return "NULL"
	}
	switch a.Func {
	case Min, Max:
		best := vals[0]
		for _, v := range vals[1:] {
			if c := cmpAny(v, best); (a.Func == Max && c > 0) || (a.Func == Min && c < 0) {
				best = v
			}
		}
		if a.Arg == cVDec {
			return decimal128.FromI64(best.(int64)).ToString(2)
		}
		if s, ok := best.(string); ok {
			return fmt.Sprintf("%q", s)
		}
		return fmt.Sprint(best)
	}
	// SUM and AVG.
	switch a.Arg {
	case cVI:
		var sum int64
		for _, v := range vals {
			sum += int64(v.(int32))
		}
		if a.Func == Avg {
			return fmt.Sprint(int32(sum / int64(len(vals))))
		}
		return fmt.Sprint(int32(sum))
	case cVB:
		var sum int64
		for _, v := range vals {
			sum += v.(int64)
		}
		if a.Func == Avg {
			sum /= int64(len(vals))
		}
		return fmt.Sprint(sum)
	case cVD:
		var sum float64
		for _, v := range vals {
			sum += v.(float64)
		}
		if a.Func == Avg {
			sum /= float64(len(vals))
		}
		return fmt.Sprint(sum)
	case cVDec:
		sum := new(big.Int)
		for _, v := range vals {
			sum.Add(sum, big.NewInt(v.(int64)))
		}
		if a.Func == Sum {
			return decimal128.FromBigInt(sum).ToString(2)
		}
		// AVG at scale 6, rounded half away from zero.
		x := new(big.Int).Mul(sum, big.NewInt(10_000))
		n := big.NewInt(int64(len(vals)))
		q, r := new(big.Int).QuoRem(x, n, new(big.Int))
		if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(n) >= 0 {
			q.Add(q, big.NewInt(int64(x.Sign())))
		}
		return decimal128.FromBigInt(q).ToString(6)
	}
	return "?"
}

func ptrAny[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func cmpAny(a, b any) int {
	switch x := a.(type) {
	case int32:
		return cmpOrd(x, b.(int32))
	case int64:
		return cmpOrd(x, b.(int64))
	case float64:
		return cmpOrd(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case y:
			return -1
		}
		return 1
	}
	panic(fmt.Sprintf("cmpAny %T", a))
}

func cmpOrd[T int32 | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestDifferential runs random streams through the operator in random
// batch splits with random watermarks (never making a row late) and
// compares with the reference evaluator, for every window kind, several
// key sets and every aggregate.
func TestDifferential(t *testing.T) {
	windows := []Window{
		{Kind: Tumble, TimeCol: cTS, Size: 10},
		{Kind: Hop, TimeCol: cTS, Slide: 2, Size: 10},
		{Kind: Hop, TimeCol: cTS, Slide: 3, Size: 10},
		{Kind: Hop, TimeCol: cTS, Slide: 7, Size: 4},
		{Kind: Session, TimeCol: cTS, Gap: 4},
		{Kind: Session, TimeCol: cTS, Gap: 9},
	}
	keySets := [][]int{nil, {cK1}, {cK2}, {cK1, cK2}}
	seeds := 6
	if testing.Short() {
		seeds = 2
	}
	for _, w := range windows {
		for _, keys := range keySets {
			for seed := range seeds {
				name := fmt.Sprintf("%s/keys%v/seed%d", w.Describe("ts"), keys, seed)
				t.Run(name, func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(seed), 42))
					spec := Spec{Window: w, Keys: keys, Aggs: diffAggs}
					step, delay := int64(1+r.IntN(3)), int64(1+r.IntN(12))
					rows := genRows(r, 50+r.IntN(250), step, delay)
					want := reference(spec, rows)
					for _, mode := range []string{"random", "one", "all"} {
						got := runSplit(t, spec, rows, r, mode, step)
						if !slices.Equal(got, want) {
							t.Fatalf("batches %s: got %d rows, want %d\n%s", mode, len(got), len(want), diff(got, want))
						}
					}
				})
			}
		}
	}
}

// runSplit feeds rows in batches (random sizes, size 1, or one batch),
// each a slice of one record, with a watermark of i*step-1 after row i
// now and then.
func runSplit(t *testing.T, spec Spec, rows []diffRow, r *rand.Rand, mode string, step int64) []string {
	h := newHarness(t, spec, diffSchema)
	rec := buildRecord(h.mem, rows)
	defer rec.Release()
	for i := 0; i < len(rows); {
		n := len(rows)
		switch mode {
		case "random":
			n = 1 + r.IntN(40)
		case "one":
			n = 1
		}
		j := min(i+n, len(rows))
		b := rec.NewSlice(int64(i), int64(j))
		h.process(b)
		b.Release()
		i = j
		if r.IntN(3) == 0 {
			h.watermark(int64(j)*step - 60)
		}
	}
	rec.Release()
	rec = nil
	got := h.finish()
	if late := h.env.Metrics.LateRows.Load(); late != int64(nullTimes(rows)) {
		t.Errorf("LateRows = %d, want %d (the NULL times only)", late, nullTimes(rows))
	}
	return got
}

func nullTimes(rows []diffRow) int {
	n := 0
	for _, r := range rows {
		if r.ts == nil {
			n++
		}
	}
	return n
}

func diff(got, want []string) string {
	var b strings.Builder
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	return b.String()
}
