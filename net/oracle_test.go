package net

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/knetlab/knet/net/nettest"
	"golang.org/x/sys/unix"
)

// These tests hold the model to bytes recorded from a real kernel
// (testdata/oracle, Linux 7.2.13 under qemu with nlmon). Only values that
// no two kernels share are masked: port ids, the IPv6 cacheinfo time stamp
// and randomised reachable time, and traffic counters.

// Builders and recordings shared with the other packages' tests.
var (
	linkReq  = nettest.LinkReq
	attr     = nettest.Attr
	u32      = nettest.U32
	str      = nettest.Str
	attrWalk = nettest.AttrWalk
	maskLink = nettest.MaskLink
)

func oracleBytes(t *testing.T, name string) []byte {
	return nettest.ReadHex(t, filepath.Join("testdata", "oracle", name+".hex"))
}

func rawSocket(t *testing.T, ns *Namespace, opts ...int) *Socket {
	t.Helper()
	s, err := ns.Socket(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, o := range opts {
		if err := s.SetOption(o, true); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// request sends b and returns the datagrams queued in answer.
func request(t *testing.T, s *Socket, b []byte) [][]byte {
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

func TestOracleLinkReplies(t *testing.T) {
	_, s := oracleSetup(t)
	got := request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1001, 1, 0, 0))
	if len(got) != 1 {
		t.Fatalf("lo: got %d datagrams, want 1", len(got))
	}
	if diff := cmp.Diff(maskLink(oracleBytes(t, "lo-getlink-reply")), maskLink(got[0])); diff != "" {
		t.Errorf("RTM_GETLINK lo reply differs from Linux 7.2 (-kernel +model):\n%s", diff)
	}

	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 3, 2, unix.IFF_UP, unix.IFF_UP))
	got = request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1005, 2, 0, 0))
	if len(got) != 1 {
		t.Fatalf("nlmon0: got %d datagrams, want 1", len(got))
	}
	if diff := cmp.Diff(maskLink(oracleBytes(t, "nlmon0-up-getlink-reply")), maskLink(got[0])); diff != "" {
		t.Errorf("RTM_GETLINK nlmon0 (up) reply differs from Linux 7.2 (-kernel +model):\n%s", diff)
	}
}

func TestOracleCreateNotification(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	s := rawSocket(t, ns)
	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1 << (unix.RTNLGRP_LINK - 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1002, 0, 0, 0,
		attr(unix.IFLA_IFNAME, str("nlmon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	buf := make([]byte, 8192)
	n, from, err := l.Recv(buf)
	if err != nil {
		t.Fatal(err)
	}
	if from != (Addr{PortID: 0, Groups: 1}) {
		t.Errorf("notification from %+v, want kernel to group 1", from)
	}
	if diff := cmp.Diff(maskLink(oracleBytes(t, "nlmon0-create-notification")), maskLink(buf[:n])); diff != "" {
		t.Errorf("RTM_NEWLINK notification differs from Linux 7.2 (-kernel +model):\n%s", diff)
	}
}

// TestOracleErrors replays requests whose NLMSG_ERROR the kernel echoed
// and compares the model's answer byte for byte.
func TestOracleErrors(t *testing.T) {
	for _, name := range []string{"err-mtu-2byte", "err-mtu-too-small", "err-name-too-long"} {
		t.Run(name, func(t *testing.T) {
			want := oracleBytes(t, name)
			reqLen := binary.NativeEndian.Uint32(want[20:])
			req := want[20 : 20+reqLen]
			_, s := oracleSetup(t)
			got := request(t, s, req)
			if len(got) != 1 {
				t.Fatalf("got %d datagrams, want 1", len(got))
			}
			w := append([]byte(nil), want...)
			binary.NativeEndian.PutUint32(w[12:], s.PortID())
			if diff := cmp.Diff(w, got[0]); diff != "" {
				t.Errorf("(-kernel +model):\n%s", diff)
			}
		})
	}
}

func TestOracleStrictDumpDone(t *testing.T) {
	want := oracleBytes(t, "strict-dump-ifindex-done")
	_, s := oracleSetup(t)
	if err := s.SetOption(unix.NETLINK_GET_STRICT_CHK, true); err != nil {
		t.Fatal(err)
	}
	seq := binary.NativeEndian.Uint32(want[8:])
	got := request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, seq, 1, 0, 0))
	if len(got) != 1 {
		t.Fatalf("got %d datagrams, want 1", len(got))
	}
	w := append([]byte(nil), want...)
	binary.NativeEndian.PutUint32(w[12:], s.PortID())
	if diff := cmp.Diff(w, got[0]); diff != "" {
		t.Errorf("(-kernel +model):\n%s", diff)
	}
}

// TestAckLayouts: NLMSG_ERROR as netlink_ack builds it for each socket
// option combination (layouts and flags as recorded from Linux 7.2).
func TestAckLayouts(t *testing.T) {
	bad := linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 9, 2, 0, 0, attr(unix.IFLA_MTU, u32(10)))
	good := linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 10, 1, 0, 0)
	tests := []struct {
		name    string
		opts    []int
		req     []byte
		wantLen int
		flags   uint16
		errno   int32
	}{
		{"error, plain", nil, bad, 16 + 4 + len(bad), 0, -int32(unix.EINVAL)},
		{"error, EXT_ACK", []int{unix.NETLINK_EXT_ACK}, bad, 16 + 4 + len(bad) + 36, unix.NLM_F_ACK_TLVS, -int32(unix.EINVAL)},
		{"error, CAP_ACK", []int{unix.NETLINK_CAP_ACK}, bad, 36, unix.NLM_F_CAPPED, -int32(unix.EINVAL)},
		{"error, CAP_ACK+EXT_ACK", []int{unix.NETLINK_CAP_ACK, unix.NETLINK_EXT_ACK}, bad, 36 + 36, unix.NLM_F_CAPPED | unix.NLM_F_ACK_TLVS, -int32(unix.EINVAL)},
		{"success", []int{unix.NETLINK_EXT_ACK}, good, 36, unix.NLM_F_CAPPED, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s := oracleSetup(t)
			s.SetOption(unix.NETLINK_EXT_ACK, false)
			for _, o := range tt.opts {
				s.SetOption(o, true)
			}
			got := request(t, s, tt.req)
			ack := got[len(got)-1]
			h := headers(t, ack)[0]
			if h.Type != unix.NLMSG_ERROR || len(ack) != tt.wantLen || h.Flags != tt.flags {
				t.Fatalf("ack: type %d, %d bytes, flags %#x; want NLMSG_ERROR, %d bytes, flags %#x", h.Type, len(ack), h.Flags, tt.wantLen, tt.flags)
			}
			if e := int32(binary.NativeEndian.Uint32(ack[16:])); e != tt.errno {
				t.Errorf("errno %d, want %d", e, tt.errno)
			}
			if !cmp.Equal(ack[20:36], tt.req[:16]) {
				t.Errorf("echoed header %x, want %x", ack[20:36], tt.req[:16])
			}
		})
	}
}

// oracleSetup builds what the oracle guest had: lo up, nlmon0 at ifindex 2.
func oracleSetup(t *testing.T) (*Kernel, *Socket) {
	t.Helper()
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	s := rawSocket(t, k.InitNet(), unix.NETLINK_EXT_ACK)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 1, 1, unix.IFF_UP, unix.IFF_UP))
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 2, 0, 0, 0,
		attr(unix.IFLA_IFNAME, str("nlmon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	return k, s
}
