// Package jsonformat converts between JSON lines and Arrow record batches.
//
// The Decoder parses one JSON object per line straight into typed column
// buffers for a target schema (no map[string]any, no per-row boxing), and
// builds Arrow arrays column by column every BatchSize rows. A bad line
// leaves the pending rows exactly as they were and returns a *FieldError,
// to which the caller adds the location (file and line, or topic,
// partition and offset). The Encoder renders records as JSON lines, one
// column at a time.
//
// The package owns the JSON format's value rules (accepted timestamp
// forms, quoted numbers, how non-string values read into VARCHAR) and its
// WITH options ('json.*'). It imports Arrow, the standard library and the
// connectors contract only; it must not import sql, engine, operators or
// any connector.
package jsonformat
