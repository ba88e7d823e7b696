package expr

import (
	"testing"
	"time"
)

func TestExtract(t *testing.T) {
	ts := in(Timestamp, "2024-03-15 13:45:10.123", "1969-12-31 23:59:59.999", nil, "2021-01-03 00:00:00")
	ex := func(unit string) Expr { return call(FnExtract, BigInt, str(unit), col(0, Timestamp)) }
	runCases(t, []exprCase{
		{name: "year", e: ex("YEAR"), cols: []input{ts}, want: []any{2024, 1969, nil, 2021}},
		{name: "quarter", e: ex("QUARTER"), cols: []input{ts}, want: []any{1, 4, nil, 1}},
		{name: "month", e: ex("MONTH"), cols: []input{ts}, want: []any{3, 12, nil, 1}},
		{name: "week", e: ex("WEEK"), cols: []input{ts}, want: []any{11, 1, nil, 53}},
		{name: "day", e: ex("DAY"), cols: []input{ts}, want: []any{15, 31, nil, 3}},
		{name: "doy", e: ex("DOY"), cols: []input{ts}, want: []any{75, 365, nil, 3}},
		{name: "dow", e: ex("DOW"), cols: []input{ts}, want: []any{6, 4, nil, 1}},
		{name: "hour", e: ex("HOUR"), cols: []input{ts}, want: []any{13, 23, nil, 0}},
		{name: "minute", e: ex("MINUTE"), cols: []input{ts}, want: []any{45, 59, nil, 0}},
		{name: "second", e: ex("SECOND"), cols: []input{ts}, want: []any{10, 59, nil, 0}},
		{name: "millisecond", e: ex("MILLISECOND"), cols: []input{ts}, want: []any{10123, 59999, nil, 0}},
		{name: "epoch", e: ex("EPOCH"), cols: []input{ts}, want: []any{1710510310, -1, nil, 1609632000}},
		{name: "date", e: call(FnExtract, BigInt, str("DAY"), col(0, Date)), cols: []input{in(Date, "2024-02-29")},
			want: []any{29}},
		{name: "unknown unit", e: ex("FORTNIGHT"), cols: []input{ts}, wantErr: "unknown unit"},
		{name: "unit not literal", e: call(FnExtract, BigInt, col(1, Varchar), col(0, Timestamp)),
			cols: []input{ts, in(Varchar, "DAY", "DAY", "DAY", "DAY")}, wantErr: "must be a literal"},
	})
}

func TestCivilAgainstTime(t *testing.T) {
	for days := int64(-800_000); days < 800_000; days += 97 {
		tm := time.Unix(days*86400, 0).UTC()
		y, m, d := civilFromDays(days)
		if y != int64(tm.Year()) || m != int(tm.Month()) || d != tm.Day() {
			t.Fatalf("day %d: got %d-%d-%d, want %s", days, y, m, d, tm)
		}
		if back := daysFromCivil(y, m, d); back != days {
			t.Fatalf("day %d: round trip gave %d", days, back)
		}
		_, wk := tm.ISOWeek()
		if got := isoWeek(days); got != int64(wk) {
			t.Fatalf("day %d (%s): iso week %d, want %d", days, tm, got, wk)
		}
		if got := dayOfYear(days); got != int64(tm.YearDay()) {
			t.Fatalf("day %d: doy %d, want %d", days, got, tm.YearDay())
		}
	}
}

func TestDateFormat(t *testing.T) {
	ts := in(Timestamp, "2024-03-05 13:04:09.007", "1999-12-31 00:00:00", nil)
	df := func(f string) Expr { return call(FnDateFormat, Varchar, col(0, Timestamp), str(f)) }
	runCases(t, []exprCase{
		{name: "default", e: df("yyyy-MM-dd HH:mm:ss"), cols: []input{ts},
			want: []any{"2024-03-05 13:04:09", "1999-12-31 00:00:00", nil}},
		{name: "short and millis", e: df("yy/M/d H:m:s.SSS"), cols: []input{ts},
			want: []any{"24/3/5 13:4:9.007", "99/12/31 0:0:0.000", nil}},
		{name: "names and quotes", e: df("EEE, MMM d ''yy 'at' h a"), cols: []input{ts},
			want: []any{"Tue, Mar 5 '24 at 1 PM", "Fri, Dec 31 '99 at 12 AM", nil}},
		{name: "long names", e: df("EEEE MMMM"), cols: []input{ts}, want: []any{"Tuesday March", "Friday December", nil}},
		{name: "column format", e: call(FnDateFormat, Varchar, col(0, Timestamp), col(1, Varchar)),
			cols: []input{ts, in(Varchar, "yyyy", "MM", "dd")}, want: []any{"2024", "12", nil}},
		{name: "bad letter", e: df("yyyy-qq"), cols: []input{ts}, wantErr: "unsupported pattern letter"},
		{name: "unterminated quote", e: df("yyyy 'x"), cols: []input{ts}, wantErr: "unterminated quote"},
	})
}
