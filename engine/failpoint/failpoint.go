// Package failpoint kills the process at named points of the checkpoint
// protocol, for crash tests (`make chaos`). A failpoint is armed with the
// environment variable WEIR_FAILPOINT=NAME or NAME@N (the Nth time the
// point is reached; default the first). When armed and reached, the
// process sends itself SIGKILL: no deferred function, no flush, as in a
// power cut. Unarmed, Hit costs one comparison.
//
// It must not import anything from this module.
package failpoint

import (
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// Named failpoints of the checkpoint protocol.
const (
	// AfterBarrier: a source injected a checkpoint's barrier.
	AfterBarrier = "after-barrier"
	// BeforeSync: the checkpoint's state is written, not yet synced.
	BeforeSync = "before-sync"
	// BeforeCommit: the checkpoint is durable; no sink committed yet.
	BeforeCommit = "before-commit"
	// DuringCommit: the first sink writer committed, the others not yet.
	DuringCommit = "during-commit"
)

// Env is the environment variable that arms a failpoint.
const Env = "WEIR_FAILPOINT"

var (
	armed string
	at    int64 = 1
	hits  atomic.Int64
)

func init() {
	v := os.Getenv(Env)
	if v == "" {
		return
	}
	name, n, ok := strings.Cut(v, "@")
	armed = name
	if ok {
		if k, err := strconv.ParseInt(n, 10, 64); err == nil && k > 0 {
			at = k
		}
	}
}

// Hit marks that the named point was reached, and kills the process if
// it is the armed one and this is the armed hit.
func Hit(name string) {
	if armed == "" || name != armed {
		return
	}
	if hits.Add(1) == at {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // wait for the signal; never return
	}
}

// Armed is the armed failpoint's name, or "".
func Armed() string { return armed }
