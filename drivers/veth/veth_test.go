package veth_test

import (
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/jsimonetti/rtnetlink/v2/driver"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/knettest"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

// pair is `ip link add NAME type veth peer name PEER [netns]` with the
// peer's attributes in peer.
func pair(name string, peer *rtnetlink.LinkAttributes) *rtnetlink.LinkMessage {
	return &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name,
		Info: &rtnetlink.LinkInfo{Kind: "veth", Data: &driver.Veth{PeerInfo: &rtnetlink.LinkMessage{Attributes: peer}}}}}
}

// attr returns the u32 link attribute typ of a raw RTM_NEWLINK payload.
func attr(t *testing.T, msg []byte, typ uint16) (uint32, bool) {
	t.Helper()
	var v uint32
	found := false
	nettest.AttrWalk(msg[16:], func(at uint16, off, l int) {
		if at == typ && l == 8 {
			v, found = binary.NativeEndian.Uint32(msg[16+off+4:]), true
		}
	})
	return v, found
}

// newPair boots a kernel and makes the pair v0/v1 in init_net through a
// Route.
func newPair(t *testing.T) (*net.Kernel, *net.Namespace, *knettest.Route) {
	t.Helper()
	k := knettest.NewKernel(t)
	ns := k.InitNet()
	r := knettest.Dial(t, ns)
	if err := r.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1"})); err != nil {
		t.Fatal(err)
	}
	return k, ns, r
}

// frame is an Ethernet frame to dst of a local experimental type.
func frame(dst []byte, n int) []byte {
	f := append(append([]byte(nil), dst...), 2, 0, 0, 0, 0, 0x99)
	f = binary.BigEndian.AppendUint16(f, 0x88b5)
	return append(f, make([]byte, n)...)
}

func TestCreatePair(t *testing.T) {
	k, ns, r := newPair(t)
	if !k.ModuleLoaded("veth") {
		t.Error("creating a veth did not load rtnl-link-veth")
	}
	v0, v1 := knettest.Link(t, ns, "v0"), knettest.Link(t, ns, "v1")
	if v1.Index >= v0.Index {
		t.Errorf("peer v1 has index %d, v0 %d: the peer registers first", v1.Index, v0.Index)
	}
	for _, l := range []net.Link{v0, v1} {
		a := knettest.MAC(t, l.Addr)
		if l.Kind != "veth" || l.MTU != 1500 || a[0]&1 != 0 || a[0]&2 == 0 || l.Carrier {
			t.Errorf("%s: %+v; want veth, MTU 1500, a random unicast locally administered address, no carrier", l.Name, l)
		}
	}
	_, raw0, err := r.Get("v0")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := attr(t, raw0, unix.IFLA_LINK); !ok || int(got) != v1.Index {
		t.Errorf("v0's IFLA_LINK = %d (%v), want v1's index %d", got, ok, v1.Index)
	}
	if _, ok := attr(t, raw0, unix.IFLA_LINK_NETNSID); ok {
		t.Error("IFLA_LINK_NETNSID for a peer in the same namespace")
	}
	lm, _, _ := r.Get("v1")
	if lm.Attributes.CarrierDownCount == nil || *lm.Attributes.CarrierDownCount != 1 {
		t.Errorf("v1 carrier down count %v, want 1 (netif_carrier_off after register)", lm.Attributes.CarrierDownCount)
	}

	// Without peer information the peer is veth%d.
	if err := r.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "w0", Info: &rtnetlink.LinkInfo{Kind: "veth"}}}); err != nil {
		t.Fatal(err)
	}
	knettest.Link(t, ns, "veth0")

	// Deleting either end deletes both.
	if err := r.Delete("v1"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"v0", "v1"} {
		if _, ok := ns.Link(name); ok {
			t.Errorf("%s still there after deleting v1", name)
		}
	}
}

