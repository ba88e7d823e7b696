package expr

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// likeToRegexp is an independent reference for LIKE: translate the
// pattern to an anchored Go regexp.
func likeToRegexp(pattern, esc string) (*regexp.Regexp, bool) {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(pattern)
	var escR rune = -1
	if esc != "" {
		escR = []rune(esc)[0]
	}
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == escR:
			if i+1 >= len(rs) {
				return nil, false
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	re, err := regexp.Compile(b.String())
	return re, err == nil
}

func FuzzLike(f *testing.F) {
	for _, s := range [][3]string{
		{"abc", "a%c", ""}, {"日本語", "_本%", ""}, {"a%c", `a\%c`, `\`}, {"", "%", ""},
		{"aaab", "%a%b", ""}, {"xyz", "x__", ""}, {"a_b", "a!_b", "!"}, {"ab", "a\\", "\\"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, s, pattern, esc string) {
		if utf8.RuneCountInString(esc) > 1 {
			esc = string([]rune(esc)[:1])
		}
		m, err := compileLike(pattern, esc)
		if err != nil {
			return // invalid patterns are errors, never panics
		}
		got := m.match(s)
		if !utf8.ValidString(s) || !utf8.ValidString(pattern) || !utf8.ValidString(esc) {
			return
		}
		re, ok := likeToRegexp(pattern, esc)
		if !ok {
			t.Fatalf("pattern %q escape %q compiled but the reference rejects it", pattern, esc)
		}
		if want := re.MatchString(s); got != want {
			t.Fatalf("%q LIKE %q ESCAPE %q = %v, want %v", s, pattern, esc, got, want)
		}
	})
}

func FuzzCastFromString(f *testing.F) {
	for _, s := range []string{"12", "-9223372036854775808", "1.5e3", "NaN", "2024-01-01 00:00:10.123",
		"2024-01-01T00:00:10Z", "2024-01-01", "2024-01-01T01:00:00+05:30", "  7 ", "1e-999", "9" + strings.Repeat("9", 60),
		".", "-", "+.e5", "2024-13-01", "0000-01-01 24:00:00"} {
		f.Add(s)
	}
	targets := []arrow.DataType{Int, BigInt, Float, Double, Decimal(10, 3), Decimal(38, 0), Timestamp, Date, Boolean}
	schema := schemaOf(Varchar)
	evs := make([]*Evaluator, len(targets))
	back := make([]*Evaluator, len(targets))
	for i, to := range targets {
		var err error
		if evs[i], err = Compile(&Cast{Input: col(0, Varchar), To: to}, schema); err != nil {
			f.Fatal(err)
		}
		if back[i], err = Compile(&Cast{Input: &Cast{Input: col(0, Varchar), To: to}, To: Varchar}, schema); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer alloc.AssertSize(t, 0)
		b := array.NewStringBuilder(alloc)
		b.Append(s)
		arr := b.NewArray()
		b.Release()
		rec := array.NewRecordBatch(schema, []arrow.Array{arr}, 1)
		arr.Release()
		defer rec.Release()
		for i := range targets {
			out, err := evs[i].Eval(context.Background(), alloc, rec)
			if err != nil {
				if !strings.Contains(err.Error(), "cannot parse") {
					t.Fatalf("CAST(%q AS %s): unexpected error %v", s, SQLTypeName(targets[i]), err)
				}
				continue
			}
			out.Release()
			// A value that parsed renders to text that parses to the same value.
			txt, err := back[i].Eval(context.Background(), alloc, rec)
			if err != nil {
				t.Fatalf("render CAST(%q AS %s): %v", s, SQLTypeName(targets[i]), err)
			}
			r := txt.(*array.String).Value(0)
			b := array.NewStringBuilder(alloc)
			b.Append(r)
			ra := b.NewArray()
			b.Release()
			rrec := array.NewRecordBatch(schema, []arrow.Array{ra}, 1)
			ra.Release()
			again, err := back[i].Eval(context.Background(), alloc, rrec)
			if err != nil {
				t.Fatalf("re-parse of %q (from %q) as %s: %v", r, s, SQLTypeName(targets[i]), err)
			}
			if a := again.(*array.String).Value(0); a != r {
				t.Fatalf("round trip of %q as %s: %q then %q", s, SQLTypeName(targets[i]), r, a)
			}
			again.Release()
			rrec.Release()
			txt.Release()
		}
	})
}
