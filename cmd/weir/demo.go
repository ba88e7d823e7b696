package main

import (
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/engine"
)

// demoSQL is the demo job; ${BROKER} and ${RATE} are filled in by
// renderDemoSQL.
//
//go:embed demo.sql
var demoSQL string

// demoTopics are created before the job starts: the Kafka sources list
// their topics' partitions when the job is compiled.
var demoTopics = []string{"person", "auction", "bid", "hot_auctions"}

const defaultDemoRate = 1000

// renderDemoSQL fills the broker address and event rate into the demo.
func renderDemoSQL(broker string, rate int) []byte {
	return []byte(strings.NewReplacer("${BROKER}", broker, "${RATE}", strconv.Itoa(rate)).Replace(demoSQL))
}

func newDemoCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &jobFlags{}
	var printSQL, allowRemote bool
	var listen string
	var rate, partitions int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the built-in broker, feed it Nexmark events and run windowed pipelines on them",
		Long: `Start the built-in Kafka-compatible broker, produce Nexmark events into the topics
person, auction and bid at a steady rate, and run windowed pipelines on them:
a HOP count per auction into the topic hot_auctions, and a TUMBLE max price
per 10 seconds printed to stdout. All of it is one SQL job
(weir demo --print-sql). Ctrl-C stops it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rate <= 0 || rate > 1_000_000 {
				return usageErr(fmt.Errorf("--rate must be between 1 and 1000000 events per second, got %d", rate))
			}
			if partitions <= 0 || partitions > maxBrokerPartitions {
				return usageErr(fmt.Errorf("--partitions must be between 1 and %d, got %d", maxBrokerPartitions, partitions))
			}
			if printSQL {
				_, err := stdout.Write(renderDemoSQL(listen, rate))
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
			b, err := startBroker(brokerConfig{listen: listen, partitions: partitions, allowRemote: allowRemote}, logger)
			if err != nil {
				return usageErr(fmt.Errorf("the demo's broker: %w", err))
			}
			defer b.Close()
			for _, t := range demoTopics {
				if b.cluster.TopicInfo(t) == nil {
					if err := b.cluster.CreateTopic(t, int32(partitions), nil); err != nil {
						return runtimeErr(fmt.Errorf("creating topic %s: %w", t, err))
					}
				}
			}
			job, err := engine.Compile("demo.sql", renderDemoSQL(b.Addr(), rate), cfg)
			if err != nil {
				return runtimeErr(fmt.Errorf("the built-in demo does not compile: %w", err))
			}
			printDemoIntro(stderr, b.Addr(), rate, partitions)
			return runJob(cmd.Context(), job, stderr)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&printSQL, "print-sql", false, "print the demo's SQL and exit")
	cmd.Flags().StringVar(&listen, "listen", defaultBrokerListen, "host:port of the demo's broker")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback --listen address; the broker has no authentication")
	cmd.Flags().IntVar(&rate, "rate", defaultDemoRate, "Nexmark events per second produced into Kafka")
	cmd.Flags().IntVar(&partitions, "partitions", defaultBrokerPartitions, "partitions of each demo topic")
	return cmd
}

// printDemoIntro tells the user what runs and how to look at it.
func printDemoIntro(w io.Writer, addr string, rate, partitions int) {
	fmt.Fprintf(w, `weir demo: Kafka-compatible broker on %[1]s (topics person, auction, bid, hot_auctions; %[3]d partitions each)
weir demo: one job, five pipelines (see them with: weir demo --print-sql):
  Nexmark generator, %[2]d events/s -> Kafka topics person, auction, bid
  Kafka bid -> HOP(2 s, 10 s) COUNT(*) per auction -> Kafka hot_auctions
  Kafka bid -> TUMBLE(10 s) MAX(price), COUNT(*) -> stdout (below: a row per 10 s of event time)
weir demo: look at it from another terminal:
  kcat -C -b %[1]s -t hot_auctions
  kcat -C -b %[1]s -t bid -o end
  weir run my.sql   (tables with 'connector' = 'kafka', 'properties.bootstrap.servers' = '%[1]s')
weir demo: Ctrl-C stops.
`, addr, rate, partitions)
}
