package badgerstate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/weir-stream/weir/state/badgeropt"
)

// TestOpenRemovesStaleDirs: a working directory with Badger's pid file
// whose lock nobody holds (its process died) is removed by the next Open under the same
// parent; the directory of a database still open is not, nor are other
// directories.
func TestOpenRemovesStaleDirs(t *testing.T) {
	parent := t.TempDir()
	live, err := Open(parent, badgeropt.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	stale := filepath.Join(parent, dirPattern+"123")
	noLock := filepath.Join(parent, dirPattern+"456")
	other := filepath.Join(parent, "mine")
	for _, d := range []string{stale, noLock, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(stale, "LOCK"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "LOCK"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := Open(parent, badgeropt.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale working directory still there (%v)", err)
	}
	for _, d := range []string{live.Dir(), noLock, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(second.Dir()); !os.IsNotExist(err) {
		t.Errorf("Close left %s (%v)", second.Dir(), err)
	}
}
