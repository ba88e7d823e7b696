// Package state owns operator state: the state tables that window and
// aggregate operators keep their partial results in, and the key-group
// addressing that lets state move between subtasks.
//
// There are two kinds of table, after Arroyo's:
//
//   - Keyed: a map from key to value (for example a window operator's
//     open sessions per key).
//   - TimeKeyed: values addressed by (time bucket, key), read a bucket at
//     a time and evicted whole buckets at a time once the watermark has
//     passed them (for example partial aggregates per window pane).
//
// Every entry carries its key group (KeyGroupOf the key's hash, one of
// KeyGroups), so a checkpoint can later write state per key group and a
// restore can load only the groups a subtask owns. Callers pass the hash
// in; this package does not decide how keys hash.
//
// The in-memory implementations (NewMemKeyed, NewMemTimeKeyed) hold typed
// Go values and never serialise: they are the hot path. Durability comes
// from checkpoints: operators encode their state per key group when a
// checkpoint barrier reaches them, and package state/checkpoint stores
// those blobs, with source positions and sink transactions, in Badger,
// one atomic synced epoch at a time. State tables that live in Badger,
// for state larger than memory, are in package state/badgerstate.
//
// It must not import sql, engine, connectors, operators or web.
package state
