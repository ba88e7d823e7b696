// Package engine turns a compiled SQL program into a running job.
//
// It owns three steps. Planning (build.go) turns each pipeline's logical
// plan into a physical Graph: vertices of chained operators with a
// parallelism, joined by forward, rebalance or hash-shuffle edges, with
// sources and sinks opened through the connector registry. Explaining
// (explain.go) renders that graph as text, dot or json. Running (job.go,
// task.go, source.go) starts one goroutine per vertex subtask, joined by
// bounded channels so a slow consumer slows its producers.
//
// Event time: sources compute watermarks from the table's WATERMARK FOR
// expression after every record they read; a subtask's watermark is the
// minimum over its inputs that are not idle ('scan.watermark.idle-timeout'),
// and the runtime, not the operators, takes that minimum and hands it to
// event-time operators. End of input is +infinity, so every window fires.
// Sinks prepare at end of input and commit only when the whole job
// succeeded. A failure names the vertex, subtask and operator.
//
// Checkpoints (coordinator.go, barrier.go, checkpoint_state.go,
// job_checkpoint.go), on when Config.Checkpoint has a directory: the
// coordinator sends a barrier to every running source subtask, which
// injects it between records; a subtask with several inputs holds back
// each input that delivered the barrier until all have (alignment), then
// snapshots its watermark, source position, operators' state by key group
// and its sink's prepared transaction, and passes the barrier on. Once
// every subtask acknowledged (or had finished), the coordinator writes
// the epoch to the state/checkpoint store in one synced write and only
// then commits the sinks. A run resumes from the newest complete epoch.
// Package failpoint kills the process at named points for crash tests.
//
// Imports point down: engine may import sql, operators, connectors, state
// and udf, and must not import web or cmd.
package engine
