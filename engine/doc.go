// Package engine turns a compiled SQL program into a running job.
//
// It owns three steps. Planning (build.go) turns each pipeline's logical
// plan into a physical Graph: vertices of chained operators with a
// parallelism, joined by forward, rebalance or hash-shuffle edges, with
// sources and sinks opened through the connector registry. Explaining
// (explain.go) renders that graph as text, dot or json. Running
// (runtime.go, task.go) starts one goroutine per vertex subtask, joined by
// bounded channels so a slow consumer slows its producers, propagates
// watermarks and end-of-stream, stops cleanly on request, and names the
// failing operator in any error.
//
// Imports point down: engine may import sql, operators, connectors, state
// and udf, and must not import web or cmd.
package engine
