// Package connectors defines how Weir reads and writes the outside world:
// the Source/Reader and Sink/Writer contracts, the Registry that maps a
// table's 'connector' option to a factory, and (in subpackages) the
// built-in connectors and formats.
//
// It imports only Arrow and the standard library at this level; it must
// not import sql, engine, operators or web. Connectors see a table as an
// Arrow schema plus its WITH options.
package connectors
