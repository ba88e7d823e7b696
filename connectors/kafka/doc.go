// Package kafka is the 'kafka' connector: a source that reads JSON
// messages from Kafka topics and a sink that writes one JSON message per
// row, both on franz-go (pkg/kgo, pkg/kadm).
//
// Source. The factory lists the topics' partitions (so the table's
// MaxParallelism is the partition count) and spreads the sorted (topic,
// partition) pairs over source subtasks: pair i goes to subtask i mod
// parallelism. Each reader consumes its partitions directly
// (kgo.ConsumePartitions; no group membership and no rebalancing inside
// a process) and is a connectors.SplitReader: every record it returns
// holds rows of one partition, so the runtime can keep one watermark per
// partition. Start offsets are resolved at Open from 'scan.startup.mode':
// 'earliest-offset', 'latest-offset', 'timestamp' (the first offset at or
// after 'scan.startup.timestamp-millis'), or 'group-offsets' (the
// default, as in Flink: the offsets committed by 'properties.group.id';
// a partition without a committed offset starts from the earliest offset,
// or the latest with 'properties.auto.offset.reset' = 'latest').
// 'scan.bounded.mode' = 'latest-offset' takes the end offsets at Open and
// ends the reader (io.EOF) once it has read up to them on all its
// partitions. Readers are connectors.Positioners: the position is the
// next offset of every owned partition, exact at record boundaries
// (messages fetched but not yet returned are not in it; dropped bad ones
// are), and a restored reader starts there instead of at the startup
// mode. The source commits no offsets to the consumer group.
//
// Metadata columns ('key', 'topic', 'partition', 'offset', 'timestamp',
// 'headers') are filled from each message; bad messages are handled by
// 'bad-data' ('fail' with topic, partition, offset and field; 'drop',
// counted; 'dlq', the original key and value sent to 'bad-data.topic'
// with the error in headers). Per-partition records, bytes and consumer
// lag go to connectors.SourceStats.Partition.
//
// Sink. Every row becomes one message whose value is the JSON object of
// the row's non-metadata columns; the key comes from a 'key' metadata
// column or from the column named by 'sink.key'. With
// 'sink.delivery-guarantee' = 'at-least-once' (the default) writes are
// asynchronous: Prepare, and with checkpoints PreCommit, flushes and
// reports the first failed message with its topic and partition.
// 'exactly-once' needs checkpoints: each writer writes a checkpoint
// interval's rows in one Kafka transaction (transactional ids
// 'sink.transactional-id-prefix'-subtask-slot, a small pool per writer;
// 'sink.transaction-timeout'), flushed by PreCommit and committed once
// the checkpoint is durable (txn.go); the sink's Recover commits what
// the restored checkpoint prepared and aborts what an earlier run left
// open (txnrecover.go). Consumers must read with 'read_committed'.
//
// Client settings come from 'properties.*' options, as in Flink:
// bootstrap servers, client id, security (SSL, SASL PLAIN and SCRAM,
// with Flink's JAAS string or plain username/password options), and a
// few tunings; any other 'properties.*' key is logged and ignored.
//
// The package imports the connectors contract, jsonformat and franz-go;
// it must not import sql, engine, operators or web.
package kafka
