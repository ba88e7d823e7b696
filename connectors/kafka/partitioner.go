package kafka

import "github.com/twmb/franz-go/pkg/kgo"

// rowPartitioner implements 'sink.partitioner' for one writer.
type rowPartitioner struct {
	mode    Partitioner
	subtask int
}

var _ kgo.Partitioner = rowPartitioner{}

// ForTopic implements kgo.Partitioner.
func (p rowPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	tp := &topicPartitioner{mode: p.mode, subtask: p.subtask}
	if p.mode == PartitionDefault {
		// franz-go's key hashing is the Java client's: murmur2 of the key,
		// made positive, modulo the partition count.
		tp.keyed = kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	}
	return tp
}

// topicPartitioner partitions one topic's messages. franz-go calls it
// for one message at a time.
type topicPartitioner struct {
	mode    Partitioner
	subtask int
	keyed   kgo.TopicPartitioner
	next    int // round-robin cursor
}

// RequiresConsistency implements kgo.TopicPartitioner: keyed and fixed
// messages must go to their partition even while it is unavailable.
func (p *topicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	switch p.mode {
	case PartitionFixed:
		return true
	case PartitionDefault:
		return r.Key != nil
	}
	return false
}

// Partition implements kgo.TopicPartitioner.
func (p *topicPartitioner) Partition(r *kgo.Record, n int) int {
	switch {
	case p.mode == PartitionFixed:
		return p.subtask % n
	case p.mode == PartitionDefault && r.Key != nil:
		return p.keyed.Partition(r, n)
	}
	i := p.next % n
	p.next = i + 1
	return i
}
