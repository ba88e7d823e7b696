package file

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/connectors/jsonformat"
)

// The connector's WITH options.
const (
	OptionPath    = "path"
	OptionFormat  = "format"
	OptionBadData = "bad-data"
)

// BadData is what the source does with a line it cannot decode.
type BadData int

const (
	// BadDataFail stops the job with an error naming the file, line and
	// field.
	BadDataFail BadData = iota
	// BadDataDrop skips the line and counts it in SourceStats.Dropped.
	BadDataDrop
)

// inputFile is one file a source reads.
type inputFile struct {
	path    string // where to open it
	display string // how messages name it: as the user wrote 'path'
	size    int64  // its size when the source was opened; splits are planned on it
	mtime   int64  // its modification time then (Unix ns): with size, its identity in checkpoints
}

// sourceOptions are a file source's parsed options.
type sourceOptions struct {
	files   []inputFile
	badData BadData
	json    jsonformat.Options
}

func acceptedSourceKeys() []string {
	return append([]string{OptionPath, OptionFormat, OptionBadData}, jsonformat.OptionKeys...)
}

func acceptedSinkKeys() []string {
	return []string{OptionPath, OptionFormat}
}

// checkFormat accepts 'json' (the default).
func checkFormat(opts map[string]string) error {
	if f, ok := opts[OptionFormat]; ok && !strings.EqualFold(f, "json") {
		return connectors.Optionf(OptionFormat, "unsupported format '%s'; accepted: 'json'", f)
	}
	return nil
}

// resolve returns the option 'path' made absolute against dir.
func resolve(opts map[string]string, dir string) (shown, abs string, err error) {
	p, ok := opts[OptionPath]
	if !ok || p == "" {
		return "", "", connectors.Optionf(OptionPath, "required: the file or directory to use")
	}
	abs = p
	if !filepath.IsAbs(abs) && dir != "" {
		abs = filepath.Join(dir, p)
	}
	return p, abs, nil
}

func parseSourceOptions(opts map[string]string, dir string) (sourceOptions, error) {
	var o sourceOptions
	if err := connectors.CheckOptions(opts, acceptedSourceKeys()...); err != nil {
		return o, err
	}
	if err := checkFormat(opts); err != nil {
		return o, err
	}
	switch v := strings.ToLower(opts[OptionBadData]); v {
	case "", "fail":
		o.badData = BadDataFail
	case "drop":
		o.badData = BadDataDrop
	default:
		return o, connectors.Optionf(OptionBadData, "unsupported value '%s'; accepted: 'fail', 'drop'", opts[OptionBadData])
	}
	var err error
	if o.json, err = jsonformat.ParseOptions(opts); err != nil {
		return o, err
	}
	shown, abs, err := resolve(opts, dir)
	if err != nil {
		return o, err
	}
	o.files, err = listFiles(shown, abs)
	return o, err
}

// listFiles returns the file at abs, or every regular, non-hidden file in
// the directory at abs, sorted by name. Names starting with '.' or '_'
// (temporary and marker files) are skipped.
func listFiles(shown, abs string) ([]inputFile, error) {
	st, err := os.Stat(abs)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, connectors.Optionf(OptionPath, "no such file or directory: %s", abs)
		}
		return nil, connectors.Optionf(OptionPath, "%v", err)
	}
	if !st.IsDir() {
		return []inputFile{{path: abs, display: shown, size: st.Size(), mtime: st.ModTime().UnixNano()}}, nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, connectors.Optionf(OptionPath, "%v", err)
	}
	var files []inputFile
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		info, err := os.Stat(filepath.Join(abs, name))
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		files = append(files, inputFile{path: filepath.Join(abs, name), display: filepath.Join(shown, name), size: info.Size(), mtime: info.ModTime().UnixNano()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files, nil
}
