// Package stdout is the 'stdout' connector: a sink printing rows to the
// SinkConfig's Stdout, as JSON lines ('format' = 'json', the default) or
// in Flink's print style ('format' = 'text': +I[1, 2, foo]). Writers of
// all subtasks share the output and write whole batches under one mutex,
// so lines never interleave. It imports the connectors contract and
// jsonformat only.
package stdout
