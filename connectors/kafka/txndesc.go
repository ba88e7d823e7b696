package kafka

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// txnDescriptionVersion is the format of the descriptions PreCommit
// returns (and Recover reads).
const txnDescriptionVersion = 1

// txnDescription is what an exactly-once writer's PreCommit returns: the
// transactions it prepared and has not yet seen committed, which the
// sink's Recover commits after a crash. Stored in checkpoints as JSON.
type txnDescription struct {
	Version int           `json:"version"`
	Prefix  string        `json:"prefix"`  // 'sink.transactional-id-prefix'
	Subtask int           `json:"subtask"` // the writer's subtask
	Slots   int           `json:"slots"`   // transactional ids the writer had used so far
	Txns    []preparedTxn `json:"transactions"`
}

// preparedTxn is one prepared (flushed, not committed) transaction: its
// transactional id and the producer id and epoch that wrote it, which
// are what an EndTxn request from any client needs to commit it.
type preparedTxn struct {
	ID            string `json:"transactional_id"`
	Slot          int    `json:"slot"`
	ProducerID    int64  `json:"producer_id"`
	ProducerEpoch int16  `json:"producer_epoch"`
	Epoch         uint64 `json:"checkpoint"` // the PreCommit that prepared it
}

// txnID is the transactional id of slot of subtask.
func txnID(prefix string, subtask, slot int) string {
	return prefix + "-" + strconv.Itoa(subtask) + "-" + strconv.Itoa(slot)
}

// parseTxnID splits a transactional id made by txnID with prefix.
func parseTxnID(prefix, id string) (subtask, slot int, ok bool) {
	rest, found := strings.CutPrefix(id, prefix+"-")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, "-")
	if !found {
		return 0, 0, false
	}
	subtask, err1 := strconv.Atoi(a)
	slot, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || subtask < 0 || slot < 0 || strconv.Itoa(subtask) != a || strconv.Itoa(slot) != b {
		return 0, 0, false
	}
	return subtask, slot, true
}

func (d txnDescription) encode() ([]byte, error) {
	d.Version = txnDescriptionVersion
	return json.Marshal(d)
}

// Bounds a description must keep (Recover sweeps subtasks × slots ids).
const (
	maxDescribedSubtasks = 1 << 12
	maxDescribedSlots    = 1 << 10
)

// decodeTxnDescription reads and checks what PreCommit returned.
func decodeTxnDescription(data []byte) (txnDescription, error) {
	var d txnDescription
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("corrupt Kafka sink transaction description: %w", err)
	}
	if d.Version != txnDescriptionVersion {
		return d, fmt.Errorf("unknown Kafka sink transaction description format %d (this version reads %d)", d.Version, txnDescriptionVersion)
	}
	if d.Prefix == "" || d.Subtask < 0 || d.Subtask >= maxDescribedSubtasks || d.Slots < 0 || d.Slots > maxDescribedSlots {
		return d, fmt.Errorf("corrupt Kafka sink transaction description: no prefix, or a subtask (%d) or slot count (%d) out of range", d.Subtask, d.Slots)
	}
	for _, t := range d.Txns {
		if t.ID != txnID(d.Prefix, d.Subtask, t.Slot) || t.Slot < 0 || t.Slot >= d.Slots || t.ProducerID < 0 || t.ProducerEpoch < 0 {
			return d, fmt.Errorf("corrupt Kafka sink transaction description: transaction %+v does not fit prefix '%s', subtask %d, %d slots",
				t, d.Prefix, d.Subtask, d.Slots)
		}
	}
	return d, nil
}
