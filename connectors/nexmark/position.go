package nexmark

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"

	"github.com/weir-stream/weir/connectors"
)

// positionMagic starts every encoded reader position (and versions it).
const positionMagic = "WNX\x01"

// positionSize is the encoded size: the magic, the config fingerprint,
// then table, subtask, parallelism and next event number.
const positionSize = len(positionMagic) + 8 + 1 + 4 + 4 + 8

var _ connectors.Positioner = (*reader)(nil)

// configFingerprint hashes what defines the events (all of the config
// but the table, the event count and rate limiting), so that a position
// is not restored into a generator that would produce other events.
func configFingerprint(c Config) uint64 {
	c.Table, c.EventsNum, c.RateLimited = 0, 0, false
	h := fnv.New64a()
	fmt.Fprintf(h, "%+v", c)
	return h.Sum64()
}

// Position implements connectors.Positioner. Every event is a pure
// function of its number and Read keeps nothing between records, so the
// position is the next event number of the subtask, with the table,
// subtask, parallelism and a fingerprint of the options to check on
// Restore.
func (r *reader) Position() ([]byte, error) {
	b := make([]byte, 0, positionSize)
	b = append(b, positionMagic...)
	b = binary.LittleEndian.AppendUint64(b, r.src.fingerprint)
	b = append(b, byte(r.src.gen.cfg.Table))
	b = binary.LittleEndian.AppendUint32(b, uint32(r.subtask))
	b = binary.LittleEndian.AppendUint32(b, uint32(r.step))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.next))
	return b, nil
}

// Restore implements connectors.Positioner: the reader continues with
// the event number saved in pos. With 'rate-limited', that event is due
// when the reader opens (the rate is kept, not the time lost).
func (r *reader) Restore(pos []byte) error {
	table := r.src.cfg.Table
	if r.started {
		return fmt.Errorf("nexmark source '%s': Restore after Read", table)
	}
	if len(pos) != positionSize || string(pos[:len(positionMagic)]) != positionMagic {
		return fmt.Errorf("nexmark source '%s': corrupt checkpoint position: not a nexmark position (%d bytes)", table, len(pos))
	}
	b := pos[len(positionMagic):]
	fp := binary.LittleEndian.Uint64(b)
	tab := Table(b[8])
	subtask := int64(binary.LittleEndian.Uint32(b[9:]))
	parallelism := int64(binary.LittleEndian.Uint32(b[13:]))
	next := int64(binary.LittleEndian.Uint64(b[17:]))
	switch {
	case tab > TableBid:
		return fmt.Errorf("nexmark source '%s': corrupt checkpoint position: table %d", table, tab)
	case tab != r.src.gen.cfg.Table:
		return fmt.Errorf("nexmark source '%s': the checkpoint position is for table '%s', not '%s'", table, tab, r.src.gen.cfg.Table)
	case fp != r.src.fingerprint:
		return fmt.Errorf("nexmark source '%s': the generator options changed since the checkpoint, so the events would differ", table)
	case parallelism < 1 || subtask >= parallelism:
		return fmt.Errorf("nexmark source '%s': corrupt checkpoint position: subtask %d of %d", table, subtask, parallelism)
	case subtask != r.subtask || parallelism != r.step:
		return fmt.Errorf("nexmark source '%s': the checkpoint position is subtask %d of %d's, not subtask %d of %d's (the parallelism changed?)",
			table, subtask, parallelism, r.subtask, r.step)
	case next < subtask || (next-subtask)%parallelism != 0:
		return fmt.Errorf("nexmark source '%s': corrupt checkpoint position: event %d is not subtask %d of %d's", table, next, subtask, parallelism)
	}
	r.next, r.restored = next, true
	return nil
}
