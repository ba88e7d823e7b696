package file

import (
	"math/bits"
	"sort"
)

// minSplitBytes is the smallest piece a file is cut into: files under it
// are read whole by one subtask, and larger files are cut only where
// every piece keeps at least this many bytes.
const minSplitBytes = 1 << 20

// split is one contiguous byte range of a file that one subtask reads.
// Its reader reads every line that begins in [start, end): it skips the
// line that crosses start (the previous split's reader reads it) and
// finishes the line that crosses end. The last split of a file has end
// -1 and reads to the end of the file, whatever its size is by then.
type split struct {
	file       inputFile
	start, end int64
}

// maxSplits is the most splits the files can be cut into: one per file
// under minSplit bytes, size/minSplit for larger ones.
func maxSplits(files []inputFile, minSplit int64) int {
	n := 0
	for _, f := range files {
		n += int(max(1, f.size/max(1, minSplit)))
	}
	return max(1, n)
}

// assignSplits returns the splits subtask reads out of parallelism
// subtasks, in file order. The files are laid end to end and the total
// byte range is cut into parallelism equal ranges; subtask i owns every
// split that starts in range i. A file is cut at the range boundaries
// inside it, dropping cuts that would leave a piece under minSplit
// bytes, so small files are read whole and large files are shared. The
// result depends only on the file sizes, subtask and parallelism, and
// the splits of all subtasks together cover every file exactly once.
func assignSplits(files []inputFile, subtask, parallelism int, minSplit int64) []split {
	minSplit = max(1, minSplit)
	var total int64
	for _, f := range files {
		total += f.size
	}
	bound := func(i int) int64 { // the start of range i, i in [0, parallelism]
		if i >= parallelism {
			return total
		}
		hi, lo := bits.Mul64(uint64(total), uint64(i))
		q, _ := bits.Div64(hi, lo, uint64(parallelism))
		return int64(q)
	}
	owner := func(x int64) int { // the last range starting at or before x
		return sort.Search(parallelism, func(i int) bool { return bound(i) > x }) - 1
	}
	var out []split
	var base int64 // where the file starts in the total range
	for _, f := range files {
		start := int64(0) // the start of the current piece, within f
		for i := owner(base) + 1; i < parallelism; i++ {
			cut := bound(i) - base
			if cut > f.size-minSplit {
				break
			}
			if cut-start < minSplit {
				continue
			}
			if owner(base+start) == subtask {
				out = append(out, split{file: f, start: start, end: cut})
			}
			start = cut
		}
		if owner(base+start) == subtask {
			out = append(out, split{file: f, start: start, end: -1})
		}
		base += f.size
	}
	return out
}
