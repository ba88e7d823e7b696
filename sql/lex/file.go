package lex

import (
	"sort"
	"unicode/utf8"

	"github.com/weir-stream/weir/sql/diag"
)

// File is SQL source text with its name, able to turn byte offsets into
// the user's 1-based line and column (columns count runes).
type File struct {
	Name string
	Src  string
	// lines holds the byte offset at which each line starts.
	lines []int
}

// NewFile indexes src's lines.
func NewFile(name, src string) *File {
	f := &File{Name: name, Src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Pos converts a byte offset into a position; offsets outside the text are
// clamped to it.
func (f *File) Pos(off int) diag.Pos {
	if off < 0 {
		off = 0
	}
	if off > len(f.Src) {
		off = len(f.Src)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	start := f.lines[line]
	return diag.Pos{File: f.Name, Line: line + 1, Col: utf8.RuneCountInString(f.Src[start:off]) + 1}
}
