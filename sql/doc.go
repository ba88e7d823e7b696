// Package sql is Weir's SQL front end. Compile turns a file of Flink-style
// SQL into a Program: its tables (catalog.Table), its SET settings, and one
// optimised logical plan per INSERT INTO or bare SELECT.
//
// The stages live in subpackages: lex (tokens with offsets), prepass (the
// position-preserving rewrite that lets the TiDB parser read Flink SQL,
// and the parsers for CREATE TABLE and SET), types (SQL <-> Arrow types
// and typing rules), bind (TiDB parser, catalog, name resolution, type
// checking, logical plans), rules (rewrite rules applied to a fixed
// point), catalog, plan and diag (positions and positioned errors). Every
// error is reported as FILE:LINE:COL: message in the user's own
// coordinates, all of them at once, as a diag.List.
//
// It must not import the runtime (engine, connectors, state): the engine
// imports sql, never the reverse.
package sql
