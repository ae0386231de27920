package dummy_test

import (
	"encoding/binary"
	"errors"
	stdnet "net"
	"testing"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/knettest"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/net/nettest"
)

func mac(t *testing.T, s string) stdnet.HardwareAddr {
	t.Helper()
	a, err := stdnet.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func link(t *testing.T, ns *net.Namespace, name string) net.Link {
	t.Helper()
	l, ok := ns.Link(name)
	if !ok {
		t.Fatalf("no device %s", name)
	}
	return l
}

// TestModuleLoad: loading dummy creates numdummies devices in init_net.
func TestModuleLoad(t *testing.T) {
	k := knettest.NewKernel(t)
	if err := k.LoadModule("dummy"); err != nil {
		t.Fatal(err)
	}
	l := link(t, k.InitNet(), "dummy0")
	a := mac(t, l.Addr)
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
		{mac(t, "01:00:5e:00:00:01"), unix.EADDRNOTAVAIL},
		{make([]byte, 6), unix.EADDRNOTAVAIL},
		{mac(t, "02:00:00:00:00:01"), 0},
	} {
		err := r.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "d0", Address: tt.addr,
			Info: &rtnetlink.LinkInfo{Kind: "dummy"}}})
		if got := knettest.Errno(err); got != tt.want {
			t.Errorf("address %x: %v, want %v", tt.addr, err, tt.want)
		}
	}
	if l := link(t, k.InitNet(), "d0"); l.Addr != "02:00:00:00:00:01" {
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
	if err := set(&rtnetlink.LinkAttributes{Address: mac(t, "02:00:00:00:00:07")}); err != nil {
		t.Fatal(err)
	}
	if err := set(&rtnetlink.LinkAttributes{Address: mac(t, "01:00:00:00:00:07")}); !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("multicast address: %v, want EADDRNOTAVAIL", err)
	}
	if l := link(t, ns, "d0"); l.Addr != "02:00:00:00:00:07" || l.Operstate != net.OperUnknown {
		t.Errorf("d0 %+v, want the new address and operstate UNKNOWN", l)
	}
	// jsimonetti/rtnetlink does not encode IFLA_CARRIER: build it.
	carrier := func(on uint8) error {
		req := nettest.LinkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 0, int32(link(t, ns, "d0").Index), 0, 0,
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
	if l := link(t, ns, "d0"); l.Carrier || l.Operstate != net.OperDown {
		t.Errorf("carrier off: %+v, want no carrier, operstate DOWN", l)
	}
	if err := carrier(1); err != nil {
		t.Fatal(err)
	}
	if l := link(t, ns, "d0"); !l.Carrier || l.Operstate != net.OperUp {
		t.Errorf("carrier on: %+v, want carrier and UP (an urgent event: the queue was deactivated)", l)
	}
	// A second carrier loss within the second waits for linkwatch.
	if err := carrier(0); err != nil {
		t.Fatal(err)
	}
	if l := link(t, ns, "d0"); l.Carrier || l.Operstate != net.OperUp {
		t.Errorf("carrier off again at once: %+v, want no carrier but still UP until linkwatch runs", l)
	}
	clock.Advance(time.Second)
	if l := link(t, ns, "d0"); l.Operstate != net.OperDown {
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
	f := append(mac(t, "ff:ff:ff:ff:ff:ff"), 2, 0, 0, 0, 0, 1)
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
	if l := link(t, ns, "d0"); l.Qdisc != "noqueue" {
		t.Errorf("qdisc %q, want noqueue", l.Qdisc)
	}
}
