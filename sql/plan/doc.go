// Package plan holds Weir's logical plan: a tree of relational nodes whose
// expressions are bound operators/expr values. Plans are values; rewrite
// rules return new nodes and never mutate their input. It must not import
// the runtime (engine, connectors, state).
package plan
