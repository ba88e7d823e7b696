// Package operators holds Weir's dataflow operators: projection and filter
// over vectorised expressions (package operators/expr), and later windows,
// aggregates and joins. Operators receive compiled configurations (Arrow
// schemas and expr.Expr trees) and work a column at a time on Arrow arrays.
//
// It must not import sql, engine, connectors or web: the planner compiles
// SQL into configurations, and the runtime drives operators through the
// Operator interface.
package operators
