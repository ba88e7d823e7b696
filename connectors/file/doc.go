// Package file is the 'file' connector: a bounded source reading JSON
// lines from a file or a directory of files, and a sink writing JSON
// lines to one file, atomically (a temporary file renamed into place).
//
// The source cuts its files into byte-range splits so that subtasks can
// decode one large file in parallel: each split reads the lines that
// begin inside it, so every line is read once whatever the parallelism,
// and a split starting mid-file counts its line numbers only when a bad
// line must be reported.
//
// With checkpointing, readers save their position (the splits finished,
// the byte offset and line number of the next line, and each file's
// size and modification time to detect changes), and the sink's 'path'
// is a directory into which each writer commits one part file per
// checkpoint (two-phase: a hidden in-progress file renamed into place
// once the checkpoint is durable).
//
// It owns the connector's WITH options ('path', 'format', 'bad-data' and
// the format's 'json.*' options) and where bad lines are reported
// (path:LINE). It imports the connectors contract and jsonformat; it must
// not import sql, engine, operators or web.
package file
