package file

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// lineAt tracks where the last line read in a split is. A split that
// starts mid-file does not know its line numbers; the number of its
// first line is counted only when a message needs it (a bad line), by
// counting the '\n' bytes before it, and kept for the rest of the split.
type lineAt struct {
	firstStart int64 // file offset of the split's first line
	firstNo    int   // that line's number; 0 until counted
	lineStart  int64 // file offset of the last line read
	lines      int   // lines read in the split
	scratch    []byte
}

// reset starts a split whose first line begins at offset first.
func (l *lineAt) reset(first int64) {
	l.firstStart, l.lineStart, l.lines = first, -1, 0
	l.firstNo = 0
	if first == 0 {
		l.firstNo = 1
	}
}

// advance records that a line beginning at offset start was read.
func (l *lineAt) advance(start int64) {
	l.lineStart = start
	l.lines++
}

// locate prefixes err with the file and the number of the last line
// read ("path:LINE: ..."), reading f (or the file, if f is nil) to count
// lines if needed. If counting fails, it names the line's byte offset.
func (l *lineAt) locate(f *os.File, file inputFile, err error) error {
	if l.firstNo == 0 {
		n, cerr := countLines(f, file.path, l.firstStart, &l.scratch)
		if cerr != nil {
			return fmt.Errorf("%s: line at byte %d: %w", file.display, l.lineStart, err)
		}
		l.firstNo = n + 1
	}
	return fmt.Errorf("%s:%d: %w", file.display, l.firstNo+l.lines-1, err)
}

// countLines counts the '\n' bytes in [0, end) of a file, reading it
// with ReadAt so f's read position is untouched.
func countLines(f *os.File, path string, end int64, scratch *[]byte) (int, error) {
	if f == nil {
		var err error
		if f, err = os.Open(path); err != nil {
			return 0, err
		}
		defer f.Close()
	}
	if len(*scratch) == 0 {
		*scratch = make([]byte, readBufferSize)
	}
	buf := *scratch
	n := 0
	for off := int64(0); off < end; {
		chunk := buf[:min(int64(len(buf)), end-off)]
		k, err := f.ReadAt(chunk, off)
		n += bytes.Count(chunk[:k], []byte{'\n'})
		off += int64(k)
		if err != nil && !(errors.Is(err, io.EOF) && off == end) {
			if errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("file ends at byte %d, before byte %d", off, end)
			}
			return 0, err
		}
	}
	return n, nil
}
