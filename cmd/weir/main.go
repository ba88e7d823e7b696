// Command weir is Weir's command-line interface: run, validate and explain
// Flink-style SQL pipelines, and run the demo. It only wires flags to the
// engine; all behaviour lives in the packages below it.
package main

import (
	"os"
)

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
