package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// castagnoli is the CRC32C table used for parts and manifests.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	manifestMagic   = "WCKP"
	manifestVersion = 1
)

// PartInfo describes one part as recorded in a manifest.
type PartInfo struct {
	// Name is the caller's part name.
	Name string
	// Length is the blob's size in bytes.
	Length uint64
	// CRC32C is the Castagnoli CRC of the blob.
	CRC32C uint32
}

// manifest is what makes an epoch complete.
type manifest struct {
	epoch     uint64
	time      time.Time
	chunkSize uint32
	parts     []PartInfo
}

// encode lays the manifest out as: magic, version, epoch, unix nanos,
// chunk size, part count, then per part name length, name, length, CRC,
// and finally a CRC32C of everything before it.
func (m *manifest) encode() []byte {
	b := make([]byte, 0, 32+len(m.parts)*32)
	b = append(b, manifestMagic...)
	b = append(b, manifestVersion)
	b = binary.BigEndian.AppendUint64(b, m.epoch)
	b = binary.BigEndian.AppendUint64(b, uint64(m.time.UnixNano()))
	b = binary.BigEndian.AppendUint32(b, m.chunkSize)
	b = binary.AppendUvarint(b, uint64(len(m.parts)))
	for _, p := range m.parts {
		b = binary.AppendUvarint(b, uint64(len(p.Name)))
		b = append(b, p.Name...)
		b = binary.AppendUvarint(b, p.Length)
		b = binary.BigEndian.AppendUint32(b, p.CRC32C)
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

var errShortManifest = errors.New("manifest truncated")

// decodeManifest parses and checks an encoded manifest.
func decodeManifest(b []byte) (*manifest, error) {
	const head = len(manifestMagic) + 1 + 8 + 8 + 4
	if len(b) < head+1+4 {
		return nil, errShortManifest
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("manifest checksum mismatch")
	}
	if string(body[:4]) != manifestMagic {
		return nil, fmt.Errorf("manifest has bad magic %q", body[:4])
	}
	if body[4] != manifestVersion {
		return nil, fmt.Errorf("manifest version %d not supported", body[4])
	}
	m := &manifest{
		epoch:     binary.BigEndian.Uint64(body[5:13]),
		time:      time.Unix(0, int64(binary.BigEndian.Uint64(body[13:21]))),
		chunkSize: binary.BigEndian.Uint32(body[21:25]),
	}
	if m.chunkSize == 0 {
		return nil, fmt.Errorf("manifest has zero chunk size")
	}
	r := body[head:]
	n, k := binary.Uvarint(r)
	if k <= 0 || n > uint64(len(r)) {
		return nil, errShortManifest
	}
	r = r[k:]
	m.parts = make([]PartInfo, 0, n)
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(r)
		if k <= 0 || l > uint64(len(r)-k) {
			return nil, errShortManifest
		}
		r = r[k:]
		name := string(r[:l])
		r = r[l:]
		length, k := binary.Uvarint(r)
		if k <= 0 || len(r)-k < 4 {
			return nil, errShortManifest
		}
		r = r[k:]
		m.parts = append(m.parts, PartInfo{Name: name, Length: length, CRC32C: binary.BigEndian.Uint32(r[:4])})
		r = r[4:]
	}
	if len(r) != 0 {
		return nil, fmt.Errorf("manifest has %d trailing bytes", len(r))
	}
	return m, nil
}
