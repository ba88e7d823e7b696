package state

// KeyGroups is the number of key groups keyed state is split into. It
// equals the engine's key-group count: a subtask owns a range of groups,
// and state moves between subtasks a group at a time.
const KeyGroups = 128

// KeyGroupOf returns the key group of a key whose hash is h (the same
// hash the runtime's shuffle uses for that key).
func KeyGroupOf(h uint64) uint8 { return uint8(h % KeyGroups) }
