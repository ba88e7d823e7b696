package expr

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Evaluator is a compiled expression, ready to run over record batches of
// the schema it was compiled for. Its compiled state is read-only, so one
// Evaluator may be used by several goroutines at once.
type Evaluator struct {
	expr   Expr
	root   node
	schema *arrow.Schema
	cols   []int // input columns the expression reads
}

// evalCtx is the per-call state of one Eval.
type evalCtx struct {
	ctx   context.Context
	alloc memory.Allocator
	n     int
}

// node is one compiled expression node. eval returns a datum the caller
// owns: an array of ec.n rows or a scalar.
type node interface {
	eval(ec *evalCtx, rec arrow.RecordBatch) (datum, error)
}

// kernel computes a function over its evaluated arguments, at least one of
// which is an array of ec.n rows (or all are scalars and ec.n rows are
// wanted). It returns a new array of ec.n rows and never keeps the args.
type kernel func(ec *evalCtx, args []datum) (arrow.Array, error)

// Compile type-checks e against the input schema and prepares its
// kernels. Errors wrap ErrType, ErrUnknownFunction or ErrInvalidValue.
func Compile(e Expr, input *arrow.Schema) (*Evaluator, error) {
	if e == nil {
		return nil, fmt.Errorf("%w: nil expression", ErrType)
	}
	if input == nil {
		input = arrow.NewSchema(nil, nil)
	}
	c := &compiler{schema: input}
	root, err := c.compile(e)
	if err != nil {
		return nil, err
	}
	return &Evaluator{expr: e, root: root, schema: input, cols: c.cols}, nil
}

// Expr returns the expression the evaluator was compiled from.
func (ev *Evaluator) Expr() Expr { return ev.expr }

// Type returns the Arrow type of the arrays Eval returns.
func (ev *Evaluator) Type() arrow.DataType { return ev.expr.Type() }

// Eval evaluates the expression over rec and returns a new array of
// rec.NumRows() rows that the caller owns (Release it). rec is borrowed.
// A column reference returns the input column itself, retained. alloc
// allocates every new buffer (nil means memory.DefaultAllocator).
func (ev *Evaluator) Eval(ctx context.Context, alloc memory.Allocator, rec arrow.RecordBatch) (arrow.Array, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if alloc == nil {
		alloc = memory.DefaultAllocator
	}
	for _, idx := range ev.cols {
		if idx >= int(rec.NumCols()) {
			return nil, fmt.Errorf("%w: column %d missing (record has %d columns)", ErrSchema, idx, rec.NumCols())
		}
		want := ev.schema.Field(idx).Type
		if got := rec.Column(idx).DataType(); !arrow.TypeEqual(got, want) {
			return nil, fmt.Errorf("%w: column %d (%s) is %s, compiled for %s", ErrSchema, idx,
				ev.schema.Field(idx).Name, SQLTypeName(got), SQLTypeName(want))
		}
	}
	ec := &evalCtx{ctx: ctx, alloc: alloc, n: int(rec.NumRows())}
	d, err := ev.root.eval(ec, rec)
	if err != nil {
		return nil, err
	}
	if d.arr == nil {
		return materialize(alloc, d.sc, ec.n), nil
	}
	return d.arr, nil
}

type compiler struct {
	schema *arrow.Schema
	cols   []int
}

func (c *compiler) compile(e Expr) (node, error) {
	switch n := e.(type) {
	case *Column:
		return c.column(n)
	case *Literal:
		s, err := scalarFromLiteral(n)
		if err != nil {
			return nil, err
		}
		return &constNode{sc: s}, nil
	case *Call:
		return c.call(n)
	case *Cast:
		return c.cast(n)
	case *Case:
		return c.caseExpr(n)
	case nil:
		return nil, fmt.Errorf("%w: nil expression", ErrType)
	default:
		return nil, fmt.Errorf("%w: unsupported expression node %T", ErrType, e)
	}
}

func (c *compiler) column(col *Column) (node, error) {
	if col.Index < 0 || col.Index >= c.schema.NumFields() {
		return nil, fmt.Errorf("%w: column %s: index %d out of range (input has %d columns)",
			ErrType, col, col.Index, c.schema.NumFields())
	}
	ft := c.schema.Field(col.Index).Type
	if col.DataType == nil || !arrow.TypeEqual(ft, col.DataType) {
		got := "no type"
		if col.DataType != nil {
			got = SQLTypeName(col.DataType)
		}
		return nil, fmt.Errorf("%w: column %s has %s but input column %d is %s",
			ErrType, col, got, col.Index, SQLTypeName(ft))
	}
	if err := checkSupported(ft, col.String()); err != nil {
		return nil, err
	}
	c.cols = append(c.cols, col.Index)
	return &colNode{idx: col.Index}, nil
}

// checkSupported rejects Arrow types that are not one of Weir's SQL types.
func checkSupported(t arrow.DataType, where string) error {
	switch t.ID() {
	case arrow.BOOL, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64, arrow.STRING,
		arrow.DATE32, arrow.NULL:
		return nil
	case arrow.DECIMAL128:
		if d := t.(*arrow.Decimal128Type); d.Precision < 1 || d.Precision > 38 || d.Scale < 0 || d.Scale > d.Precision {
			return fmt.Errorf("%w: %s: invalid type %s", ErrType, where, SQLTypeName(t))
		}
		return nil
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).Unit == arrow.Millisecond {
			return nil
		}
	case arrow.DURATION:
		if t.(*arrow.DurationType).Unit == arrow.Millisecond {
			return nil
		}
	}
	return fmt.Errorf("%w: %s: unsupported type %s", ErrType, where, t)
}

