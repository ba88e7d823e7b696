// Command weir is Weir's command-line interface: run, validate and explain
// Flink-style SQL pipelines, run the built-in Kafka-compatible broker and
// the demo. It only wires flags, environment and signals to the engine;
// all behaviour lives in the packages below it (engine, connectors, ...),
// and it is the only place that calls os.Exit.
package main
