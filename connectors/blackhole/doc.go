// Package blackhole is the 'blackhole' connector: a sink that discards
// its rows and only counts them, for benchmarks and dry runs. It imports
// the connectors contract only.
package blackhole
