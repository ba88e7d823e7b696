package prepass

import (
	"strings"

	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/lex"
)

// rewrite turns the file span [start, end), whose tokens are toks, into
// text for the TiDB parser, preceded by prefix (whose bytes stand before
// start, so Base is start-len(prefix)). Comments are blanked; INTERVAL
// literals, CAST, EXTRACT and SESSION calls are rewritten in place.
func (p *pass) rewrite(toks []lex.Token, start, end int, prefix string, errs *diag.List) *Text {
	buf := []byte(p.file.Src[start:end])
	for _, c := range p.comments {
		if c.End <= start || c.Off >= end {
			continue
		}
		blank(buf, max(c.Off, start)-start, min(c.End, end)-start)
	}
	lifts := &Lifts{Intervals: map[int]Interval{}, Calls: map[int]*Call{}}
	// skip maps a token index to the index to continue at: the tokens in
	// between were lifted and blanked.
	skip := map[int]int{}
	put := func(off int, s string) { copy(buf[off-start:], s) }
	for i := 0; i < len(toks); i++ {
		if j, ok := skip[i]; ok {
			i = j - 1
			continue
		}
		t := toks[i]
		if t.Kind == lex.Number && !strings.ContainsAny(t.Text, "eE") &&
			(len(strings.TrimLeft(strings.Replace(t.Text, ".", "", 1), "0")) > maxDigits || len(t.Text) > 2*maxDigits) {
			p.errorf(errs, t.Off, "number %s has more than %d digits", clip(t.Text), maxDigits)
			continue
		}
		if t.Kind != lex.Ident {
			continue
		}
		call := i+1 < len(toks) && toks[i+1].Is("(")
		switch {
		case t.Is("INTERVAL"):
			iv, next, err := parseInterval(toks, i)
			if err != nil {
				p.errorf(errs, err.Off, "%s", err.Msg)
				i = next - 1
				continue
			}
			last := toks[next-1].End
			blank(buf, t.Off-start, last-start)
			buf[t.Off-start] = '\''
			buf[last-1-start] = '\''
			lifts.Intervals[t.Off] = iv
			i = next - 1
		case t.Is("CAST") && call:
			close := matching(toks, i+1)
			as := -1
			depth := 0
			for k := i + 1; k < close; k++ {
				switch {
				case toks[k].Is("("):
					depth++
				case toks[k].Is(")"):
					depth--
				case depth == 1 && toks[k].Is("AS"):
					as = k
				}
			}
			if close < 0 || as < 0 || as+1 == close {
				continue // malformed: the TiDB parser reports it
			}
			lifts.Calls[t.Off] = &Call{Name: "CAST", Type: toks[as+1 : close]}
			put(t.Off, castName)
			blank(buf, toks[as].Off-start, toks[close-1].End-start)
			skip[as] = close
		case t.Is("EXTRACT") && call:
			if i+3 >= len(toks) || !toks[i+2].IsIdent() || !toks[i+3].Is("FROM") {
				p.errorf(errs, t.Off, "expected EXTRACT(unit FROM expression)")
				continue
			}
			lifts.Calls[t.Off] = &Call{Name: "EXTRACT", Unit: toks[i+2]}
			put(t.Off, extractName)
			blank(buf, toks[i+2].Off-start, toks[i+3].End-start)
			i += 3
		case t.Is("SESSION") && call:
			lifts.Calls[t.Off] = &Call{Name: "SESSION"}
			put(t.Off, sessionName)
		case t.Is("TABLE") && call:
			p.errorf(errs, t.Off, "table functions in FROM (TABLE(...)) are not supported yet")
		case t.Is("TEMPORARY") && i == 1 && toks[0].Is("CREATE"):
			blank(buf, t.Off-start, t.End-start)
		}
	}
	return &Text{SQL: prefix + string(buf), Base: start - len(prefix), Lifts: lifts}
}

// maxDigits is the most significant digits a number literal may have
// (DECIMAL's largest precision).
const maxDigits = 38

// clip shortens long text for messages.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// blank replaces buf[from:to] with spaces, keeping line breaks so that
// line numbers do not move.
func blank(buf []byte, from, to int) {
	for k := from; k < to; k++ {
		if buf[k] != '\n' && buf[k] != '\r' {
			buf[k] = ' '
		}
	}
}

// IsPlaceholder reports whether a function name the TiDB parser saw is one
// of the pre-pass's placeholders.
func IsPlaceholder(name string) bool {
	switch strings.ToUpper(name) {
	case castName, extractName, sessionName:
		return true
	}
	return false
}
