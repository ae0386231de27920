package net

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzSocketWrite writes arbitrary datagrams to a netlink socket of one of
// the modelled protocols, with any combination of CAP_ACK, EXT_ACK and
// STRICT_CHK, privileged or not, and checks the kernel's promises: no
// panic; every answer well-formed netlink; no more NLMSG_ERRORs than
// requests; NLMSG_DONE alone at the end of a dump; an unprivileged socket
// changes nothing; and the model consistent afterwards.
func FuzzSocketWrite(f *testing.F) {
	seeds := [][]byte{
		linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, 0, 0),
		linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 1, 0, 0, 0),
		linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, 2, 0, unix.IFF_UP, unix.IFF_UP,
			attr(unix.IFLA_IFNAME, str("m%d")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))),
		linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 3, 2, 0, 0, attr(unix.IFLA_MTU, []byte{1, 2})),
		linkReq(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 4, 2, 0, 0),
		linkReq(unix.RTM_SETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 5, 0, 0, 0, attr(unix.IFLA_IFNAME, str("mon0")), attr(unix.IFLA_IFALIAS, str("x"))),
		{17, 0, 0, 0, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0},
	}
	for i, b := range seeds {
		f.Add(b, uint8(0), uint8(i), false)
	}
	f.Add(linkReq(0x10, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 1, 0, 0, 0), uint8(2), uint8(7), false)
	f.Add(linkReq(0x20, 0, 1, 0, 0, 0), uint8(1), uint8(0), true)
	f.Fuzz(fuzzOne)
}

var fuzzProtocols = []int{unix.NETLINK_ROUTE, unix.NETLINK_USERSOCK, unix.NETLINK_GENERIC, unix.NETLINK_KOBJECT_UEVENT}

func fuzzOne(t *testing.T, b []byte, proto, opts uint8, unprivileged bool) {
	k := NewKernel()
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	admin, _ := ns.Socket(unix.NETLINK_ROUTE, nil)
	request(t, admin, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1, 0, unix.IFF_UP, unix.IFF_UP,
		attr(unix.IFLA_IFNAME, str("mon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	c, _ := ns.Capture("mon0")
	defer c.Close()
	before := ns.Links()

	s, err := ns.Socket(fuzzProtocols[int(proto)%len(fuzzProtocols)], &DialConfig{Unprivileged: unprivileged})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, o := range []int{unix.NETLINK_CAP_ACK, unix.NETLINK_EXT_ACK, unix.NETLINK_GET_STRICT_CHK} {
		s.SetOption(o, opts&(1<<i) != 0)
	}
	requests := 0
	for d := b; len(d) >= 16; requests++ {
		l := int(binary.NativeEndian.Uint32(d))
		if l < 16 || l > len(d) {
			break
		}
		d = d[min((l+3)&^3, len(d)):]
	}
	if err := s.Send(b); err != nil {
		return
	}
	buf := make([]byte, 1<<16)
	errorsSeen := 0
	for i := 0; s.Pending() > 0 && i < 1000; i++ {
		n, _, err := s.Recv(buf)
		if errors.Is(err, unix.ENOBUFS) {
			continue // the answers overran the receive buffer, as on Linux
		}
		if err != nil {
			t.Fatalf("recv: %v", err)
		}
		var types []uint16
		for d := buf[:n]; len(d) > 0; {
			if len(d) < 16 {
				t.Fatalf("datagram tail of %d bytes", len(d))
			}
			l := int(binary.NativeEndian.Uint32(d))
			if l < 16 || l > len(d) {
				t.Fatalf("answer with nlmsg_len %d in %d bytes", l, len(d))
			}
			types = append(types, binary.NativeEndian.Uint16(d[4:]))
			d = d[min((l+3)&^3, len(d)):]
		}
		for j, typ := range types {
			switch typ {
			case unix.NLMSG_ERROR:
				errorsSeen++
			case unix.NLMSG_DONE:
				if j != len(types)-1 {
					t.Fatalf("NLMSG_DONE followed by %d messages", len(types)-1-j)
				}
			}
		}
	}
	if errorsSeen > requests {
		t.Fatalf("%d NLMSG_ERRORs for %d requests", errorsSeen, requests)
	}
	if after := ns.Links(); unprivileged && !slices.Equal(before, after) {
		t.Fatalf("unprivileged datagram changed the links: %v -> %v", before, after)
	}
	if err := k.CheckConsistency(); err != nil {
		t.Fatalf("model inconsistent: %v", err)
	}
}
