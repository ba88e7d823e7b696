package kafka

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/weir-stream/weir/connectors"
)

func TestOptionErrors(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "t"))
	src := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name   string
		sink   bool
		extra  map[string]string
		key    string
		substr string
	}{
		{"unknown", false, src("scan.topic-partition-discovery.interval", "1"), "scan.topic-partition-discovery.interval", "unknown option"},
		{"no topic", false, src("topic", ""), "topic", "required"},
		{"missing topic", false, src("topic", "nope"), "topic", "does not exist"},
		{"no brokers", false, src("properties.bootstrap.servers", " "), "properties.bootstrap.servers", "required"},
		{"format", false, src("format", "avro"), "format", "unsupported format"},
		{"startup", false, src("scan.startup.mode", "specific-offsets"), "scan.startup.mode", "accepted"},
		{"group needs id", false, src("scan.startup.mode", "group-offsets"), "properties.group.id", "required"},
		{"timestamp needs millis", false, src("scan.startup.mode", "timestamp"), "scan.startup.timestamp-millis", "required"},
		{"bad millis", false, src("scan.startup.mode", "timestamp", "scan.startup.timestamp-millis", "x"), "scan.startup.timestamp-millis", "epoch"},
		{"bounded", false, src("scan.bounded.mode", "timestamp"), "scan.bounded.mode", "accepted"},
		{"bad-data", false, src("bad-data", "skip"), "bad-data", "accepted"},
		{"dlq needs topic", false, src("bad-data", "dlq"), "bad-data.topic", "required"},
		{"dlq same topic", false, src("bad-data", "dlq", "bad-data.topic", "t"), "bad-data.topic", "differ"},
		{"protocol", false, src("properties.security.protocol", "TLS"), "properties.security.protocol", "accepted"},
		{"sasl on plaintext", false, src("properties.sasl.mechanism", "PLAIN"), "properties.sasl.mechanism", "SASL_PLAINTEXT"},
		{"sasl creds", false, src("properties.security.protocol", "SASL_PLAINTEXT"), "properties.sasl.username", "credentials"},
		{"mechanism", false, src("properties.security.protocol", "SASL_SSL", "properties.sasl.username", "u", "properties.sasl.password", "p",
			"properties.sasl.mechanism", "GSSAPI"), "properties.sasl.mechanism", "accepted"},
		{"jaas", false, src("properties.security.protocol", "SASL_PLAINTEXT", "properties.sasl.jaas.config", `x required user="u";`), "properties.sasl.jaas.config", "username"},
		{"ca file", false, src("properties.security.protocol", "SSL", "properties.ssl.ca.location", "/nonexistent.pem"), "properties.ssl.ca.location", "no such file"},
		{"isolation", false, src("properties.isolation.level", "dirty"), "properties.isolation.level", "accepted"},
		{"fetch bytes", false, src("properties.fetch.max.bytes", "-1"), "properties.fetch.max.bytes", "positive"},
		{"sink unknown", true, src("scan.startup.moode", "earliest-offset"), "scan.startup.moode", "unknown option"},
		{"sink topics", true, src("topic", "a;b"), "topic", "one topic"},
		{"exactly-once", true, src("sink.delivery-guarantee", "exactly-once"), "sink.delivery-guarantee", "'exactly-once' needs checkpoints: run with --state-dir"},
		{"delivery", true, src("sink.delivery-guarantee", "none"), "sink.delivery-guarantee", "accepted: 'at-least-once', 'exactly-once'"},
		{"txn prefix", true, src("sink.transactional-id-prefix", "p"), "sink.transactional-id-prefix", "only used with"},
		{"partitioner", true, src("sink.partitioner", "hash"), "sink.partitioner", "accepted"},
		{"sink key", true, src("sink.key", "nope"), "sink.key", "no column 'nope'"},
		{"compression", true, src("properties.compression.type", "brotli"), "properties.compression.type", "accepted"},
		{"linger", true, src("properties.linger.ms", "soon"), "properties.linger.ms", "milliseconds"},
		{"acks", true, src("properties.acks", "2"), "properties.acks", "accepted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.sink {
				cfg := sinkConfig(nil, brokers, c.extra, nil)
				_, err = NewSink(cfg)
			} else {
				_, err = NewSource(sourceConfig(nil, brokers, "t", c.extra))
			}
			var oe *connectors.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("want an OptionError, got %v", err)
			}
			if oe.Key != c.key || !strings.Contains(oe.Msg, c.substr) {
				t.Fatalf("got key %q msg %q; want key %q containing %q", oe.Key, oe.Msg, c.key, c.substr)
			}
		})
	}
}

