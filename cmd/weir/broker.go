package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Broker defaults, as documented for users.
const (
	defaultBrokerListen     = "127.0.0.1:9092"
	defaultBrokerPartitions = 4
	maxBrokerPartitions     = 10_000
)

// brokerConfig is what `weir broker` (and `weir demo`) start a broker with.
type brokerConfig struct {
	listen      string // host:port to listen on
	advertise   string // host:port clients are told to connect to ("" = the listen address)
	partitions  int    // partitions of an auto-created topic
	dataDir     string // persistence directory ("" = in memory)
	allowRemote bool   // permit a non-loopback listen address
}

// errPortInUse marks a listen address another process already holds.
var errPortInUse = errors.New("address already in use")

func newBrokerCmd(g *globalFlags, stderr io.Writer) *cobra.Command {
	var f brokerConfig
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Run a built-in Kafka-compatible broker (topics auto-created) until SIGINT/SIGTERM",
		Long: `Run a built-in Kafka-compatible broker (franz-go's kfake) for development, demos and
small edge sites. Any Kafka client can produce and consume; topics are created
on first use with --partitions partitions. With --data-dir, topics, records and
committed group offsets survive a restart. There is no authentication, so only
loopback addresses are accepted unless --allow-remote is given.

Environment: WEIR_BROKER_LISTEN, WEIR_BROKER_ADVERTISE, WEIR_BROKER_PARTITIONS,
WEIR_BROKER_DATA_DIR, WEIR_BROKER_ALLOW_REMOTE (flags win over the environment).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := brokerSettings(cmd, f)
			if err != nil {
				return usageErr(err)
			}
			logger, err := newLogger(brokerLogLevel(cmd, g), stderr)
			if err != nil {
				return usageErr(err)
			}
			ctx, stop := signal.NotifyContext(contextOf(cmd), os.Interrupt, syscall.SIGTERM)
			defer stop()
			b, err := startBroker(cfg, logger)
			if err != nil {
				return usageErr(err)
			}
			<-ctx.Done()
			logger.Info("stopping broker")
			b.Close()
			logger.Info("broker stopped")
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", defaultBrokerListen, "host:port to listen on (env WEIR_BROKER_LISTEN)")
	fs.StringVar(&f.advertise, "advertise", "", "host:port clients are told to connect to (default: the listen address; env WEIR_BROKER_ADVERTISE)")
	fs.IntVar(&f.partitions, "partitions", defaultBrokerPartitions, "partitions of a topic created on first use (env WEIR_BROKER_PARTITIONS)")
	fs.StringVar(&f.dataDir, "data-dir", "", "persist topics, records and group offsets here (default: in memory; env WEIR_BROKER_DATA_DIR)")
	fs.BoolVar(&f.allowRemote, "allow-remote", false, "allow a non-loopback listen address; the broker has no authentication (env WEIR_BROKER_ALLOW_REMOTE)")
	return cmd
}

func contextOf(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// brokerLogLevel is --log-level or WEIR_LOG_LEVEL when given, else info:
// a broker says what it does (listening, topics created, stopping).
func brokerLogLevel(cmd *cobra.Command, g *globalFlags) string {
	if fl := cmd.Flag("log-level"); fl != nil && fl.Changed {
		return g.logLevel
	}
	if v, ok := os.LookupEnv("WEIR_LOG_LEVEL"); ok && v != "" {
		return v
	}
	return "info"
}

// brokerSettings applies flags > environment > defaults and checks them.
func brokerSettings(cmd *cobra.Command, f brokerConfig) (brokerConfig, error) {
	changed := func(name string) bool { return cmd.Flags().Changed(name) }
	env := func(name string) (string, bool) {
		v, ok := os.LookupEnv(name)
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	if v, ok := env("WEIR_BROKER_LISTEN"); ok && !changed("listen") {
		f.listen = v
	}
	if v, ok := env("WEIR_BROKER_ADVERTISE"); ok && !changed("advertise") {
		f.advertise = v
	}
	if v, ok := env("WEIR_BROKER_DATA_DIR"); ok && !changed("data-dir") {
		f.dataDir = v
	}
	if v, ok := env("WEIR_BROKER_PARTITIONS"); ok && !changed("partitions") {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, fmt.Errorf("WEIR_BROKER_PARTITIONS must be a positive integer, got %q", v)
		}
		f.partitions = n
	}
	if v, ok := env("WEIR_BROKER_ALLOW_REMOTE"); ok && !changed("allow-remote") {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fmt.Errorf("WEIR_BROKER_ALLOW_REMOTE must be true or false, got %q", v)
		}
		f.allowRemote = b
	}
	if f.partitions <= 0 || f.partitions > maxBrokerPartitions {
		return f, fmt.Errorf("--partitions must be between 1 and %d, got %d", maxBrokerPartitions, f.partitions)
	}
	return f, checkListen(f)
}

// checkListen refuses addresses that do not parse, and non-loopback
// addresses unless remote access was asked for: kfake has no
// authentication, so anyone who can reach the port can read and write.
func checkListen(f brokerConfig) error {
	host, port, err := net.SplitHostPort(f.listen)
	if err != nil {
		return fmt.Errorf("--listen %q: want host:port, e.g. %s: %w", f.listen, defaultBrokerListen, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("--listen %q: port %q is not a number between 0 and 65535", f.listen, port)
	}
	if f.advertise != "" {
		if _, _, err := net.SplitHostPort(f.advertise); err != nil {
			return fmt.Errorf("--advertise %q: want host:port: %w", f.advertise, err)
		}
	}
	if f.allowRemote || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("--listen %s is not a loopback address and the broker has no authentication: anyone who can reach it can read and write every topic; pass --allow-remote (env WEIR_BROKER_ALLOW_REMOTE=true) if that is intended", f.listen)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runningBroker is a started broker.
type runningBroker struct {
	cluster *kfake.Cluster
	addr    string // the address clients connect to
}

// Addr is the bootstrap address clients use.
func (b *runningBroker) Addr() string { return b.addr }

// Close stops accepting clients and, with a data directory, saves state.
func (b *runningBroker) Close() { b.cluster.Close() }

// startBroker listens on cfg.listen and starts a one-node kfake cluster
// there. A port held by another process is reported as errPortInUse.
func startBroker(cfg brokerConfig, logger *slog.Logger) (*runningBroker, error) {
	if err := checkListen(cfg); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("cannot listen on %s: %w (is another broker running? choose another port with --listen)", cfg.listen, errPortInUse)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", cfg.listen, err)
	}
	addr := ln.Addr().String()
	if cfg.advertise != "" {
		addr = cfg.advertise
		ln = advertisedListener{Listener: ln, addr: advertisedAddr(addr)}
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(func(string, string) (net.Listener, error) { return ln, nil }),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(cfg.partitions),
		kfake.ClusterID("weir"),
		kfake.WithLogger(kfakeLogger{logger}),
	}
	if cfg.dataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("starting the broker on %s: %w", cfg.listen, err)
	}
	watchTopicCreation(c, cfg.partitions, logger)
	storage := "in memory (lost at exit)"
	if cfg.dataDir != "" {
		storage = "persisted in " + cfg.dataDir
	}
	logger.Info("broker listening", "addr", addr, "partitions_per_new_topic", cfg.partitions, "storage", storage)
	return &runningBroker{cluster: c, addr: addr}, nil
}

// watchTopicCreation logs, at info level, every topic a client request is
// about to create: a Metadata request allowing auto-creation that names a
// missing topic, or a CreateTopics request. kfake runs control functions
// before handling the request, while it still serves admin calls, so the
// TopicInfo lookups here are safe; returning false lets kfake handle the
// request as usual.
func watchTopicCreation(c *kfake.Cluster, partitions int, logger *slog.Logger) {
	c.ControlKey(kmsg.Metadata.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		m, ok := req.(*kmsg.MetadataRequest)
		if !ok || !m.AllowAutoTopicCreation {
			return nil, nil, false
		}
		for _, t := range m.Topics {
			if t.Topic != nil && *t.Topic != "" && c.TopicInfo(*t.Topic) == nil {
				logger.Info("creating topic on first use", "topic", *t.Topic, "partitions", partitions)
			}
		}
		return nil, nil, false
	})
	c.ControlKey(kmsg.CreateTopics.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		m, ok := req.(*kmsg.CreateTopicsRequest)
		if !ok || m.ValidateOnly {
			return nil, nil, false
		}
		for _, t := range m.Topics {
			n := int(t.NumPartitions)
			if n <= 0 {
				n = partitions
			}
			if c.TopicInfo(t.Topic) == nil {
				logger.Info("creating topic", "topic", t.Topic, "partitions", n)
			}
		}
		return nil, nil, false
	})
}

// kfakeLogger sends kfake's messages to slog at the matching level,
// formatting them only when that level is enabled.
type kfakeLogger struct{ l *slog.Logger }

func (k kfakeLogger) Logf(level kfake.LogLevel, msg string, args ...any) {
	var l slog.Level
	switch level {
	case kfake.LogLevelError:
		l = slog.LevelError
	case kfake.LogLevelWarn:
		l = slog.LevelWarn
	case kfake.LogLevelInfo:
		l = slog.LevelInfo
	case kfake.LogLevelDebug:
		l = slog.LevelDebug
	default:
		return
	}
	if !k.l.Enabled(context.Background(), l) {
		return
	}
	k.l.Log(context.Background(), l, "kfake: "+fmt.Sprintf(msg, args...))
}

// advertisedListener reports addr as its address: kfake tells clients to
// connect to its listener's address, which for 0.0.0.0 is no use remotely.
type advertisedListener struct {
	net.Listener
	addr net.Addr
}

func (l advertisedListener) Addr() net.Addr { return l.addr }

// advertisedAddr is a host:port as a net.Addr.
type advertisedAddr string

func (a advertisedAddr) Network() string { return "tcp" }
func (a advertisedAddr) String() string  { return string(a) }
