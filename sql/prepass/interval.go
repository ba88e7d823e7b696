package prepass

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weir-stream/weir/sql/lex"
)

// dayTimeUnits are the day-time interval units, largest first, with their
// length in milliseconds.
var dayTimeUnits = []struct {
	name   string
	millis int64
}{{"DAY", 86_400_000}, {"HOUR", 3_600_000}, {"MINUTE", 60_000}, {"SECOND", 1_000}}

// maxIntervalMillis bounds interval literals (about 285 years), far from
// int64 overflow when added to a timestamp.
const maxIntervalMillis = int64(9e12)

func unitIndex(t lex.Token) int {
	name := strings.TrimSuffix(strings.ToUpper(t.Text), "S")
	for i, u := range dayTimeUnits {
		if u.name == name {
			return i
		}
	}
	return -1
}

// parseInterval reads INTERVAL [-] 'value' unit [TO unit] at toks[i] and
// returns it with the index of the first token after it.
func parseInterval(toks []lex.Token, i int) (Interval, int, *lex.Error) {
	kw := toks[i]
	j := i + 1
	neg := false
	if j < len(toks) && (toks[j].Is("-") || toks[j].Is("+")) {
		neg = toks[j].Is("-")
		j++
	}
	if j >= len(toks) || (toks[j].Kind != lex.String && toks[j].Kind != lex.Number) {
		return Interval{}, j, &lex.Error{Off: kw.Off, Msg: "expected a quoted value after INTERVAL, as in INTERVAL '5' SECOND"}
	}
	val := toks[j]
	j++
	if j >= len(toks) || toks[j].Kind != lex.Ident {
		return Interval{}, j, &lex.Error{Off: kw.Off, Msg: "expected a unit (DAY, HOUR, MINUTE or SECOND) after the INTERVAL value"}
	}
	from := unitIndex(toks[j])
	if from < 0 {
		return Interval{}, j + 1, unitError(toks[j])
	}
	to := from
	j++
	if j < len(toks) && toks[j].Is("TO") {
		if j+1 >= len(toks) {
			return Interval{}, j + 1, &lex.Error{Off: toks[j].Off, Msg: "expected a unit after TO"}
		}
		to = unitIndex(toks[j+1])
		if to < 0 {
			return Interval{}, j + 2, unitError(toks[j+1])
		}
		if to <= from {
			return Interval{}, j + 2, &lex.Error{Off: toks[j+1].Off, Msg: fmt.Sprintf("INTERVAL %s TO %s: the second unit must be smaller than the first", dayTimeUnits[from].name, dayTimeUnits[to].name)}
		}
		j += 2
	}
	text := val.Text
	if val.Kind == lex.String {
		text = val.StringValue()
	}
	ms, err := intervalMillis(text, from, to)
	if err != nil {
		return Interval{}, j, &lex.Error{Off: val.Off, Msg: fmt.Sprintf("invalid INTERVAL value %s: %s", val.Text, err)}
	}
	if neg {
		ms = -ms
	}
	return Interval{Millis: ms, Text: textOf(toks[i:j])}, j, nil
}

func unitError(t lex.Token) *lex.Error {
	switch strings.TrimSuffix(strings.ToUpper(t.Text), "S") {
	case "YEAR", "MONTH":
		return &lex.Error{Off: t.Off, Msg: "year-month intervals are not supported yet: use DAY, HOUR, MINUTE or SECOND"}
	}
	return &lex.Error{Off: t.Off, Msg: fmt.Sprintf("unknown INTERVAL unit %s: use DAY, HOUR, MINUTE or SECOND", t.Text)}
}

// intervalMillis converts an interval value with fields from unit index
// from to unit index to (e.g. '1 02:03:04.5' DAY TO SECOND).
func intervalMillis(s string, from, to int) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ':' })
	if len(fields) != to-from+1 {
		return 0, fmt.Errorf("expected %d field(s)", to-from+1)
	}
	var total int64
	for k, f := range fields {
		unit := dayTimeUnits[from+k]
		whole, frac, hasFrac := strings.Cut(f, ".")
		if hasFrac && unit.name != "SECOND" {
			return 0, fmt.Errorf("only SECOND may have a fraction")
		}
		n, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a number", f)
		}
		if n > maxIntervalMillis/unit.millis {
			return 0, fmt.Errorf("out of range")
		}
		total += n * unit.millis
		if hasFrac {
			if len(frac) == 0 || len(frac) > 3 {
				return 0, fmt.Errorf("seconds take 1 to 3 fractional digits (milliseconds)")
			}
			m, err := strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64)
			if err != nil || m < 0 {
				return 0, fmt.Errorf("%q is not a number", f)
			}
			total += m
		}
		if total > maxIntervalMillis {
			return 0, fmt.Errorf("out of range")
		}
	}
	if neg {
		total = -total
	}
	return total, nil
}

// textOf joins tokens with single spaces.
func textOf(toks []lex.Token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}
