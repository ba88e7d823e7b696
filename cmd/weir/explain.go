package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/engine"
)

func newExplainCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	var format string
	cmd := &cobra.Command{
		Use:   "explain FILE.sql",
		Short: "Print the operator DAG: parallelism, edges, state tables",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(engine.ExplainFormats, format) {
				return usageErr(fmt.Errorf("--format must be one of %s, got %q", strings.Join(engine.ExplainFormats, ", "), format))
			}
			job, err := compileFile(cmd, g, f, args[0], stdout, stderr)
			if err != nil {
				return err
			}
			if err := job.Explain(stdout, format); err != nil {
				return runtimeErr(err)
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	f.registerCheckpoint(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, dot or json")
	return cmd
}
