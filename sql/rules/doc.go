// Package rules holds Weir's logical rewrite rules. A rule is a function
// from a plan to a new plan, reporting whether anything changed; rules
// never mutate their input (plans are values). Optimize applies a list of
// rules until none changes the plan: filters pushed through projections
// and merged down to their scan, adjacent projections merged, identity
// projections dropped, boolean identities simplified, constants folded,
// and the scan narrowed to the columns the query uses (and its watermark
// reads).
//
// A WindowAggregate is a pipeline breaker: no Project or Filter moves
// above it, only filters on its group keys move below it, a renaming
// Project under it is absorbed, and its input is narrowed to its keys,
// time column and aggregate arguments.
//
// It imports sql/plan, operators/expr and operators/window (the window
// spec, a plain value) only; it must not import the binder, the parser or
// the runtime.
package rules
