package kafka

import (
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// The connector's WITH options (besides 'properties.*', see properties.go).
const (
	OptionTopic            = "topic"
	OptionFormat           = "format"
	OptionBadData          = "bad-data"
	OptionBadDataTopic     = "bad-data.topic"
	OptionStartupMode      = "scan.startup.mode"
	OptionStartupTimestamp = "scan.startup.timestamp-millis"
	OptionBoundedMode      = "scan.bounded.mode"
	OptionSinkKey          = "sink.key"
	OptionSinkPartitioner  = "sink.partitioner"
	OptionSinkDelivery     = "sink.delivery-guarantee"
	OptionSinkTxnPrefix    = "sink.transactional-id-prefix"
	OptionSinkTxnTimeout   = "sink.transaction-timeout"
)

// DefaultTransactionTimeout is 'sink.transaction-timeout' when not set:
// Kafka's default 'transaction.max.timeout.ms'.
const DefaultTransactionTimeout = 15 * time.Minute

// StartupMode is where a source starts reading each partition.
type StartupMode int

const (
	// StartGroupOffsets starts at the offsets committed by the consumer
	// group ('properties.group.id'); partitions without one start as
	// 'properties.auto.offset.reset' says (earliest by default).
	StartGroupOffsets StartupMode = iota
	// StartEarliest starts at each partition's first offset.
	StartEarliest
	// StartLatest starts at each partition's end: only new messages.
	StartLatest
	// StartTimestamp starts at the first offset whose timestamp is at or
	// after 'scan.startup.timestamp-millis'.
	StartTimestamp
)

var startupModes = map[string]StartupMode{
	"group-offsets":   StartGroupOffsets,
	"earliest-offset": StartEarliest,
	"latest-offset":   StartLatest,
	"timestamp":       StartTimestamp,
}

// BadData is what the source does with a message it cannot decode.
type BadData int

const (
	// BadDataFail stops the job with an error naming topic, partition,
	// offset and field.
	BadDataFail BadData = iota
	// BadDataDrop skips the message and counts it in SourceStats.Dropped.
	BadDataDrop
	// BadDataDLQ sends the message's key and value to 'bad-data.topic'
	// (the error in headers) and counts it in SourceStats.Dropped.
	BadDataDLQ
)

// sourceOptions are a source's parsed options.
type sourceOptions struct {
	topics      []string // sorted, distinct
	startup     StartupMode
	startMillis int64
	bounded     bool
	badData     BadData
	dlqTopic    string
	json        jsonformat.Options
	client      clientConfig
}

// Partitioner names a sink's 'sink.partitioner'.
type Partitioner int

const (
	// PartitionDefault hashes the key with murmur2 as the Java client
	// does; messages without a key go round-robin.
	PartitionDefault Partitioner = iota
	// PartitionRoundRobin ignores the key and cycles over partitions.
	PartitionRoundRobin
	// PartitionFixed sends everything subtask i writes to partition
	// i mod n (Flink's 'fixed').
	PartitionFixed
)

// Delivery is a sink's 'sink.delivery-guarantee'.
type Delivery int

const (
	// AtLeastOnce writes asynchronously and flushes at checkpoints (or at
	// the end): after a failure, rows may be written again.
	AtLeastOnce Delivery = iota
	// ExactlyOnce writes in Kafka transactions committed when a
	// checkpoint is durable: consumers reading with 'read_committed' see
	// every row once. It needs checkpoints.
	ExactlyOnce
)

// sinkOptions are a sink's parsed options.
type sinkOptions struct {
	topic       string
	keyColumn   string
	partitioner Partitioner
	delivery    Delivery
	txnPrefix   string        // exactly-once; "" until NewSink applies the default
	txnTimeout  time.Duration // exactly-once
	client      clientConfig
}

func acceptedSourceKeys() []string {
	return append([]string{OptionTopic, OptionFormat, OptionBadData, OptionBadDataTopic,
		OptionStartupMode, OptionStartupTimestamp, OptionBoundedMode}, jsonformat.OptionKeys...)
}

func acceptedSinkKeys() []string {
	return []string{OptionTopic, OptionFormat, OptionSinkKey, OptionSinkPartitioner, OptionSinkDelivery,
		OptionSinkTxnPrefix, OptionSinkTxnTimeout}
}

// acceptedTableKeys are every option a Kafka table may carry: as in
// Flink, one table declaration can be both read and written, so a source
// accepts (and ignores) the sink's options and the other way round.
func acceptedTableKeys() []string {
	return append(acceptedSourceKeys(), acceptedSinkKeys()...)
}

// splitOptions separates 'properties.*' keys from the others.
func splitOptions(opts map[string]string) (plain, props map[string]string) {
	plain, props = map[string]string{}, map[string]string{}
	for k, v := range opts {
		if strings.HasPrefix(k, propertiesPrefix) {
			props[k] = v
		} else {
			plain[k] = v
		}
	}
	return plain, props
}

func checkFormat(opts map[string]string) error {
	if f, ok := opts[OptionFormat]; ok && !strings.EqualFold(f, "json") {
		return connectors.Optionf(OptionFormat, "unsupported format '%s'; accepted: 'json'", f)
	}
	return nil
}

// parseTopics reads 'topic': one name, or several separated by ';'.
func parseTopics(opts map[string]string) ([]string, error) {
	v, ok := opts[OptionTopic]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, connectors.Optionf(OptionTopic, "required: the topic to use (several separated by ';')")
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.Split(v, ";") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, connectors.Optionf(OptionTopic, "no topic name in '%s'", v)
	}
	sort.Strings(out)
	return out, nil
}

