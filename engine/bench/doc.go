// Package bench holds Weir's throughput and memory benchmarks. They build
// the weir binary and run real SQL files through `weir run` in a child
// process, so CPU time and peak RSS are the engine's own, measured by the
// kernel (getrusage of the child). It has no non-test code besides this
// comment and imports nothing from Weir: it drives the CLI.
package bench
