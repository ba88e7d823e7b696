package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/engine"
)

func newRunCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	var cpuProfile string
	cmd := &cobra.Command{
		Use:   "run FILE.sql",
		Short: "Run every INSERT INTO and SELECT in a SQL file until bounded sources end or SIGINT/SIGTERM",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			job, err := compileFile(cmd, g, f, args[0], stdout, stderr)
			if err != nil {
				return err
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return usageErr(err)
				}
				defer stop()
			}
			return runJob(cmd.Context(), job, stderr)
		},
	}
	f.register(cmd.Flags())
	f.registerCheckpoint(cmd.Flags())
	cmd.Flags().StringVar(&cpuProfile, "cpu-profile", "", "write a pprof CPU profile of the run to this file")
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

// abortGrace is how long an aborted job may take to unwind before the
// process gives up on it.
const abortGrace = 5 * time.Second

// runJob runs job until it ends. The first SIGINT or SIGTERM stops it
// gracefully (with checkpoints: a final checkpoint, sinks commit, exit 0;
// without: sources stop, everything read flows through, sinks commit,
// exit 0); a second one aborts (nothing more commits, exit 1), and if the
// job does not unwind within abortGrace, runJob returns anyway; a third
// signal gets the default behaviour and kills the process.
func runJob(ctx context.Context, job *engine.Job, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- job.Run(ctx) }()

	aborted := errors.New("aborted by a second signal")
	var deadline <-chan time.Time
	signals := 0
	for {
		select {
		case err := <-done:
			if err != nil {
				if errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), aborted) {
					return runtimeErr(aborted)
				}
				return runtimeErr(err)
			}
			return nil
		case <-sigs:
			signals++
			if signals == 1 {
				if job.Checkpoints().Enabled {
					fmt.Fprintln(stderr, "weir: stopping: taking a final checkpoint and committing sinks (signal again to abort)")
				} else {
					fmt.Fprintln(stderr, "weir: stopping: sources stop, results already read are committed (signal again to abort)")
				}
				job.Stop()
				continue
			}
			fmt.Fprintln(stderr, "weir: aborting: nothing further is committed")
			signal.Stop(sigs)
			cancel(aborted)
			deadline = time.After(abortGrace)
		case <-deadline:
			return runtimeErr(fmt.Errorf("%w; the job did not unwind within %s", aborted, abortGrace))
		}
	}
}
