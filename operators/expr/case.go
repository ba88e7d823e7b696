package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/compute/exec"
)

// caseNode evaluates a searched CASE. Conditions and branches run
// vectorised over the whole batch; if one fails (a CAST of a string that
// a WHEN guards against, say), it is run again over only the rows that
// reach it, so an error surfaces only if a row that needs the value fails,
// as with row-at-a-time evaluation.
type caseNode struct {
	expr  *Case
	conds []node
	vals  []node // the THEN values, then ELSE
}

func (c *compiler) caseExpr(e *Case) (node, error) {
	if e.DataType == nil {
		return nil, typeErr(e, "has no result type")
	}
	if err := checkSupported(e.DataType, e.String()); err != nil {
		return nil, err
	}
	if e.Else == nil {
		return nil, typeErr(e, "has no ELSE (bind a missing ELSE as a NULL literal)")
	}
	n := &caseNode{expr: e}
	var children []node
	for i, w := range e.Whens {
		if w.Cond == nil || w.Then == nil {
			return nil, typeErr(e, "WHEN %d is incomplete", i+1)
		}
		if !arrow.TypeEqual(w.Cond.Type(), Boolean) {
			return nil, typeErr(e, "WHEN %d condition is %s, want BOOLEAN", i+1, SQLTypeName(w.Cond.Type()))
		}
		if !arrow.TypeEqual(w.Then.Type(), e.DataType) {
			return nil, typeErr(e, "THEN %d is %s, want %s", i+1, SQLTypeName(w.Then.Type()), SQLTypeName(e.DataType))
		}
		cn, err := c.compile(w.Cond)
		if err != nil {
			return nil, err
		}
		tn, err := c.compile(w.Then)
		if err != nil {
			return nil, err
		}
		n.conds = append(n.conds, cn)
		n.vals = append(n.vals, tn)
		children = append(children, cn, tn)
	}
	if !arrow.TypeEqual(e.Else.Type(), e.DataType) {
		return nil, typeErr(e, "ELSE is %s, want %s", SQLTypeName(e.Else.Type()), SQLTypeName(e.DataType))
	}
	en, err := c.compile(e.Else)
	if err != nil {
		return nil, err
	}
	n.vals = append(n.vals, en)
	children = append(children, en)
	return fold(n, children), nil
}

func (c *caseNode) eval(ec *evalCtx, rec arrow.RecordBatch) (datum, error) {
	n := ec.n
	const undecided = -1
	pick := make([]int32, n)
	for i := range pick {
		pick[i] = undecided
	}
	open := n // rows not yet decided
	for k, cn := range c.conds {
		if open == 0 {
			break
		}
		rows := rowsWhere(pick, undecided, open)
		d, at, err := evalRows(ec, cn, rec, rows, open == n)
		if err != nil {
			return datum{}, err
		}
		col := boolColOf(d)
		for j, i := range rows {
			r := j
			if at == nil {
				r = int(i)
			}
			if !col.isNull(r) && col.at(r) {
				pick[i] = int32(k)
				open--
			}
		}
		d.release()
	}
	elseK := int32(len(c.vals) - 1)
	counts := make([]int, len(c.vals))
	for i := range pick {
		if pick[i] == undecided {
			pick[i] = elseK
		}
		counts[pick[i]]++
	}
	// Evaluate the branches that some row takes.
	srcs := make([]datum, len(c.vals))
	defer releaseAll(srcs)
	var at []int32
	for k, vn := range c.vals {
		if counts[k] == 0 {
			srcs[k] = datum{sc: &scalar{typ: c.expr.DataType, null: true}}
			continue
		}
		if counts[k] == n {
			d, err := vn.eval(ec, rec)
			return d, err
		}
		rows := rowsWhere(pick, int32(k), counts[k])
		d, sub, err := evalRows(ec, vn, rec, rows, false)
		if err != nil {
			return datum{}, err
		}
		srcs[k] = d
		if sub != nil {
			if at == nil {
				at = make([]int32, n)
				for i := range at {
					at[i] = int32(i)
				}
			}
			for j, i := range rows {
				at[i] = int32(j)
			}
		}
	}
	return datum{arr: gather(ec.alloc, c.expr.DataType, n, srcs, pick, at)}, nil
}

// rowsWhere lists the rows i with pick[i] == k (count of them known).
func rowsWhere(pick []int32, k int32, count int) []int32 {
	rows := make([]int32, 0, count)
	for i, p := range pick {
		if p == k {
			rows = append(rows, int32(i))
		}
	}
	return rows
}

// evalRows evaluates nd over the whole batch and, if that fails and rows
// is a proper subset, over just those rows. When the subset was used, the
// returned datum has len(rows) rows and sub is rows (non-nil).
func evalRows(ec *evalCtx, nd node, rec arrow.RecordBatch, rows []int32, all bool) (datum, []int32, error) {
	d, err := nd.eval(ec, rec)
	if err == nil || all || rec == nil || len(rows) == ec.n {
		return d, nil, err
	}
	sub, ferr := subsetRecord(ec, rec, rows)
	if ferr != nil {
		return datum{}, nil, err
	}
	defer sub.Release()
	sec := &evalCtx{ctx: ec.ctx, alloc: ec.alloc, n: len(rows)}
	d, err = nd.eval(sec, sub)
	if err != nil {
		return datum{}, nil, err
	}
	return d, rows, nil
}

// subsetRecord selects the given rows of rec.
func subsetRecord(ec *evalCtx, rec arrow.RecordBatch, rows []int32) (arrow.RecordBatch, error) {
	o := newBoolOut(ec.alloc, ec.n)
	for _, i := range rows {
		o.set(int(i))
	}
	mask := o.finish()
	defer mask.Release()
	ctx := exec.WithAllocator(ec.ctx, ec.alloc)
	return compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
}
