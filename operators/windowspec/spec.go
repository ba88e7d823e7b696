package windowspec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Kind is the shape of a group window.
type Kind int

// Window kinds.
const (
	// Tumble: fixed, non-overlapping windows of Size.
	Tumble Kind = iota
	// Hop: windows of Size starting every Slide (they overlap when
	// Slide < Size).
	Hop
	// Session: per key, a row at t opens [t, t+Gap); sessions that
	// overlap or touch merge. Tumble and Hop windows fire when the
	// watermark reaches their end; a session fires once the watermark
	// passes its end, since a row at exactly the watermark could still
	// touch (and extend) it.
	Session
)

// String returns the SQL name.
func (k Kind) String() string {
	return [...]string{"TUMBLE", "HOP", "SESSION"}[k]
}

// Window is a group window over an event-time column. Durations are in
// milliseconds. Windows are aligned to the epoch: a tumbling window of
// size s starting at t has t % s == 0 (Flink's default, no offset).
type Window struct {
	Kind Kind
	// TimeCol is the input column (TIMESTAMP(3), the table's watermark
	// column) that places rows in windows.
	TimeCol int
	// Size is the window length (Tumble, Hop).
	Size int64
	// Slide is the distance between window starts (Hop).
	Slide int64
	// Gap is the inactivity gap that closes a session (Session).
	Gap int64
}

// Describe renders the window as written in SQL, given its time column's
// name.
func (w Window) Describe(timeCol string) string {
	iv := Interval
	switch w.Kind {
	case Hop:
		return fmt.Sprintf("HOP(%s, %s, %s)", timeCol, iv(w.Slide), iv(w.Size))
	case Session:
		return fmt.Sprintf("SESSION(%s, %s)", timeCol, iv(w.Gap))
	default:
		return fmt.Sprintf("TUMBLE(%s, %s)", timeCol, iv(w.Size))
	}
}

// AggFunc names an aggregate function.
type AggFunc string

// Aggregate functions. Result types follow Flink: COUNT is BIGINT; SUM of
// INT is INT, of BIGINT BIGINT, of FLOAT/DOUBLE DOUBLE, of DECIMAL(p,s)
// DECIMAL(38,s); AVG keeps the argument's type for integers (truncating,
// like Flink), DOUBLE for FLOAT/DOUBLE, DECIMAL(38, max(s,6)) for
// DECIMAL(p,s); MIN and MAX keep the argument's type (any comparable
// type: numbers, VARCHAR, BOOLEAN, TIMESTAMP, DATE), FLOAT and DOUBLE
// ordered as Java's Double.compare (-0.0 < 0.0, NaN above +Infinity:
// MIN skips NaN unless all values are NaN, MAX is NaN if any is). Every
// function but COUNT ignores NULL arguments and gives NULL over no
// non-NULL value; COUNT(x) counts non-NULL x, COUNT(*) counts rows.
const (
	CountStar AggFunc = "COUNT(*)"
	Count     AggFunc = "COUNT"
	Sum       AggFunc = "SUM"
	Min       AggFunc = "MIN"
	Max       AggFunc = "MAX"
	Avg       AggFunc = "AVG"
)

// AggCall is one aggregate in a window aggregation.
type AggCall struct {
	Func AggFunc
	// Arg is the input column aggregated (-1 for COUNT(*)).
	Arg int
	// Distinct aggregates each distinct non-NULL value once
	// (COUNT(DISTINCT x), SUM(DISTINCT x), ...).
	Distinct bool
	// Type is the result type.
	Type arrow.DataType
}

// Describe renders the call over the input schema.
func (a AggCall) Describe(in *arrow.Schema) string {
	if a.Func == CountStar {
		return "COUNT(*)"
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	return fmt.Sprintf("%s(%s%s)", a.Func, d, in.Field(a.Arg).Name)
}

// Spec is a complete group-window aggregation: what the planner compiles
// SQL into and what the window operator executes. Output columns: Keys
// (input types and names), window_start and window_end (TIMESTAMP(3)),
// then one column per Aggs entry.
type Spec struct {
	Window Window
	// Keys are the input columns grouped on (none for a global window).
	Keys []int
	Aggs []AggCall
}

// Interval renders a duration in milliseconds as a SQL interval literal
// in the largest unit that divides it exactly.
func Interval(ms int64) string {
	units := []struct {
		name string
		ms   int64
	}{{"DAY", 86_400_000}, {"HOUR", 3_600_000}, {"MINUTE", 60_000}, {"SECOND", 1000}}
	for _, u := range units {
		if ms != 0 && ms%u.ms == 0 {
			return fmt.Sprintf("INTERVAL '%d' %s", ms/u.ms, u.name)
		}
	}
	return fmt.Sprintf("INTERVAL '%d' MILLISECOND", ms)
}

// MaxPanesPerWindow bounds how many panes of gcd(slide, size) a HOP window
// combines when it fires: a HOP with a tiny slide and a huge size (1 ms
// and 1 day) would otherwise combine tens of millions of panes per key
// every slide.
const MaxPanesPerWindow = 100_000

// PanesPerWindow is size / gcd(slide, size): the panes a HOP window of
// this shape combines.
func PanesPerWindow(slide, size int64) int64 {
	a, b := slide, size
	for b != 0 {
		a, b = b, a%b
	}
	if a <= 0 {
		return 0
	}
	return size / a
}
