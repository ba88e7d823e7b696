package engine

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// msgKind tells data from control messages.
type msgKind uint8

const (
	msgData msgKind = iota
	msgWatermark
	// msgIdle: the sending subtask has had no data for its source's idle
	// timeout; ignore it in the minimum watermark until it sends again.
	msgIdle
	msgEOS
	// msgBarrier: checkpoint epoch's barrier; everything before it on the
	// channel belongs to the epoch, everything after to the next. A stop
	// barrier is the last message: the job stops after that checkpoint.
	msgBarrier
)

// MaxWatermark is the watermark of an input that has ended: +infinity.
const MaxWatermark int64 = math.MaxInt64

// MinWatermark is the watermark before any has been seen.
const MinWatermark int64 = math.MinInt64

// message travels on a channel between subtasks. A data message owns its
// record: the receiver releases it.
type message struct {
	kind  msgKind
	rec   arrow.RecordBatch
	wm    int64
	epoch uint64 // msgBarrier
	stop  bool   // msgBarrier: a stop barrier
}
