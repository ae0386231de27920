package knettest_test

import (
	stdnet "net"
	"net/netip"
	"slices"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/jsimonetti/rtnetlink/v2/driver"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/knettest"
)

// TestConfigureLikeACNIPlugin configures a namespace the way a container
// network plugin does, through a *netlink.Conn with jsimonetti/rtnetlink
// messages: lo up, a veth pair, an address and a default route, read
// back after each step, and the policy rules it would add to. The byte-level
// answers are the conformance suite's; this checks the planes work
// together.
func TestConfigureLikeACNIPlugin(t *testing.T) {
	k := knettest.NewKernel(t)
	ns := knettest.NewNamespace(t, k)
	r := knettest.Dial(t, ns)

	if got := r.Addrs(unix.AF_UNSPEC); len(got) != 0 {
		t.Fatalf("fresh namespace: %d addresses, want none", len(got))
	}
	if err := r.Up("lo"); err != nil {
		t.Fatal(err)
	}
	want := map[netip.Prefix]bool{netip.MustParsePrefix("127.0.0.1/8"): true, netip.MustParsePrefix("::1/128"): true}
	for _, a := range r.Addrs(unix.AF_UNSPEC) {
		delete(want, prefixOf(a))
	}
	if len(want) != 0 {
		t.Fatalf("lo up: missing %v", want)
	}

	if err := r.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "eth0",
		Info: &rtnetlink.LinkInfo{Kind: "veth", Data: &driver.Veth{
			PeerInfo: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "host0"}}}}}}); err != nil {
		t.Fatal(err)
	}
	for _, dev := range []string{"eth0", "host0"} {
		if err := r.Up(dev); err != nil {
			t.Fatal(err)
		}
	}
	addr := netip.MustParsePrefix("10.22.0.5/24")
	if err := r.AddAddr("eth0", addr); err != nil {
		t.Fatal(err)
	}
	if err := r.AddAddr("eth0", addr); knettest.Errno(err) != unix.EEXIST {
		t.Fatalf("adding %v twice: %v, want EEXIST", addr, err)
	}
	eth0 := r.Index("eth0")

	// The prefix route the address derives answers a lookup on the link.
	rm, err := r.RouteGet(netip.MustParseAddr("10.22.0.9"))
	if err != nil {
		t.Fatal(err)
	}
	if rm.Attributes.OutIface != eth0 || rm.Attributes.Gateway != nil {
		t.Fatalf("route get 10.22.0.9: oif %d gateway %v, want oif %d on link", rm.Attributes.OutIface, rm.Attributes.Gateway, eth0)
	}
	if _, err := r.RouteGet(netip.MustParseAddr("192.0.2.1")); knettest.Errno(err) != unix.ENETUNREACH {
		t.Fatalf("route get 192.0.2.1 with no default route: %v, want ENETUNREACH", err)
	}

	gw := stdnet.ParseIP("10.22.0.1").To4()
	def := &rtnetlink.RouteMessage{Family: unix.AF_INET, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT,
		Scope: unix.RT_SCOPE_UNIVERSE, Type: unix.RTN_UNICAST, Attributes: rtnetlink.RouteAttributes{Gateway: gw, OutIface: eth0}}
	if err := r.AddRoute(def); err != nil {
		t.Fatal(err)
	}
	rm, err = r.RouteGet(netip.MustParseAddr("192.0.2.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !rm.Attributes.Gateway.Equal(gw) || rm.Attributes.OutIface != eth0 {
		t.Fatalf("route get 192.0.2.1: gateway %v oif %d, want %v on %d", rm.Attributes.Gateway, rm.Attributes.OutIface, gw, eth0)
	}

	var prefs []uint32
	for _, rule := range r.Rules(unix.AF_INET) {
		pref := uint32(0) // FRA_PRIORITY is left out when 0
		if rule.Attributes.Priority != nil {
			pref = *rule.Attributes.Priority
		}
		prefs = append(prefs, pref)
	}
	if !slices.Equal(prefs, []uint32{0, 32766, 32767}) {
		t.Fatalf("IPv4 rule priorities %v, want the defaults [0 32766 32767]", prefs)
	}

	// Deleting the link takes its address and its routes.
	if err := r.Delete("eth0"); err != nil {
		t.Fatal(err)
	}
	for _, a := range r.Addrs(unix.AF_INET) {
		if a.Index == eth0 {
			t.Fatalf("address %v outlived eth0", prefixOf(a))
		}
	}
	for _, rt := range r.Routes(unix.AF_INET) {
		if rt.Attributes.OutIface == eth0 {
			t.Fatalf("route %v/%d outlived eth0", rt.Attributes.Dst, rt.DstLength)
		}
	}
}

func prefixOf(a rtnetlink.AddressMessage) netip.Prefix {
	ip, _ := netip.AddrFromSlice(a.Attributes.Address)
	return netip.PrefixFrom(ip.Unmap(), int(a.PrefixLength))
}
