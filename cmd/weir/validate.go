package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newValidateCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	cmd := &cobra.Command{
		Use:   "validate FILE.sql",
		Short: "Parse and plan a SQL file without running it; errors as FILE:LINE:COL: message",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			job, err := compileFile(cmd, g, f, args[0], stdout, stderr)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: ok (%d pipelines)\n", args[0], len(job.Graph().Pipelines))
			return nil
		},
	}
	f.register(cmd.Flags())
	f.registerCheckpoint(cmd.Flags())
	return cmd
}
