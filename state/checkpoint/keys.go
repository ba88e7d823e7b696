package checkpoint

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const (
	manifestPrefix = 'm'
	dataPrefix     = 'd'
	maxPartName    = 4096
)

// manifestKey is 'm' + epoch.
func manifestKey(epoch uint64) []byte {
	k := make([]byte, 9)
	k[0] = manifestPrefix
	binary.BigEndian.PutUint64(k[1:], epoch)
	return k
}

// epochPrefix is prefix + epoch: every key of that kind for the epoch.
func epochPrefix(prefix byte, epoch uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], epoch)
	return k
}

// chunkKey is 'd' + epoch + part + 0x00 + chunk.
func chunkKey(epoch uint64, part string, chunk uint32) []byte {
	k := make([]byte, 0, 9+len(part)+5)
	k = append(k, dataPrefix)
	k = binary.BigEndian.AppendUint64(k, epoch)
	k = append(k, part...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, chunk)
}

// keyEpoch reads the epoch out of a manifest or data key.
func keyEpoch(k []byte) (uint64, bool) {
	if len(k) < 9 {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[1:9]), true
}

// checkPartName rejects names the key layout cannot hold.
func checkPartName(part string) error {
	switch {
	case part == "":
		return fmt.Errorf("checkpoint: empty part name")
	case len(part) > maxPartName:
		return fmt.Errorf("checkpoint: part name %.40q... longer than %d bytes", part, maxPartName)
	case strings.IndexByte(part, 0) >= 0:
		return fmt.Errorf("checkpoint: part name %q contains a 0 byte", part)
	}
	return nil
}

// chunkCount is how many chunks a part of length n is stored in; an empty
// part still has one (empty) chunk so its absence can be detected.
func chunkCount(n uint64, chunkSize uint32) uint32 {
	if n == 0 {
		return 1
	}
	return uint32((n + uint64(chunkSize) - 1) / uint64(chunkSize))
}
