package net

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzSocketWrite writes arbitrary datagrams to NETLINK_ROUTE, as a
// privileged and an unprivileged socket with extended acks and strict
// checking, and checks the kernel's promises: no panic, every answer is
// well-formed netlink, and an unprivileged socket changes nothing.
func FuzzSocketWrite(f *testing.F) {
	f.Add(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, 0, 0), false)
	f.Add(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 1, 0, 0, 0), false)
	f.Add(linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, 2, 0, unix.IFF_UP, unix.IFF_UP,
		attr(unix.IFLA_IFNAME, str("m%d")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))), true)
	f.Add(linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 3, 2, 0, 0, attr(unix.IFLA_MTU, []byte{1, 2})), false)
	f.Add(linkReq(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 4, 2, 0, 0), true)
	f.Add(linkReq(unix.RTM_SETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 5, 0, 0, 0, attr(unix.IFLA_IFNAME, str("mon0")), attr(unix.IFLA_IFALIAS, str("x"))), false)
	f.Add([]byte{17, 0, 0, 0, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0}, false)
	f.Fuzz(fuzzOne)
}

func fuzzOne(t *testing.T, b []byte, unprivileged bool) {
	{
		k := NewKernel()
		registerTestMon(t, k, "nlmon", nil)
		ns := k.InitNet()
		admin, _ := ns.Socket(unix.NETLINK_ROUTE, nil)
		request(t, admin, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1, 0, unix.IFF_UP, unix.IFF_UP,
			attr(unix.IFLA_IFNAME, str("mon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
		c, _ := ns.Capture("mon0")
		defer c.Close()
		before := ns.Links()

		s, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Unprivileged: unprivileged})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, o := range []int{unix.NETLINK_EXT_ACK, unix.NETLINK_GET_STRICT_CHK} {
			s.SetOption(o, true)
		}
		if err := s.Send(b); err != nil {
			return
		}
		buf := make([]byte, 1<<16)
		for i := 0; s.Pending() > 0 && i < 1000; i++ {
			n, _, err := s.Recv(buf)
			if errors.Is(err, unix.ENOBUFS) {
				continue // the answers overran the receive buffer, as on Linux
			}
			if err != nil {
				t.Fatalf("recv: %v", err)
			}
			for d := buf[:n]; len(d) > 0; {
				if len(d) < 16 {
					t.Fatalf("datagram tail of %d bytes", len(d))
				}
				l := int(binary.NativeEndian.Uint32(d))
				if l < 16 || l > len(d) {
					t.Fatalf("answer with nlmsg_len %d in %d bytes", l, len(d))
				}
				d = d[min((l+3)&^3, len(d)):]
			}
		}
		if unprivileged {
			after := ns.Links()
			if len(after) != len(before) {
				t.Fatalf("unprivileged datagram changed the links: %v -> %v", before, after)
			}
			for i := range after {
				if after[i] != before[i] {
					t.Fatalf("unprivileged datagram changed %v to %v", before[i], after[i])
				}
			}
		}
	}
}
