package core

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// addr4 adds local/plen to dev as RTM_NEWADDR would, RTNL held inside.
func addr4(t *testing.T, dev *NetDevice, local inAddr, plen uint8, valid, preferred uint32) *inIfaddr {
	t.Helper()
	k := dev.net.k
	k.RtnlLock()
	defer k.RtnlUnlock()
	ifa := inetAllocIfa(dev.inDev)
	ifa.local, ifa.address, ifa.prefixlen, ifa.mask, ifa.label = local, local, plen, inetMakeMask(plen), dev.name
	setIfaLifetime(ifa, valid, preferred)
	if err := inetInsertIfa(ifa, nil, 0, nil); err != nil {
		t.Fatal(err)
	}
	return ifa
}

func locals(in *inDevice) (out []inAddr) {
	for _, ifa := range in.ifaList {
		out = append(out, ifa.local)
	}
	return out
}

// TestInetLifetimesOnManualClock: check_lifetime deprecates an address
// when its preferred lifetime ends and deletes it when its valid one
// does, on the kernel clock.
func TestInetLifetimesOnManualClock(t *testing.T) {
	clock := NewManualClock()
	k := NewKernel(clock)
	dev := ethDev(t, k.InitNet(), "e0")
	ifa := addr4(t, dev, 0x0a010001, 24, 10, 5)
	k.RunDueWork()
	if ifa.flags&(unix.IFA_F_PERMANENT|unix.IFA_F_DEPRECATED) != 0 {
		t.Fatalf("flags %#x right after the add", ifa.flags)
	}
	clock.Advance(5 * time.Second)
	if ifa.flags&unix.IFA_F_DEPRECATED == 0 {
		t.Fatalf("not deprecated after its preferred lifetime: flags %#x", ifa.flags)
	}
	clock.Advance(4 * time.Second)
	if len(dev.inDev.ifaList) != 1 {
		t.Fatalf("deleted before its valid lifetime ended")
	}
	clock.Advance(time.Second)
	if len(dev.inDev.ifaList) != 0 {
		t.Fatalf("still listed after its valid lifetime: %v", locals(dev.inDev))
	}
	checkInvariants(t, k)
}

// TestInetPromotion: with promote_secondaries, deleting a primary makes
// its subnet's first secondary primary, moved after the last primary.
func TestInetPromotion(t *testing.T) {
	k := NewKernel(NewManualClock())
	dev := ethDev(t, k.InitNet(), "e0")
	conf := inetDevConf(dev)
	conf[IPV4_DEVCONF_PROMOTE_SECONDARIES-1] = 1
	dev.inDev.conf = &conf
	for _, a := range []inAddr{0x0a010001, 0x0a020001, 0x0a010002, 0x0a010003} {
		addr4(t, dev, a, 24, infinityLifeTime, infinityLifeTime)
	}
	if got, want := locals(dev.inDev), []inAddr{0x0a010001, 0x0a020001, 0x0a010002, 0x0a010003}; !slices.Equal(got, want) {
		t.Fatalf("list %v, want %v", got, want)
	}
	k.RtnlLock()
	inetDelIfa(dev.inDev, 0, nil, 0, false)
	k.RtnlUnlock()
	if got, want := locals(dev.inDev), []inAddr{0x0a020001, 0x0a010002, 0x0a010003}; !slices.Equal(got, want) {
		t.Fatalf("after the delete %v, want %v", got, want)
	}
	if p := dev.inDev.ifaList[1]; p.flags&unix.IFA_F_SECONDARY != 0 {
		t.Fatalf("%v not promoted", p.local)
	}
	if s := dev.inDev.ifaList[2]; s.flags&unix.IFA_F_SECONDARY == 0 {
		t.Fatalf("%v promoted too", s.local)
	}
	checkInvariants(t, k)
}

// TestInetAllocFailure: an in_ifaddr that cannot be allocated leaves no
// address and no route behind; lo comes up without 127.0.0.1.
func TestInetAllocFailure(t *testing.T) {
	k := NewKernel(NewManualClock())
	n := k.InitNet()
	k.FailNth(FailObjAlloc, 1)
	k.RtnlLock()
	if err := DevChangeFlags(n.Loopback(), IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	k.RtnlUnlock()
	if k.FaultsFired(FailObjAlloc) != 1 {
		t.Fatal("the allocation was not attempted")
	}
	if got := locals(n.Loopback().inDev); len(got) != 0 {
		t.Fatalf("lo has %v after a failed allocation", got)
	}
	if tb := n.fib.getTable(unix.RT_TABLE_LOCAL); tb != nil && len(tb.leaves) != 0 {
		t.Fatalf("%d local routes without an address", len(tb.leaves))
	}
	checkInvariants(t, k)
}

// TestFibAllocFailure: a route whose fib_info cannot be allocated is
// refused with ENOBUFS and leaves the table as it was; the address whose
// derived routes failed keeps its place.
func TestFibAllocFailure(t *testing.T) {
	k := NewKernel(NewManualClock())
	n := k.InitNet()
	dev := ethDev(t, n, "e0")
	k.RtnlLock()
	if err := DevChangeFlags(dev, IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	k.RtnlUnlock()
	k.FailNth(FailObjAlloc, 2) // the address succeeds, its local route does not
	addr4(t, dev, 0x0a010001, 24, infinityLifeTime, infinityLifeTime)
	if k.FaultsFired(FailObjAlloc) != 1 {
		t.Fatal("no fib_info allocation failed")
	}
	if tb := n.fib.getTable(unix.RT_TABLE_LOCAL); tb != nil && tb.leaves[0x0a010001] != nil {
		t.Fatal("the local route exists although its allocation failed")
	}
	if got := locals(dev.inDev); len(got) != 1 {
		t.Fatalf("addresses %v", got)
	}
	checkInvariants(t, k)
}
