package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/engine"
)

func newRunCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	cmd := &cobra.Command{
		Use:   "run FILE.sql",
		Short: "Run every INSERT INTO and SELECT in a SQL file until bounded sources end or SIGINT/SIGTERM",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			job, err := compileFile(cmd, g, f, args[0], stdout, stderr)
			if err != nil {
				return err
			}
			return runJob(cmd.Context(), job, stderr)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// compileFile reads and compiles a SQL file; every error is a usage error.
func compileFile(cmd *cobra.Command, g *globalFlags, f *jobFlags, path string, stdout, stderr io.Writer) (*engine.Job, error) {
	logger, err := newLogger(g.logLevel, stderr)
	if err != nil {
		return nil, usageErr(err)
	}
	cfg, err := f.config(cmd, stdout, logger)
	if err != nil {
		return nil, usageErr(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr(err)
	}
	job, err := engine.Compile(path, src, cfg)
	if err != nil {
		return nil, usageErr(err)
	}
	return job, nil
}

// runJob runs job until it ends. The first SIGINT or SIGTERM stops it
// gracefully (sources stop, sinks commit, exit 0); a second one aborts.
func runJob(ctx context.Context, job *engine.Job, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "weir: stopping (signal again to abort)")
			job.Stop()
		case <-ctx.Done():
			return
		}
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := job.Run(ctx); err != nil {
		return runtimeErr(err)
	}
	return nil
}