func TestMetadataColumnErrors(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "t"))
	cases := []struct {
		sink   bool
		md     map[int]string
		substr string
	}{
		{false, map[int]string{1: "leader-epoch"}, "column 'k': unknown Kafka metadata key 'leader-epoch'"},
		{false, map[int]string{3: "offset"}, "column 'p': Kafka metadata 'offset' is BIGINT, but the column is declared int32"},
		{false, map[int]string{4: "partition"}, "column 'off': Kafka metadata 'partition' is INT"},
		{true, map[int]string{3: "offset"}, "column 'p': Kafka metadata 'offset' is read-only"},
	}
	for _, c := range cases {
		var err error
		if c.sink {
			cfg := sinkConfig(nil, brokers, nil, c.md)
			cfg.Schema = metaSchema
			_, err = NewSink(cfg)
		} else {
			cfg := sourceConfig(nil, brokers, "t", nil)
			cfg.Schema, cfg.Metadata = metaSchema, c.md
			_, err = NewSource(cfg)
		}
		var oe *connectors.OptionError
		if !errors.As(err, &oe) || !strings.Contains(oe.Msg, c.substr) {
			t.Errorf("got %v, want an OptionError containing %q", err, c.substr)
		}
	}
}

func TestUnknownPropertyIsLoggedNotRejected(t *testing.T) {
	_, brokers := startCluster(t, kfake.SeedTopics(1, "t"))
	var log bytes.Buffer
	cfg := sourceConfig(nil, brokers, "t", map[string]string{"properties.max.poll.records": "10", "properties.linger.ms": "5"})
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	if _, err := NewSource(cfg); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"properties.max.poll.records", "properties.linger.ms"} {
		if !strings.Contains(log.String(), "property="+k) {
			t.Errorf("no warning naming %s in %q", k, log.String())
		}
	}
}

func TestParseJAAS(t *testing.T) {
	kv, err := parseJAAS(`org.apache.kafka.common.security.scram.ScramLoginModule required username="al\"ice" password='x' extra=1 password="p w";`)
	if err != nil {
		t.Fatal(err)
	}
	if kv["username"] != `al"ice` || kv["password"] != "p w" || kv["extra"] != "1" {
		t.Fatalf("%q", kv)
	}
	if _, err := parseJAAS(`M required username="unterminated`); err == nil {
		t.Fatal("unterminated quote accepted")
	}
}

func TestSASLAgainstBroker(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "t"), kfake.EnableSASL(), kfake.Superuser(mech, "weir", "s3cret"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			brokers := strings.Join(c.ListenAddrs(), ",")
			good := map[string]string{"properties.security.protocol": "SASL_PLAINTEXT", "properties.sasl.mechanism": mech,
				"properties.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="weir" password="s3cret";`}
			src, err := NewSource(sourceConfig(checkedAlloc(t), brokers, "t", good))
			if err != nil {
				t.Fatal(err)
			}
			if src.MaxParallelism() != 2 {
				t.Fatalf("partitions %d", src.MaxParallelism())
			}
			if rows, _ := readRows(t, src, 1); len(rows) != 0 {
				t.Fatalf("rows %v", rows)
			}
			bad := map[string]string{"properties.security.protocol": "SASL_PLAINTEXT", "properties.sasl.mechanism": mech,
				"properties.sasl.username": "weir", "properties.sasl.password": "wrong"}
			old := metadataTimeout
			metadataTimeout = 3e9
			defer func() { metadataTimeout = old }()
			if _, err := NewSource(sourceConfig(nil, brokers, "t", bad)); err == nil {
				t.Fatal("wrong password accepted")
			}
		})
	}
}

// TestOneTableReadAndWritten: as in Flink, a table's declaration carries
// both its read and write options, and each side ignores the other's.
func TestOneTableReadAndWritten(t *testing.T) {
	opts := map[string]string{
		"connector": "kafka", "topic": "t", "format": "json", "properties.bootstrap.servers": "127.0.0.1:1",
		"scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset",
		"sink.key": "k", "sink.partitioner": "round-robin",
		"sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": "p", "sink.transaction-timeout": "5 min",
	}
	if _, err := parseSourceOptions(opts, nil); err != nil {
		t.Fatalf("source: %v", err)
	}
	if _, err := parseSinkOptions(opts, nil); err != nil {
		t.Fatalf("sink: %v", err)
	}
}
