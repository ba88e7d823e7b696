package file

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

const (
	readBufferSize = 256 << 10
	// loggedBadLines is how many dropped lines each reader logs.
	loggedBadLines = 5
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// reader reads its splits in order, line by line.
type reader struct {
	src    *Source
	splits []split
	next   int // index in splits of the next split to open

	f   *os.File
	br  *bufio.Reader
	cur split
	pos int64 // file offset of the next unread byte: where the next line begins
	lineAt
	long   []byte // a line longer than the read buffer
	dec    *jsonformat.Decoder
	bytes  int64 // input bytes not yet added to the stats
	logged int
	// rowsSplit is the split (index in splits) the decoder's rows come
	// from; lastSplit the split of the last record returned.
	rowsSplit, lastSplit int

	// subtask and parallelism identify the reader's share in positions.
	subtask, parallelism int
	// resumeAt is where a restored reader resumes split next (the offset
	// of a line start), -1 when it starts splits at their beginning;
	// resumeLine is that line's number (0 when not known yet).
	resumeAt   int64
	resumeLine int
	// started is set by the first Read; Restore must come before.
	started bool
	// plan is the hash of splits (see planHash), once planned is set.
	plan    uint64
	planned bool
}

var _ connectors.SplitReader = (*reader)(nil)

// Splits implements connectors.SplitReader: the reader's splits (indices
// into its own list) that it has not finished. Event time advances per
// split, and a split not yet started holds the watermark back, so rows of
// a later file are never late merely because an earlier file was read
// first: results do not depend on how files are spread over subtasks.
func (r *reader) Splits() []int {
	from := r.next
	if r.f != nil {
		from = r.next - 1
	}
	ids := make([]int, 0, len(r.splits)-from)
	for i := from; i < len(r.splits); i++ {
		ids = append(ids, i)
	}
	return ids
}

// LastSplit implements connectors.SplitReader.
func (r *reader) LastSplit() int { return r.lastSplit }

// Open implements connectors.Reader.
func (r *reader) Open(ctx context.Context) error {
	dec, err := jsonformat.NewDecoder(decoderConfig(r.src.cfg, r.src.opts))
	if err != nil {
		return err
	}
	r.dec = dec
	return nil
}

// Read implements connectors.Reader: up to BatchSize rows, or io.EOF
// after the last split.
func (r *reader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if r.dec == nil {
		return nil, errors.New("file source: Read before Open")
	}
	r.started = true
	for n := 0; !r.dec.Full(); n++ {
		if n&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line, err := r.readLine()
		if err == io.EOF {
			// A record holds rows of one split: flush at a split's end.
			if r.dec.Len() > 0 || (r.f == nil && r.next >= len(r.splits)) {
				break
			}
			continue
		}
		if err == nil {
			r.rowsSplit = r.next - 1
			err = r.dec.Append(line)
		}
		if err != nil {
			if err := r.bad(err); err != nil {
				return nil, err
			}
		}
	}
	r.flushStats()
	rec := r.dec.Flush()
	if rec == nil {
		return nil, io.EOF
	}
	r.src.cfg.Stats.Records.Add(rec.NumRows())
	r.lastSplit = r.rowsSplit
	return rec, nil
}

// bad handles a line that could not be read or decoded.
func (r *reader) bad(err error) error {
	var fe *jsonformat.FieldError
	if !errors.As(err, &fe) {
		return err // an I/O error, already naming the file
	}
	drop := r.src.opts.badData == BadDataDrop
	if drop {
		r.src.cfg.Stats.Dropped.Add(1)
		if r.logged >= loggedBadLines {
			return nil // counted; no need for the line number
		}
	}
	loc := r.locate(r.f, r.cur.file, err)
	if !drop {
		return loc
	}
	r.logged++
	r.src.cfg.Logger.Warn("dropped a bad record", "table", r.src.cfg.Table, "error", loc.Error())
	if r.logged == loggedBadLines {
		r.src.cfg.Logger.Warn("further bad records are dropped and counted without logging", "table", r.src.cfg.Table)
	}
	return nil
}

// readLine returns the next line of the current split without its line
// end, opening the next split as needed. It returns io.EOF at the end of
// each split, and a *jsonformat.FieldError for a line over the size limit
// (the line is consumed).
func (r *reader) readLine() ([]byte, error) {
	if r.f == nil {
		if r.next >= len(r.splits) {
			return nil, io.EOF
		}
		at, line := r.resumeAt, r.resumeLine
		r.resumeAt, r.resumeLine = -1, 0
		if err := r.open(r.splits[r.next], at, line); err != nil {
			return nil, err
		}
		r.next++
	}
	if r.cur.end >= 0 && r.pos >= r.cur.end { // the next line is the next split's
		r.closeFile()
		return nil, io.EOF
	}
	max := r.src.opts.json.MaxLineBytes
	r.long = r.long[:0]
	tooLong, n := false, 0
	for {
		chunk, err := r.br.ReadSlice('\n')
		n += len(chunk)
		if err == bufio.ErrBufferFull {
			if !tooLong && len(r.long)+len(chunk) <= max+2 {
				r.long = append(r.long, chunk...)
			} else {
				tooLong, r.long = true, r.long[:0]
			}
			continue
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", r.cur.file.display, err)
		}
		if n == 0 { // end of file
			r.closeFile()
			return nil, io.EOF
		}
		r.advance(r.pos)
		r.pos += int64(n)
		r.bytes += int64(n)
		line := chunk
		if len(r.long) > 0 {
			r.long = append(r.long, chunk...)
			line = r.long
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if r.lineStart == 0 {
			line = bytes.TrimPrefix(line, bom)
		}
		if tooLong || len(line) > max {
			return nil, &jsonformat.FieldError{Msg: fmt.Sprintf("line is over the limit of %d bytes ('%s')", max, jsonformat.OptionMaxLineBytes)}
		}
		return line, nil
	}
}

// open opens a split's file and positions it at the split's first line:
// a split starting at s > 0 begins after the first '\n' at or after
// s-1, because the line crossing s belongs to the previous split. A
// restored reader resumes at offset at (>= 0), the start of the line
// numbered line (0 if not known).
func (r *reader) open(s split, at int64, line int) error {
	fh, err := os.Open(s.file.path)
	if err != nil {
		return fmt.Errorf("file source '%s': %w", r.src.cfg.Table, err)
	}
	r.f, r.cur, r.pos = fh, s, 0
	skip := s.start > 0 && at < 0
	switch {
	case at >= 0:
		r.pos = at
	case skip:
		r.pos = s.start - 1
	}
	if r.pos > 0 {
		if _, err := fh.Seek(r.pos, io.SeekStart); err != nil {
			return fmt.Errorf("%s: %w", s.file.display, err)
		}
	}
	if r.br == nil {
		r.br = bufio.NewReaderSize(fh, readBufferSize)
	} else {
		r.br.Reset(fh)
	}
	if at >= 0 {
		r.lineAt.reset(at)
		if line > 0 {
			r.firstNo = line
		}
		return nil
	}
	if skip {
		for {
			chunk, err := r.br.ReadSlice('\n')
			r.pos += int64(len(chunk))
			if err == nil || err == io.EOF {
				break
			}
			if err != bufio.ErrBufferFull {
				return fmt.Errorf("%s: %w", s.file.display, err)
			}
		}
	}
	r.lineAt.reset(r.pos)
	return nil
}

func (r *reader) closeFile() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

func (r *reader) flushStats() {
	if r.bytes > 0 {
		r.src.cfg.Stats.Bytes.Add(r.bytes)
		r.bytes = 0
	}
}

// Close implements connectors.Reader.
func (r *reader) Close() error {
	r.flushStats()
	r.closeFile()
	if r.dec != nil {
		r.dec.Release()
		r.dec = nil
	}
	return nil
}
