package expr

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// dfTok is one element of a compiled DATE_FORMAT pattern: a pattern
// letter repeated count times, or literal text (letter 0).
type dfTok struct {
	letter byte
	count  int
	lit    string
}

// compileDateFormat parses a Java SimpleDateFormat pattern. Supported
// letters: y (year; yy is two digits), M (month; MMM Jan, MMMM January),
// d, D (day of year), H (0-23), h (1-12), m, s, S (milliseconds), E (EEE
// Mon, EEEE Monday), a (AM/PM); text in single quotes is literal and ”
// is a quote. Other ASCII letters are errors, as in Java.
func compileDateFormat(p string) ([]dfTok, error) {
	var toks []dfTok
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				toks = append(toks, dfTok{lit: "'"})
				i += 2
				continue
			}
			var lit []byte
			j := i + 1
			closed := false
			for j < len(p) {
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						lit = append(lit, '\'')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				lit = append(lit, p[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("%w: date format %s: unterminated quote", ErrInvalidValue, sqlQuote(p))
			}
			toks = append(toks, dfTok{lit: string(lit)})
			i = j
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			switch c {
			case 'y', 'M', 'd', 'D', 'H', 'h', 'm', 's', 'S', 'E', 'a':
			default:
				return nil, fmt.Errorf("%w: date format %s: unsupported pattern letter %q", ErrInvalidValue, sqlQuote(p), c)
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			toks = append(toks, dfTok{letter: c, count: j - i})
			i = j
		default:
			j := i
			for j < len(p) && p[j] != '\'' && !(p[j] >= 'a' && p[j] <= 'z' || p[j] >= 'A' && p[j] <= 'Z') {
				j++
			}
			toks = append(toks, dfTok{lit: p[i:j]})
			i = j
		}
	}
	return toks, nil
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// appendPadded appends v in decimal with at least width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendDateFormat renders the timestamp ms with the compiled pattern.
func appendDateFormat(b []byte, toks []dfTok, ms int64) []byte {
	days := floorDiv(ms, msPerDay)
	tod := floorMod(ms, msPerDay)
	y, mo, d := civilFromDays(days)
	for _, t := range toks {
		switch t.letter {
		case 0:
			b = append(b, t.lit...)
		case 'y':
			if t.count == 2 {
				b = appendPadded(b, floorMod(y, 100), 2)
			} else {
				b = appendPadded(b, y, t.count)
			}
		case 'M':
			switch {
			case t.count >= 4:
				b = append(b, monthNames[mo-1]...)
			case t.count == 3:
				b = append(b, monthNames[mo-1][:3]...)
			default:
				b = appendPadded(b, int64(mo), t.count)
			}
		case 'd':
			b = appendPadded(b, int64(d), t.count)
		case 'D':
			b = appendPadded(b, dayOfYear(days), t.count)
		case 'H':
			b = appendPadded(b, tod/3_600_000, t.count)
		case 'h':
			h := tod / 3_600_000 % 12
			if h == 0 {
				h = 12
			}
			b = appendPadded(b, h, t.count)
		case 'm':
			b = appendPadded(b, tod/60_000%60, t.count)
		case 's':
			b = appendPadded(b, tod/1000%60, t.count)
		case 'S':
			b = appendPadded(b, tod%1000, t.count)
		case 'E':
			name := dayNames[isoWeekday(days)-1]
			if t.count < 4 {
				name = name[:3]
			}
			b = append(b, name...)
		case 'a':
			if tod < 12*3_600_000 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		}
	}
	return b
}

// bindDateFormat binds DATE_FORMAT(t TIMESTAMP, format VARCHAR). A literal
// format is compiled here (an invalid one is a Compile error); others
// per distinct value, with a cache.
func bindDateFormat(call *Call, args []argInfo) (kernel, error) {
	if err := wantArgs(call, args, 2, 2); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 0, Timestamp); err != nil {
		return nil, err
	}
	if err := wantArgType(call, args, 1, Varchar); err != nil {
		return nil, err
	}
	if err := wantResult(call, Varchar); err != nil {
		return nil, err
	}
	var fixedToks []dfTok
	if l := args[1].lit; l != nil && !l.null {
		toks, err := compileDateFormat(l.s)
		if err != nil {
			return nil, compileErr(call, err)
		}
		fixedToks = toks
	}
	cache := newCompileCache(compileDateFormat)
	return func(ec *evalCtx, ds []datum) (arrow.Array, error) {
		if ds[0].isNullScalar() || ds[1].isNullScalar() {
			return nullArray(ec.alloc, Varchar, ec.n), nil
		}
		ts, f := fixedColOf[int64](ds[0]), strColOf(ds[1])
		mm := memo[[]dfTok]{cache: cache}
		o := newStrOut(ec.alloc, ec.n, 24*ec.n, ds...)
		for i := 0; i < ec.n; i++ {
			if !o.isValid(i) {
				o.skip()
				continue
			}
			toks := fixedToks
			if toks == nil {
				var err error
				if toks, err = mm.get(f.at(i)); err != nil {
					o.release()
					return nil, err
				}
			}
			o.reserve(32)
			o.commit(appendDateFormat(o.dst(), toks, ts.at(i)))
		}
		return o.finish(), nil
	}, nil
}
