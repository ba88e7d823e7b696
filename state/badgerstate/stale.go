package badgerstate

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// dirPattern names the working directories Open creates.
const dirPattern = "weir-state-"

// removeStale deletes the working directories under parent that a
// process which ended without Close (a crash, a kill) left behind. A
// directory is stale when its Badger lock file exists and nobody holds
// the lock: Badger holds it for as long as the database is open, and the
// kernel drops it when the process dies. Directories in use, and any
// that cannot be checked, are left alone.
func removeStale(parent string, logger *slog.Logger) {
	if parent == "" {
		parent = os.TempDir()
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) <= len(dirPattern) || e.Name()[:len(dirPattern)] != dirPattern {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "LOCK")); err != nil {
			continue
		}
		stale, err := unlocked(dir)
		if err != nil || !stale {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				logger.Debug("state tables: cannot check a working directory", "dir", dir, "err", err)
			}
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			logger.Warn("state tables: cannot remove a stale working directory", "dir", dir, "err", err)
			continue
		}
		logger.Info("state tables: removed the working directory of an earlier run that did not end cleanly", "dir", dir)
	}
}
