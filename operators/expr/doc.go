// Package expr holds Weir's bound scalar expression IR (Expr: Column,
// Literal, Call, Cast, Case) and its vectorised evaluator.
//
// Compile checks an expression tree against an input Arrow schema (column
// indexes and types, known functions, the argument types documented in
// funcs.go) and prepares kernels once: LIKE patterns, regular expressions
// and DATE_FORMAT patterns given as literals are compiled at Compile time,
// and constant sub-expressions are folded. Evaluator.Eval then runs the
// tree over an Arrow record batch a column at a time: kernels loop over
// typed value slices and validity bitmaps, treat literal arguments as
// scalars instead of materialising them, and return a column reference as
// the input column itself (retained, zero copy).
//
// NULL semantics follow SQL and Flink: a NULL argument gives NULL unless a
// function says otherwise (AND, OR, IS NULL, IN, COALESCE, CASE). Errors
// (overflow, unparsable CAST input) name the expression and the value.
//
// Rendering to VARCHAR follows Flink: TIMESTAMP(3) as
// "2024-01-01 00:00:10.123" (always three fraction digits), DATE as
// "2024-01-01", DECIMAL with its scale, BOOLEAN as TRUE/FALSE, DOUBLE and
// FLOAT like Java's Double.toString/Float.toString (shortest digits that
// round-trip; plain notation for magnitudes in [1e-3, 1e7), otherwise
// "1.0E10" style), which Go's strconv shortest formatting gives exactly.
//
// This package must not import sql, engine, connectors, web or operators:
// it is the leaf that both the binder (package sql) and the operators use.
package expr
