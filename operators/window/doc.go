// Package window executes group-window aggregations: TUMBLE, HOP and
// SESSION windows over an event-time column, with any number of group
// keys, and COUNT, COUNT(DISTINCT), SUM, MIN, MAX and AVG. The operator
// keeps partial aggregates per (key, window or pane), never rows, in
// state tables from package state; it fires a window when the watermark
// reaches the window's end and then releases its state. Rows that arrive
// after all their windows fired are dropped and counted.
//
// Spec (defined in operators/windowspec) is the compiled configuration the
// planner builds from SQL. The package imports operators, operators/expr,
// operators/windowspec, state and state/badgerstate; it must not import
// sql, engine, connectors or web.
//
// How it runs (New builds the operator):
//
//   - Each batch is worked a column at a time: the key columns are
//     interned into dense key ids (keys.go: one map lookup per row, no
//     allocation except for new keys), each row is given an accumulator
//     slot (panes.go, session.go), then every aggregate folds its argument
//     column into its typed slot slices (count.go, sum.go, minmax.go,
//     decimal.go, distinct.go).
//   - TUMBLE and HOP cut time into panes of gcd(slide, size): a row adds
//     to one (pane, key) partial, and a HOP window merges its size/pane
//     panes when it fires. COUNT(DISTINCT) keeps a value set per pane and
//     unions them. Rows in the gaps of a HOP with slide > size belong to
//     no window and are skipped.
//   - SESSION keeps each key's open sessions; sessions that overlap or
//     touch merge. A session fires when the watermark passes its end
//     (wm > end): a row at t == wm is still on time and would extend a
//     session ending at wm.
//   - At a checkpoint barrier Snapshot writes the partials, keys and
//     watermark as one checksummed blob per key group (snapshot*.go); a
//     restarted operator's Restore loads any set of them and resumes
//     exactly where the snapshot was taken.
//   - On the Badger state backend (Env.Tables) at most a bounded number
//     of partials stay in memory: TUMBLE and HOP write the rest out as
//     sorted runs per pane and key group, merged when windows fire
//     (spill*.go); SESSION writes whole keys out and reads a key back
//     when a row of it comes (session_spill*.go).
//
// Semantics decided here: rows with a NULL event time, and rows outside
// the representable time range (a TUMBLE or HOP window of theirs would
// start before math.MinInt64 or end after math.MaxInt64, or a session's
// end t+gap would reach math.MaxInt64), belong to no window and are
// dropped and counted in Metrics.LateRows with late rows; NULL keys form
// their own group; integer SUM and AVG's sum wrap on overflow as Java's
// do, AVG of integers truncates toward zero; DECIMAL sums are exact
// whatever the order of the rows (kept 192 bits wide, so they never wrap)
// and the window fails with an error naming the aggregate when SUM, or
// AVG's sum, exceeds DECIMAL(38, s); float sums depend on the order values
// are added in; MIN and MAX of FLOAT and DOUBLE use the total order of
// Java's Double.compare (-0.0 < 0.0, NaN above +Infinity), so MIN skips
// NaN unless every value is NaN and MAX is NaN if any value is, whatever
// the order; MIN and MAX of VARCHAR compare bytes.
package window