func parseSourceOptions(opts map[string]string, logger *slog.Logger) (sourceOptions, error) {
	var o sourceOptions
	plain, props := splitOptions(opts)
	if err := connectors.CheckOptions(plain, acceptedTableKeys()...); err != nil {
		return o, err
	}
	if err := checkFormat(plain); err != nil {
		return o, err
	}
	var err error
	if o.topics, err = parseTopics(plain); err != nil {
		return o, err
	}
	if o.json, err = jsonformat.ParseOptions(plain); err != nil {
		return o, err
	}
	if o.client, err = parseProperties(props, sourceSide, logger); err != nil {
		return o, err
	}
	if err := o.parseBadData(plain); err != nil {
		return o, err
	}
	if err := o.parseStartup(plain); err != nil {
		return o, err
	}
	switch v := strings.ToLower(plain[OptionBoundedMode]); v {
	case "", "unbounded":
	case "latest-offset":
		o.bounded = true
	default:
		return o, connectors.Optionf(OptionBoundedMode, "unsupported value '%s'; accepted: 'unbounded', 'latest-offset'", plain[OptionBoundedMode])
	}
	return o, nil
}

func (o *sourceOptions) parseBadData(plain map[string]string) error {
	switch v := strings.ToLower(plain[OptionBadData]); v {
	case "", "fail":
		o.badData = BadDataFail
	case "drop":
		o.badData = BadDataDrop
	case "dlq":
		o.badData = BadDataDLQ
	default:
		return connectors.Optionf(OptionBadData, "unsupported value '%s'; accepted: 'fail', 'drop', 'dlq'", plain[OptionBadData])
	}
	t, ok := plain[OptionBadDataTopic]
	t = strings.TrimSpace(t)
	switch {
	case o.badData == BadDataDLQ && t == "":
		return connectors.Optionf(OptionBadDataTopic, "required with 'bad-data' = 'dlq': the topic bad messages go to")
	case o.badData != BadDataDLQ && ok:
		return connectors.Optionf(OptionBadDataTopic, "only used with 'bad-data' = 'dlq'")
	case strings.Contains(t, ";"):
		return connectors.Optionf(OptionBadDataTopic, "one topic only, got '%s'", t)
	}
	for _, src := range o.topics {
		if t != "" && t == src {
			return connectors.Optionf(OptionBadDataTopic, "must differ from the topics read ('%s')", t)
		}
	}
	o.dlqTopic = t
	return nil
}

func (o *sourceOptions) parseStartup(plain map[string]string) error {
	mode := strings.ToLower(plain[OptionStartupMode])
	if mode == "" {
		mode = "group-offsets"
	}
	m, ok := startupModes[mode]
	if !ok {
		return connectors.Optionf(OptionStartupMode, "unsupported value '%s'; accepted: 'earliest-offset', 'latest-offset', 'group-offsets', 'timestamp'", plain[OptionStartupMode])
	}
	o.startup = m
	ts, hasTS := plain[OptionStartupTimestamp]
	switch {
	case m == StartTimestamp && !hasTS:
		return connectors.Optionf(OptionStartupTimestamp, "required with 'scan.startup.mode' = 'timestamp': epoch milliseconds")
	case m != StartTimestamp && hasTS:
		return connectors.Optionf(OptionStartupTimestamp, "only used with 'scan.startup.mode' = 'timestamp'")
	case hasTS:
		n, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
		if err != nil || n < 0 {
			return connectors.Optionf(OptionStartupTimestamp, "want epoch milliseconds (a non-negative integer), got '%s'", ts)
		}
		o.startMillis = n
	}
	if m == StartGroupOffsets && o.client.groupID == "" {
		how := "'scan.startup.mode' = 'group-offsets'"
		if _, set := plain[OptionStartupMode]; !set {
			how += " (the default)"
		}
		return connectors.Optionf(propGroupID, "required with %s; or set 'scan.startup.mode' to 'earliest-offset', 'latest-offset' or 'timestamp'", how)
	}
	return nil
}

