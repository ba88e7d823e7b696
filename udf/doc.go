// Package udf will own user-defined functions compiled to WebAssembly: the
// function registry, the wazero host that calls a guest once per Arrow
// batch, and the guest SDK with example UDFs. It holds no code yet.
//
// It must not import sql, engine, connectors or web.
package udf
