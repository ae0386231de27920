package conformance

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

// FuzzScenarioDatagrams feeds the model mutations of every datagram the
// conformance scenarios send (real requests, as ip and rtnetlink clients
// build them), on a privileged or unprivileged NETLINK_ROUTE socket with
// any of CAP_ACK, EXT_ACK and STRICT_CHK, next to an up nlmon device. It
// checks that every answer is well-formed netlink, that an unprivileged
// socket changes nothing, and that the model stays consistent.
func FuzzScenarioDatagrams(f *testing.F) {
	index := func(dev string) (int32, error) { return 2, nil }
	for _, sc := range All() {
		for _, st := range sc.Steps {
			s, ok := st.(Send)
			if !ok || s.To != "" || s.Groups != 0 {
				continue
			}
			var b []byte
			for _, m := range s.Msgs {
				mb, err := m.encode(index)
				if err != nil {
					f.Fatal(err)
				}
				b = append(b, mb...)
			}
			f.Add(b, uint8(2), false)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, opts uint8, unprivileged bool) {
		k := net.NewKernel()
		if err := nlmon.Module.Install(k); err != nil {
			t.Fatal(err)
		}
		ns := k.InitNet()
		admin, err := ns.Socket(unix.NETLINK_ROUTE, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		up := Msg{Type: unix.RTM_NEWLINK, Flags: unix.NLM_F_REQUEST | unix.NLM_F_CREATE | unix.NLM_F_EXCL,
			Link: &Ifinfo{Flags: unix.IFF_UP, Change: unix.IFF_UP},
			Body: Cat(A(unix.IFLA_IFNAME, Str("nlmon0")), A(unix.IFLA_LINKINFO, A(unix.IFLA_INFO_KIND, Str("nlmon"))))}
		req, _ := up.encode(nil)
		if err := admin.Send(req); err != nil {
			t.Fatal(err)
		}
		before := ns.Links()
		planesBefore := ipPlanes(t, admin)

		s, err := ns.Socket(unix.NETLINK_ROUTE, &net.DialConfig{Unprivileged: unprivileged})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for i, o := range []int{unix.NETLINK_CAP_ACK, unix.NETLINK_EXT_ACK, unix.NETLINK_GET_STRICT_CHK} {
			s.SetOption(o, opts&(1<<i) != 0)
		}
		if s.Send(b) != nil {
			return
		}
		buf := make([]byte, 1<<16)
		for i := 0; s.Pending() > 0 && i < 1000; i++ {
			n, _, err := s.Recv(buf)
			if errors.Is(err, unix.ENOBUFS) {
				continue
			}
			if err != nil {
				t.Fatalf("recv: %v", err)
			}
			if err := nettest.WellFormed(buf[:n]); err != nil {
				t.Fatalf("malformed answer: %v", err)
			}
		}
		if after := ns.Links(); unprivileged && !slices.Equal(before, after) {
			t.Fatalf("unprivileged datagram changed the links: %v -> %v", before, after)
		}
		if unprivileged && !slices.Equal(planesBefore, ipPlanes(t, admin)) {
			t.Fatal("unprivileged datagram changed the addresses, routes or rules")
		}
		if err := k.CheckConsistency(); err != nil {
			t.Fatalf("model inconsistent: %v", err)
		}
	})
}

// ipPlanes is what PF_UNSPEC dumps of addresses, routes and rules answer
// on s, concatenated: the state an unprivileged request must not change.
func ipPlanes(t *testing.T, s *net.Socket) []byte {
	t.Helper()
	var out []byte
	buf := make([]byte, 1<<16)
	for _, typ := range []uint16{unix.RTM_GETADDR, unix.RTM_GETROUTE, unix.RTM_GETRULE} {
		req, _ := Msg{Type: typ, Flags: unix.NLM_F_REQUEST | unix.NLM_F_DUMP, Seq: 1, Body: make([]byte, 12)}.encode(nil)
		if err := s.Send(req); err != nil {
			t.Fatal(err)
		}
		for done := false; !done; {
			n, _, err := s.Recv(buf)
			if err != nil {
				t.Fatalf("dump %d: %v", typ, err)
			}
			out = append(out, buf[:n]...)
			for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
				l := int(binary.NativeEndian.Uint32(b))
				if mt := binary.NativeEndian.Uint16(b[4:]); mt == unix.NLMSG_DONE || mt == unix.NLMSG_ERROR {
					done = true
				}
				if l < unix.NLMSG_HDRLEN || l > len(b) {
					break
				}
				b = b[min((l+3)&^3, len(b)):]
			}
		}
	}
	return out
}
