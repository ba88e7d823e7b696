// Package badgerstate owns the Badger-resident state tables: operator
// state that lives on disk rather than in memory, for state larger than
// memory (SET 'state.backend.type' = 'badger').
//
// A DB is one Badger database of working state, shared by the operators
// of a job: it is scratch, created fresh in a temporary directory and
// removed at Close. Durability comes from checkpoints, as with the
// in-memory tables: operators copy their tables' contents per key group
// into the checkpoint store (package state/checkpoint) at a barrier, and
// refill fresh tables from it on restore.
//
// Tables come at two levels:
//
//   - Byte tables (TimeTable, KeyTable) hold encoded keys and values,
//     addressed by key group first, so a key group's entries are one
//     contiguous key range (snapshot and move a group at a time). Writes
//     are batched; a read first writes what is pending.
//   - Typed tables (Keyed, TimeKeyed) implement state.Keyed and
//     state.TimeKeyed over the byte tables with a state.Codec for keys and
//     values.
//
// Key layout: table id (4 bytes, big endian) + key group (1 byte), then
// for a TimeTable the bucket time (8 bytes, big endian with the sign bit
// flipped, so times sort numerically) and the key bytes; for a KeyTable
// the key bytes.
//
// It imports Badger, state and state/badgeropt; it must not import sql,
// engine, connectors, operators or web.
package badgerstate
