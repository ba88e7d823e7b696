package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// resolveOffsets sets each partition's start offset, from the restored
// position or else from the startup mode, and, for a bounded read, its
// end offset (exclusive): the high watermark, or the last stable offset
// under read_committed.
func (r *reader) resolveOffsets(ctx context.Context, adm *kadm.Client) error {
	var fresh []string // owned partitions without a restored offset
	for _, p := range r.parts {
		if _, ok := r.restored[p.tp]; !ok {
			fresh = append(fresh, fmt.Sprintf("%s/%d", p.tp.topic, p.tp.partition))
		}
	}
	if len(fresh) > 0 {
		if err := r.resolveStarts(ctx, adm); err != nil {
			return err
		}
		if r.restored != nil {
			r.src.cfg.Logger.Info("kafka source: partitions missing from the restored position start from 'scan.startup.mode'",
				"table", r.src.cfg.Table, "partitions", strings.Join(fresh, ","))
		}
	}
	for _, p := range r.parts {
		if off, ok := r.restored[p.tp]; ok {
			p.start = off
		}
		p.next = p.start
	}
	return r.resolveEnds(ctx, adm)
}

// resolveStarts sets each partition's start offset from the startup mode.
func (r *reader) resolveStarts(ctx context.Context, adm *kadm.Client) error {
	o := r.src.opts
	topics := o.topics
	var listed kadm.ListedOffsets
	var err error
	switch o.startup {
	case StartEarliest:
		listed, err = adm.ListStartOffsets(ctx, topics...)
	case StartLatest:
		listed, err = r.listEnd(ctx, adm)
	case StartTimestamp:
		listed, err = adm.ListOffsetsAfterMilli(ctx, o.startMillis, topics...)
	case StartGroupOffsets:
		return r.resolveGroupOffsets(ctx, adm)
	}
	if err != nil {
		return fmt.Errorf("kafka: listing start offsets: %w", err)
	}
	for _, p := range r.parts {
		if p.start, err = lookup(listed, p.tp); err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) listEnd(ctx context.Context, adm *kadm.Client) (kadm.ListedOffsets, error) {
	if r.src.opts.client.readCommitted {
		return adm.ListCommittedOffsets(ctx, r.src.opts.topics...)
	}
	return adm.ListEndOffsets(ctx, r.src.opts.topics...)
}

// resolveGroupOffsets starts each partition at the group's committed
// offset; a partition without one starts at its first offset (or its
// end, with 'properties.auto.offset.reset' = 'latest').
func (r *reader) resolveGroupOffsets(ctx context.Context, adm *kadm.Client) error {
	group := r.src.opts.client.groupID
	committed, err := adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) { // a new group: nothing committed
		committed, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("kafka: fetching the offsets of group '%s': %w", group, err)
	}
	var fallback kadm.ListedOffsets
	if r.src.opts.client.resetLatest {
		fallback, err = r.listEnd(ctx, adm)
	} else {
		fallback, err = adm.ListStartOffsets(ctx, r.src.opts.topics...)
	}
	if err != nil {
		return fmt.Errorf("kafka: listing offsets: %w", err)
	}
	for _, p := range r.parts {
		if c, ok := committed.Lookup(p.tp.topic, p.tp.partition); ok && c.Err == nil && c.At >= 0 {
			p.start = c.At
			continue
		}
		if p.start, err = lookup(fallback, p.tp); err != nil {
			return err
		}
	}
	return nil
}

// resolveEnds records the end offsets of a bounded read; a partition
// that starts at or after its end is done before it begins.
func (r *reader) resolveEnds(ctx context.Context, adm *kadm.Client) error {
	if !r.src.opts.bounded {
		return nil
	}
	listed, err := r.listEnd(ctx, adm)
	if err != nil {
		return fmt.Errorf("kafka: listing end offsets: %w", err)
	}
	for _, p := range r.parts {
		if p.end, err = lookup(listed, p.tp); err != nil {
			return err
		}
		if p.start >= p.end {
			p.done = true
		}
	}
	return nil
}

func lookup(l kadm.ListedOffsets, tp topicPartition) (int64, error) {
	o, ok := l.Lookup(tp.topic, tp.partition)
	if !ok {
		return 0, fmt.Errorf("kafka %s: no offset listed (was the topic deleted?)", tp)
	}
	if o.Err != nil {
		return 0, fmt.Errorf("kafka %s: listing offsets: %w", tp, o.Err)
	}
	if o.Offset < 0 {
		return 0, fmt.Errorf("kafka %s: the broker listed no offset", tp)
	}
	return o.Offset, nil
}
