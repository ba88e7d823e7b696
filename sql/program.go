package sql

import (
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/plan"
)

// Program is a compiled SQL file: its tables, settings and the pipelines
// its INSERT INTO and bare SELECT statements define, in file order.
type Program struct {
	// File is the name errors are reported against.
	File string
	// Tables are the CREATE TABLE declarations, in file order.
	Tables []*catalog.Table
	// Settings are the SET 'key' = 'value' statements; a later SET of the
	// same key wins.
	Settings map[string]string
	// SettingPos is where the SET statement that gave each key its value
	// starts.
	SettingPos map[string]diag.Pos
	// Pipelines are the statements that run, in file order.
	Pipelines []*Pipeline
}

// Pipeline is one INSERT INTO ... SELECT or bare SELECT.
type Pipeline struct {
	// Name identifies the pipeline in EXPLAIN, metrics and errors, e.g.
	// "insert_into_hot_items" or "select_2" (numbered by statement).
	Name string
	// Pos is where the statement starts.
	Pos diag.Pos
	// Query is the optimised logical plan. For an INSERT its output schema
	// is the sink's row: Sink.Schema (names and types, casts already
	// inserted) without the columns marked in Sink.Virtual, which are read
	// from sources but never written. It is what the sink receives
	// (SinkConfig.Schema): Sink.Metadata indices point into Sink.Schema,
	// so map them to output indices by column name. With no VIRTUAL
	// columns it equals Sink.Schema.
	Query plan.Node
	// Sink is the target table of an INSERT, or nil for a bare SELECT
	// (whose rows go to stdout, or the console's live preview).
	Sink *catalog.Table
}
