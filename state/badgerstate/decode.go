package badgerstate

import (
	"errors"
	"fmt"

	"github.com/weir-stream/weir/state"
)

// errStop ends a scan early; it never reaches a caller.
var errStop = errors.New("stop")

// decodeAll decodes one value that must fill all of b.
func decodeAll[T any](c state.Codec[T], b []byte) (T, error) {
	v, rest, err := c.Decode(b)
	if err != nil {
		var zero T
		return zero, err
	}
	if len(rest) != 0 {
		var zero T
		return zero, fmt.Errorf("%d trailing bytes after a %T", len(rest), v)
	}
	return v, nil
}