// TestCarrier: each end has carrier only while both are up; until the
// other comes up an up end is LOWERLAYERDOWN.
func TestCarrier(t *testing.T) {
	_, ns, r := newPair(t)
	if err := r.Up("v0"); err != nil {
		t.Fatal(err)
	}
	if l := knettest.Link(t, ns, "v0"); l.Carrier || l.Operstate != rtnetlink.OperStateLowerLayerDown {
		t.Errorf("v0 up, v1 down: %+v, want no carrier, LOWERLAYERDOWN", l)
	}
	lm, _, _ := r.Get("v0")
	if lm.Flags&unix.IFF_RUNNING != 0 || lm.Flags&unix.IFF_LOWER_UP != 0 {
		t.Errorf("v0 flags %#x: RUNNING or LOWER_UP without carrier", lm.Flags)
	}
	if err := r.Up("v1"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"v0", "v1"} {
		if l := knettest.Link(t, ns, name); !l.Carrier || l.Operstate != rtnetlink.OperStateUp || l.Qdisc != "noqueue" {
			t.Errorf("both up: %+v, want carrier, UP, noqueue", l)
		}
	}
	if err := r.Down("v1"); err != nil {
		t.Fatal(err)
	}
	if l := knettest.Link(t, ns, "v0"); l.Carrier || l.Operstate != rtnetlink.OperStateLowerLayerDown {
		t.Errorf("v1 down again: v0 %+v, want no carrier, LOWERLAYERDOWN", l)
	}
}

// TestTransmit: a frame sent on one end is received on the other, with
// the packet type its destination gives and the counters of both ends.
func TestTransmit(t *testing.T) {
	k, ns, r := newPair(t)
	send, err := ns.Capture("v0")
	if err != nil {
		t.Fatal(err)
	}
	defer send.Close()
	if err := send.Send(frame(make([]byte, 6), 50)); !errors.Is(err, unix.ENETDOWN) {
		t.Errorf("send on a down v0: %v, want ENETDOWN", err)
	}
	for _, n := range []string{"v0", "v1"} {
		if err := r.Up(n); err != nil {
			t.Fatal(err)
		}
	}
	watch0, _ := ns.Capture("v0")
	defer watch0.Close()
	recv, _ := ns.Capture("v1")
	defer recv.Close()
	for _, c := range []*net.Capture{send, watch0, recv} {
		c.TryRead() // the ENETDOWN of a capture opened on a down device
	}
	v1mac := knettest.MAC(t, knettest.Link(t, ns, "v1").Addr)
	cases := []struct {
		dst  []byte
		want uint8
	}{
		{v1mac, unix.PACKET_HOST},
		{knettest.MAC(t, "ff:ff:ff:ff:ff:ff"), unix.PACKET_BROADCAST},
		{knettest.MAC(t, "33:33:00:00:00:01"), unix.PACKET_MULTICAST},
		{knettest.MAC(t, "02:00:00:00:00:42"), unix.PACKET_OTHERHOST},
	}
	for _, c := range cases {
		if err := send.Send(frame(c.dst, 50)); err != nil {
			t.Fatalf("send to %x: %v", c.dst, err)
		}
		f, ok, err := recv.TryRead()
		if !ok || err != nil {
			t.Fatalf("v1 received nothing for %x (%v)", c.dst, err)
		}
		if f.PktType != c.want || f.Protocol != 0x88b5 || len(f.Data) != 64 || f.Halen != 6 || f.Addr[5] != 0x99 {
			t.Errorf("received for %x: pkttype %d proto %#x len %d halen %d addr %x; want pkttype %d", c.dst, f.PktType, f.Protocol, len(f.Data), f.Halen, f.Addr, c.want)
		}
		if o, ok, _ := watch0.TryRead(); !ok || o.PktType != unix.PACKET_OUTGOING {
			t.Errorf("v0's other capture: %+v %v, want the frame as PACKET_OUTGOING", o, ok)
		}
	}
	if _, ok, _ := send.TryRead(); ok {
		t.Error("the sending socket saw its own frame")
	}
	s0, s1 := r.Stats("v0"), r.Stats("v1")
	if s0.TXPackets != 4 || s0.TXBytes != 256 || s1.RXPackets != 4 || s1.RXBytes != 256 || s0.RXPackets != 0 {
		t.Errorf("counters: v0 %+v, v1 %+v; want v0 tx 4/256, v1 rx 4/256", s0, s1)
	}
	if err := send.Send(frame(v1mac, 1500+4+1)); !errors.Is(err, unix.EMSGSIZE) {
		t.Errorf("a frame above MTU+header+VLAN: %v, want EMSGSIZE", err)
	}
	if err := send.Send(make([]byte, 13)); !errors.Is(err, unix.EINVAL) {
		t.Errorf("a frame shorter than the Ethernet header: %v, want EINVAL", err)
	}
	// The peer goes down: its carrier (and v0's) goes, v0's queue stops,
	// and a frame is dropped on the noop qdisc.
	if err := r.Down("v1"); err != nil {
		t.Fatal(err)
	}
	if err := send.Send(frame(v1mac, 50)); err != nil {
		t.Errorf("send without carrier: %v, want a silent drop", err)
	}
	if s := r.Stats("v0"); s.TXDropped != 1 || s.TXPackets != 4 {
		t.Errorf("v0 after a drop without carrier: %+v, want tx_dropped 1", s)
	}
	if d := k.Drops()["QDISC_DROP"]; d != 1 {
		t.Errorf("kernel drops %v, want one QDISC_DROP", k.Drops())
	}
}

