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

// reader reads its share of the files in order, line by line.
type reader struct {
	src   *Source
	files []inputFile
	next  int // index in files of the next file to open

	f      *os.File
	br     *bufio.Reader
	cur    inputFile
	line   int    // number of the last line read in cur
	long   []byte // a line longer than the read buffer
	dec    *jsonformat.Decoder
	bytes  int64 // input bytes not yet added to the stats
	logged int
}

var _ connectors.Reader = (*reader)(nil)

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
// after the last file.
func (r *reader) Read(ctx context.Context) (arrow.RecordBatch, error) {
	if r.dec == nil {
		return nil, errors.New("file source: Read before Open")
	}
	for n := 0; !r.dec.Full(); n++ {
		if n&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line, err := r.readLine()
		if err == io.EOF {
			if r.f == nil && r.next >= len(r.files) {
				break
			}
			continue
		}
		if err == nil {
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
	return rec, nil
}

// bad handles a line that could not be read or decoded.
func (r *reader) bad(err error) error {
	var fe *jsonformat.FieldError
	if !errors.As(err, &fe) {
		return err // an I/O error, already naming the file
	}
	loc := fmt.Errorf("%s:%d: %w", r.cur.display, r.line, err)
	if r.src.opts.badData == BadDataFail {
		return loc
	}
	r.src.cfg.Stats.Dropped.Add(1)
	if r.logged < loggedBadLines {
		r.logged++
		r.src.cfg.Logger.Warn("dropped a bad record", "table", r.src.cfg.Table, "error", loc.Error())
		if r.logged == loggedBadLines {
			r.src.cfg.Logger.Warn("further bad records are dropped and counted without logging", "table", r.src.cfg.Table)
		}
	}
	return nil
}

// readLine returns the next line of the current file without its line
// end, opening the next file as needed. It returns io.EOF at the end of
// each file, and a *jsonformat.FieldError for a line over the size limit
// (the line is consumed).
func (r *reader) readLine() ([]byte, error) {
	if r.f == nil {
		if r.next >= len(r.files) {
			return nil, io.EOF
		}
		if err := r.open(r.files[r.next]); err != nil {
			return nil, err
		}
		r.next++
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
			return nil, fmt.Errorf("%s: %w", r.cur.display, err)
		}
		if n == 0 { // end of file
			r.closeFile()
			return nil, io.EOF
		}
		r.line++
		r.bytes += int64(n)
		line := chunk
		if len(r.long) > 0 {
			r.long = append(r.long, chunk...)
			line = r.long
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if r.line == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		if tooLong || len(line) > max {
			return nil, &jsonformat.FieldError{Msg: fmt.Sprintf("line is over the limit of %d bytes ('%s')", max, jsonformat.OptionMaxLineBytes)}
		}
		return line, nil
	}
}

func (r *reader) open(f inputFile) error {
	fh, err := os.Open(f.path)
	if err != nil {
		return fmt.Errorf("file source '%s': %w", r.src.cfg.Table, err)
	}
	r.f, r.cur, r.line = fh, f, 0
	if r.br == nil {
		r.br = bufio.NewReaderSize(fh, readBufferSize)
	} else {
		r.br.Reset(fh)
	}
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
