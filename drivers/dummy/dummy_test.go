package dummy_test

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/knettest"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

// TestModuleLoad: loading dummy creates numdummies devices in init_net.
func TestModuleLoad(t *testing.T) {
	k := knettest.NewKernel(t)
	if err := k.LoadModule("dummy"); err != nil {
		t.Fatal(err)
	}
	l := knettest.Link(t, k.InitNet(), "dummy0")
	a := knettest.MAC(t, l.Addr)
	if l.Kind != "dummy" || l.Up || l.MTU != 1500 || l.Type != unix.ARPHRD_ETHER || a[0]&3 != 2 {
		t.Errorf("dummy0: %+v", l)
	}
	if err := k.UnloadModule("dummy"); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.InitNet().Link("dummy0"); ok {
		t.Error("dummy0 outlived rmmod dummy")
	}
	if err := k.LoadModule("dummy", "numdummies=3"); err != nil {
		t.Fatal(err)
	}
	if n := len(k.InitNet().Links()); n != 4 {
		t.Errorf("numdummies=3: %d devices, want lo and three", n)
	}
	k.UnloadModule("dummy")
	if err := k.LoadModule("dummy", "numdummies=x"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("numdummies=x: %v, want EINVAL", err)
	}
	if k.ModuleLoaded("dummy") {
		t.Error("dummy loaded despite a bad parameter")
	}
}

func TestValidate(t *testing.T) {
	k := knettest.NewKernel(t)
	r := knettest.Dial(t, k.InitNet())
	for _, tt := range []struct {
		addr []byte
		want unix.Errno
	}{
		{[]byte{2, 0, 0, 0, 1}, unix.EINVAL},
		{knettest.MAC(t, "01:00:5e:00:00:01"), unix.EADDRNOTAVAIL},
		{make([]byte, 6), unix.EADDRNOTAVAIL},
		{knettest.MAC(t, "02:00:00:00:00:01"), 0},
	} {
		err := r.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "d0", Address: tt.addr,
			Info: &rtnetlink.LinkInfo{Kind: "dummy"}}})
		if got := knettest.Errno(err); got != tt.want {
			t.Errorf("address %x: %v, want %v", tt.addr, err, tt.want)
		}
	}
	if l := knettest.Link(t, k.InitNet(), "d0"); l.Addr != "02:00:00:00:00:01" {
		t.Errorf("d0's address %s, want the requested one", l.Addr)
	}
}

// TestAddressAndCarrier: the address changes while up; the carrier goes
// and comes back through IFLA_CARRIER, its operstate following once
// linkwatch runs, at most once a second for a dummy's carrier loss.
func TestAddressAndCarrier(t *testing.T) {
	clock := net.NewManualClock()
	k := knettest.NewKernel(t, net.WithClock(clock))
	ns := k.InitNet()
	r := knettest.Dial(t, ns)
	if err := r.Add("d0", "dummy"); err != nil {
		t.Fatal(err)
	}
	if err := r.Up("d0"); err != nil {
		t.Fatal(err)
	}
	set := func(a *rtnetlink.LinkAttributes) error {
		a.Name = "d0"
		return r.Set(&rtnetlink.LinkMessage{Attributes: a})
	}
	if err := set(&rtnetlink.LinkAttributes{Address: knettest.MAC(t, "02:00:00:00:00:07")}); err != nil {
		t.Fatal(err)
	}
	if err := set(&rtnetlink.LinkAttributes{Address: knettest.MAC(t, "01:00:00:00:00:07")}); !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("multicast address: %v, want EADDRNOTAVAIL", err)
	}
	if l := knettest.Link(t, ns, "d0"); l.Addr != "02:00:00:00:00:07" || l.Operstate != rtnetlink.OperStateUnknown {
		t.Errorf("d0 %+v, want the new address and operstate UNKNOWN", l)
	}
	// jsimonetti/rtnetlink does not encode IFLA_CARRIER: build it.
	carrier := func(on uint8) error {
		req := nettest.LinkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 0, int32(knettest.Link(t, ns, "d0").Index), 0, 0,
			nettest.Attr(unix.IFLA_CARRIER, []byte{on}))
		var m netlink.Message
		if err := m.UnmarshalBinary(req); err != nil {
			t.Fatal(err)
		}
		_, err := r.C.Execute(m)
		return err
	}
	if err := carrier(0); err != nil {
		t.Fatal(err)
	}
	if l := knettest.Link(t, ns, "d0"); l.Carrier || l.Operstate != rtnetlink.OperStateDown {
		t.Errorf("carrier off: %+v, want no carrier, operstate DOWN", l)
	}
	if err := carrier(1); err != nil {
		t.Fatal(err)
	}
	if l := knettest.Link(t, ns, "d0"); !l.Carrier || l.Operstate != rtnetlink.OperStateUp {
		t.Errorf("carrier on: %+v, want carrier and UP (an urgent event: the queue was deactivated)", l)
	}
	// A second carrier loss within the second waits for linkwatch.
	if err := carrier(0); err != nil {
		t.Fatal(err)
	}
	if l := knettest.Link(t, ns, "d0"); l.Carrier || l.Operstate != rtnetlink.OperStateUp {
		t.Errorf("carrier off again at once: %+v, want no carrier but still UP until linkwatch runs", l)
	}
	clock.Advance(time.Second)
	if l := knettest.Link(t, ns, "d0"); l.Operstate != rtnetlink.OperStateDown {
		t.Errorf("a second later: %+v, want DOWN", l)
	}
	lm, _, _ := r.Get("d0")
	if got := *lm.Attributes.CarrierChanges; got != 3 {
		t.Errorf("carrier changes %d, want 3", got)
	}
}

