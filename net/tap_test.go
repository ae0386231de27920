package net

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// upMonitor creates an up nlmon-like device named name in ns and returns a
// capture on it, opened after up as `tcpdump -i` would be.
func upMonitor(t *testing.T, ns *Namespace, s *Socket, name string, index int32) *Capture {
	t.Helper()
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1, index, unix.IFF_UP, unix.IFF_UP,
		attr(unix.IFLA_IFNAME, str(name)), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	c, err := ns.Capture(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type frameView struct {
	Proto   uint16
	PktType uint8
	Hatype  uint16
	Types   []uint16
}

func drain(t *testing.T, c *Capture) []frameView {
	t.Helper()
	var out []frameView
	for {
		f, ok, err := c.TryRead()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		v := frameView{Proto: f.Protocol, PktType: f.PktType, Hatype: f.Hatype}
		for _, h := range headers(t, f.Data) {
			v.Types = append(v.Types, h.Type)
		}
		out = append(out, v)
	}
}

func route(types ...uint16) frameView {
	return frameView{Proto: unix.NETLINK_ROUTE, PktType: unix.PACKET_OUTGOING, Hatype: unix.ARPHRD_NETLINK, Types: types}
}

// TestTapCallSites checks where the kernel taps: the request before it is
// handled, the reply, one copy per multicast receiver, each dump datagram
// and NLMSG_DONE, acks and errors; and which protocols pass the filter.
func TestTapCallSites(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	s := rawSocket(t, ns)
	c := upMonitor(t, ns, s, "nlmon0", 0)
	steps := []struct {
		name string
		do   func()
		want []frameView
	}{
		{"getlink", func() { request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 1, 1, 0, 0)) },
			[]frameView{route(unix.RTM_GETLINK), route(unix.RTM_NEWLINK), route(unix.NLMSG_ERROR)}},
		{"error", func() { request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 2, 99, 0, 0)) },
			[]frameView{route(unix.RTM_GETLINK), route(unix.NLMSG_ERROR)}},
		{"dump", func() {
			request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 3, 0, 0, 0))
			buf := make([]byte, 1<<16)
			for s.Pending() > 0 {
				s.Recv(buf)
			}
		}, []frameView{route(unix.RTM_GETLINK), route(unix.RTM_NEWLINK, unix.RTM_NEWLINK), route(unix.NLMSG_DONE)}},
		{"two listeners", func() {
			for i := 0; i < 2; i++ {
				l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
			}
			request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 4, 2, 0, 0, attr(unix.IFLA_MTU, u32(2000))))
		}, []frameView{route(unix.RTM_NEWLINK), route(unix.RTM_NEWLINK), route(unix.RTM_NEWLINK)}},
		{"usersock user to user", func() {
			a, _ := ns.Socket(unix.NETLINK_USERSOCK, nil)
			b, _ := ns.Socket(unix.NETLINK_USERSOCK, nil)
			defer a.Close()
			defer b.Close()
			if err := a.SendTo(linkReq(0x20, 0, 5, 0, 0, 0), b.PortID(), 0); err != nil {
				t.Fatal(err)
			}
		}, []frameView{{Proto: unix.NETLINK_USERSOCK, PktType: unix.PACKET_OUTGOING, Hatype: unix.ARPHRD_NETLINK, Types: []uint16{0x20}}}},
		{"generic", func() {
			g, _ := ns.Socket(unix.NETLINK_GENERIC, nil)
			defer g.Close()
			g.Send(linkReq(0x10, unix.NLM_F_REQUEST, 6, 0, 0, 0))
		}, []frameView{
			{Proto: unix.NETLINK_GENERIC, PktType: unix.PACKET_OUTGOING, Hatype: unix.ARPHRD_NETLINK, Types: []uint16{0x10}},
			{Proto: unix.NETLINK_GENERIC, PktType: unix.PACKET_OUTGOING, Hatype: unix.ARPHRD_NETLINK, Types: []uint16{unix.NLMSG_ERROR}},
		}},
		{"uevent is not tapped", func() {
			a, _ := ns.Socket(unix.NETLINK_KOBJECT_UEVENT, &DialConfig{Groups: 1})
			b, _ := ns.Socket(unix.NETLINK_KOBJECT_UEVENT, nil)
			defer a.Close()
			defer b.Close()
			// The multicast is delivered; the unicast half goes to the
			// uevent kernel socket, which ignores a datagram that is not
			// a netlink message.
			if err := b.SendTo([]byte("add@/devices/x\x00"), 0, 1); err != nil {
				t.Fatalf("sendto group: %v", err)
			}
			if a.Pending() != 1 {
				t.Fatalf("uevent listener got %d datagrams", a.Pending())
			}
		}, nil},
	}
	for _, st := range steps {
		st.do()
		if diff := cmp.Diff(st.want, drain(t, c)); diff != "" {
			t.Errorf("%s: captured frames (-want +got):\n%s", st.name, diff)
		}
	}
}

