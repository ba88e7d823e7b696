// Package diag holds source positions and positioned errors for SQL text.
// It is a leaf: it imports nothing from Weir, so every layer can report
// errors in the user's own coordinates.
package diag
