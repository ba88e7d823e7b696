// Package state will own operator state: the state-table interface that
// window and aggregate operators use (keyed tables, and time-keyed tables
// evicted by watermark), its in-memory implementation, and the Badger
// implementation with checkpoints (issues 3 and 5). It holds no code yet.
//
// It must not import sql, engine, connectors, operators or web.
package state
