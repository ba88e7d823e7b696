// Package catalog describes the tables a SQL file declares: their columns
// as an Arrow schema, their WITH options, their watermark, and where in the
// file each was written. It imports only diag and operators/expr, and never
// the runtime.
package catalog
