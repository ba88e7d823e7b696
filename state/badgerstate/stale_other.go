//go:build !unix

package badgerstate

import "errors"

// unlocked cannot tell on this platform: stale directories stay.
func unlocked(string) (bool, error) {
	return false, errors.New("lock check not supported on this platform")
}