// TestTapLifecycle: a capture opened while the device is down gets ENETDOWN
// first and frames from up on; down removes the tap and returns the module
// reference; another namespace's traffic is never seen.
func TestTapLifecycle(t *testing.T) {
	k := newTestKernel(t)
	mod := &core.Module{Name: "testmon"}
	registerTestMon(t, k, "nlmon", mod)
	ns := k.InitNet()
	s := rawSocket(t, ns)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 1, 0, 0, 0,
		attr(unix.IFLA_IFNAME, str("nlmon0")), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon")))))
	c, err := ns.Capture("nlmon0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, _, err := c.TryRead(); !errors.Is(err, unix.ENETDOWN) {
		t.Fatalf("capture on a down device: %v, want ENETDOWN", err)
	}
	request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 2, 1, 0, 0))
	if f := drain(t, c); len(f) != 0 || len(ns.n.Taps()) != 0 {
		t.Fatalf("down device: %d frames, %d taps", len(f), len(ns.n.Taps()))
	}
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 3, 2, unix.IFF_UP, unix.IFF_UP))
	if got := mod.Refcount(); got != 1 {
		t.Errorf("module refcount with the tap added: %d, want 1", got)
	}
	// The up notification goes out before NETDEV_UP starts the capture:
	// only the ack is seen.
	if diff := cmp.Diff([]frameView{route(unix.NLMSG_ERROR)}, drain(t, c)); diff != "" {
		t.Errorf("bringing up (-want +got):\n%s", diff)
	}

	other, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	os := rawSocket(t, other)
	request(t, os, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 4, 1, 0, 0))
	if f := drain(t, c); len(f) != 0 {
		t.Errorf("tap saw %d frames of another namespace", len(f))
	}

	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 5, 2, 0, unix.IFF_UP))
	if got := mod.Refcount(); got != 0 || len(ns.n.Taps()) != 0 {
		t.Errorf("after down: refcount %d, %d taps", got, len(ns.n.Taps()))
	}
	if _, _, err := c.TryRead(); !errors.Is(err, unix.ENETDOWN) {
		t.Errorf("after down: %v, want ENETDOWN", err)
	}
}

// TestCaptureStats: every tapped message is one RX packet of its length.
func TestCaptureStats(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	s := rawSocket(t, ns)
	c := upMonitor(t, ns, s, "nlmon0", 0)
	for i := 0; i < 5; i++ {
		request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, uint32(10+i), 1, 0, 0))
	}
	var packets, bytes uint64
	for {
		f, ok, err := c.TryRead()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		packets++
		bytes += uint64(len(f.Data))
	}
	got := request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 99, 2, 0, 0))[0]
	var st [4]uint64
	attrWalk(got[32:], func(typ uint16, off, l int) {
		if typ == unix.IFLA_STATS64 {
			for i := range st {
				st[i] = binary.NativeEndian.Uint64(got[32+off+4+8*i:])
			}
		}
	})
	// The reply's counters are read before the reply itself is tapped, but
	// after its request was.
	want := [4]uint64{packets + 1, 0, bytes + 32, 0}
	if st != want {
		t.Errorf("rx_packets, tx_packets, rx_bytes, tx_bytes = %v, want %v", st, want)
	}
}

// TestBlockingReceive: a Conn waiting for a notification wakes on it, and
// a read deadline ends a wait with os.ErrDeadlineExceeded.
func TestBlockingReceive(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	l := dialRoute(t, ns, &DialConfig{Groups: 1})
	done := make(chan error, 1)
	go func() {
		_, err := l.Receive()
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	makeLinksNamed(t, ns, "m0")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	l.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := l.Receive(); !errors.Is(err, errDeadline) {
		t.Fatalf("got %v, want deadline exceeded", err)
	}
}
