package expr

import "sync"

// maxCached bounds a compileCache; when full it starts over, which keeps
// memory bounded for columns with unboundedly many distinct patterns.
const maxCached = 256

// compileCache memoises the compilation of non-literal pattern arguments
// (LIKE patterns, regular expressions, date formats) per distinct value.
// It is safe for concurrent use.
type compileCache[T any] struct {
	mu      sync.Mutex
	m       map[string]cached[T]
	compile func(string) (T, error)
}

type cached[T any] struct {
	v   T
	err error
}

func newCompileCache[T any](compile func(string) (T, error)) *compileCache[T] {
	return &compileCache[T]{m: make(map[string]cached[T]), compile: compile}
}

func (c *compileCache[T]) get(key string) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		return e.v, e.err
	}
	v, err := c.compile(key)
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[key] = cached[T]{v: v, err: err}
	return v, err
}

// memo is a per-call one-entry front for a compileCache, so rows that
// repeat the previous pattern take no lock.
type memo[T any] struct {
	cache *compileCache[T]
	key   string
	v     T
	err   error
	ok    bool
}

func (m *memo[T]) get(key string) (T, error) {
	if m.ok && key == m.key {
		return m.v, m.err
	}
	m.v, m.err = m.cache.get(key)
	m.key = string([]byte(key)) // key may alias an Arrow buffer or scratch
	m.ok = true
	return m.v, m.err
}

// getBytes is get for a key being built in a scratch buffer; it converts
// the key to a string only when it differs from the previous one.
func (m *memo[T]) getBytes(key []byte) (T, error) {
	if m.ok && string(key) == m.key {
		return m.v, m.err
	}
	return m.get(string(key))
}
