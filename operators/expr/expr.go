package expr

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Expr is a bound, typed scalar expression over the columns of one input
// schema. Expressions are plain values: the binder in package sql builds
// them, rewrite rules return new ones, and Compile turns one into a
// vectorised evaluator. Every node knows its result type; argument types of
// a Call are exactly what the function's kernel expects (the binder inserts
// Casts for implicit conversions), so evaluation never guesses.
type Expr interface {
	// Type is the Arrow type of the expression's result.
	Type() arrow.DataType
	// String renders the expression for EXPLAIN and error messages.
	String() string
	isExpr()
}

// Column reads the input column at Index.
type Column struct {
	Index    int
	Name     string
	DataType arrow.DataType
}

// Literal is a constant. Value is nil for SQL NULL; otherwise its Go type
// follows DataType: bool (BOOLEAN), int32 (INT), int64 (BIGINT), float32
// (FLOAT), float64 (DOUBLE), decimal128.Num (DECIMAL), string (VARCHAR),
// arrow.Timestamp in milliseconds (TIMESTAMP(3)), arrow.Date32 (DATE),
// arrow.Duration in milliseconds (INTERVAL day-time).
type Literal struct {
	Value    any
	DataType arrow.DataType
}

// Call applies a scalar function, named by one of the Fn* constants, to its
// arguments.
type Call struct {
	Func     string
	Args     []Expr
	DataType arrow.DataType
}

// Cast converts Input to the type To with SQL CAST semantics.
type Cast struct {
	Input Expr
	To    arrow.DataType
}

// When is one WHEN cond THEN value branch of a Case.
type When struct {
	Cond Expr
	Then Expr
}

// Case is a searched CASE; a simple CASE x WHEN v is bound as x = v. Else is
// never nil: a missing ELSE is bound as a NULL Literal of DataType.
type Case struct {
	Whens    []When
	Else     Expr
	DataType arrow.DataType
}

// Type implements Expr.
func (c *Column) Type() arrow.DataType { return c.DataType }

// Type implements Expr.
func (l *Literal) Type() arrow.DataType { return l.DataType }

// Type implements Expr.
func (c *Call) Type() arrow.DataType { return c.DataType }

// Type implements Expr.
func (c *Cast) Type() arrow.DataType { return c.To }

// Type implements Expr.
func (c *Case) Type() arrow.DataType { return c.DataType }

func (*Column) isExpr()  {}
func (*Literal) isExpr() {}
func (*Call) isExpr()    {}
func (*Cast) isExpr()    {}
func (*Case) isExpr()    {}

// String implements Expr.
func (c *Column) String() string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("$%d", c.Index)
}

// String implements Expr.
func (l *Literal) String() string {
	if l.Value == nil {
		return "NULL"
	}
	switch v := l.Value.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case decimal128.Num:
		if d, ok := l.DataType.(*arrow.Decimal128Type); ok {
			return v.ToString(d.Scale)
		}
		return v.ToString(0)
	case arrow.Timestamp:
		return "TIMESTAMP '" + time.UnixMilli(int64(v)).UTC().Format("2006-01-02 15:04:05.000") + "'"
	case arrow.Date32:
		return "DATE '" + v.ToTime().Format("2006-01-02") + "'"
	case arrow.Duration:
		return fmt.Sprintf("INTERVAL '%d' MILLISECOND", int64(v))
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// String implements Expr.
func (c *Call) String() string {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = a.String()
	}
	return c.Func + "(" + strings.Join(args, ", ") + ")"
}

// String implements Expr.
func (c *Cast) String() string {
	return "CAST(" + c.Input.String() + " AS " + SQLTypeName(c.To) + ")"
}

// String implements Expr.
func (c *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range c.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Then.String())
	}
	b.WriteString(" ELSE " + c.Else.String() + " END")
	return b.String()
}

// Walk calls fn for e and then, depth first, for each of its children, as
// long as fn returns true.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch n := e.(type) {
	case *Call:
		for _, a := range n.Args {
			Walk(a, fn)
		}
	case *Cast:
		Walk(n.Input, fn)
	case *Case:
		for _, w := range n.Whens {
			Walk(w.Cond, fn)
			Walk(w.Then, fn)
		}
		Walk(n.Else, fn)
	}
}