// TestTransmit: every frame a dummy transmits is counted and dropped;
// nlmon-style taps do not see it, packet sockets do.
func TestTransmit(t *testing.T) {
	k := knettest.NewKernel(t)
	ns := k.InitNet()
	r := knettest.Dial(t, ns)
	if err := r.Add("d0", "dummy"); err != nil {
		t.Fatal(err)
	}
	c, err := ns.Capture("d0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := r.Up("d0"); err != nil {
		t.Fatal(err)
	}
	c.TryRead()
	f := append(knettest.MAC(t, "ff:ff:ff:ff:ff:ff"), 2, 0, 0, 0, 0, 1)
	f = binary.BigEndian.AppendUint16(f, 0x0800)
	f = append(f, make([]byte, 46)...)
	for range 3 {
		if err := c.Send(f); err != nil {
			t.Fatal(err)
		}
	}
	if s := r.Stats("d0"); s.TXPackets != 3 || s.TXBytes != 180 || s.RXPackets != 0 {
		t.Errorf("d0 counters %+v, want tx 3/180", s)
	}
	if l := knettest.Link(t, ns, "d0"); l.Qdisc != "noqueue" {
		t.Errorf("qdisc %q, want noqueue", l.Qdisc)
	}
}

// notifications reads what a listener has queued: each message's type
// and its attributes by type (the last of each type wins).
func notifications(t *testing.T, s *net.Socket) (types []uint16, attrs []map[uint16][]byte) {
	t.Helper()
	buf := make([]byte, 1<<16)
	for s.Pending() > 0 {
		n, _, err := s.Recv(buf)
		if err != nil {
			t.Fatal(err)
		}
		for b := buf[:n]; len(b) >= 16; {
			l := int(binary.NativeEndian.Uint32(b))
			typ := binary.NativeEndian.Uint16(b[4:])
			m := map[uint16][]byte{}
			if typ == unix.RTM_NEWLINK || typ == unix.RTM_DELLINK {
				payload := b[32:l]
				nettest.AttrWalk(payload, func(at uint16, off, al int) { m[at] = payload[off+4 : off+al] })
			}
			types, attrs = append(types, typ), append(attrs, m)
			b = b[(l+3)&^3:]
		}
	}
	return types, attrs
}

