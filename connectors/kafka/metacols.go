package kafka

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"
)

// metaColumn builds one metadata column of a reader's records.
type metaColumn struct {
	slot int // position in the output record
	kind metaKind
	str  *array.StringBuilder    // key, topic, headers
	i32  *array.Int32Builder     // partition
	i64  *array.Int64Builder     // offset
	ts   *array.TimestampBuilder // timestamp
	tmp  []byte
}

func newMetaColumn(alloc memory.Allocator, slot int, kind metaKind, capacity int) *metaColumn {
	c := &metaColumn{slot: slot, kind: kind}
	switch kind {
	case metaKey, metaTopic, metaHeaders:
		c.str = array.NewStringBuilder(alloc)
		c.str.Reserve(capacity)
	case metaPartition:
		c.i32 = array.NewInt32Builder(alloc)
		c.i32.Reserve(capacity)
	case metaOffset:
		c.i64 = array.NewInt64Builder(alloc)
		c.i64.Reserve(capacity)
	case metaTimestamp:
		c.ts = array.NewTimestampBuilder(alloc, arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType))
		c.ts.Reserve(capacity)
	}
	return c
}

// add appends rec's value of the column.
func (c *metaColumn) add(rec *kgo.Record) {
	switch c.kind {
	case metaKey:
		if rec.Key == nil {
			c.str.AppendNull()
		} else {
			c.str.BinaryBuilder.Append(rec.Key)
		}
	case metaTopic:
		c.str.Append(rec.Topic)
	case metaHeaders:
		c.tmp = appendHeadersJSON(c.tmp[:0], rec.Headers)
		c.str.BinaryBuilder.Append(c.tmp)
	case metaPartition:
		c.i32.Append(rec.Partition)
	case metaOffset:
		c.i64.Append(rec.Offset)
	case metaTimestamp:
		c.ts.Append(arrow.Timestamp(rec.Timestamp.UnixMilli()))
	}
}

func (c *metaColumn) builder() array.Builder {
	switch {
	case c.str != nil:
		return c.str
	case c.i32 != nil:
		return c.i32
	case c.i64 != nil:
		return c.i64
	}
	return c.ts
}

// build returns the rows added since the last build.
func (c *metaColumn) build() arrow.Array { return c.builder().NewArray() }

func (c *metaColumn) release() { c.builder().Release() }
