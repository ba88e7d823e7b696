package jsonformat

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DecoderConfig describes what a Decoder produces.
type DecoderConfig struct {
	// Schema is the table's declared schema.
	Schema *arrow.Schema
	// Columns are the indices into Schema to produce, in output order;
	// nil means all. JSON fields of other columns are skipped without
	// being converted.
	Columns []int
	// BatchSize is the number of rows Full waits for (default 4096).
	BatchSize int
	// Options are the format's options.
	Options Options
	// Alloc allocates the Arrow buffers of flushed records.
	Alloc memory.Allocator
}

// maxFoldCache bounds the cache of field names that needed a
// case-insensitive match (or matched nothing), so odd input cannot grow
// it without limit.
const maxFoldCache = 1024

// maxBatchBytes makes Full report a batch ready early when its lines are
// large, keeping every string column's data far below Arrow's 2 GiB
// offset limit.
const maxBatchBytes = 64 << 20

// Decoder turns JSON lines (one object each) into Arrow record batches of
// a fixed schema. It is not safe for concurrent use.
//
// Field names match columns case-sensitively first, then
// case-insensitively; unknown fields are ignored; null and missing fields
// are NULL. Append never leaves a half row: a bad line changes nothing.
type Decoder struct {
	out       *arrow.Schema
	cols      []*column
	names     []string       // declared column names
	slotOf    []int          // declared index -> output column, or -1
	exact     map[string]int // declared name -> declared index
	folded    map[string]int // other keys seen -> declared index or -1
	hint      int            // declared index expected next
	rows      int
	bytes     int // input bytes of the pending rows
	batchSize int
	maxLine   int
	scratch   []byte // unescaped strings and keys
	digits    []byte // decimal parsing
}

// NewDecoder builds a decoder; it fails if a projected column has a type
// the json format cannot represent.
func NewDecoder(cfg DecoderConfig) (*Decoder, error) {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 4096
	}
	if cfg.Options.MaxLineBytes <= 0 {
		cfg.Options.MaxLineBytes = DefaultMaxLineBytes
	}
	if cfg.Alloc == nil {
		cfg.Alloc = memory.DefaultAllocator
	}
	cols := cfg.Columns
	if cols == nil {
		cols = make([]int, cfg.Schema.NumFields())
		for i := range cols {
			cols[i] = i
		}
	}
	d := &Decoder{
		names:     make([]string, cfg.Schema.NumFields()),
		slotOf:    make([]int, cfg.Schema.NumFields()),
		exact:     make(map[string]int, cfg.Schema.NumFields()),
		folded:    map[string]int{},
		batchSize: cfg.BatchSize,
		maxLine:   cfg.Options.MaxLineBytes,
	}
	for i, f := range cfg.Schema.Fields() {
		d.names[i] = f.Name
		d.slotOf[i] = -1
		if _, dup := d.exact[f.Name]; !dup {
			d.exact[f.Name] = i
		}
	}
	fields := make([]arrow.Field, len(cols))
	for slot, idx := range cols {
		if idx < 0 || idx >= cfg.Schema.NumFields() {
			d.Release()
			return nil, fmt.Errorf("projected column index %d out of range", idx)
		}
		f := cfg.Schema.Field(idx)
		c, err := newColumn(cfg.Alloc, f, cfg.BatchSize)
		if err != nil {
			d.Release()
			return nil, err
		}
		d.cols = append(d.cols, c)
		d.slotOf[idx] = slot
		fields[slot] = f
	}
	d.out = arrow.NewSchema(fields, nil)
	return d, nil
}

// Schema is the schema of the records Flush returns.
func (d *Decoder) Schema() *arrow.Schema { return d.out }

// Len is the number of decoded rows not yet flushed.
func (d *Decoder) Len() int { return d.rows }

// Full reports whether BatchSize rows, or maxBatchBytes of input, are
// pending: the caller should Flush.
func (d *Decoder) Full() bool { return d.rows >= d.batchSize || d.bytes >= maxBatchBytes }

// Append decodes one line (without its line end; a trailing '\r' is
// tolerated) as one row. A blank line is skipped. A bad line returns a
// *FieldError and leaves the pending rows as they were.
func (d *Decoder) Append(line []byte) error {
	if len(line) > d.maxLine {
		return syntaxErr("line is %d bytes, over the limit of %d ('%s')", len(line), d.maxLine, OptionMaxLineBytes)
	}
	p := skipWS(line, 0)
	if p == len(line) {
		return nil
	}
	if !utf8.Valid(line) {
		return syntaxErr("invalid UTF-8 at column %d", invalidUTF8At(line)+1)
	}
	row := d.rows
	if len(d.cols) > 0 && row >= len(d.cols[0].valid) {
		for _, c := range d.cols {
			c.grow(2 * (row + 1))
		}
	}
	for _, c := range d.cols {
		c.valid[row] = false
		c.mark = len(c.arena)
	}
	if err := d.parseObject(line, p, row); err != nil {
		d.rollback()
		return err
	}
	for _, c := range d.cols {
		if !c.nullable && !c.valid[row] {
			d.rollback()
			return c.fail("null or missing value for a NOT NULL column")
		}
	}
	d.rows++
	d.bytes += len(line)
	return nil
}

