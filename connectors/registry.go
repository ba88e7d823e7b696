package connectors

import (
	"sort"
	"strings"
)

// SourceFactory validates a table's options and opens it as a source.
type SourceFactory func(cfg SourceConfig) (Source, error)

// SinkFactory validates a table's options and opens it as a sink.
type SinkFactory func(cfg SinkConfig) (Sink, error)

// Registry maps 'connector' option values to factories. Build one with
// NewRegistry (empty) or Builtin (every connector Weir ships); there are
// no package-level registrations.
type Registry struct {
	sources map[string]SourceFactory
	sinks   map[string]SinkFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{sources: map[string]SourceFactory{}, sinks: map[string]SinkFactory{}}
}

// RegisterSource adds (or replaces) the source factory for name.
func (r *Registry) RegisterSource(name string, f SourceFactory) {
	r.sources[strings.ToLower(name)] = f
}

// RegisterSink adds (or replaces) the sink factory for name.
func (r *Registry) RegisterSink(name string, f SinkFactory) {
	r.sinks[strings.ToLower(name)] = f
}

// Source returns the source factory for name.
func (r *Registry) Source(name string) (SourceFactory, bool) {
	f, ok := r.sources[strings.ToLower(name)]
	return f, ok
}

// Sink returns the sink factory for name.
func (r *Registry) Sink(name string) (SinkFactory, bool) {
	f, ok := r.sinks[strings.ToLower(name)]
	return f, ok
}

// SourceNames lists the registered source connectors, sorted.
func (r *Registry) SourceNames() []string { return sortedKeys(r.sources) }

// SinkNames lists the registered sink connectors, sorted.
func (r *Registry) SinkNames() []string { return sortedKeys(r.sinks) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
