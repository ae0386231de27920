package core

import (
	"testing"

	"golang.org/x/sys/unix"
)

func ip4(a, b, c, d byte) inAddr { return inAddr(a)<<24 | inAddr(b)<<16 | inAddr(c)<<8 | inAddr(d) }

// routesOf lists a table's routes in dump order as "key/plen type".
func routesOf(tb *fibTable) [][3]uint32 {
	var out [][3]uint32
	if tb == nil {
		return nil
	}
	for _, k := range tb.sortedKeys() {
		for _, fa := range tb.leaves[k].fa {
			out = append(out, [3]uint32{k, uint32(32 - fa.slen), uint32(fa.typ)})
		}
	}
	return out
}

// addLoAddr brings lo up, which gives it 127.0.0.1/8 (inetdev_event).
func addLoAddr(t *testing.T, n *Net) *inIfaddr {
	t.Helper()
	lo := n.Loopback()
	n.k.RtnlLock()
	defer n.k.RtnlUnlock()
	if err := DevChangeFlags(lo, IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	if len(lo.inDev.ifaList) != 1 || lo.inDev.ifaList[0].local != ip4(127, 0, 0, 1) {
		t.Fatalf("lo up: addresses %v, want 127.0.0.1", locals(lo.inDev))
	}
	return lo.inDev.ifaList[0]
}

func TestFibDerivedRoutes(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	ifa := addLoAddr(t, n)
	want := [][3]uint32{
		{uint32(ip4(127, 0, 0, 0)), 8, unix.RTN_LOCAL},
		{uint32(ip4(127, 0, 0, 1)), 32, unix.RTN_LOCAL},
		{uint32(ip4(127, 255, 255, 255)), 32, unix.RTN_BROADCAST},
	}
	got := routesOf(n.fib.getTable(unix.RT_TABLE_LOCAL))
	if len(got) != len(want) {
		t.Fatalf("local table %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("local table %v, want %v", got, want)
		}
	}
	if r := routesOf(n.fib.main); len(r) != 0 {
		t.Fatalf("main table %v, want empty", r)
	}
	if errs := k.CheckInvariants(); len(errs) != 0 {
		t.Fatal(errs)
	}
	var res fibResult
	if err := fibLookup(n, &flowi4{daddr: ip4(127, 1, 2, 3)}, &res, 0); err != 0 || res.typ != unix.RTN_LOCAL || res.prefixlen != 8 {
		t.Fatalf("lookup 127.1.2.3: %v %+v", err, res)
	}
	if err := fibLookup(n, &flowi4{daddr: ip4(10, 0, 0, 1)}, &res, 0); err != unix.ENETUNREACH {
		t.Fatalf("lookup 10.0.0.1: %v, want ENETUNREACH", err)
	}
	if got := inetAddrType(n, ip4(127, 0, 0, 1)); got != unix.RTN_LOCAL {
		t.Fatalf("inet_addr_type 127.0.0.1 = %d", got)
	}
	if got := inetAddrType(n, ip4(10, 0, 0, 1)); got != unix.RTN_UNICAST {
		t.Fatalf("inet_addr_type 10.0.0.1 = %d", got)
	}

	k.RtnlLock()
	cfg := fibConfig{net: n, table: unix.RT_TABLE_MAIN, typ: unix.RTN_BLACKHOLE, dst: ip4(10, 0, 0, 0), dstLen: 8,
		protocol: unix.RTPROT_BOOT, nlflags: NLM_F_CREATE | NLM_F_EXCL}
	var ext ExtAck
	if err := fibTableInsert(n, n.fib.main, &cfg, &ext); err != nil {
		t.Fatal(err)
	}
	if err := fibTableInsert(n, n.fib.main, &cfg, &ext); err != unix.EEXIST {
		t.Fatalf("second insert: %v, want EEXIST", err)
	}
	if err := fibLookup(n, &flowi4{daddr: ip4(10, 9, 9, 9)}, &res, 0); err != unix.EINVAL {
		t.Fatalf("lookup through blackhole: %v, want EINVAL", err)
	}
	cfg.scope = unix.RT_SCOPE_NOWHERE
	if err := fibTableDelete(n, n.fib.main, &cfg, &ext); err != nil {
		t.Fatal(err)
	}
	if err := fibTableDelete(n, n.fib.main, &cfg, &ext); err != unix.ESRCH {
		t.Fatalf("second delete: %v, want ESRCH", err)
	}
	lo := n.Loopback()
	lo.inDev.ifaList = nil
	inetaddrNotify(NETDEV_DOWN, ifa)
	k.RtnlUnlock()
	if r := routesOf(n.fib.local); len(r) != 0 {
		t.Fatalf("local table after the address went: %v", r)
	}
	if errs := k.CheckInvariants(); len(errs) != 0 {
		t.Fatal(errs)
	}
}

func TestFibDeviceAddress(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	dev, err := AllocNetdev(k, nil, "e0", NET_NAME_USER, func(d *NetDevice) {
		d.Type = ARPHRD_ETHER
		d.MTU = 1500
		d.Ops = &NetDeviceOps{StartXmit: func(*SkBuff, *NetDevice) int { return NETDEV_TX_OK }}
	}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	k.RtnlLock()
	defer k.RtnlUnlock()
	if err := n.RegisterNetdevice(dev); err != nil {
		t.Fatal(err)
	}
	if err := DevChangeFlags(dev, IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	ifa := &inIfaddr{inDev: dev.inDev, local: ip4(10, 0, 0, 1), address: ip4(10, 0, 0, 1), mask: ip4(255, 255, 255, 0),
		broadcast: ip4(10, 0, 0, 255), prefixlen: 24, label: "e0", rtPriority: 5}
	dev.inDev.ifaList = append(dev.inDev.ifaList, ifa)
	inetaddrNotify(NETDEV_UP, ifa)
	count := func(tb *fibTable) int { return len(routesOf(tb)) }
	if count(n.fib.local) != 2 || count(n.fib.main) != 1 {
		t.Fatalf("after add: local %v main %v", routesOf(n.fib.local), routesOf(n.fib.main))
	}
	if fi := n.fib.main.leaves[uint32(ip4(10, 0, 0, 0))].fa[0].fi; fi.priority != 5 || fi.prefsrc != ifa.local {
		t.Fatalf("prefix route: %+v", fi)
	}
	fibModifyPrefixMetric(ifa, 9)
	ifa.rtPriority = 9
	if fi := n.fib.main.leaves[uint32(ip4(10, 0, 0, 0))].fa[0].fi; fi.priority != 9 || count(n.fib.main) != 1 {
		t.Fatalf("prefix route after the metric change: %+v", routesOf(n.fib.main))
	}

	// A gateway on the subnet resolves through the prefix route.
	cfg := fibConfig{net: n, table: unix.RT_TABLE_MAIN, typ: unix.RTN_UNICAST, dst: ip4(192, 168, 0, 0), dstLen: 16,
		gw: ip4(10, 0, 0, 2), gwFamily: unix.AF_INET, nlflags: NLM_F_CREATE}
	var ext ExtAck
	if err := fibTableInsert(n, n.fib.main, &cfg, &ext); err != nil {
		t.Fatalf("gateway route: %v (%s)", err, ext.Msg)
	}
	cfg.dst, cfg.gw = ip4(192, 169, 0, 0), ip4(172, 16, 0, 1)
	if err := fibTableInsert(n, n.fib.main, &cfg, &ext); err != unix.ENETUNREACH {
		t.Fatalf("unreachable gateway: %v, want ENETUNREACH", err)
	}
	var res fibResult
	if err := fibLookup(n, &flowi4{daddr: ip4(192, 168, 3, 4)}, &res, 0); err != 0 || res.nh().dev != dev || res.nh().gw != ip4(10, 0, 0, 2) {
		t.Fatalf("lookup via the gateway: %v %+v", err, res)
	}

	// Down: the prefix, broadcast and gateway routes go; the local route stays.
	if err := DevChangeFlags(dev, dev.Flags&^IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	if count(n.fib.local) != 1 || count(n.fib.main) != 0 {
		t.Fatalf("after down: local %v main %v", routesOf(n.fib.local), routesOf(n.fib.main))
	}
	if err := DevChangeFlags(dev, dev.Flags|IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	if count(n.fib.local) != 2 || count(n.fib.main) != 1 {
		t.Fatalf("after up: local %v main %v", routesOf(n.fib.local), routesOf(n.fib.main))
	}
	k.RtnlUnlock()
	if errs := k.CheckInvariants(); len(errs) != 0 {
		t.Fatal(errs)
	}
	k.RtnlLock()
}

func BenchmarkFibInsertDelete(b *testing.B) {
	k := NewKernel(nil)
	n := k.InitNet()
	tb := n.fib.newTable(100)
	var ext ExtAck
	cfg := fibConfig{net: n, table: 100, typ: unix.RTN_BLACKHOLE, dstLen: 24, nlflags: NLM_F_CREATE | NLM_F_EXCL}
	for i := range 10000 {
		cfg.dst = inAddr(0x0a000000 + i<<8)
		_ = fibTableInsert(n, tb, &cfg, &ext)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cfg.dst = inAddr(0x0b000000 + (i%65536)<<8)
		if err := fibTableInsert(n, tb, &cfg, &ext); err != nil {
			b.Fatal(err)
		}
		if err := fibTableDelete(n, tb, &cfg, &ext); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFibLoDumpBytes compares the local table of a namespace whose lo is
// up with 127.0.0.1/8 with the dump Linux 7.2 gives (rtmsg and
// attributes of each message, the nlmsghdr left out).
func TestFibLoDumpBytes(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	addLoAddr(t, n)
	want := []string{
		"02080000ff02fe020000000008000f00ff000000080001007f000000080007007f0000010800040001000000",
		"02200000ff02fe020000000008000f00ff000000080001007f000001080007007f0000010800040001000000",
		"02200000ff02fd030000000008000f00ff000000080001007fffffff080007007f0000010800040001000000",
	}
	tb := n.fib.local
	i := 0
	for _, key := range tb.sortedKeys() {
		for _, fa := range tb.leaves[key].fa {
			var m nlBuf
			fibDumpInfo(&m, 0, 0, RTM_NEWROUTE, &fibRtInfo{fi: fa.fi, tbID: tb.id, dst: inAddr(key), dstLen: 32 - fa.slen, typ: fa.typ}, NLM_F_MULTI)
			if i >= len(want) {
				t.Fatalf("more routes than the kernel's %d", len(want))
			}
			if got := hexOf(m.b[NLMSG_HDRLEN:]); got != want[i] {
				t.Errorf("route %d:\n got %s\nwant %s", i, got, want[i])
			}
			i++
		}
	}
	if i != len(want) {
		t.Fatalf("%d routes, the kernel has %d", i, len(want))
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
