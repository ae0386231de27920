package nlmon_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
)

// linkView is what `ip -d link show` reports of an nlmon device.
type linkView struct {
	Type         uint16
	Flags        uint32
	MTU          uint32
	MinMTU       uint32
	MaxMTU       uint32
	TxQueueLen   uint32
	Kind         string
	Operstate    rtnetlink.OperationalState
	Qdisc        string
	HasAddress   bool
	HasBroadcast bool
}

func view(c *client, name string) linkView {
	lm, raw := c.get(name)
	a := lm.Attributes
	v := linkView{
		Type: lm.Type, Flags: lm.Flags, MTU: a.MTU, Operstate: a.OperationalState, Qdisc: a.QueueDisc,
		MinMTU: binary.NativeEndian.Uint32(raw[unix.IFLA_MIN_MTU]),
		MaxMTU: binary.NativeEndian.Uint32(raw[unix.IFLA_MAX_MTU]),
	}
	if a.TxQueueLen != nil {
		v.TxQueueLen = *a.TxQueueLen
	}
	if a.Info != nil {
		v.Kind = a.Info.Kind
	}
	_, v.HasAddress = raw[unix.IFLA_ADDRESS]
	_, v.HasBroadcast = raw[unix.IFLA_BROADCAST]
	return v
}