// argInfo is what a function binder knows about an argument at Compile
// time: its type and, for a constant, its value.
type argInfo struct {
	typ arrow.DataType
	lit *scalar
}

// binder checks a call's argument and result types and returns its
// kernel.
type binder func(call *Call, args []argInfo) (kernel, error)

func (c *compiler) call(call *Call) (node, error) {
	bind, ok := functions[call.Func]
	if !ok {
		return nil, fmt.Errorf("%w: %q in %s", ErrUnknownFunction, call.Func, call)
	}
	if call.DataType == nil {
		return nil, fmt.Errorf("%w: %s has no result type", ErrType, call)
	}
	if err := checkSupported(call.DataType, call.String()); err != nil {
		return nil, err
	}
	args := make([]node, len(call.Args))
	infos := make([]argInfo, len(call.Args))
	for i, a := range call.Args {
		n, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = n
		infos[i] = argInfo{typ: a.Type()}
		if cn, ok := n.(*constNode); ok {
			infos[i].lit = cn.sc
		}
	}
	k, err := bind(call, infos)
	if err != nil {
		return nil, err
	}
	return fold(&callNode{expr: call, args: args, k: k}, args), nil
}

// fold evaluates a node whose children are all constants once, at
// Compile time. If that fails (say 1/0 overflow in a branch that may
// never run), the node is kept and fails, or not, at run time.
func fold(n node, children []node) node {
	for _, ch := range children {
		if _, ok := ch.(*constNode); !ok {
			return n
		}
	}
	s, err := evalScalar(n)
	if err != nil {
		return n
	}
	return &constNode{sc: s}
}

// evalScalar evaluates a constant node for one row.
func evalScalar(n node) (*scalar, error) {
	ec := &evalCtx{ctx: context.Background(), alloc: memory.DefaultAllocator, n: 1}
	d, err := n.eval(ec, nil)
	if err != nil {
		return nil, err
	}
	if d.arr == nil {
		return d.sc, nil
	}
	defer d.arr.Release()
	return scalarAt(d.arr, 0)
}

type colNode struct{ idx int }

func (c *colNode) eval(_ *evalCtx, rec arrow.RecordBatch) (datum, error) {
	if rec == nil {
		return datum{}, errors.New("column reference in a constant expression")
	}
	col := rec.Column(c.idx)
	col.Retain()
	return datum{arr: col}, nil
}

type constNode struct{ sc *scalar }

func (c *constNode) eval(*evalCtx, arrow.RecordBatch) (datum, error) {
	return datum{sc: c.sc}, nil
}

type callNode struct {
	expr Expr
	args []node
	k    kernel
}

func (c *callNode) eval(ec *evalCtx, rec arrow.RecordBatch) (datum, error) {
	ds, err := evalArgs(ec, rec, c.args)
	if err != nil {
		return datum{}, err
	}
	defer releaseAll(ds)
	arr, err := c.k(ec, ds)
	if err != nil {
		return datum{}, fmt.Errorf("%s: %w", c.expr, err)
	}
	return datum{arr: arr}, nil
}

// evalArgs evaluates a node's children. When every child is a scalar the
// first is materialised, so a kernel always sees at least one array.
func evalArgs(ec *evalCtx, rec arrow.RecordBatch, args []node) ([]datum, error) {
	ds := make([]datum, len(args))
	allScalar := true
	for i, a := range args {
		d, err := a.eval(ec, rec)
		if err != nil {
			releaseAll(ds[:i])
			return nil, err
		}
		ds[i] = d
		if d.arr != nil {
			allScalar = false
		}
	}
	if allScalar && len(ds) > 0 {
		ds[0] = datum{arr: materialize(ec.alloc, ds[0].sc, ec.n)}
	}
	return ds, nil
}

func releaseAll(ds []datum) {
	for _, d := range ds {
		d.release()
	}
}

// typeErr formats a Compile-time type error for call.
func typeErr(call Expr, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrType, call, fmt.Sprintf(format, a...))
}

// wantResult checks that a call's declared result type is want.
func wantResult(call *Call, want arrow.DataType) error {
	if !arrow.TypeEqual(call.DataType, want) {
		return typeErr(call, "result type is %s, want %s", SQLTypeName(call.DataType), SQLTypeName(want))
	}
	return nil
}

// wantArgs checks the argument count.
func wantArgs(call *Call, args []argInfo, lo, hi int) error {
	if len(args) < lo || len(args) > hi {
		if lo == hi {
			return typeErr(call, "takes %d arguments, got %d", lo, len(args))
		}
		return typeErr(call, "takes %d to %d arguments, got %d", lo, hi, len(args))
	}
	return nil
}

// wantArgType checks that argument i has type want.
func wantArgType(call *Call, args []argInfo, i int, want arrow.DataType) error {
	if !arrow.TypeEqual(args[i].typ, want) {
		return typeErr(call, "argument %d is %s, want %s", i+1, SQLTypeName(args[i].typ), SQLTypeName(want))
	}
	return nil
}

// compileErr attaches the expression to an error found while preparing
// it (an invalid literal pattern, say).
func compileErr(e Expr, err error) error {
	return fmt.Errorf("%s: %w", e, err)
}