// TestMoveNamespace moves a dummy between namespaces with IFLA_NET_NS_FD
// and IFLA_NET_NS_PID through a netlink.Conn, as `ip link set d0 netns b`
// does: the device leaves a with RTM_NEWNSID and an RTM_DELLINK naming its
// new namespace id and index, arrives in b with RTM_NEWLINK, keeps its
// index where it is free and its address; the errors of the kernel's
// rules leave it where it was.
func TestMoveNamespace(t *testing.T) {
	k := knettest.NewKernel(t)
	a := k.InitNet()
	b := knettest.NewNamespace(t, k)
	ra, rb := knettest.Dial(t, a), knettest.Dial(t, b)
	if err := ra.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "d0", Address: knettest.MAC(t, "02:00:00:00:00:07"), Info: &rtnetlink.LinkInfo{Kind: "dummy"}}}); err != nil {
		t.Fatal(err)
	}
	d0 := knettest.Link(t, a, "d0")
	groups := uint32(1<<(unix.RTNLGRP_LINK-1) | 1<<(unix.RTNLGRP_NSID-1))
	la, err := a.Socket(unix.NETLINK_ROUTE, &net.DialConfig{Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	defer la.Close()
	lb, err := b.Socket(unix.NETLINK_ROUTE, &net.DialConfig{Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()

	move := func(r *knettest.Route, index int, ns *rtnetlink.NetNS, name string) error {
		return r.Set(&rtnetlink.LinkMessage{Index: uint32(index), Attributes: &rtnetlink.LinkAttributes{Name: name, NetNS: ns}})
	}
	if err := move(ra, d0.Index, rtnetlink.NetNSForFD(uint32(b.FD())), ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Link("d0"); ok {
		t.Error("d0 still in a after the move")
	}
	moved := knettest.Link(t, b, "d0")
	if moved.Index != d0.Index || moved.Addr != d0.Addr {
		t.Errorf("in b: index %d address %s, want %d and %s (both kept)", moved.Index, moved.Addr, d0.Index, d0.Addr)
	}
	types, attrs := notifications(t, la)
	if len(types) != 2 || types[0] != unix.RTM_NEWNSID || types[1] != unix.RTM_DELLINK {
		t.Fatalf("a's listener got %v, want RTM_NEWNSID then RTM_DELLINK", types)
	}
	nsid, ok := attrs[1][unix.IFLA_NEW_NETNSID]
	if !ok || binary.NativeEndian.Uint32(nsid) != 0 {
		t.Errorf("RTM_DELLINK: IFLA_NEW_NETNSID %v, want b's new id 0", nsid)
	}
	if idx, ok := attrs[1][unix.IFLA_NEW_IFINDEX]; !ok || int(binary.NativeEndian.Uint32(idx)) != d0.Index {
		t.Errorf("RTM_DELLINK: IFLA_NEW_IFINDEX %v, want %d", idx, d0.Index)
	}
	if types, _ := notifications(t, lb); len(types) != 1 || types[0] != unix.RTM_NEWLINK {
		t.Errorf("b's listener got %v, want one RTM_NEWLINK", types)
	}

	// Back by pid, renamed on the way: moved first, then renamed, so b
	// sees the move and a sees the arrival and the rename.
	if err := move(rb, moved.Index, rtnetlink.NetNSForPID(a.PID()), "d1"); err != nil {
		t.Fatal(err)
	}
	knettest.Link(t, a, "d1")
	if types, _ := notifications(t, la); len(types) != 2 || types[0] != unix.RTM_NEWLINK || types[1] != unix.RTM_NEWLINK {
		t.Errorf("a's listener got %v, want the arrival and the rename", types)
	}
	notifications(t, lb)

	// The rules, each leaving the device where it is.
	if err := rb.Add("d1", "dummy"); err != nil {
		t.Fatal(err)
	}
	lo := knettest.Link(t, a, "lo")
	d1 := knettest.Link(t, a, "d1")
	for _, tt := range []struct {
		name   string
		index  int
		ns     *rtnetlink.NetNS
		want   unix.Errno
		extack string
	}{
		{"name taken in b", d1.Index, rtnetlink.NetNSForFD(uint32(b.FD())), unix.EEXIST, "An interface with the same name exists in the target netns"},
		{"lo", lo.Index, rtnetlink.NetNSForFD(uint32(b.FD())), unix.EINVAL, "The interface netns is immutable"},
		{"fd not open", d1.Index, rtnetlink.NetNSForFD(9999), unix.EBADF, ""},
		{"no such pid", d1.Index, rtnetlink.NetNSForPID(4_000_000), unix.ESRCH, ""},
	} {
		err := move(ra, tt.index, tt.ns, "")
		if knettest.Errno(err) != tt.want || knettest.Extack(err) != tt.extack {
			t.Errorf("%s: %v (extack %q), want %v (%q)", tt.name, err, knettest.Extack(err), tt.want, tt.extack)
		}
	}
	if _, ok := a.Link("d1"); !ok || len(b.Links()) != 2 {
		t.Errorf("after the failed moves: a has d1 %v, b has %d devices (want lo and d1)", ok, len(b.Links()))
	}
	types, _ = notifications(t, la)
	if len(types) != 0 {
		t.Errorf("failed moves notified a: %v", types)
	}
}
