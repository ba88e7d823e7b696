// Package bench holds Weir's throughput and memory benchmarks. Most build
// the weir binary and run real SQL files through `weir run` in a child
// process, so CPU time and peak RSS are the engine's own, measured by the
// kernel (getrusage of the child); those import nothing from Weir: they
// drive the CLI. The checkpoint benchmark runs a job in-process instead,
// because its figures (checkpoint duration, data-path pause, restore time)
// come from the engine's own checkpoint statistics.
package bench
