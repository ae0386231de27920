package net

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

type hdr struct {
	Type  uint16
	Flags uint16
	Seq   uint32
}

func headers(t *testing.T, dgram []byte) []hdr {
	t.Helper()
	var out []hdr
	for b := dgram; len(b) >= 16; {
		l := int(binary.NativeEndian.Uint32(b))
		if l < 16 || l > len(b) {
			t.Fatalf("malformed datagram: nlmsg_len %d of %d", l, len(b))
		}
		out = append(out, hdr{binary.NativeEndian.Uint16(b[4:]), binary.NativeEndian.Uint16(b[6:]), binary.NativeEndian.Uint32(b[8:])})
		b = b[(l+3)&^3:]
	}
	return out
}

func makeLinks(t *testing.T, k *Kernel, ns *Namespace, n int) {
	t.Helper()
	s := rawSocket(t, ns)
	for i := 0; i < n; i++ {
		got := request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, uint32(i), 0, 0, 0,
			attr(unix.IFLA_IFNAME, str(fmt.Sprintf("m%d", i))), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
		if len(got) != 1 || binary.NativeEndian.Uint32(got[0][16:]) != 0 {
			t.Fatalf("create m%d: %x", i, got)
		}
	}
}

// TestDumpDatagrams checks how a link dump is cut into datagrams: the
// first at most NLMSG_GOODSIZE bytes for a reader that has not read a
// bigger datagram, every message NLM_F_MULTI, NLMSG_DONE alone in the last
// datagram, no ack despite NLM_F_ACK, and EBUSY for a second dump.
func TestDumpDatagrams(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	makeLinks(t, k, ns, 40)
	s := rawSocket(t, ns)
	if err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP|unix.NLM_F_ACK, 77, 0, 0, 0)); err != nil {
		t.Fatal(err)
	}
	// A second dump while the first runs.
	err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 78, 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var links, dgrams int
	var sawBusy, done bool
	for !done {
		buf := make([]byte, 3776) // as a reader peeking sizes would ask
		n, _, trunc, err := s.RecvMsg(buf, MsgTrunc)
		if err != nil {
			t.Fatal(err)
		}
		if trunc {
			t.Fatalf("datagram %d is %d bytes, larger than NLMSG_GOODSIZE", dgrams, n)
		}
		dgrams++
		hs := headers(t, buf[:n])
		for _, h := range hs {
			switch {
			case h.Type == unix.NLMSG_ERROR && h.Seq == 78:
				if e := int32(binary.NativeEndian.Uint32(buf[16:])); e != -int32(unix.EBUSY) {
					t.Errorf("second dump: error %d, want -EBUSY", e)
				}
				sawBusy = true
			case h.Type == unix.NLMSG_ERROR:
				t.Errorf("dump request acked: %+v", h)
			case h.Type == unix.NLMSG_DONE:
				if len(hs) != 1 {
					t.Errorf("NLMSG_DONE shares a datagram with %d messages", len(hs)-1)
				}
				if h.Flags != unix.NLM_F_MULTI || h.Seq != 77 {
					t.Errorf("NLMSG_DONE header %+v", h)
				}
				done = true
			case h.Type == unix.RTM_NEWLINK:
				if h.Flags != unix.NLM_F_MULTI || h.Seq != 77 {
					t.Errorf("dump message header %+v", h)
				}
				links++
			}
		}
	}
	if links != 41 || !sawBusy || dgrams < 3 {
		t.Errorf("dump: %d links in %d datagrams, EBUSY seen %v; want 41 links, several datagrams, EBUSY", links, dgrams, sawBusy)
	}
}

func TestDumpFilters(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	makeLinks(t, k, ns, 2)
	c := dialRoute(t, ns, nil)
	tests := []struct {
		name    string
		data    []byte
		wantIdx []uint32
		flags   netlink.HeaderFlags
	}{
		{"all", linkMsg(t, &rtnetlink.LinkMessage{}), []uint32{1, 2, 3}, netlink.Multi},
		{"kind nlmon", linkMsg(t, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}), []uint32{2, 3}, netlink.Multi | netlink.DumpFiltered},
		{"unknown kind filters nothing", linkMsg(t, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Info: &rtnetlink.LinkInfo{Kind: "veth"}}}), []uint32{1, 2, 3}, netlink.Multi},
		{"master filter", linkReq(0, 0, 0, 0, 0, 0, attr(unix.IFLA_MASTER, u32(2)))[16:], nil, 0},
		{"legacy rtgenmsg", []byte{unix.AF_PACKET}, []uint32{1, 2, 3}, netlink.Multi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := execLink(c, unix.RTM_GETLINK, netlink.Dump, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var idx []uint32
			for _, lm := range decodeLinks(t, msgs) {
				idx = append(idx, lm.Index)
			}
			if diff := cmp.Diff(tt.wantIdx, idx); diff != "" {
				t.Errorf("indexes (-want +got):\n%s", diff)
			}
			for _, m := range msgs {
				if m.Header.Flags != tt.flags {
					t.Errorf("flags %v, want %v", m.Header.Flags, tt.flags)
				}
			}
		})
	}
	t.Run("strict ifindex", func(t *testing.T) {
		sc := dialRoute(t, ns, nil)
		if err := sc.SetOption(netlink.GetStrictCheck, true); err != nil {
			t.Fatal(err)
		}
		_, err := execLink(sc, unix.RTM_GETLINK, netlink.Dump, linkMsg(t, &rtnetlink.LinkMessage{Index: 1}))
		var oe *netlink.OpError
		if !errors.As(err, &oe) || !errors.Is(err, unix.EINVAL) || oe.Message != "Filter by device index not supported for link dumps" {
			t.Errorf("got %v", err)
		}
	})
}

// TestOverrun fills a listener's receive buffer: the next read reports
// ENOBUFS once, the queued notifications are still there, and the socket
// drops deliveries until drained.
func TestOverrun(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.SetReadBuffer(4096) // 8192 after doubling: a few notifications
	makeLinks(t, k, ns, 20)
	if l.Drops() == 0 {
		t.Fatal("no drops recorded")
	}
	buf := make([]byte, 8192)
	if _, _, err := l.Recv(buf); !errors.Is(err, unix.ENOBUFS) {
		t.Fatalf("first read: %v, want ENOBUFS", err)
	}
	queued := l.Pending()
	if queued == 0 {
		t.Fatal("queued notifications lost")
	}
	for i := 0; i < queued; i++ {
		if _, _, err := l.Recv(buf); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	l.SetReadBuffer(1 << 20)
	makeLinksNamed(t, ns, "after")
	if n := l.Pending(); n != 1 {
		t.Errorf("after draining, %d notifications queued, want 1", n)
	}
}

func makeLinksNamed(t *testing.T, ns *Namespace, name string) {
	t.Helper()
	s := rawSocket(t, ns)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1, 0, 0, 0,
		attr(unix.IFLA_IFNAME, str(name)), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
}
