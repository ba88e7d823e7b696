// Package lex is the small SQL lexer of Weir's front end. It splits SQL text
// into tokens that carry their byte offsets in the user's file, skipping
// `--` and `/* */` comments and keeping string literals (with their
// keywords, semicolons, quotes and newlines) whole. The pre-pass uses it to
// find the Flink clauses the TiDB grammar rejects, and the binder uses it to
// point errors at the exact token. File converts byte offsets to the
// user's line and column.
//
// It imports only sql/diag; it must not import the parser, the binder or
// anything of the runtime.
package lex
