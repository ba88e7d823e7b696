package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/weir-stream/weir/connectors"
)

// metadataTimeout bounds how long NewSource waits for the brokers to
// list the topics' partitions.
var metadataTimeout = 15 * time.Second

// topicPartition is one partition of one topic.
type topicPartition struct {
	topic     string
	partition int32
}

func (tp topicPartition) String() string {
	return fmt.Sprintf("topic '%s' partition %d", tp.topic, tp.partition)
}

// listPartitions returns every partition of topics, sorted by topic then
// partition. A topic that does not exist is an OptionError on 'topic'.
func listPartitions(ctx context.Context, cc clientConfig, topics []string) ([]topicPartition, error) {
	cl, err := kgo.NewClient(cc.baseOpts()...)
	if err != nil {
		return nil, connectors.Optionf(propBootstrap, "%v", err)
	}
	defer cl.Close()
	details, err := kadm.NewClient(cl).ListTopics(ctx, topics...)
	if err != nil {
		return nil, connectors.Optionf(propBootstrap, "listing the partitions of '%s' at %s: %v", strings.Join(topics, ";"), strings.Join(cc.brokers, ","), err)
	}
	var out []topicPartition
	for _, t := range topics {
		d, ok := details[t]
		if !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			return nil, connectors.Optionf(OptionTopic, "topic '%s' does not exist at %s", t, strings.Join(cc.brokers, ","))
		}
		if d.Err != nil {
			return nil, connectors.Optionf(OptionTopic, "topic '%s': %v", t, d.Err)
		}
		if len(d.Partitions) == 0 {
			return nil, connectors.Optionf(OptionTopic, "topic '%s' has no partitions", t)
		}
		for p := range d.Partitions {
			out = append(out, topicPartition{topic: t, partition: p})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].topic != out[j].topic {
			return out[i].topic < out[j].topic
		}
		return out[i].partition < out[j].partition
	})
	return out, nil
}

// assign returns the indices (split ids) into parts that subtask reads:
// every index i with i mod parallelism == subtask.
func assign(n, subtask, parallelism int) []int {
	var out []int
	for i := subtask; i < n; i += parallelism {
		out = append(out, i)
	}
	return out
}
