package nlmon_test

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net"
)

// These tests hold the typed nlmon to bytes recorded from Linux 7.2 with
// the C nlmon under qemu (net/testdata/oracle), the recordings package net
// checks its core-level test kind against: the Go driver must be
// indistinguishable from nlmon.c on the wire.

const oracleDir = "../../net/testdata/oracle"

func oracleBytes(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join(oracleDir, name+".hex"))
	if err != nil {
		t.Skipf("no recording: %v", err)
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
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

func attrWalk(b []byte, fn func(typ uint16, off, l int)) {
	for off := 0; off+4 <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if l < 4 || off+l > len(b) {
			return
		}
		fn(binary.NativeEndian.Uint16(b[off+2:])&0x3fff, off, l)
		off += (l + 3) &^ 3
	}
}

// maskLink zeroes what differs between any two runs: nlmsg_pid, traffic
// counters, the IPv6 cacheinfo time stamp and reachable time.
func maskLink(b []byte) []byte {
	b = append([]byte(nil), b...)
	binary.NativeEndian.PutUint32(b[12:], 0)
	attrs := b[32:]
	attrWalk(attrs, func(typ uint16, off, l int) {
		switch typ {
		case unix.IFLA_STATS64, unix.IFLA_STATS:
			clear(attrs[off+4 : off+l])
		case unix.IFLA_AF_SPEC:
			af := attrs[off+4 : off+l]
			attrWalk(af, func(fam uint16, o, fl int) {
				if fam != unix.AF_INET6 {
					return
				}
				in6 := af[o+4 : o+fl]
				attrWalk(in6, func(t uint16, o2, l2 int) {
					if t == unix.IFLA_INET6_CACHEINFO {
						clear(in6[o2+8 : o2+16])
					}
				})
			})
		}
	})
	return b
}

func linkReq(typ, flags uint16, seq uint32, index int32, ifiFlags, change uint32, attrs ...[]byte) []byte {
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

func attr(typ uint16, data []byte) []byte {
	b := make([]byte, (4+len(data)+3)&^3)
	binary.NativeEndian.PutUint16(b, uint16(4+len(data)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[4:], data)
	return b
}

func str(s string) []byte { return append([]byte(s), 0) }

// request sends b on s and returns the datagrams queued in answer.
func request(t *testing.T, s *net.Socket, b []byte) [][]byte {
	t.Helper()
	if err := s.Send(b); err != nil {
		t.Fatalf("send: %v", err)
	}
	var out [][]byte
	for s.Pending() > 0 {
		buf := make([]byte, 64*1024)
		n, _, err := s.Recv(buf)
		if err != nil {
			t.Fatalf("recv: %v", err)
		}
		out = append(out, buf[:n])
	}
	return out
}

func rawSocket(t *testing.T, ns *net.Namespace, cfg *net.DialConfig) *net.Socket {
	t.Helper()
	s, err := ns.Socket(unix.NETLINK_ROUTE, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var createNlmon0 = linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1002, 0, 0, 0,
	attr(unix.IFLA_IFNAME, str("nlmon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon"))))

// TestOracleGetLinkUp: the oracle guest had lo up and nlmon0 at ifindex 2.
func TestOracleGetLinkUp(t *testing.T) {
	want := oracleBytes(t, "nlmon0-up-getlink-reply")
	ns := kernel(t).InitNet()
	s := rawSocket(t, ns, nil)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 1, 1, unix.IFF_UP, unix.IFF_UP))
	request(t, s, createNlmon0)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 3, 2, unix.IFF_UP, unix.IFF_UP))
	got := request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1005, 2, 0, 0))
	if len(got) != 1 {
		t.Fatalf("got %d datagrams, want 1", len(got))
	}
	if diff := cmp.Diff(maskLink(want), maskLink(got[0])); diff != "" {
		t.Errorf("RTM_GETLINK nlmon0 (up) differs from Linux's nlmon (-kernel +Go nlmon):\n%s", diff)
	}
}

// TestOracleCreateNotification: the RTM_NEWLINK a listener of
// RTNLGRP_LINK gets for `ip link add nlmon0 type nlmon`.
func TestOracleCreateNotification(t *testing.T) {
	want := oracleBytes(t, "nlmon0-create-notification")
	ns := kernel(t).InitNet()
	s := rawSocket(t, ns, nil)
	l := rawSocket(t, ns, &net.DialConfig{Groups: 1 << (unix.RTNLGRP_LINK - 1)})
	request(t, s, createNlmon0)
	buf := make([]byte, 8192)
	n, _, err := l.Recv(buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(maskLink(want), maskLink(buf[:n])); diff != "" {
		t.Errorf("notification differs from Linux's nlmon (-kernel +Go nlmon):\n%s", diff)
	}
}
