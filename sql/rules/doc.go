// Package rules holds Weir's logical rewrite rules. A rule is a function
// from a plan to a new plan, reporting whether anything changed; rules
// never mutate their input (plans are values). Optimize applies a list of
// rules until none changes the plan: filters pushed through projections
// and merged down to their scan, adjacent projections merged, identity
// projections dropped, boolean identities simplified, constants folded,
// and the scan narrowed to the columns the query uses.
//
// It imports sql/plan and operators/expr only; it must not import the
// binder, the parser or the runtime.
package rules
