// Package prepass is the position-preserving pre-pass that runs before the
// TiDB parser. It lexes a SQL file, splits it into statements, and deals
// with the Flink syntax the MySQL grammar rejects:
//
//   - CREATE TABLE (Flink types such as STRING and bare VARCHAR, WATERMARK
//     FOR col AS expr, WITH ('k' = 'v', ...)) and SET 'k' = 'v' are parsed
//     here, from tokens; only a watermark's expression goes to TiDB.
//   - In queries, text is rewritten without changing its length or its
//     newlines: INTERVAL '4' SECOND becomes a blank string literal of the
//     same width, CAST(x AS BIGINT) becomes WCAS(x         ) with the type
//     lifted, EXTRACT(DOY FROM t) becomes WEXTRCT(        t) with the unit
//     lifted, SESSION( becomes WSESSON(, and comments are blanked (MySQL
//     reads -- differently from Flink).
//
// Every lifted piece is recorded under the byte offset the TiDB parser
// reports for the node that replaces it, so the binder restores it exactly,
// and since offsets never move, every offset TiDB reports is the user's.
//
// It imports sql/lex, sql/types and sql/diag; it must not import the TiDB
// parser, the binder or the runtime.
package prepass
