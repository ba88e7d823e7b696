package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strings"

	"github.com/weir-stream/weir/connectors"
)

// A reader's position is the next offset to read of every partition it
// owns, encoded compactly:
//
//	'K' 1                       magic and format version
//	uvarint topics
//	  uvarint len, name         per topic, in the reader's order
//	  uvarint partitions
//	    uvarint partition, uvarint offset
//	crc32c (4 bytes, little endian) of everything before it
const (
	positionMagic   = 'K'
	positionVersion = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var _ connectors.Positioner = (*reader)(nil)

// Position implements connectors.Positioner: for every owned partition,
// one past the last message consumed, i.e. whose row is in a record Read
// returned or which was dropped as bad; the start offset for a partition
// nothing was consumed from yet. Messages fetched but not yet decoded
// are not included. The returned slice is the caller's.
func (r *reader) Position() ([]byte, error) {
	if r.dec == nil {
		return nil, fmt.Errorf("kafka source '%s': Position before Open", r.src.cfg.Table)
	}
	pos := encodePosition(r.parts, r.posSize)
	r.posSize = len(pos)
	return pos, nil
}

// encodePosition encodes the position of parts (sorted by topic), in a
// new slice of capacity size (when large enough).
func encodePosition(parts []*partState, size int) []byte {
	buf := make([]byte, 0, size)
	buf = append(buf, positionMagic, positionVersion)
	ntopics := 0
	for i, p := range parts {
		if i == 0 || p.tp.topic != parts[i-1].tp.topic {
			ntopics++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(ntopics))
	for i := 0; i < len(parts); {
		topic := parts[i].tp.topic
		j := i
		for j < len(parts) && parts[j].tp.topic == topic {
			j++
		}
		buf = binary.AppendUvarint(buf, uint64(len(topic)))
		buf = append(buf, topic...)
		buf = binary.AppendUvarint(buf, uint64(j-i))
		for _, p := range parts[i:j] {
			buf = binary.AppendUvarint(buf, uint64(p.tp.partition))
			buf = binary.AppendUvarint(buf, uint64(p.position()))
		}
		i = j
	}
	return appendChecksum(buf)
}

// appendChecksum appends the crc32c of buf.
func appendChecksum(buf []byte) []byte {
	return binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
}

// position is the next offset to read of p: after a bounded partition
// reached its end and everything queued was consumed, its end offset
// (so trailing transaction markers count as read).
func (p *partState) position() int64 {
	if p.done && p.pos == len(p.recs) && p.end > p.next {
		return p.end
	}
	return p.next
}

// Restore implements connectors.Positioner: owned partitions named in
// pos start at its offset instead of at 'scan.startup.mode'; owned
// partitions it does not name (added to the topic since) start as the
// startup mode says. Partitions of the table this reader does not own
// are ignored, so a position that holds every subtask's partitions
// works for each of them. A bounded read still ends at the end offsets
// taken at Open: a partition restored at or past its end is already
// done. Restore must come before Open, at most once.
func (r *reader) Restore(pos []byte) error {
	if r.dec != nil {
		return fmt.Errorf("kafka source '%s': Restore after Open", r.src.cfg.Table)
	}
	if r.restored != nil {
		return fmt.Errorf("kafka source '%s': Restore called twice", r.src.cfg.Table)
	}
	offsets, err := decodePosition(pos)
	if err != nil {
		return fmt.Errorf("kafka source '%s': restoring its position: %w", r.src.cfg.Table, err)
	}
	owned := map[topicPartition]bool{}
	for _, p := range r.parts {
		owned[p.tp] = true
	}
	restored := map[topicPartition]int64{}
	for _, o := range offsets {
		if !slices.Contains(r.src.opts.topics, o.tp.topic) {
			return fmt.Errorf("kafka source '%s': the restored position is for topic '%s', which the table does not read (it reads '%s')",
				r.src.cfg.Table, o.tp.topic, strings.Join(r.src.opts.topics, ";"))
		}
		if !slices.Contains(r.src.parts, o.tp) {
			return fmt.Errorf("kafka source '%s': the restored position names %s, which does not exist (was the topic recreated?)", r.src.cfg.Table, o.tp)
		}
		if owned[o.tp] {
			restored[o.tp] = o.offset
		}
	}
	r.restored = restored
	return nil
}

// partitionOffset is one entry of an encoded position.
type partitionOffset struct {
	tp     topicPartition
	offset int64
}

// decodePosition reads what Position encoded; anything else is an error.
func decodePosition(pos []byte) ([]partitionOffset, error) {
	if len(pos) < 2+4 || pos[0] != positionMagic {
		return nil, errors.New("not a Kafka source position")
	}
	if pos[1] != positionVersion {
		return nil, fmt.Errorf("unknown Kafka source position format %d (this version reads %d)", pos[1], positionVersion)
	}
	body, sum := pos[:len(pos)-4], binary.LittleEndian.Uint32(pos[len(pos)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("corrupt Kafka source position (checksum mismatch)")
	}
	d := connectors.NewPositionReader(body[2:])
	var out []partitionOffset
	seen := map[topicPartition]bool{}
	ntopics := d.Int("topic count")
	for range ntopics {
		topic := string(d.Bytes("topic"))
		nparts := d.Int("partition count")
		for range nparts {
			part := int32(d.Int("partition"))
			off := int64(d.Uvarint("offset", math.MaxInt64))
			if d.Err() != nil {
				break
			}
			tp := topicPartition{topic, part}
			if seen[tp] {
				d.Fail("%s appears twice", tp)
			}
			seen[tp] = true
			out = append(out, partitionOffset{tp, off})
		}
		if d.Err() != nil {
			break
		}
	}
	if d.Err() == nil && d.Left() != 0 {
		d.Fail("%d stray bytes at the end", d.Left())
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("corrupt Kafka source position: %w", err)
	}
	return out, nil
}
