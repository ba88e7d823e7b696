package sql

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/weir-stream/weir/sql/diag"
)

// errorMarker is how testdata/errors/*.sql state the errors they expect:
// a comment line "-- ERROR LINE:COL: message".
var errorMarker = regexp.MustCompile(`(?m)^-- ERROR (\d+:\d+: .*)$`)

// TestErrors compiles every testdata/errors/*.sql file and checks that it
// reports exactly the errors its "-- ERROR" comments list, in order.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error test files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			var want []string
			for _, m := range errorMarker.FindAllStringSubmatch(string(src), -1) {
				want = append(want, name+":"+m[1])
			}
			_, err = Compile(name, src)
			var list diag.List
			if !errors.As(err, &list) {
				t.Fatalf("Compile error = %v, want a diag.List", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}
