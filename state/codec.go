package state

// Codec encodes the keys or values of a table for a persistent backend.
// The in-memory tables never call it; a persistent table encodes each
// entry when it snapshots and decodes when it restores.
type Codec[T any] interface {
	// Append appends the encoding of v to dst and returns the result.
	Append(dst []byte, v T) []byte
	// Decode decodes one value from the front of b and returns it with
	// the rest of b.
	Decode(b []byte) (T, []byte, error)
}