func (d *Decoder) rollback() {
	for _, c := range d.cols {
		c.arena = c.arena[:c.mark]
	}
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// parseObject decodes the object starting at p into row.
func (d *Decoder) parseObject(b []byte, p, row int) *FieldError {
	if b[p] != '{' {
		return syntaxErr("invalid JSON at column %d: expected an object '{', got %s", p+1, describe(b, p))
	}
	p = skipWS(b, p+1)
	if p < len(b) && b[p] == '}' {
		return d.end(b, p+1)
	}
	for {
		if p >= len(b) || b[p] != '"' {
			return unexpected(b, p, "a field name")
		}
		s, e, next, esc, err := scanString(b, p)
		if err != nil {
			return err
		}
		key := b[s:e]
		if esc {
			d.scratch = unescape(d.scratch[:0], key)
			key = d.scratch
		}
		idx := d.fieldIndex(key)
		p = skipWS(b, next)
		if p >= len(b) || b[p] != ':' {
			return unexpected(b, p, "':'")
		}
		p = skipWS(b, p+1)
		slot := -1
		if idx >= 0 {
			slot = d.slotOf[idx]
		}
		if slot < 0 {
			p, err = skipValue(b, p, 1)
		} else {
			p, err = d.value(d.cols[slot], row, b, p)
		}
		if err != nil {
			return err
		}
		p = skipWS(b, p)
		if p < len(b) && b[p] == ',' {
			p = skipWS(b, p+1)
			continue
		}
		if p < len(b) && b[p] == '}' {
			return d.end(b, p+1)
		}
		return unexpected(b, p, "',' or '}'")
	}
}

// end checks that nothing but whitespace follows the object.
func (d *Decoder) end(b []byte, p int) *FieldError {
	if p = skipWS(b, p); p != len(b) {
		return syntaxErr("invalid JSON at column %d: unexpected %s after the object (one object per line)", p+1, describe(b, p))
	}
	return nil
}

// fieldIndex maps a JSON key to a declared column index, or -1.
func (d *Decoder) fieldIndex(key []byte) int {
	h := d.hint
	if h >= len(d.names) {
		h = 0
	}
	if h < len(d.names) && string(key) == d.names[h] {
		d.hint = h + 1
		return h
	}
	if i, ok := d.exact[string(key)]; ok {
		d.hint = i + 1
		return i
	}
	if i, ok := d.folded[string(key)]; ok {
		return i
	}
	idx := -1
	for i, n := range d.names {
		if bytes.EqualFold(key, []byte(n)) {
			idx = i
			break
		}
	}
	if len(d.folded) < maxFoldCache {
		d.folded[string(key)] = idx
	}
	return idx
}

// value decodes the JSON value at p into column c.
func (d *Decoder) value(c *column, row int, b []byte, p int) (int, *FieldError) {
	if p >= len(b) {
		return 0, unexpected(b, p, "a value")
	}
	switch ch := b[p]; {
	case ch == '"':
		s, e, next, esc, err := scanString(b, p)
		if err != nil {
			return 0, err
		}
		v := b[s:e]
		if esc {
			d.scratch = unescape(d.scratch[:0], v)
			v = d.scratch
		}
		return next, d.setText(c, row, v)
	case ch == '-' || (ch >= '0' && ch <= '9'):
		next, isInt, err := scanNumber(b, p)
		if err != nil {
			return 0, err
		}
		return next, d.setNumber(c, row, b[p:next], isInt)
	case ch == 'n':
		next, err := scanLiteral(b, p, "null")
		if err != nil {
			return 0, err
		}
		c.valid[row] = false
		return next, nil
	case ch == 't' || ch == 'f':
		word := "false"
		if ch == 't' {
			word = "true"
		}
		next, err := scanLiteral(b, p, word)
		if err != nil {
			return 0, err
		}
		return next, c.setBool(row, ch == 't', b[p:next])
	case ch == '{' || ch == '[':
		next, err := skipValue(b, p, 1)
		if err != nil {
			return 0, err
		}
		if c.kind != kindString {
			what := "an object"
			if ch == '[' {
				what = "an array"
			}
			return 0, c.fail("expected %s, got %s", c.sqlType, what)
		}
		c.setString(row, b[p:next])
		return next, nil
	default:
		return 0, unexpected(b, p, "a value")
	}
}

// Flush returns the pending rows as a record owned by the caller (nil if
// there are none) and starts a new batch.
func (d *Decoder) Flush() arrow.RecordBatch {
	if d.rows == 0 {
		return nil
	}
	n := d.rows
	arrs := make([]arrow.Array, len(d.cols))
	for i, c := range d.cols {
		arrs[i] = c.build(n)
	}
	rec := array.NewRecordBatch(d.out, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	d.rows, d.bytes = 0, 0
	return rec
}

// Release frees the builders; pending rows are discarded.
func (d *Decoder) Release() {
	for _, c := range d.cols {
		c.builder.Release()
	}
	d.cols = nil
	d.rows = 0
}
