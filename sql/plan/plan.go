package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
)

// Node is a logical plan node.
type Node interface {
	// Schema is the node's output schema.
	Schema() *arrow.Schema
	// Children are the inputs, in order.
	Children() []Node
	// String describes the node alone, on one line, for EXPLAIN.
	String() string
}

// Scan reads a source table. Columns is the projection pushed into the
// source: the output has Table.Schema's fields at these indices, in this
// order.
type Scan struct {
	Table   *catalog.Table
	Columns []int
	Out     *arrow.Schema
	// Watermark is the table's WATERMARK FOR expression bound over Out
	// (the Scan's own output columns, not Table.Schema), or nil when the
	// table declares none. Rules keep every column it reads in Columns,
	// so a source can compute watermarks from its output rows alone.
	Watermark expr.Expr
	Pos       diag.Pos
}

// Filter keeps the rows where Cond is TRUE (not FALSE, not NULL).
type Filter struct {
	Input Node
	Cond  expr.Expr
}

// Project computes one output column per expression.
type Project struct {
	Input Node
	Exprs []expr.Expr
	Out   *arrow.Schema
}

// Schema implements Node.
func (s *Scan) Schema() *arrow.Schema { return s.Out }

// Schema implements Node.
func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }

// Schema implements Node.
func (p *Project) Schema() *arrow.Schema { return p.Out }

// Children implements Node.
func (s *Scan) Children() []Node { return nil }

// Children implements Node.
func (f *Filter) Children() []Node { return []Node{f.Input} }

// Children implements Node.
func (p *Project) Children() []Node { return []Node{p.Input} }

// String implements Node.
func (s *Scan) String() string {
	names := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		names[i] = s.Table.Schema.Field(c).Name
	}
	wm := ""
	if s.Watermark != nil {
		wm = ", watermark=" + s.Watermark.String()
	}
	return fmt.Sprintf("Scan(%s, columns=[%s]%s)", s.Table.Name, strings.Join(names, ", "), wm)
}

// String implements Node.
func (f *Filter) String() string { return "Filter(" + f.Cond.String() + ")" }

// String implements Node.
func (p *Project) String() string {
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = e.String()
		if name := p.Out.Field(i).Name; name != parts[i] {
			parts[i] += " AS " + name
		}
	}
	return "Project(" + strings.Join(parts, ", ") + ")"
}

// Format renders the tree rooted at n, one node per line, children
// indented under their parent.
func Format(n Node) string {
	var b strings.Builder
	var walk func(Node, int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth) + n.String() + "\n")
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
