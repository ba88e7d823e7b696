package bind

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	// The TiDB parser needs a value-expression driver; without it New panics.
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/weir-stream/weir/sql/lex"
	"github.com/weir-stream/weir/sql/prepass"
)

// newParser returns a TiDB parser in the SQL mode closest to Flink's:
// || concatenates and backslashes in strings are literal.
func newParser() *parser.Parser {
	p := parser.New()
	mode, _ := mysql.GetSQLMode(mysql.DefaultSQLMode)
	p.SetSQLMode(mode | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes)
	return p
}

// parse runs the TiDB parser on the statement's rewritten text and maps a
// syntax error to the user's offending token.
func (sc *stmtCtx) parse() (node ast.StmtNode, ok bool) {
	defer func() {
		// The TiDB parser's test driver panics on some literals; a panic
		// must never cross into the caller, so it becomes an error here.
		if r := recover(); r != nil {
			sc.b.parser = newParser()
			sc.errorf(sc.toks[0].Off, "the SQL parser failed on this statement: %v", r)
			node, ok = nil, false
		}
	}()
	stmts, _, err := sc.b.parser.Parse(sc.text.SQL, "", "")
	if err != nil {
		off, ok := nearOffset(err.Error(), sc.text.SQL)
		fileOff := sc.text.Base + off
		if !ok {
			sc.errorf(sc.toks[0].Off, "syntax error: %s", err)
			return nil, false
		}
		i := sc.tokIndex(fileOff)
		if i >= len(sc.toks) {
			last := sc.toks[len(sc.toks)-1]
			sc.errorf(last.Off, "syntax error: unexpected end of statement after %q", clip(last.Text))
			return nil, false
		}
		t := sc.toks[i]
		hint := ""
		if t.Kind == lex.Ident && !prepass.IsPlaceholder(t.Text) {
			hint = fmt.Sprintf(" (if %s is a name, it may be a reserved word: quote it as `%s`)", t.Text, t.Text)
		}
		sc.errorf(t.Off, "syntax error at %q%s", clip(t.Text), hint)
		return nil, false
	}
	if len(stmts) != 1 {
		sc.errorf(sc.toks[0].Off, "expected one statement")
		return nil, false
	}
	return stmts[0], true
}

// nearOffset finds the offset in src of the text a TiDB syntax error quotes
// (`line L column C near "REST"`, where REST is the source from the
// offending token on, cut at 2048 bytes with "(total length N)").
func nearOffset(msg, src string) (int, bool) {
	const marker = ` near "`
	k := strings.Index(msg, marker)
	if k < 0 {
		return 0, false
	}
	rest := msg[k+len(marker):]
	if t := strings.LastIndex(rest, "(total length "); t >= 0 {
		numText := strings.TrimSuffix(rest[t+len("(total length "):], ")")
		if n, err := strconv.Atoi(strings.TrimSpace(numText)); err == nil && n <= len(src) {
			return len(src) - n, true
		}
	}
	for o := 0; o <= len(src); o++ {
		n := len(src) - o
		if len(rest) > n && rest[n] == '"' && rest[:n] == src[o:] {
			return o, true
		}
	}
	return 0, false
}

// clip shortens long token text for messages.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
