package nlmon_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

// These tests hold the typed nlmon to bytes recorded from Linux 7.2 with
// the C nlmon under qemu (net/testdata/oracle), the recordings package net
// checks its core-level test kind against: the Go driver must be
// indistinguishable from nlmon.c on the wire.

const oracleDir = "../../net/testdata/oracle"

var (
	linkReq  = nettest.LinkReq
	attr     = nettest.Attr
	str      = nettest.Str
	maskLink = nettest.MaskLink
)

func oracleBytes(t *testing.T, name string) []byte {
	return nettest.ReadHex(t, filepath.Join(oracleDir, name+".hex"))
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
