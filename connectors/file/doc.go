// Package file is the 'file' connector: a bounded source reading JSON
// lines from a file or a directory of files, and a sink writing JSON
// lines to one file, atomically (a temporary file renamed into place).
//
// It owns the connector's WITH options ('path', 'format', 'bad-data' and
// the format's 'json.*' options) and where bad lines are reported
// (path:LINE). It imports the connectors contract and jsonformat; it must
// not import sql, engine, operators or web.
package file
