package state

// Keyed is a keyed state table: one value per key. Every call names the
// key's group (KeyGroupOf its hash) so entries can be snapshotted,
// restored and moved a key group at a time.
type Keyed[K comparable, V any] interface {
	// Get returns the value of key and whether it is present.
	Get(group uint8, key K) (V, bool)
	// Put sets the value of key.
	Put(group uint8, key K, v V)
	// Delete removes key (a no-op if absent).
	Delete(group uint8, key K)
	// Len returns the number of entries.
	Len() int
	// Range calls fn for each entry of a key group, in no particular
	// order, until fn returns false. fn must not modify the table.
	Range(group uint8, fn func(key K, v V) bool)
}

// MemKeyed is the in-memory Keyed table: one Go map per key group.
type MemKeyed[K comparable, V any] struct {
	groups [KeyGroups]map[K]V
	n      int
}

var _ Keyed[int64, int] = (*MemKeyed[int64, int])(nil)

// NewMemKeyed returns an empty in-memory keyed table.
func NewMemKeyed[K comparable, V any]() *MemKeyed[K, V] { return &MemKeyed[K, V]{} }

// Get implements Keyed.
func (t *MemKeyed[K, V]) Get(group uint8, key K) (V, bool) {
	v, ok := t.groups[group%KeyGroups][key]
	return v, ok
}

// Put implements Keyed.
func (t *MemKeyed[K, V]) Put(group uint8, key K, v V) {
	g := group % KeyGroups
	m := t.groups[g]
	if m == nil {
		m = make(map[K]V)
		t.groups[g] = m
	}
	if _, ok := m[key]; !ok {
		t.n++
	}
	m[key] = v
}

// Delete implements Keyed.
func (t *MemKeyed[K, V]) Delete(group uint8, key K) {
	m := t.groups[group%KeyGroups]
	if _, ok := m[key]; ok {
		delete(m, key)
		t.n--
	}
}

// Len implements Keyed.
func (t *MemKeyed[K, V]) Len() int { return t.n }

// Range implements Keyed.
func (t *MemKeyed[K, V]) Range(group uint8, fn func(key K, v V) bool) {
	for k, v := range t.groups[group%KeyGroups] {
		if !fn(k, v) {
			return
		}
	}
}
