package expr

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckLiteralPatterns(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string // "" for valid
	}{
		{"like ok", CheckLikePattern(`a\%%`, `\`), ""},
		{"like no escape", CheckLikePattern(`a\`, ""), ""},
		{"like trailing escape", CheckLikePattern(`a\`, `\`), `LIKE pattern 'a\' ends with the escape character`},
		{"like bad escape sequence", CheckLikePattern(`a!b`, "!"), "LIKE pattern 'a!b': invalid escape sequence at byte 1"},
		{"like long escape", CheckLikePattern("a", "xy"), "LIKE escape 'xy' must be a single character"},
		{"date format ok", CheckDateFormat("yyyy-MM-dd 'at' HH:mm"), ""},
		{"date format letter", CheckDateFormat("yyyy-qq"), "date format 'yyyy-qq': unsupported pattern letter 'q'"},
		{"date format quote", CheckDateFormat("HH 'h"), "date format 'HH ''h': unterminated quote"},
	}
	for _, c := range cases {
		switch {
		case c.want == "" && c.err != nil:
			t.Errorf("%s: unexpected error %v", c.name, c.err)
		case c.want != "" && c.err == nil:
			t.Errorf("%s: no error, want %q", c.name, c.want)
		case c.want != "" && (!strings.Contains(c.err.Error(), c.want) || !errors.Is(c.err, ErrInvalidValue)):
			t.Errorf("%s: error %q, want ErrInvalidValue containing %q", c.name, c.err, c.want)
		}
	}
}
