package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/prepass"
)

// CreateTable binds a CREATE TABLE into a catalog table and adds it to the
// catalog. It returns nil (with errors recorded) if the table is invalid,
// and nil without error for CREATE TABLE IF NOT EXISTS of a known name.
func (b *Binder) CreateTable(st *prepass.Stmt) *catalog.Table {
	def := st.Table
	before := len(b.errs)
	if p, ok := b.cat.Declared(def.Name); ok {
		if def.IfNotExists {
			return nil
		}
		b.errs.Add(b.file.Pos(def.NameOff), "%s is already defined at %s", def.Name, p)
		return nil
	}
	fields := make([]arrow.Field, 0, len(def.Columns))
	seen := map[string]bool{}
	md := newMetadataColumns()
	for _, c := range def.Columns {
		key := strings.ToLower(c.Name)
		if seen[key] {
			b.errs.Add(b.file.Pos(c.Off), "column %s is defined twice", c.Name)
			continue
		}
		seen[key] = true
		if c.Metadata != nil {
			b.metadataColumn(md, c, len(fields))
		}
		fields = append(fields, arrow.Field{Name: c.Name, Type: c.Type, Nullable: !c.NotNull})
	}
	if len(fields) == 0 {
		b.errs.Add(b.file.Pos(def.Off), "table %s has no columns", def.Name)
	}
	t := &catalog.Table{
		Name:      def.Name,
		Schema:    arrow.NewSchema(fields, nil),
		Options:   map[string]string{},
		OptionPos: map[string]diag.Pos{},
		Pos:       b.file.Pos(def.Off),
		Metadata:  md.keys,
		Virtual:   md.virtual,
	}
	for _, o := range def.Options {
		t.Options[o.Key] = o.Value
		t.OptionPos[o.Key] = b.file.Pos(o.Off)
	}
	switch {
	case !def.HasWith:
		b.errs.Add(t.Pos, "CREATE TABLE %s needs a WITH ('connector' = '...') clause", def.Name)
	case t.Options["connector"] == "":
		b.errs.Add(t.Pos, "table %s has no 'connector' option", def.Name)
	}
	if def.Watermark != nil {
		t.Watermark = b.watermark(st, def, t)
	}
	if len(b.errs) > before {
		b.cat.MarkBroken(def.Name)
		return nil
	}
	b.cat.AddTable(t)
	return t
}

// watermark binds WATERMARK FOR col AS expr over the table's columns.
func (b *Binder) watermark(st *prepass.Stmt, def *prepass.TableDef, t *catalog.Table) *catalog.Watermark {
	w := def.Watermark
	col := fieldIndex(t.Schema, w.Column)
	if col < 0 {
		b.errs.Add(b.file.Pos(w.ColumnOff), "watermark column %s not found in table %s", w.Column, def.Name)
		return nil
	}
	if ct := t.Schema.Field(col).Type; ct.ID() != arrow.TIMESTAMP {
		b.errs.Add(b.file.Pos(w.ColumnOff), "watermark column %s must be TIMESTAMP(3), not %s", w.Column, expr.SQLTypeName(ct))
		return nil
	}
	sc := &stmtCtx{b: b, toks: st.Toks, text: w.Expr}
	node, ok := sc.parse()
	if !ok {
		return nil
	}
	sel, ok := node.(*ast.SelectStmt)
	if !ok || sel.From != nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].Expr == nil {
		b.errs.Add(b.file.Pos(w.ExprOff), "expected one expression after WATERMARK FOR %s AS", w.Column)
		return nil
	}
	e := sc.expr(sel.Fields.Fields[0].Expr, newScope(def.Name, t.Schema))
	if e == nil {
		return nil
	}
	if e.Type().ID() != arrow.TIMESTAMP {
		b.errs.Add(b.file.Pos(w.ExprOff), "WATERMARK expression must be TIMESTAMP(3), got %s", expr.SQLTypeName(e.Type()))
		return nil
	}
	return &catalog.Watermark{Column: col, Expr: e, Pos: b.file.Pos(w.Off)}
}
