package drivers_test

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/drivers"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

// The descriptor and pid the model gives the first namespace that asks:
// the seeds name namespace b with them.
const (
	firstFD  = 1000
	firstPid = 100000
)

func nest(typ uint16, attrs ...[]byte) []byte {
	var b []byte
	for _, a := range attrs {
		b = append(b, a...)
	}
	return nettest.Attr(typ, b)
}

func kind(k string, data ...[]byte) []byte {
	attrs := [][]byte{nettest.Attr(unix.IFLA_INFO_KIND, nettest.Str(k))}
	if len(data) > 0 {
		attrs = append(attrs, nest(unix.IFLA_INFO_DATA, data...))
	}
	return nest(unix.IFLA_LINKINFO, attrs...)
}

// peer is VETH_INFO_PEER: an ifinfomsg and the peer's attributes.
func peer(attrs ...[]byte) []byte {
	b := make([]byte, 16)
	for _, a := range attrs {
		b = append(b, a...)
	}
	return nettest.Attr(1, b)
}

const create = unix.NLM_F_REQUEST | unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_EXCL

// FuzzDriverRequests sends arbitrary rtnetlink datagrams to a kernel with
// the stock drivers, two namespaces and a veth pair across them, and
// checks what must hold whatever the input: no panic, well-formed
// answers, the model consistent, and no veth end without its peer.
func FuzzDriverRequests(f *testing.F) {
	mac := nettest.Attr(unix.IFLA_ADDRESS, []byte{2, 0, 0, 0, 0, 1})
	seeds := [][]byte{
		nettest.LinkReq(unix.RTM_NEWLINK, create, 1, 0, 0, 0, nettest.Attr(unix.IFLA_IFNAME, nettest.Str("v0")),
			kind("veth", peer(nettest.Attr(unix.IFLA_IFNAME, nettest.Str("v1")), mac))),
		nettest.LinkReq(unix.RTM_NEWLINK, create, 2, 0, unix.IFF_UP, unix.IFF_UP, nettest.Attr(unix.IFLA_IFNAME, nettest.Str("v2")),
			kind("veth", peer(nettest.Attr(unix.IFLA_NET_NS_FD, nettest.U32(firstFD)), nettest.Attr(unix.IFLA_MTU, nettest.U32(9000))))),
		nettest.LinkReq(unix.RTM_NEWLINK, create, 3, 0, 0, 0, nettest.Attr(unix.IFLA_IFNAME, nettest.Str("d0")), mac, kind("dummy")),
		nettest.LinkReq(unix.RTM_NEWLINK, create, 4, 0, 0, 0, kind("ifb"), nettest.Attr(unix.IFLA_NUM_TX_QUEUES, nettest.U32(4))),
		nettest.LinkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 5, 2, 0, 0,
			nettest.Attr(unix.IFLA_NET_NS_PID, nettest.U32(firstPid)), nettest.Attr(unix.IFLA_IFNAME, nettest.Str("moved"))),
		nettest.LinkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 6, 2, 0, 0,
			nest(unix.IFLA_AF_SPEC, nest(unix.AF_INET6, nettest.Attr(8, []byte{1})), nest(unix.AF_INET, nest(1, nettest.Attr(1, nettest.U32(1)))))),
		nettest.LinkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 7, 2, 0, 0, nettest.Attr(unix.IFLA_CARRIER, []byte{0})),
		nettest.LinkReq(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 8, 3, 0, 0),
		nsid(unix.RTM_NEWNSID, nettest.Attr(1, nettest.U32(5)), nettest.Attr(3, nettest.U32(firstFD))),
		nsid(unix.RTM_GETNSID, nettest.Attr(2, nettest.U32(firstPid))),
		nsid(unix.RTM_GETNSID|0x300<<16, nil),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k := drivers.NewKernel()
		a := k.InitNet()
		ns, err := k.NewNamespace()
		if err != nil {
			t.Fatal(err)
		}
		defer ns.Close()
		if ns.FD() != firstFD || ns.PID() != firstPid {
			t.Fatalf("namespace b at fd %d pid %d, want %d and %d", ns.FD(), ns.PID(), firstFD, firstPid)
		}
		setup, _ := a.Socket(unix.NETLINK_ROUTE, nil)
		defer setup.Close()
		setup.Send(seeds[1])
		drainAll(t, setup)
		s, err := a.Socket(unix.NETLINK_ROUTE, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.SetOption(unix.NETLINK_EXT_ACK, true)
		if err := s.Send(b); err != nil {
			return
		}
		drainAll(t, s)
		if err := k.CheckConsistency(); err != nil {
			t.Fatalf("model inconsistent: %v", err)
		}
		veths := 0
		for _, n := range []*net.Namespace{a, ns} {
			for _, l := range n.Links() {
				if l.Kind == "veth" {
					veths++
				}
			}
		}
		if veths%2 != 0 {
			t.Fatalf("%d veth ends: one lost its peer", veths)
		}
	})
}

// nsid is an rtgenmsg request; a type with 0x300 in its upper half is a
// dump.
func nsid(typ int, attrs ...[]byte) []byte {
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	if typ>>16 != 0 {
		flags = unix.NLM_F_REQUEST | unix.NLM_F_DUMP
	}
	b := make([]byte, 20)
	binary.NativeEndian.PutUint16(b[4:], uint16(typ))
	binary.NativeEndian.PutUint16(b[6:], flags)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	return b
}

func drainAll(t *testing.T, s *net.Socket) {
	t.Helper()
	buf := make([]byte, 1<<16)
	for i := 0; s.Pending() > 0 && i < 1000; i++ {
		n, _, err := s.Recv(buf)
		if err != nil {
			continue
		}
		if err := nettest.WellFormed(buf[:n]); err != nil {
			t.Fatal(err)
		}
	}
}
