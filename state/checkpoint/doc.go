// Package checkpoint owns the durable checkpoint store: for each epoch of
// an aligned-barrier checkpoint it keeps the opaque blobs the engine hands
// it (operator state per operator, subtask and key group, source
// positions, sinks' prepared transactions, watermarks), each under a
// caller-chosen part name such as "op/3/window/kg/17" or "source/1/0".
//
// The store is a Badger database. A Writer streams an epoch's parts into
// Badger with a WriteBatch (state can be large), syncs, then writes a small
// manifest (epoch, time, each part's length and CRC32C) in one transaction
// and syncs again: an epoch is complete only once its manifest is durable.
// Latest returns the newest complete epoch whose parts all verify against
// its manifest, falling back past corrupt, truncated or unfinished epochs
// and reporting what it skipped. Retain keeps the last n complete epochs.
//
// Blobs are split into chunks (Options.ChunkSize) so no single Badger
// value grows with the state. Key layout: 'm' + epoch (8 bytes, big
// endian) for manifests; 'd' + epoch + part + 0x00 + chunk (4 bytes) for
// data. Part names are therefore non-empty and must not contain a 0 byte.
//
// It imports only Badger, state/badgeropt (the shared Badger profile) and
// the standard library; it must not import any other weir package.
package checkpoint
