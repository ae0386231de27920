package net

import (
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Benchmarks for the hot paths. Compare them as ratios within one run
// (benchstat), not as absolute times.

func BenchmarkGetlinkRaw(b *testing.B) {
	k := NewKernel()
	s, _ := k.InitNet().Socket(unix.NETLINK_ROUTE, nil)
	req := linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, 0, 0)
	buf := make([]byte, 8192)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Send(req); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Recv(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetlinkConn(b *testing.B) {
	k := NewKernel()
	c, _ := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	req, _ := (&rtnetlink.LinkMessage{Index: 1}).MarshalBinary()
	m := netlink.Message{Header: netlink.Header{Type: unix.RTM_GETLINK, Flags: netlink.Request}, Data: req}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Execute(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDump10(b *testing.B) {
	k := NewKernel()
	registerTestMon(b, k, "nlmon", nil)
	ns := k.InitNet()
	s, _ := ns.Socket(unix.NETLINK_ROUTE, nil)
	for i := 0; i < 9; i++ {
		s.Send(linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE, 1, 0, 0, 0,
			attr(unix.IFLA_IFNAME, str("m%d")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	}
	c, _ := ns.Dial(unix.NETLINK_ROUTE, nil)
	m := netlink.Message{Header: netlink.Header{Type: unix.RTM_GETLINK, Flags: netlink.Request | netlink.Dump}, Data: make([]byte, 16)}
	b.ReportAllocs()
	for b.Loop() {
		msgs, err := c.Execute(m)
		if err != nil || len(msgs) != 10 {
			b.Fatal(err, len(msgs))
		}
	}
}
