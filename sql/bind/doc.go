// Package bind turns pre-processed SQL statements into catalog entries and
// logical plans. It runs the TiDB parser on the pre-pass's rewritten text,
// resolves names against a Catalog of tables and views (case-insensitive),
// types every expression with Flink's rules (sql/types), inserts the casts
// that give every expr.Call exactly the argument types its kernel expects,
// and reports every error at the user's token: TiDB records the offset of
// each expression node, and the pre-pass lexer's tokens locate the rest
// (operators, keywords, table names).
//
// Constructs that later issues add (JOIN, GROUP BY and aggregates, window
// functions, ORDER BY, LIMIT, UNION, subqueries) are refused with
// positioned "not supported yet" errors.
//
// It imports the TiDB parser, sql/{lex,prepass,types,catalog,plan,diag}
// and operators/expr; it must not import the runtime (engine, connectors,
// state).
package bind
