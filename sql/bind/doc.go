// Package bind turns pre-processed SQL statements into catalog entries and
// logical plans. It runs the TiDB parser on the pre-pass's rewritten text,
// resolves names against a Catalog of tables and views (case-insensitive),
// types every expression with Flink's rules (sql/types), inserts the casts
// that give every expr.Call exactly the argument types its kernel expects,
// and reports every error at the user's token: TiDB records the offset of
// each expression node, and the pre-pass lexer's tokens locate the rest
// (operators, keywords, table names).
//
// A query that aggregates must GROUP BY one TUMBLE, HOP or SESSION window
// over a time attribute (a table's WATERMARK FOR column, passed through
// views and subqueries unchanged), plus any group keys: it binds to
// Project(keys, time column, aggregate arguments) -> WindowAggregate ->
// [Filter(HAVING)] -> Project(select list), where the select list and
// HAVING read only keys (a select expression equal to a GROUP BY
// expression reads the key), window bounds (*_START/*_END repeating the
// window call) and aggregates (COUNT, SUM, MIN, MAX, AVG, with DISTINCT).
//
// Constructs that later issues add (JOIN, GROUP BY without a window,
// window functions, ORDER BY, LIMIT, UNION, subqueries) are refused with
// positioned "not supported yet" errors.
//
// It imports the TiDB parser, sql/{lex,prepass,types,catalog,plan,diag}
// and operators/{expr,window} (expressions and the window spec, plain
// values); it must not import the runtime (engine, connectors, state).
package bind
