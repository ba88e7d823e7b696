// Package builtin assembles the registry of every connector Weir ships:
// file, kafka, nexmark, stdout and blackhole. Registration is explicit (no
// init()); callers may add to or replace entries in the returned
// registry. It imports the connectors and must not be imported by them.
package builtin
