package catalog

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/diag"
)

// Table is a table declared by CREATE TABLE ... WITH (...).
type Table struct {
	// Name as written (lookups are case-insensitive).
	Name string
	// Schema holds the declared columns in order; every field is nullable
	// unless declared NOT NULL.
	Schema *arrow.Schema
	// Options are the WITH options, keys and values unquoted, keys as
	// written ('connector', 'path', 'format', ...).
	Options map[string]string
	// OptionPos gives where each option key was written, so connector
	// option errors point at the option.
	OptionPos map[string]diag.Pos
	// Watermark is the WATERMARK FOR clause, or nil.
	Watermark *Watermark
	// Metadata maps the indices (into Schema) of columns declared
	// `METADATA [FROM 'key'] [VIRTUAL]` to their metadata key (the column
	// name when FROM is absent), as Flink does. Nil when there are none.
	Metadata map[int]string
	// Virtual marks METADATA ... VIRTUAL columns: read from a source, but
	// never written by an INSERT (they are not part of the sink's row).
	Virtual map[int]bool
	// Pos is where the CREATE TABLE statement starts.
	Pos diag.Pos
}

// Watermark is `WATERMARK FOR col AS expr`.
type Watermark struct {
	// Column is the index in Table.Schema of the event-time column.
	Column int
	// Expr computes the watermark from a row; it is bound over
	// Table.Schema and has type TIMESTAMP(3).
	Expr expr.Expr
	// Pos is where the WATERMARK keyword was written.
	Pos diag.Pos
}

// Option returns the option's value and its position.
func (t *Table) Option(key string) (string, diag.Pos, bool) {
	v, ok := t.Options[key]
	return v, t.OptionPos[key], ok
}
