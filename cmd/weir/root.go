package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weir-stream/weir/engine"
)

// Exit codes, as documented for users.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// exitError carries the exit code a command wants.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error   { return &exitError{code: exitUsage, err: err} }
func runtimeErr(err error) error { return &exitError{code: exitRuntime, err: err} }

// globalFlags are shared by every command.
type globalFlags struct {
	logLevel string
}

// jobFlags are the flags of commands that compile a SQL file.
type jobFlags struct {
	parallelism int
	batchSize   int
	// checkpoint flags (run only)
	stateDir   string
	interval   time.Duration
	fresh      bool
	checkpoint bool
	backend    string
}

func (f *jobFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.parallelism, "parallelism", 0, "subtasks per operator (default: number of CPUs; env WEIR_PARALLELISM)")
	fs.IntVar(&f.batchSize, "batch-size", 0, fmt.Sprintf("most rows per Arrow record (default %d; env WEIR_BATCH_SIZE)", engine.DefaultBatchSize))
}

// registerCheckpoint adds the checkpoint flags (run; validate and explain
// take them too, since connectors check their options against them).
func (f *jobFlags) registerCheckpoint(fs *pflag.FlagSet) {
	f.checkpoint = true
	fs.StringVar(&f.stateDir, "state-dir", "", "take exactly-once checkpoints into this directory and resume from the newest one (env WEIR_STATE_DIR)")
	fs.DurationVar(&f.interval, "checkpoint-interval", engine.DefaultCheckpointInterval, "time between checkpoints (env WEIR_CHECKPOINT_INTERVAL)")
	fs.BoolVar(&f.fresh, "fresh", false, "start over: ignore the checkpoints in --state-dir instead of resuming from them")
	fs.StringVar(&f.backend, "state-backend", "", "where window state lives: memory (default) or badger, on disk with a bounded part in memory (env WEIR_STATE_BACKEND)")
}

// config applies flags > environment > defaults.
func (f *jobFlags) config(cmd *cobra.Command, stdout io.Writer, logger *slog.Logger) (engine.Config, error) {
	cfg := engine.Config{Stdout: stdout, Logger: logger}
	var err error
	if f.checkpoint {
		if cfg.Checkpoint, err = f.checkpointConfig(cmd); err != nil {
			return cfg, err
		}
		cfg.State.Backend = f.backend
		if !cmd.Flags().Changed("state-backend") {
			cfg.State.Backend = os.Getenv("WEIR_STATE_BACKEND")
		}
		if cfg.State.Backend != "" {
			if _, err := engine.ParseBackend(cfg.State.Backend); err != nil {
				return cfg, fmt.Errorf("--state-backend: %w", err)
			}
		}
	}
	if cfg.Parallelism, err = intSetting(cmd, "parallelism", "WEIR_PARALLELISM", f.parallelism); err != nil {
		return cfg, err
	}
	if cfg.BatchSize, err = intSetting(cmd, "batch-size", "WEIR_BATCH_SIZE", f.batchSize); err != nil {
		return cfg, err
	}
	if cfg.BatchSize > engine.MaxBatchSize {
		return cfg, fmt.Errorf("batch size %d is too large (at most %d rows per record)", cfg.BatchSize, engine.MaxBatchSize)
	}
	if cfg.Parallelism > engine.MaxParallelism {
		return cfg, fmt.Errorf("parallelism %d is too large (at most %d)", cfg.Parallelism, engine.MaxParallelism)
	}
	return cfg, nil
}

// intSetting reads a positive integer from the flag if set, else the
// environment, else leaves 0 (the engine's default).
func intSetting(cmd *cobra.Command, flag, env string, v int) (int, error) {
	if cmd.Flags().Changed(flag) {
		if v <= 0 {
			return 0, fmt.Errorf("--%s must be a positive integer, got %d", flag, v)
		}
		return v, nil
	}
	if s, ok := os.LookupEnv(env); ok && s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%s must be a positive integer, got %q", env, s)
		}
		return n, nil
	}
	return 0, nil
}

func newLogger(level string, stderr io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: l})), nil
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "weir",
		Short:         "Weir runs Flink-style streaming SQL over Apache Arrow, in one binary",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", envOr("WEIR_LOG_LEVEL", "warn"), "log level: debug, info, warn, error (env WEIR_LOG_LEVEL)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.AddCommand(newRunCmd(g, stdout, stderr), newValidateCmd(g, stdout, stderr), newExplainCmd(g, stdout, stderr), newDemoCmd(g, stdout, stderr))
	root.AddCommand(newBrokerCmd(g, stderr), newCheckpointsCmd(stdout))
	return root
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// execute runs the CLI and returns the process exit code. A panic is a
// bug: it is reported as an internal error with exit code 1, never as a
// usage error.
func execute(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "weir: internal error (please report it): %v\n", r)
			code = exitRuntime
		}
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "weir: "+strings.ReplaceAll(err.Error(), "\n", "\nweir: "))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Cobra's own argument and command errors are usage errors.
	return exitUsage
}

// checkpointConfig reads --state-dir, --checkpoint-interval and --fresh
// (flags > environment > defaults).
func (f *jobFlags) checkpointConfig(cmd *cobra.Command) (engine.CheckpointConfig, error) {
	// Left zero unless given here, so SET in the file can still apply.
	c := engine.CheckpointConfig{Dir: f.stateDir, Fresh: f.fresh}
	if !cmd.Flags().Changed("state-dir") {
		c.Dir = os.Getenv("WEIR_STATE_DIR")
	}
	if cmd.Flags().Changed("checkpoint-interval") {
		if f.interval <= 0 {
			return c, fmt.Errorf("--checkpoint-interval must be positive, got %s", f.interval)
		}
		c.Interval = f.interval
	} else if s := os.Getenv("WEIR_CHECKPOINT_INTERVAL"); s != "" {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			return c, fmt.Errorf("WEIR_CHECKPOINT_INTERVAL must be a positive duration such as 10s, got %q", s)
		}
		c.Interval = d
	}
	return c, nil
}
