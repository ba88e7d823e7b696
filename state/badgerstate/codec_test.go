package badgerstate

import (
	"encoding/binary"
	"errors"
	"testing"
)

// int64Codec encodes an int64 as a signed varint.
type int64Codec struct{}

func (int64Codec) Append(dst []byte, v int64) []byte { return binary.AppendVarint(dst, v) }

func (int64Codec) Decode(b []byte) (int64, []byte, error) {
	v, n := binary.Varint(b)
	if n <= 0 {
		return 0, b, errors.New("bad varint")
	}
	return v, b[n:], nil
}

// stringCodec encodes a string as its uvarint length and its bytes.
type stringCodec struct{}

func (stringCodec) Append(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

func (stringCodec) Decode(b []byte) (string, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 {
		return "", b, errors.New("bad string length")
	}
	b = b[w:]
	if uint64(len(b)) < n {
		return "", b, errors.New("short string")
	}
	return string(b[:n]), b[n:], nil
}

func TestTestCodecs(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, -64, 1 << 40, -1 << 63, 1<<63 - 1} {
		b := int64Codec{}.Append([]byte{9}, v)
		got, rest, err := int64Codec{}.Decode(b[1:])
		if err != nil || got != v || len(rest) != 0 {
			t.Fatalf("int64 %d: got %d, rest %v, err %v", v, got, rest, err)
		}
	}
	for _, s := range []string{"", "a", string(make([]byte, 300))} {
		b := stringCodec{}.Append(nil, s)
		b = append(b, 7)
		got, rest, err := stringCodec{}.Decode(b)
		if err != nil || got != s || len(rest) != 1 || rest[0] != 7 {
			t.Fatalf("string %q: got %q, rest %v, err %v", s, got, rest, err)
		}
	}
	if _, _, err := (stringCodec{}).Decode([]byte{5, 'a'}); err == nil {
		t.Fatal("short string decoded")
	}
	if _, _, err := (int64Codec{}).Decode(nil); err == nil {
		t.Fatal("empty varint decoded")
	}
}

func TestDecodeAllTrailing(t *testing.T) {
	b := int64Codec{}.Append(nil, 5)
	if v, err := decodeAll[int64](int64Codec{}, b); err != nil || v != 5 {
		t.Fatalf("decodeAll = %d, %v", v, err)
	}
	if _, err := decodeAll[int64](int64Codec{}, append(b, 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
}
