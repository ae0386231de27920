// Package nettest holds byte-level helpers for tests of netlink code, run
// against knet or a real kernel: building link requests, reading hex
// recordings of a real kernel's answers, and masking the values no two
// runs share so that answers compare byte for byte.
package nettest

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// ReadHex reads a recording: lines of hex bytes, '#' starting a comment.
func ReadHex(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(strings.ReplaceAll(line, " ", ""))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, b...)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// AttrWalk calls fn for each netlink attribute in b with its type (flag
// bits masked), offset in b and length.
func AttrWalk(b []byte, fn func(typ uint16, off, l int)) {
	for off := 0; off+4 <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if l < 4 || off+l > len(b) {
			return
		}
		fn(binary.NativeEndian.Uint16(b[off+2:])&0x3fff, off, l)
		off += (l + 3) &^ 3
	}
}

// MaskLink returns a copy of an RTM_NEWLINK/RTM_DELLINK message with the
// values that differ between any two runs zeroed: nlmsg_pid, the traffic
// counters (IFLA_STATS64, IFLA_STATS), and the IPv6 cacheinfo time stamp
// and randomised reachable time.
func MaskLink(b []byte) []byte {
	b = append([]byte(nil), b...)
	if len(b) < 32 {
		return b
	}
	binary.NativeEndian.PutUint32(b[12:], 0)
	attrs := b[32:]
	AttrWalk(attrs, func(typ uint16, off, l int) {
		switch typ {
		case unix.IFLA_STATS64, unix.IFLA_STATS:
			clear(attrs[off+4 : off+l])
		case unix.IFLA_AF_SPEC:
			af := attrs[off+4 : off+l]
			AttrWalk(af, func(fam uint16, o, fl int) {
				if fam != unix.AF_INET6 {
					return
				}
				in6 := af[o+4 : o+fl]
				AttrWalk(in6, func(t uint16, o2, l2 int) {
					if t == unix.IFLA_INET6_CACHEINFO && l2 >= 20 {
						clear(in6[o2+8 : o2+16])
					}
				})
			})
		}
	})
	return b
}

// LinkReq builds an rtnetlink link message: nlmsghdr (length filled in),
// struct ifinfomsg, then the attributes as given.
func LinkReq(typ, flags uint16, seq uint32, index int32, ifiFlags, change uint32, attrs ...[]byte) []byte {
	b := make([]byte, 32)
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], seq)
	binary.NativeEndian.PutUint32(b[20:], uint32(index))
	binary.NativeEndian.PutUint32(b[24:], ifiFlags)
	binary.NativeEndian.PutUint32(b[28:], change)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	return b
}

// Attr builds one attribute, padded to 4 bytes.
func Attr(typ uint16, data []byte) []byte {
	b := make([]byte, (4+len(data)+3)&^3)
	binary.NativeEndian.PutUint16(b, uint16(4+len(data)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[4:], data)
	return b
}

// U32 is a native-endian u32 payload.
func U32(v uint32) []byte { b := make([]byte, 4); binary.NativeEndian.PutUint32(b, v); return b }

// Str is a NUL-terminated string payload.
func Str(s string) []byte { return append([]byte(s), 0) }

// WellFormed checks that a datagram is a sequence of whole netlink
// messages: each nlmsg_len at least a header and within the datagram.
func WellFormed(b []byte) error {
	for len(b) > 0 {
		if len(b) < 16 {
			return fmt.Errorf("a tail of %d bytes, shorter than a netlink header", len(b))
		}
		l := int(binary.NativeEndian.Uint32(b))
		if l < 16 || l > len(b) {
			return fmt.Errorf("nlmsg_len %d in %d bytes", l, len(b))
		}
		b = b[min((l+3)&^3, len(b)):]
	}
	return nil
}