// TestPeerInOtherNamespace: the peer is created where its attributes say,
// by descriptor or pid; each end reports the other's namespace id.
func TestPeerInOtherNamespace(t *testing.T) {
	for _, by := range []string{"fd", "pid"} {
		t.Run(by, func(t *testing.T) {
			k := knettest.NewKernel(t)
			a := k.InitNet()
			b := knettest.NewNamespace(t, k)
			ra, rb := knettest.Dial(t, a), knettest.Dial(t, b)
			netns := rtnetlink.NetNSForFD(uint32(b.FD()))
			if by == "pid" {
				netns = rtnetlink.NetNSForPID(b.PID())
			}
			if err := ra.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1", NetNS: netns})); err != nil {
				t.Fatal(err)
			}
			if _, ok := a.Link("v1"); ok {
				t.Error("v1 in the requester's namespace")
			}
			v1 := knettest.Link(t, b, "v1")
			_, raw, err := ra.Get("v0")
			if err != nil {
				t.Fatal(err)
			}
			id, ok := attr(t, raw, unix.IFLA_LINK_NETNSID)
			if l, _ := attr(t, raw, unix.IFLA_LINK); !ok || int32(id) < 0 || int(l) != v1.Index {
				t.Errorf("v0: IFLA_LINK_NETNSID %d (%v), IFLA_LINK %d; want b's id and v1's index %d", int32(id), ok, l, v1.Index)
			}
			_, raw, _ = rb.Get("v1")
			if _, ok := attr(t, raw, unix.IFLA_LINK_NETNSID); !ok {
				t.Error("v1 has no IFLA_LINK_NETNSID")
			}
			// Destroying b deletes its end, and with it v0.
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if _, ok := a.Link("v0"); ok {
				t.Error("v0 outlived its peer's namespace")
			}
		})
	}
}

// TestBadRequests: what the kernel refuses, with its errno, leaving
// nothing behind.
func TestBadRequests(t *testing.T) {
	k := knettest.NewKernel(t)
	ns := k.InitNet()
	other := knettest.NewNamespace(t, k)
	r := knettest.Dial(t, ns)
	if err := r.Add("taken", "dummy"); err != nil {
		t.Fatal(err)
	}
	mtu := func(v uint32) *rtnetlink.LinkAttributes { return &rtnetlink.LinkAttributes{Name: "p", MTU: v} }
	before := len(ns.Links())
	tests := []struct {
		name string
		req  *rtnetlink.LinkMessage
		want unix.Errno
	}{
		{"peer MTU below 68", pair("v0", mtu(67)), unix.EINVAL},
		{"peer MTU above 65535", pair("v0", mtu(65536)), unix.EINVAL},
		{"multicast peer address", pair("v0", &rtnetlink.LinkAttributes{Name: "p", Address: knettest.MAC(t, "01:00:5e:00:00:01")}), unix.EADDRNOTAVAIL},
		{"peer name taken", pair("v0", &rtnetlink.LinkAttributes{Name: "taken"}), unix.EEXIST},
		{"both ends one name", pair("v0", &rtnetlink.LinkAttributes{Name: "v0"}), unix.EEXIST},
		{"peer netns fd not open", pair("v0", &rtnetlink.LinkAttributes{Name: "p", NetNS: rtnetlink.NetNSForFD(9999)}), unix.EBADF},
		{"peer netns pid unknown", pair("v0", &rtnetlink.LinkAttributes{Name: "p", NetNS: rtnetlink.NetNSForPID(4_000_000)}), unix.ESRCH},
		{"device name taken, peer elsewhere", pair("taken", &rtnetlink.LinkAttributes{Name: "p", NetNS: rtnetlink.NetNSForFD(uint32(other.FD()))}), unix.EEXIST},
	}
	for _, tt := range tests {
		err := r.NewLink(tt.req)
		if got := knettest.Errno(err); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if n := len(ns.Links()); n != before {
			t.Errorf("%s: %d devices left, want %d", tt.name, n, before)
		}
		if n := len(other.Links()); n != 1 {
			t.Errorf("%s: %d devices in the other namespace, want lo alone", tt.name, n)
		}
	}
	// A peer blob shorter than struct ifinfomsg fails veth's policy.
	short := &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "v0",
		Info: &rtnetlink.LinkInfo{Kind: "veth", Data: rawData{1: make([]byte, 8)}}}}
	if err := r.NewLink(short); knettest.Errno(err) != unix.ERANGE || knettest.Extack(err) != "Attribute failed policy validation" {
		t.Errorf("short VETH_INFO_PEER: %v (%q), want ERANGE and the policy's message", err, knettest.Extack(err))
	}
	// An MTU above veth's maximum on an existing device.
	if err := r.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1"})); err != nil {
		t.Fatal(err)
	}
	err := r.Set(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "v0", MTU: 65536}})
	if knettest.Errno(err) != unix.EINVAL || knettest.Extack(err) != "mtu greater than device maximum" {
		t.Errorf("MTU 65536 on v0: %v (%q)", err, knettest.Extack(err))
	}
}

