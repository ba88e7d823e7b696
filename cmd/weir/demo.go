package main

import (
	_ "embed"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/engine"
)

//go:embed demo.sql
var demoSQL []byte

func newDemoCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	var printSQL bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a sample pipeline on the built-in Nexmark generator, printing live results",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if printSQL {
				_, err := stdout.Write(demoSQL)
				return err
			}
			logger, err := newLogger(g.logLevel, stderr)
			if err != nil {
				return usageErr(err)
			}
			cfg, err := f.config(cmd, stdout, logger)
			if err != nil {
				return usageErr(err)
			}
			job, err := engine.Compile("demo.sql", demoSQL, cfg)
			if err != nil {
				return runtimeErr(fmt.Errorf("the built-in demo does not compile: %w", err))
			}
			fmt.Fprintln(stderr, "weir demo: Nexmark bids at 200 events/s -> filter/project -> stdout (one JSON row per line).")
			fmt.Fprintln(stderr, "weir demo: the SQL is `weir demo --print-sql`; run your own with `weir run FILE.sql`. Ctrl-C stops.")
			return runJob(cmd.Context(), job, stderr)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&printSQL, "print-sql", false, "print the demo's SQL and exit")
	return cmd
}
