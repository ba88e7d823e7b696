// Package web will own the REST API (/api/v1), Server-Sent Events for live
// results, Prometheus metrics and the embedded web console served by
// `weir serve`. It holds no code yet.
//
// It may import engine and below; nothing in Weir imports it except cmd.
package web
