package bind

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// scope is the set of columns a query's expressions can name: the output
// columns of its FROM item, each with the name of the table, view or
// alias it came from.
type scope struct {
	cols []scopeCol
	// clause names the clause whose expressions are being bound (WHERE,
	// GROUP BY), for the error an aggregate gets where none is allowed;
	// nestedAgg marks an aggregate's argument. Both are only read when
	// agg is nil.
	clause    string
	nestedAgg bool
	// agg is set while binding the select list and HAVING of a window
	// aggregation: expressions then read group keys, window bounds and
	// aggregates, never the input's columns directly.
	agg *aggregation
}

// inClause returns a copy of s whose aggregates are refused as being in
// clause.
func (s *scope) inClause(clause string) *scope {
	return &scope{cols: s.cols, clause: clause}
}

// scopeCol is one nameable column; its index in scope.cols is its index in
// the input schema.
type scopeCol struct {
	qual string
	name string
	typ  arrow.DataType
}

// newScope names the columns of schema after qual.
func newScope(qual string, schema *arrow.Schema) *scope {
	s := &scope{}
	for _, f := range schema.Fields() {
		s.cols = append(s.cols, scopeCol{qual: qual, name: f.Name, typ: f.Type})
	}
	return s
}

// lookup finds column name, qualified by qual if qual is not empty. It
// returns the index, or -1 and whether the name was ambiguous.
func (s *scope) lookup(qual, name string) (idx int, ambiguous bool) {
	idx = -1
	for i, c := range s.cols {
		if qual != "" && !strings.EqualFold(c.qual, qual) {
			continue
		}
		if strings.EqualFold(c.name, name) {
			if idx >= 0 {
				return -1, true
			}
			idx = i
		}
	}
	return idx, false
}

// hasQual reports whether some column comes from qual.
func (s *scope) hasQual(qual string) bool {
	for _, c := range s.cols {
		if strings.EqualFold(c.qual, qual) {
			return true
		}
	}
	return false
}
