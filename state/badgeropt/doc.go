// Package badgeropt owns the Badger profile Weir opens its databases
// with: the small-footprint defaults (bounded memtables, block and index
// caches, value-log file size) that the checkpoint store and the
// Badger-resident state tables share, and the adapter that sends Badger's
// log output to slog.
//
// It imports only Badger and the standard library; it must not import any
// other weir package.
package badgeropt
