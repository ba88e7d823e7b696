package file

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/weir-stream/weir/connectors"
)

// positionMagic starts every encoded reader position (and versions it).
const positionMagic = "WFP\x01"

var _ connectors.Positioner = (*reader)(nil)

// position is a reader's progress as saved in a checkpoint. Splits are
// read in order, so the splits before split are finished.
type position struct {
	subtask, parallelism int
	// splits is the number of the reader's splits and plan a hash of
	// them (file, size, modification time, byte range): the plan Restore
	// must find again.
	splits int
	plan   uint64
	// split is the split being read or the next to start (splits at the
	// end); offset is where its next unread line begins, -1 if it was not
	// started; line is that line's number, 0 if not counted.
	split  int
	offset int64
	line   int
	// file identifies split's file (when split < splits), for a clear
	// message if it changed.
	file inputFile
}

// Position implements connectors.Positioner: the splits finished, the
// byte offset where the next unread line of the current split starts
// and that line's number (when known), with the identity (size and
// modification time) of the current file and a hash of the whole split
// plan. Every Read returns all the lines it consumed, so this is exact
// at record boundaries. It costs one small allocation.
func (r *reader) Position() ([]byte, error) {
	p := position{subtask: r.subtask, parallelism: r.parallelism, splits: len(r.splits), plan: r.planHash(), offset: -1}
	switch {
	case r.resumeAt >= 0: // restored, not read yet
		p.split, p.offset, p.line = r.next, r.resumeAt, r.resumeLine
	case r.f != nil:
		p.split, p.offset = r.next-1, r.pos
		if r.firstNo > 0 {
			p.line = r.firstNo + r.lines
		}
	default:
		p.split = r.next
	}
	if p.split < len(r.splits) {
		p.file = r.splits[p.split].file
	}
	return p.encode(), nil
}

// Restore implements connectors.Positioner. The reader's split plan must
// be the one the position was taken with: same files, unchanged (size
// and modification time), same parallelism.
func (r *reader) Restore(pos []byte) error {
	table := r.src.cfg.Table
	if r.started {
		return fmt.Errorf("file source '%s': Restore after Read", table)
	}
	p, err := decodePosition(pos)
	if err != nil {
		return fmt.Errorf("file source '%s': corrupt checkpoint position: %w", table, err)
	}
	if p.subtask != r.subtask || p.parallelism != r.parallelism {
		return fmt.Errorf("file source '%s': the checkpoint position is subtask %d of %d's, not subtask %d of %d's (the parallelism changed?)",
			table, p.subtask, p.parallelism, r.subtask, r.parallelism)
	}
	if p.split < p.splits {
		if err := r.checkFile(p.file); err != nil {
			return err
		}
	}
	if p.splits != len(r.splits) || p.plan != r.planHash() {
		return fmt.Errorf("file source '%s': the input files changed since the checkpoint (a file was added, removed, resized or modified): subtask %d of %d read %d splits then, %d now, and cannot resume",
			table, r.subtask, r.parallelism, p.splits, len(r.splits))
	}
	if p.offset >= 0 {
		s := r.splits[p.split]
		if p.offset < s.start || p.offset > s.file.size {
			return fmt.Errorf("file source '%s': corrupt checkpoint position: offset %d is outside %s's split [%d, %d] of %d bytes",
				table, p.offset, s.file.display, s.start, s.end, s.file.size)
		}
	}
	r.next, r.resumeAt, r.resumeLine = p.split, p.offset, p.line
	return nil
}

// checkFile compares the identity of a file saved in a position with the
// file of the same name now.
func (r *reader) checkFile(saved inputFile) error {
	table := r.src.cfg.Table
	for _, f := range r.src.opts.files {
		if f.display != saved.display {
			continue
		}
		switch {
		case f.size != saved.size:
			return fmt.Errorf("file source '%s': file %s changed since the checkpoint (size %d, was %d)", table, f.display, f.size, saved.size)
		case f.mtime != saved.mtime:
			return fmt.Errorf("file source '%s': file %s changed since the checkpoint (modified %s, was %s)",
				table, f.display, formatMtime(f.mtime), formatMtime(saved.mtime))
		}
		return nil
	}
	return fmt.Errorf("file source '%s': file %s, read when the checkpoint was taken, is no longer an input file", table, saved.display)
}

func formatMtime(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// planHash hashes the reader's splits: each file's name, size and
// modification time and each byte range. It is computed once.
func (r *reader) planHash() uint64 {
	if r.planned {
		return r.plan
	}
	h := fnv.New64a()
	var b []byte
	for _, s := range r.splits {
		b = appendString(b[:0], s.file.display)
		b = binary.AppendVarint(b, s.file.size)
		b = binary.AppendVarint(b, s.file.mtime)
		b = binary.AppendVarint(b, s.start)
		b = binary.AppendVarint(b, s.end)
		h.Write(b)
	}
	r.plan, r.planned = h.Sum64(), true
	return r.plan
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (p position) encode() []byte {
	b := make([]byte, 0, 48+len(p.file.display))
	b = append(b, positionMagic...)
	b = binary.AppendUvarint(b, uint64(p.subtask))
	b = binary.AppendUvarint(b, uint64(p.parallelism))
	b = binary.AppendUvarint(b, uint64(p.splits))
	b = binary.LittleEndian.AppendUint64(b, p.plan)
	b = binary.AppendUvarint(b, uint64(p.split))
	b = binary.AppendVarint(b, p.offset)
	b = binary.AppendUvarint(b, uint64(p.line))
	if p.split < p.splits {
		b = appendString(b, p.file.display)
		b = binary.AppendVarint(b, p.file.size)
		b = binary.AppendVarint(b, p.file.mtime)
	}
	return b
}

// decodePosition parses an encoded position, checking that every field
// is in range.
func decodePosition(b []byte) (position, error) {
	var p position
	if len(b) < len(positionMagic) || string(b[:len(positionMagic)]) != positionMagic {
		return p, errors.New("not a file source position")
	}
	d := connectors.NewPositionReader(b[len(positionMagic):])
	p.subtask = d.Int("subtask")
	p.parallelism = d.Int("parallelism")
	p.splits = d.Int("split count")
	p.plan = d.Uint64("plan hash")
	p.split = d.Int("split")
	p.offset = d.Varint("offset")
	p.line = int(d.Uvarint("line", math.MaxInt/2))
	if d.Err() == nil && p.split < p.splits {
		p.file.display = string(d.Bytes("file name"))
		p.file.size = d.Varint("file size")
		p.file.mtime = d.Varint("file time")
	}
	switch {
	case d.Err() != nil:
		return p, d.Err()
	case d.Left() > 0:
		return p, fmt.Errorf("%d trailing bytes", d.Left())
	case p.parallelism < 1 || p.subtask >= p.parallelism:
		return p, fmt.Errorf("subtask %d of %d", p.subtask, p.parallelism)
	case p.split > p.splits:
		return p, fmt.Errorf("split %d of %d", p.split, p.splits)
	case p.offset < -1 || (p.split == p.splits && p.offset != -1):
		return p, fmt.Errorf("offset %d in split %d of %d", p.offset, p.split, p.splits)
	case p.file.size < 0:
		return p, fmt.Errorf("file size %d", p.file.size)
	}
	return p, nil
}
