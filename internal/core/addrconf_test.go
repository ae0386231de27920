package core

import (
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ethDev registers an Ethernet device (neighbour discovery on: no
// IFF_NOARP) with address 02:00:00:00:00:01 and an admitted transmit.
func ethDev(t *testing.T, n *Net, name string) *NetDevice {
	t.Helper()
	dev, err := AllocNetdev(n.k, nil, name, NET_NAME_USER, func(d *NetDevice) {
		EtherSetup(d)
		d.Ops = &NetDeviceOps{StartXmit: func(*SkBuff, *NetDevice) int { return NETDEV_TX_OK }}
	}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	DevAddrSet(dev, []byte{2, 0, 0, 0, 0, 1})
	n.k.RtnlLock()
	defer n.k.RtnlUnlock()
	if err := n.RegisterNetdevice(dev); err != nil {
		t.Fatal(err)
	}
	return dev
}

func a16(s string) [16]byte { return netip.MustParseAddr(s).As16() }

func checkInvariants(t *testing.T, k *Kernel) {
	t.Helper()
	for _, err := range k.CheckInvariants() {
		t.Error(err)
	}
}

// TestDADOnManualClock: a link-local address made on NETDEV_UP is
// tentative until DAD's random delay (below 1 s) and one probe (1 s)
// have passed on the kernel clock, and only then has its local route.
func TestDADOnManualClock(t *testing.T) {
	clock := NewManualClock()
	k := NewKernel(clock)
	n := k.InitNet()
	dev := ethDev(t, n, "e0")
	k.RtnlLock()
	if err := DevChangeFlags(dev, IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	k.RtnlUnlock()
	k.RunDueWork()
	ll := ipv6GetIfaddr(dev, a16("fe80::ff:fe00:1"))
	if ll == nil {
		t.Fatalf("no EUI-64 link-local address; have %d addresses", len(dev.inet6Addrs))
	}
	if ll.flags&unix.IFA_F_TENTATIVE == 0 || ll.rt.node != nil {
		t.Fatalf("flags %#x, local route in table %v: want tentative and no route", ll.flags, ll.rt.node != nil)
	}
	clock.Advance(999 * time.Millisecond)
	if ll.flags&unix.IFA_F_TENTATIVE == 0 {
		t.Fatal("DAD done before its probe's retransmit time passed")
	}
	clock.Advance(1001 * time.Millisecond)
	if ll.flags&unix.IFA_F_TENTATIVE != 0 || ll.rt.node == nil {
		t.Fatalf("after 2 s: flags %#x, local route in table %v", ll.flags, ll.rt.node != nil)
	}
	if !dev.inet6RsSent {
		t.Error("no router solicitation recorded after DAD")
	}
	checkInvariants(t, k)
	k.RtnlLock()
	_ = DevChangeFlags(dev, 0, nil)
	k.RtnlUnlock()
	if len(dev.inet6Addrs) != 0 || dev.inet6RsSent || dev.inet6Ready {
		t.Errorf("after down: %d addresses, rs_sent %v, ready %v", len(dev.inet6Addrs), dev.inet6RsSent, dev.inet6Ready)
	}
	for _, tb := range n.ipv6.tables {
		for _, fn := range tb.nodes {
			for _, rt := range fn.leaf {
				if rt.nhDev == dev {
					t.Errorf("route %x/%d survives the device going down", rt.dst, rt.dstLen)
				}
			}
		}
	}
	checkInvariants(t, k)
}

// TestFib6WalkOrder: the order of the kernel's dump of a main table
// (recorded in route6-dump-addrs and route6-user).
func TestFib6WalkOrder(t *testing.T) {
	order := []struct {
		dst  string
		plen uint8
	}{
		{"2001:db8::7", 128}, {"2001:db8::", 64}, {"2001:db8::", 48}, {"2001:db8:1::", 48},
		{"2001:db8:6::", 56}, {"2001:db8:9::8", 128}, {"fe80::", 64}, {"ff00::", 8}, {"::", 0},
	}
	for i := range order {
		for j := range order {
			a, b := order[i], order[j]
			if got := fib6WalkBefore(a16(a.dst), a.plen, a16(b.dst), b.plen); got != (i < j) {
				t.Errorf("%s/%d before %s/%d: %v, want %v", a.dst, a.plen, b.dst, b.plen, got, i < j)
			}
		}
	}
}

func TestIPv6AddrScope(t *testing.T) {
	tests := []struct {
		addr        string
		typ, scope  uint8
		srcScope    int
		wantRtScope uint8
	}{
		{"::", 0, 0, -1, unix.RT_SCOPE_UNIVERSE},
		{"::1", 0x01, ifaHost, 0x02, unix.RT_SCOPE_HOST},
		{"fe80::1", 0x01, ifaLink, 0x02, unix.RT_SCOPE_LINK},
		{"fec0::1", 0x01, ifaSite, 0x05, unix.RT_SCOPE_SITE},
		{"2001:db8::1", 0x01, 0, 0x0e, unix.RT_SCOPE_UNIVERSE},
		{"fd00::1", 0x01, 0, 0x0e, unix.RT_SCOPE_UNIVERSE},
		{"ff02::1", 0x02, ifaLink, 0x02, unix.RT_SCOPE_LINK},
		{"ff0e::1", 0x02, 0, 0x0e, unix.RT_SCOPE_UNIVERSE},
		{"::ffff:1.2.3.4", 0x01, 0, 0x0e, unix.RT_SCOPE_UNIVERSE},
	}
	for _, tt := range tests {
		typ, scope, src := ipv6AddrType(a16(tt.addr))
		if typ != tt.typ || scope != tt.scope || src != tt.srcScope || rtScope(scope) != tt.wantRtScope {
			t.Errorf("%s: type %#x scope %#x src %d rt %d, want %#x %#x %d %d", tt.addr, typ, scope, src, rtScope(scope), tt.typ, tt.scope, tt.srcScope, tt.wantRtScope)
		}
	}
}
