package bhttp

import "encoding/binary"

// Variable-length integers of QUIC (RFC 9000 §16), which RFC 9292 §3 uses for
// every length and number. The two high bits of the first byte give the size.

// maxVarint is the largest value a varint holds. No Go slice is that long, so
// any length the encoder writes fits.
const maxVarint = 1<<62 - 1

// appendVarint appends v in the shortest form. v must be at most maxVarint.
func appendVarint(b []byte, v uint64) []byte {
	switch {
	case v < 1<<6:
		return append(b, byte(v))
	case v < 1<<14:
		return binary.BigEndian.AppendUint16(b, uint16(v)|0x40<<8)
	case v < 1<<30:
		return binary.BigEndian.AppendUint32(b, uint32(v)|0x80<<24)
	default:
		return binary.BigEndian.AppendUint64(b, v|0xc0<<56)
	}
}

// varintLen is the size of the shortest encoding of v.
func varintLen(v uint64) int {
	switch {
	case v < 1<<6:
		return 1
	case v < 1<<14:
		return 2
	case v < 1<<30:
		return 4
	default:
		return 8
	}
}

// readVarint decodes the varint at the start of b and returns it with its
// size, or a size of 0 when b ends inside it. RFC 9292 §3 does not require the
// shortest form, so longer ones are accepted.
func readVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	n = 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0
	}
	v = uint64(b[0] & 0x3f)
	for _, c := range b[1:n] {
		v = v<<8 | uint64(c)
	}
	return v, n
}