// rawData is IFLA_INFO_DATA given attribute by attribute.
type rawData map[uint16][]byte

func (d rawData) New() rtnetlink.LinkDriver              { return rawData{} }
func (d rawData) Kind() string                           { return "veth" }
func (d rawData) Decode(*netlink.AttributeDecoder) error { return nil }
func (d rawData) Encode(ae *netlink.AttributeEncoder) error {
	for typ, b := range d {
		ae.Bytes(typ, b)
	}
	return nil
}

// TestFaults: a failing allocation or registration of either end leaves
// no device, no index and no notification behind.
func TestFaults(t *testing.T) {
	for _, f := range []struct {
		point net.FaultPoint
		nth   int
		name  string
	}{
		{net.FaultNetdevAlloc, 1, "the device's allocation"},
		{net.FaultNetdevAlloc, 2, "the peer's allocation"},
		{net.FaultPcpuStats, 1, "the peer's tstats"},
		{net.FaultPcpuStats, 2, "the device's tstats"},
		{net.FaultRegister, 1, "the peer's registration"},
		{net.FaultRegister, 2, "the device's registration"},
	} {
		t.Run(f.name, func(t *testing.T) {
			k := knettest.NewKernel(t)
			ns := k.InitNet()
			r := knettest.Dial(t, ns)
			if err := k.LoadModule("veth"); err != nil {
				t.Fatal(err)
			}
			k.FailNth(f.point, f.nth)
			err := r.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1"}))
			if !errors.Is(err, unix.ENOMEM) {
				t.Errorf("%v, want ENOMEM", err)
			}
			if n := len(ns.Links()); n != 1 {
				t.Errorf("%d devices after the failure, want lo alone", n)
			}
			if k.FaultsFired(f.point) != 1 {
				t.Fatalf("the fault did not fire")
			}
			if err := r.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1"})); err != nil {
				t.Errorf("retry: %v", err)
			}
		})
	}
}

// TestConcurrentTransmit sends on both ends from several goroutines while
// the ends go down and up: every frame is counted once, somewhere.
func TestConcurrentTransmit(t *testing.T) {
	k, ns, r := newPair(t)
	for _, n := range []string{"v0", "v1"} {
		if err := r.Up(n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	const senders, frames = 4, 200
	for i := range senders {
		c, err := ns.Capture([]string{"v0", "v1"}[i%2])
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range frames {
				err := c.Send(frame(knettest.MAC(t, "ff:ff:ff:ff:ff:ff"), 20))
				if err != nil && !errors.Is(err, unix.ENETDOWN) && !errors.Is(err, unix.ENOBUFS) {
					t.Errorf("send: %v", err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			_ = r.Down("v1")
			time.Sleep(time.Millisecond)
			_ = r.Up("v1")
		}
	}()
	wg.Wait()
	<-done
	if err := k.CheckConsistency(); err != nil {
		t.Fatal(err)
	}
}

// TestUnloadDeletesPairs: rmmod veth deletes every pair, across
// namespaces.
func TestUnloadDeletesPairs(t *testing.T) {
	k := knettest.NewKernel(t)
	a := k.InitNet()
	b := knettest.NewNamespace(t, k)
	r := knettest.Dial(t, a)
	if err := r.NewLink(pair("v0", &rtnetlink.LinkAttributes{Name: "v1", NetNS: rtnetlink.NetNSForFD(uint32(b.FD()))})); err != nil {
		t.Fatal(err)
	}
	if err := k.UnloadModule("veth"); err != nil {
		t.Fatal(err)
	}
	if len(a.Links()) != 1 || len(b.Links()) != 1 {
		t.Errorf("after rmmod veth: %v and %v", a.Links(), b.Links())
	}
}
