package kafka

import (
	"crypto/tls"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/weir-stream/weir/connectors"
)

// propertiesPrefix marks client properties, as in Flink.
const propertiesPrefix = "properties."

// The client properties the connector understands.
const (
	propBootstrap   = "properties.bootstrap.servers"
	propClientID    = "properties.client.id"
	propGroupID     = "properties.group.id"
	propProtocol    = "properties.security.protocol"
	propMechanism   = "properties.sasl.mechanism"
	propJAAS        = "properties.sasl.jaas.config"
	propUsername    = "properties.sasl.username"
	propPassword    = "properties.sasl.password"
	propCA          = "properties.ssl.ca.location"
	propCert        = "properties.ssl.certificate.location"
	propKey         = "properties.ssl.key.location"
	propEndpointID  = "properties.ssl.endpoint.identification.algorithm"
	propFetchMax    = "properties.fetch.max.bytes"
	propFetchWait   = "properties.fetch.max.wait.ms"
	propIsolation   = "properties.isolation.level"
	propOffsetReset = "properties.auto.offset.reset"
	propCompression = "properties.compression.type"
	propLinger      = "properties.linger.ms"
	propBatchSize   = "properties.batch.size"
	propAcks        = "properties.acks"
)

// side says which kind of client a table's properties configure.
type side int

const (
	sourceSide side = iota
	sinkSide
)

func (s side) String() string {
	if s == sourceSide {
		return "source"
	}
	return "sink"
}

var commonProps = []string{propBootstrap, propClientID, propProtocol, propMechanism, propJAAS,
	propUsername, propPassword, propCA, propCert, propKey, propEndpointID}

var sideProps = map[side][]string{
	sourceSide: {propGroupID, propFetchMax, propFetchWait, propIsolation, propOffsetReset},
	sinkSide:   {propCompression, propLinger, propBatchSize, propAcks},
}

// clientConfig is what a table's 'properties.*' options set on its
// franz-go clients.
type clientConfig struct {
	brokers  []string
	clientID string
	tls      *tls.Config
	sasl     sasl.Mechanism
	groupID  string

	// source
	fetchMaxBytes int32
	fetchMaxWait  time.Duration
	readCommitted bool
	resetLatest   bool

	// sink
	compression []kgo.CompressionCodec
	linger      time.Duration
	batchBytes  int32
	acks        string // "all" (default), "1" or "0"
}

// parseProperties reads the 'properties.*' options. Keys the connector
// does not use are logged, not rejected: Flink passes them on to the Java
// client, so DDL written for Flink may carry them.
func parseProperties(props map[string]string, s side, logger *slog.Logger) (clientConfig, error) {
	c := clientConfig{acks: "all"}
	known := map[string]bool{}
	for _, k := range commonProps {
		known[k] = true
	}
	for _, k := range sideProps[s] {
		known[k] = true
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			logger.Warn("kafka: ignoring a client property this connector does not use", "property", k, "connector", "kafka "+s.String())
		}
	}
	for _, b := range strings.Split(props[propBootstrap], ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.brokers = append(c.brokers, b)
		}
	}
	if len(c.brokers) == 0 {
		return c, connectors.Optionf(propBootstrap, "required: the brokers to connect to, as 'host:port[,host:port...]'")
	}
	c.clientID = strings.TrimSpace(props[propClientID])
	c.groupID = strings.TrimSpace(props[propGroupID])
	if err := c.parseSecurity(props); err != nil {
		return c, err
	}
	var err error
	if s == sourceSide {
		err = c.parseSourceTunings(props)
	} else {
		err = c.parseSinkTunings(props)
	}
	return c, err
}

func (c *clientConfig) parseSourceTunings(props map[string]string) error {
	var err error
	if v, ok := props[propFetchMax]; ok {
		if c.fetchMaxBytes, err = parseBytes(propFetchMax, v); err != nil {
			return err
		}
	}
	if v, ok := props[propFetchWait]; ok {
		if c.fetchMaxWait, err = parseMillis(propFetchWait, v); err != nil {
			return err
		}
		if c.fetchMaxWait < time.Millisecond {
			return connectors.Optionf(propFetchWait, "want at least 1 millisecond, got '%s'", v)
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(props[propIsolation])); v {
	case "", "read_uncommitted":
	case "read_committed":
		c.readCommitted = true
	default:
		return connectors.Optionf(propIsolation, "unsupported value '%s'; accepted: 'read_uncommitted', 'read_committed'", props[propIsolation])
	}
	switch v := strings.ToLower(strings.TrimSpace(props[propOffsetReset])); v {
	case "", "earliest":
	case "latest":
		c.resetLatest = true
	default:
		return connectors.Optionf(propOffsetReset, "unsupported value '%s'; accepted: 'earliest', 'latest'", props[propOffsetReset])
	}
	return nil
}

func (c *clientConfig) parseSinkTunings(props map[string]string) error {
	var err error
	switch v := strings.ToLower(strings.TrimSpace(props[propCompression])); v {
	case "", "none":
	case "gzip":
		c.compression = []kgo.CompressionCodec{kgo.GzipCompression()}
	case "snappy":
		c.compression = []kgo.CompressionCodec{kgo.SnappyCompression()}
	case "lz4":
		c.compression = []kgo.CompressionCodec{kgo.Lz4Compression()}
	case "zstd":
		c.compression = []kgo.CompressionCodec{kgo.ZstdCompression()}
	default:
		return connectors.Optionf(propCompression, "unsupported value '%s'; accepted: 'none', 'gzip', 'snappy', 'lz4', 'zstd'", props[propCompression])
	}
	if v, ok := props[propLinger]; ok {
		if c.linger, err = parseMillis(propLinger, v); err != nil {
			return err
		}
	}
	if v, ok := props[propBatchSize]; ok {
		if c.batchBytes, err = parseBytes(propBatchSize, v); err != nil {
			return err
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(props[propAcks])); v {
	case "", "all", "-1":
	case "1", "0":
		c.acks = v
	default:
		return connectors.Optionf(propAcks, "unsupported value '%s'; accepted: 'all', '-1', '1', '0'", props[propAcks])
	}
	return nil
}

// baseOpts are the client options every client of the table shares.
func (c clientConfig) baseOpts() []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.brokers...)}
	if c.clientID != "" {
		opts = append(opts, kgo.ClientID(c.clientID))
	} else {
		opts = append(opts, kgo.ClientID("weir"))
	}
	if c.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(c.tls.Clone()))
	}
	if c.sasl != nil {
		opts = append(opts, kgo.SASL(c.sasl))
	}
	return opts
}

// producerOpts are the options of a producing client.
func (c clientConfig) producerOpts() []kgo.Opt {
	opts := c.baseOpts()
	if len(c.compression) > 0 {
		opts = append(opts, kgo.ProducerBatchCompression(c.compression...))
	}
	if c.linger > 0 {
		opts = append(opts, kgo.ProducerLinger(c.linger))
	}
	if c.batchBytes > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(c.batchBytes))
	}
	switch c.acks {
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	case "0":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
	}
	return opts
}