// TestGetLink: the device as nlmon.c's setup makes it, down and up.
func TestGetLink(t *testing.T) {
	k := kernel(t)
	c := dial(t, k.InitNet())
	c.mustAdd("nlmon0", false)
	base := linkView{
		Type: 824, MTU: 3776, MinMTU: 16, MaxMTU: 0, TxQueueLen: 1000, Kind: "nlmon",
	}
	tests := []struct {
		name string
		up   bool
		want func(v linkView) linkView
	}{
		{"down", false, func(v linkView) linkView {
			v.Flags = unix.IFF_NOARP
			v.Operstate = rtnetlink.OperStateDown
			v.Qdisc = "noop"
			return v
		}},
		{"up", true, func(v linkView) linkView {
			v.Flags = unix.IFF_UP | unix.IFF_RUNNING | unix.IFF_NOARP | unix.IFF_LOWER_UP // 0x100c1
			v.Operstate = rtnetlink.OperStateUnknown
			v.Qdisc = "noqueue"
			return v
		}},
		{"down again", false, func(v linkView) linkView {
			v.Flags = unix.IFF_NOARP
			v.Operstate = rtnetlink.OperStateDown
			v.Qdisc = "noqueue"
			return v
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.set("nlmon0", tt.up)
			if diff := cmp.Diff(tt.want(base), view(c, "nlmon0")); diff != "" {
				t.Errorf("RTM_GETLINK nlmon0 (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRequests: what nlmon accepts and rejects, with the errno and
// extack a client sees.
func TestRequests(t *testing.T) {
	k := kernel(t)
	c := dial(t, k.InitNet())
	c.mustAdd("nlmon0", false)
	mac := []byte{2, 0, 0, 0, 0, 1}
	type result struct {
		Errno   unix.Errno
		Message string
	}
	tests := []struct {
		name  string
		typ   netlink.HeaderType
		flags netlink.HeaderFlags
		lm    *rtnetlink.LinkMessage
		want  result
	}{
		{"create with IFLA_ADDRESS", unix.RTM_NEWLINK, netlink.Create | netlink.Excl, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon1", Address: mac, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}},
			result{Errno: unix.EINVAL}}, // nlmon_validate: no extack message
		{"change with kind and IFLA_ADDRESS", unix.RTM_NEWLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", Address: mac, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}},
			result{Errno: unix.EINVAL}},
		{"setlink IFLA_ADDRESS", unix.RTM_SETLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", Address: mac}},
			result{Errno: unix.EOPNOTSUPP}}, // no ndo_set_mac_address
		{"mtu 10", unix.RTM_SETLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", MTU: 10}},
			result{unix.EINVAL, "mtu less than device minimum"}},
		{"mtu 15", unix.RTM_SETLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", MTU: 15}},
			result{unix.EINVAL, "mtu less than device minimum"}},
		{"mtu 16", unix.RTM_SETLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", MTU: 16}},
			result{}},
		{"mtu 65535, no maximum", unix.RTM_SETLINK, 0, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", MTU: 65535}},
			result{}},
		{"create mtu 10", unix.RTM_NEWLINK, netlink.Create | netlink.Excl, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon2", MTU: 10, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}},
			result{unix.EINVAL, "mtu less than device minimum"}},
		{"create existing", unix.RTM_NEWLINK, netlink.Create | netlink.Excl, &rtnetlink.LinkMessage{
			Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}},
			result{Errno: unix.EEXIST}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.do(tt.typ, tt.flags|netlink.Acknowledge, tt.lm)
			var got result
			got.Errno = errno(err)
			var oe *netlink.OpError
			if errors.As(err, &oe) {
				got.Message = oe.Message
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	var names []string
	for _, l := range k.InitNet().Links() {
		names = append(names, l.Name)
	}
	if diff := cmp.Diff([]string{"lo", "nlmon0"}, names); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

// TestTapFollowsUpDown: up adds the tap (capture frames begin, the module
// is pinned), down removes it (frames and counters stop).
func TestTapFollowsUpDown(t *testing.T) {
	k := kernel(t)
	ns := k.InitNet()
	c := dial(t, ns)
	c.mustAdd("nlmon0", false)
	capt := capture(t, ns, "nlmon0")
	if _, _, err := capt.TryRead(); !errors.Is(err, unix.ENETDOWN) {
		t.Fatalf("capture on a down device: %v, want ENETDOWN pending", err)
	}
	c.get("lo")
	if f := drain(t, capt); len(f) != 0 {
		t.Errorf("down: %d frames captured", len(f))
	}
	if r := k.ModuleRefcount("nlmon"); r != 0 {
		t.Errorf("down: module refcount %d", r)
	}

	c.set("nlmon0", true)
	if r := k.ModuleRefcount("nlmon"); r != 1 {
		t.Errorf("up: module refcount %d, want 1 (the tap)", r)
	}
	drain(t, capt) // the ack of the set
	c.get("lo")
	got := types(drain(t, capt))
	if diff := cmp.Diff([][]uint16{{unix.RTM_GETLINK}, {unix.RTM_NEWLINK}}, got); diff != "" {
		t.Errorf("up: frames (-want +got):\n%s", diff)
	}

	c.set("nlmon0", false)
	if _, _, err := capt.TryRead(); !errors.Is(err, unix.ENETDOWN) {
		t.Errorf("after down: %v, want ENETDOWN", err)
	}
	drain(t, capt)
	p0, _ := c.rx("nlmon0")
	c.get("lo")
	p1, _ := c.rx("nlmon0")
	if f := drain(t, capt); len(f) != 0 || p1 != p0 {
		t.Errorf("down again: %d frames, rx_packets %d -> %d; want none", len(f), p0, p1)
	}
	if r := k.ModuleRefcount("nlmon"); r != 0 {
		t.Errorf("down again: module refcount %d", r)
	}
}

// TestCountersMatchCapture: rx_packets and rx_bytes count exactly the
// frames a capture sees. Each stats read is itself tapped: its request is
// counted before the reply is built, its reply after.
func TestCountersMatchCapture(t *testing.T) {
	k := kernel(t)
	ns := k.InitNet()
	c := dial(t, ns)
	c.mustAdd("nlmon0", true)
	capt := capture(t, ns, "nlmon0")

	p0, b0 := c.rx("nlmon0")
	// A known exchange: create, dump, change, a rejected change, delete.
	c.mustAdd("nlmon1", false)
	if _, err := c.do(unix.RTM_GETLINK, netlink.Dump, &rtnetlink.LinkMessage{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.do(unix.RTM_SETLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon1", MTU: 1500}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.do(unix.RTM_SETLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon1", MTU: 10}}); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("mtu 10: %v", err)
	}
	if _, err := c.do(unix.RTM_DELLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon1"}}); err != nil {
		t.Fatal(err)
	}
	p1, b1 := c.rx("nlmon0")

	frames := drain(t, capt)
	// frames: [first read's request, its reply, the exchange..., the
	// second read's request, its reply]. Between the two readings the
	// counters saw frames[1 : len-1].
	counted := frames[1 : len(frames)-1]
	var bytes uint64
	for _, f := range counted {
		bytes += uint64(len(f.Data))
	}
	type counters struct{ Packets, Bytes uint64 }
	if diff := cmp.Diff(counters{uint64(len(counted)), bytes}, counters{p1 - p0, b1 - b0}); diff != "" {
		t.Errorf("rx counters vs capture (-capture +counters):\n%s", diff)
	}
	if len(counted) < 10 {
		t.Errorf("only %d frames in the exchange", len(counted))
	}
	for _, f := range frames {
		if f.Hatype != 824 || f.Protocol != unix.NETLINK_ROUTE || f.PktType != unix.PACKET_OUTGOING {
			t.Errorf("frame hatype %d protocol %d pkttype %d", f.Hatype, f.Protocol, f.PktType)
		}
	}
}

// TestTwoMonitors: each up nlmon device gets its own copy of every
// message.
func TestTwoMonitors(t *testing.T) {
	k := kernel(t)
	ns := k.InitNet()
	c := dial(t, ns)
	c.mustAdd("nlmon0", true)
	c.mustAdd("nlmon1", true)
	c0, c1 := capture(t, ns, "nlmon0"), capture(t, ns, "nlmon1")
	c.get("lo")
	if _, err := c.do(unix.RTM_GETLINK, netlink.Dump, &rtnetlink.LinkMessage{}); err != nil {
		t.Fatal(err)
	}
	f0, f1 := drain(t, c0), drain(t, c1)
	data := func(fs []net.Frame) [][]byte {
		var out [][]byte
		for _, f := range fs {
			out = append(out, f.Data)
		}
		return out
	}
	if len(f0) == 0 {
		t.Fatal("nlmon0 captured nothing")
	}
	if diff := cmp.Diff(data(f0), data(f1)); diff != "" {
		t.Errorf("nlmon0 and nlmon1 captures differ (-nlmon0 +nlmon1):\n%s", diff)
	}
	if f0[0].Ifindex == f1[0].Ifindex {
		t.Errorf("both captures report ifindex %d", f0[0].Ifindex)
	}
}

// TestNamespaceIsolation: a tap sees only its own namespace's traffic.
func TestNamespaceIsolation(t *testing.T) {
	k := kernel(t)
	a := k.InitNet()
	b, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ca, cb := dial(t, a), dial(t, b)
	ca.mustAdd("nlmon0", true)
	cb.mustAdd("nlmon0", true) // same name, other namespace
	capA, capB := capture(t, a, "nlmon0"), capture(t, b, "nlmon0")

	cb.get("lo")
	if _, err := cb.do(unix.RTM_GETLINK, netlink.Dump, &rtnetlink.LinkMessage{}); err != nil {
		t.Fatal(err)
	}
	if f := drain(t, capA); len(f) != 0 {
		t.Errorf("namespace A's tap saw %d frames of namespace B", len(f))
	}
	if f := drain(t, capB); len(f) == 0 {
		t.Errorf("namespace B's tap saw nothing")
	}
	ca.get("lo")
	if got := types(drain(t, capA)); !cmp.Equal(got, [][]uint16{{unix.RTM_GETLINK}, {unix.RTM_NEWLINK}}) {
		t.Errorf("namespace A's own traffic: %v", got)
	}
	if f := drain(t, capB); len(f) != 0 {
		t.Errorf("namespace B's tap saw %d frames of namespace A", len(f))
	}
}

// TestUnload: rmmod nlmon fails while a device is up (its tap holds the
// module) and, once all are down, succeeds and deletes them.
func TestUnload(t *testing.T) {
	k := kernel(t)
	ns := k.InitNet()
	other, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c, co := dial(t, ns), dial(t, other)
	if k.ModuleLoaded("nlmon") {
		t.Fatal("nlmon loaded before any request")
	}
	c.mustAdd("nlmon0", true) // loads nlmon through "rtnl-link-nlmon"
	c.mustAdd("nlmon1", false)
	co.mustAdd("nlmon0", true)
	if !k.ModuleLoaded("nlmon") || k.ModuleRefcount("nlmon") != 2 {
		t.Fatalf("loaded %v refcount %d, want loaded with 2 references", k.ModuleLoaded("nlmon"), k.ModuleRefcount("nlmon"))
	}
	if err := nlmon.Module.Unload(k); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("rmmod with devices up: %v, want EWOULDBLOCK", err)
	}
	c.set("nlmon0", false)
	if err := k.UnloadModule("nlmon"); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("rmmod with one device up: %v, want EWOULDBLOCK", err)
	}
	co.set("nlmon0", false)
	if err := k.UnloadModule("nlmon"); err != nil {
		t.Fatalf("rmmod with all down: %v", err)
	}
	for _, n := range []*net.Namespace{ns, other} {
		if l := n.Links(); len(l) != 1 {
			t.Errorf("%v after rmmod: %+v, want only lo", n, l)
		}
	}
	// The next `ip link add` loads it again.
	c.mustAdd("nlmon0", false)
	if !k.ModuleLoaded("nlmon") {
		t.Error("nlmon not loaded again on demand")
	}
}

// impostor is another driver of kind "nlmon".
type impostor struct{}

func (impostor) Kind() string                            { return "nlmon" }
func (impostor) Setup(*netdevice.Device)                 {}
func (impostor) Open(*netdevice.Device, *struct{}) error { return nil }
func (impostor) Stop(*netdevice.Device, *struct{}) error { return nil }
func (impostor) StartXmit(*skbuff.SkBuff, *netdevice.Device, *struct{}) netdevice.TxOutcome {
	return netdevice.TxOk()
}

// TestRegisterTwice: only one kind "nlmon" can be registered, whichever
// comes first, as with the C and Rust modules.
func TestRegisterTwice(t *testing.T) {
	k := kernel(t)
	if err := nlmon.Module.Load(k); err != nil {
		t.Fatal(err)
	}
	if err := nlmon.Module.Load(k); !errors.Is(err, unix.EEXIST) {
		t.Errorf("second load: %v, want EEXIST", err)
	}
	if _, err := rtnl.NewRegistration(module.BuiltIn(k), impostor{}); !errors.Is(err, unix.EEXIST) {
		t.Errorf("second kind nlmon: %v, want EEXIST", err)
	}
	k2 := net.NewKernel()
	r, err := rtnl.NewRegistration(module.BuiltIn(k2), impostor{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := nlmon.Module.Load(k2); !errors.Is(err, unix.EEXIST) {
		t.Errorf("nlmon after another kind nlmon: %v, want EEXIST", err)
	}
	if k2.ModuleLoaded("nlmon") {
		t.Error("nlmon loaded despite its failed init")
	}
}
