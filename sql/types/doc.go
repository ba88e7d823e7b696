// Package types maps Weir's SQL types to Arrow types and back, and holds
// the typing rules of the dialect: which types a type name written in DDL
// or CAST stands for, numeric promotion (INT < BIGINT < DECIMAL < DOUBLE,
// FLOAT < DOUBLE), the common type of two operands, Flink's result types
// for DECIMAL arithmetic, and which conversions are safe to insert
// implicitly. The Arrow types themselves are those of operators/expr.
//
// It imports sql/lex and operators/expr only; it must not import the
// parser, the binder or the runtime.
package types