func parseSinkOptions(opts map[string]string, logger *slog.Logger) (sinkOptions, error) {
	var o sinkOptions
	plain, props := splitOptions(opts)
	if err := connectors.CheckOptions(plain, acceptedTableKeys()...); err != nil {
		return o, err
	}
	if err := checkFormat(plain); err != nil {
		return o, err
	}
	topics, err := parseTopics(plain)
	if err != nil {
		return o, err
	}
	if len(topics) != 1 {
		return o, connectors.Optionf(OptionTopic, "a sink writes one topic, got %d ('%s')", len(topics), plain[OptionTopic])
	}
	o.topic = topics[0]
	if o.client, err = parseProperties(props, sinkSide, logger); err != nil {
		return o, err
	}
	if err := o.parseDelivery(plain); err != nil {
		return o, err
	}
	switch v := strings.ToLower(plain[OptionSinkPartitioner]); v {
	case "", "default":
		o.partitioner = PartitionDefault
	case "round-robin":
		o.partitioner = PartitionRoundRobin
	case "fixed":
		o.partitioner = PartitionFixed
	default:
		return o, connectors.Optionf(OptionSinkPartitioner, "unsupported value '%s'; accepted: 'default', 'round-robin', 'fixed'", plain[OptionSinkPartitioner])
	}
	if k, ok := plain[OptionSinkKey]; ok {
		if strings.TrimSpace(k) == "" {
			return o, connectors.Optionf(OptionSinkKey, "want a column name")
		}
		o.keyColumn = strings.TrimSpace(k)
	}
	return o, nil
}

// parseDelivery reads 'sink.delivery-guarantee' and the transaction
// options that only 'exactly-once' uses.
func (o *sinkOptions) parseDelivery(plain map[string]string) error {
	switch v := strings.ToLower(strings.TrimSpace(plain[OptionSinkDelivery])); v {
	case "", "at-least-once":
		o.delivery = AtLeastOnce
	case "exactly-once":
		o.delivery = ExactlyOnce
	default:
		return connectors.Optionf(OptionSinkDelivery, "unsupported value '%s'; accepted: 'at-least-once', 'exactly-once'", plain[OptionSinkDelivery])
	}
	for _, k := range []string{OptionSinkTxnPrefix, OptionSinkTxnTimeout} {
		if _, ok := plain[k]; ok && o.delivery != ExactlyOnce {
			return connectors.Optionf(k, "only used with '%s' = 'exactly-once'", OptionSinkDelivery)
		}
	}
	if o.delivery != ExactlyOnce {
		return nil
	}
	if o.client.acks != "all" {
		return connectors.Optionf(propAcks, "'%s' = 'exactly-once' needs 'all' (transactions are idempotent writes acknowledged by every in-sync replica), got '%s'", OptionSinkDelivery, o.client.acks)
	}
	if v, ok := plain[OptionSinkTxnPrefix]; ok {
		v = strings.TrimSpace(v)
		if v == "" {
			return connectors.Optionf(OptionSinkTxnPrefix, "want a non-empty prefix for the sink's Kafka transactional ids")
		}
		o.txnPrefix = v
	}
	o.txnTimeout = DefaultTransactionTimeout
	if v, ok := plain[OptionSinkTxnTimeout]; ok {
		d, err := connectors.ParseDuration(v)
		if err != nil || d <= 0 || d > maxTransactionTimeout {
			return connectors.Optionf(OptionSinkTxnTimeout, "want a positive duration of at most %v such as '15 min', '900 s' or '900000' (milliseconds), got '%s'", maxTransactionTimeout, v)
		}
		if d < time.Millisecond {
			return connectors.Optionf(OptionSinkTxnTimeout, "want at least 1 millisecond, got '%s'", v)
		}
		o.txnTimeout = d
	}
	return nil
}

// maxTransactionTimeout is the longest transaction timeout Kafka's
// protocol can carry (an int32 of milliseconds).
const maxTransactionTimeout = time.Duration(1<<31-1) * time.Millisecond

// parseMillis reads a non-negative duration in milliseconds.
func parseMillis(key, v string) (time.Duration, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, connectors.Optionf(key, "want a non-negative number of milliseconds, got '%s'", v)
	}
	return time.Duration(n) * time.Millisecond, nil
}

// parseBytes reads a positive size in bytes that fits an int32.
func parseBytes(key, v string) (int32, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil || n <= 0 {
		return 0, connectors.Optionf(key, "want a positive number of bytes (at most %d), got '%s'", int32(1<<31-1), v)
	}
	return int32(n), nil
}
