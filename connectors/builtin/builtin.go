package builtin

import (
	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/blackhole"
	"github.com/weir-stream/weir/connectors/file"
	"github.com/weir-stream/weir/connectors/kafka"
	"github.com/weir-stream/weir/connectors/nexmark"
	"github.com/weir-stream/weir/connectors/stdout"
)

// Registry returns a new registry holding the built-in connectors.
func Registry() *connectors.Registry {
	r := connectors.NewRegistry()
	r.RegisterSource("file", file.NewSource)
	r.RegisterSink("file", file.NewSink)
	r.RegisterSource("kafka", kafka.NewSource)
	r.RegisterSink("kafka", kafka.NewSink)
	r.RegisterSource("nexmark", nexmark.NewSource)
	r.RegisterSink("stdout", stdout.NewSink)
	r.RegisterSink("blackhole", blackhole.NewSink)
	return r
}
