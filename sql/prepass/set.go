package prepass

import (
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/lex"
)

// SetDef is SET 'key' = 'value'.
type SetDef struct {
	Key, Value string
	// Off is where the key is.
	Off int
}

// set parses SET key = value, the key quoted or a dotted word.
func (p *pass) set(toks []lex.Token, errs *diag.List) *SetDef {
	tp := &tableParser{p: p, toks: toks, errs: errs, i: 1}
	if len(toks) == 1 {
		tp.fail(toks[0].End, "expected SET 'key' = 'value'")
		return nil
	}
	key, off, ok := tp.optionKey(len(toks))
	if !ok || !tp.expect("=", "after SET "+key) {
		return nil
	}
	v, ok := tp.peek()
	if !ok || (v.Kind != lex.String && v.Kind != lex.Number && v.Kind != lex.Ident) {
		tp.fail(tp.offHere(), "expected a quoted value for SET %s", key)
		return nil
	}
	tp.i++
	if t, more := tp.peek(); more {
		tp.fail(t.Off, "unexpected %s after SET %s = %s", t.Text, key, v.Text)
		return nil
	}
	value := v.Text
	if v.Kind == lex.String {
		value = v.StringValue()
	}
	return &SetDef{Key: key, Value: value, Off: off}
}
