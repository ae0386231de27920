package rtnl_test

import (
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/linktest"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/netlinktap"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

func register[T rtnl.Driver[P], P any](t *testing.T, k *net.Kernel, drv T) *rtnl.Registration[T, P] {
	t.Helper()
	r, err := rtnl.NewRegistration(module.BuiltIn(k), drv)
	if err != nil {
		t.Fatalf("register %s: %v", drv.Kind(), err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRegistrationDuplicateKind(t *testing.T) {
	k := net.NewKernel()
	r := register(t, k, &linktest.Driver{KindName: "dup"})
	_, err := rtnl.NewRegistration(module.BuiltIn(k), &linktest.Driver{KindName: "dup"})
	if !errors.Is(err, unix.EEXIST) {
		t.Fatalf("second registration of kind dup: %v, want EEXIST", err)
	}
	if got := r.Kind(); got != "dup" {
		t.Errorf("Kind() = %q, want dup", got)
	}
	r.Close()
	r2, err := rtnl.NewRegistration(module.BuiltIn(k), &linktest.Driver{KindName: "dup"})
	if err != nil {
		t.Fatalf("registration after Close: %v", err)
	}
	r2.Close()

	if _, err := rtnl.NewRegistration(module.BuiltIn(k), &linktest.Driver{}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("empty kind: %v, want EINVAL", err)
	}
	if _, err := rtnl.NewRegistration(nil, &linktest.Driver{KindName: "x"}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("nil module: %v, want EINVAL", err)
	}
}

// TestCloseDeletesDevices: rtnl_link_unregister deletes the kind's devices
// in every namespace, closing the up ones first; the kind is then unknown.
func TestCloseDeletesDevices(t *testing.T) {
	k := net.NewKernel()
	drv := &linktest.Driver{KindName: "gone", DevType: netdevice.TypeNetlink}
	r := register(t, k, drv)
	other, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	c, c2 := linktest.Dial(t, k.InitNet()), linktest.Dial(t, other)
	for _, step := range []struct {
		c    *linktest.Client
		name string
		up   bool
	}{{c, "g0", true}, {c, "g1", false}, {c2, "g2", true}} {
		if err := step.c.NewLink(step.name, "gone", step.up, nil); err != nil {
			t.Fatalf("create %s: %v", step.name, err)
		}
	}
	if got := linktest.LiveDevices(k); got != 5 {
		t.Fatalf("live devices before Close: %d, want 5 (2 lo + 3)", got)
	}
	stopped := map[string]bool{}
	drv.StopFn = func(dev *netdevice.Device, p *linktest.Priv) error {
		stopped[dev.Name()] = true
		return nil
	}
	r.Close()
	r.Close() // a second Close does nothing
	if diff := cmp.Diff(map[string]bool{"g0": true, "g2": true}, stopped); diff != "" {
		t.Errorf("Stop calls (-want +got):\n%s", diff)
	}
	if got := linktest.LiveDevices(k); got != 2 {
		t.Errorf("live devices after Close: %d, want 2 (the lo devices)", got)
	}
	for _, l := range append(k.InitNet().Links(), other.Links()...) {
		if l.Kind == "gone" {
			t.Errorf("device %s of the unregistered kind survives", l.Name)
		}
	}
	var oe *netlink.OpError
	err = c.NewLink("g3", "gone", false, nil)
	if !errors.Is(err, unix.EOPNOTSUPP) || !errors.As(err, &oe) || oe.Message != "Unknown device type" {
		t.Errorf("create after Close: %v, want EOPNOTSUPP \"Unknown device type\"", err)
	}
}

// checker is a Validator recording what the typed context shows.
type checker struct {
	linktest.Driver
	seen   []view
	reject func(ctx *rtnl.ValidateContext) error
}

type view struct {
	MTU      uint32
	HasMTU   bool
	Name     string
	Addr     []byte
	Kind     string
	HasData  bool
	Data     []byte
	HasAlias bool
}

func (c *checker) Validate(ctx *rtnl.ValidateContext) error {
	var v view
	v.MTU, v.HasMTU = ctx.LinkAttrU32(rtnl.LinkAttrMTU)
	v.Name, _ = ctx.LinkAttrString(rtnl.LinkAttrIfname)
	v.Addr, _ = ctx.LinkAttrBytes(rtnl.LinkAttrAddress)
	v.Kind, _ = ctx.InfoAttrString(rtnl.InfoAttrKind)
	v.HasData = ctx.HasInfoAttr(rtnl.InfoAttrData)
	v.Data, _ = ctx.InfoAttrBytes(rtnl.InfoAttrData)
	v.HasAlias = ctx.HasLinkAttr(rtnl.LinkAttrIfalias)
	c.seen = append(c.seen, v)
	if c.reject != nil {
		return c.reject(ctx)
	}
	return nil
}

func TestValidateContext(t *testing.T) {
	k := net.NewKernel()
	drv := &checker{Driver: linktest.Driver{KindName: "chk", DevType: netdevice.TypeNetlink}}
	register(t, k, drv)
	c := linktest.Dial(t, k.InitNet())

	tests := []struct {
		name string
		lm   *rtnetlink.LinkMessage
		want view
	}{
		{"bare", &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
			Name: "c0", Info: &rtnetlink.LinkInfo{Kind: "chk"}}},
			view{Name: "c0", Kind: "chk"}},
		{"mtu and address", &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
			Name: "c1", MTU: 1500, Address: []byte{2, 0, 0, 0, 0, 1}, Info: &rtnetlink.LinkInfo{Kind: "chk"}}},
			view{Name: "c1", MTU: 1500, HasMTU: true, Addr: []byte{2, 0, 0, 0, 0, 1}, Kind: "chk"}},
		{"info data", &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
			Name: "c2", Info: &rtnetlink.LinkInfo{Kind: "chk", Data: &rtnetlink.LinkData{Name: "chk", Data: []byte{9, 9, 9, 9}}}}},
			view{Name: "c2", Kind: "chk", HasData: true, Data: []byte{9, 9, 9, 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv.seen = nil
			_, err := c.Do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, tt.lm)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if diff := cmp.Diff([]view{tt.want}, drv.seen); diff != "" {
				t.Errorf("validate saw (-want +got):\n%s", diff)
			}
		})
	}

	// validate runs for a change naming the kind, not for a plain setlink.
	drv.seen = nil
	if _, err := c.Do(unix.RTM_NEWLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "c0", MTU: 2000, Info: &rtnetlink.LinkInfo{Kind: "chk"}}}); err != nil {
		t.Fatalf("change with kind: %v", err)
	}
	if _, err := c.Do(unix.RTM_SETLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "c0", MTU: 2100}}); err != nil {
		t.Fatalf("setlink: %v", err)
	}
	if diff := cmp.Diff([]view{{Name: "c0", MTU: 2000, HasMTU: true, Kind: "chk"}}, drv.seen); diff != "" {
		t.Errorf("validate calls for change and setlink (-want +got):\n%s", diff)
	}
}

// mtuOffset is the offset of IFLA_MTU from the start of the request's
// nlmsghdr, what NLMSGERR_ATTR_OFFS must report.
func mtuOffset(t *testing.T, lm *rtnetlink.LinkMessage) int {
	t.Helper()
	b, err := lm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for off := 16; off+4 <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if binary.NativeEndian.Uint16(b[off+2:]) == unix.IFLA_MTU {
			return unix.NLMSG_HDRLEN + off
		}
		off += (l + 3) &^ 3
	}
	t.Fatal("no IFLA_MTU")
	return 0
}

// TestValidateExtAck: the errno, the message and the bad attribute's offset
// a Validate sets reach the client as NLMSG_ERROR with extack TLVs.
func TestValidateExtAck(t *testing.T) {
	k := net.NewKernel()
	drv := &checker{Driver: linktest.Driver{KindName: "chk", DevType: netdevice.TypeNetlink}}
	register(t, k, drv)
	c := linktest.Dial(t, k.InitNet())
	lm := &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "c0", MTU: 1234, Info: &rtnetlink.LinkInfo{Kind: "chk"}}}

	type result struct {
		Errno   unix.Errno
		Message string
		Offset  int
	}
	tests := []struct {
		name   string
		reject func(ctx *rtnl.ValidateContext) error
		want   result
	}{
		{"message and attribute", func(ctx *rtnl.ValidateContext) error {
			ctx.ExtAck().SetMessageAttr(rtnl.LinkAttrMTU, "mtu 1234 is not allowed here")
			return unix.ERANGE
		}, result{unix.ERANGE, "mtu 1234 is not allowed here", mtuOffset(t, lm)}},
		{"bad attribute only", func(ctx *rtnl.ValidateContext) error {
			ctx.ExtAck().SetBadAttr(rtnl.LinkAttrMTU)
			return unix.EINVAL
		}, result{unix.EINVAL, "", mtuOffset(t, lm)}},
		{"absent attribute is not pointed at", func(ctx *rtnl.ValidateContext) error {
			ctx.ExtAck().SetMessage("no")
			ctx.ExtAck().SetBadAttr(rtnl.LinkAttrAddress)
			return unix.EPERM
		}, result{unix.EPERM, "no", 0}},
		{"wrapped errno", func(ctx *rtnl.ValidateContext) error {
			return errors.Join(errors.New("busy"), unix.EBUSY)
		}, result{Errno: unix.EBUSY}},
		{"error without errno is EINVAL", func(ctx *rtnl.ValidateContext) error {
			return errors.New("not an errno")
		}, result{Errno: unix.EINVAL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv.reject = tt.reject
			_, err := c.Do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, lm)
			var oe *netlink.OpError
			if !errors.As(err, &oe) {
				t.Fatalf("create: %v, want an *netlink.OpError", err)
			}
			got := result{linktest.Errno(err), oe.Message, oe.Offset}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	if l := k.InitNet().Links(); len(l) != 1 {
		t.Errorf("rejected creates left devices: %+v", l)
	}
}

// TestOpenFailure: a driver whose Open fails leaves the device down and
// leaks nothing: no tap, no module reference, no device after deletion.
func TestOpenFailure(t *testing.T) {
	k := net.NewKernel()
	var this *module.ThisModule
	mod := &module.Module{Name: "failing", Init: func(m *module.ThisModule) (io.Closer, error) {
		this = m
		return nil, nil
	}}
	if err := mod.Load(k); err != nil {
		t.Fatal(err)
	}
	// An Ethernet-type device: netlink_add_tap refuses it with EINVAL.
	drv := &linktest.Driver{KindName: "ethmon", DevType: netdevice.TypeEther}
	drv.OpenFn = func(dev *netdevice.Device, p *linktest.Priv) error {
		tap := new(netlinktap.Tap)
		p.Any = tap
		return tap.Add(dev, this)
	}
	register(t, k, drv)
	c := linktest.Dial(t, k.InitNet())

	if err := c.NewLink("e0", "ethmon", false, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.SetUp("e0", true); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("up: %v, want EINVAL from netlink_add_tap", err)
	}
	lm, err := c.Get("e0")
	if err != nil {
		t.Fatal(err)
	}
	if lm.Flags&unix.IFF_UP != 0 {
		t.Errorf("flags %#x after failed open, want down", lm.Flags)
	}
	if n := linktest.Taps(k); n != 0 {
		t.Errorf("%d taps after failed open", n)
	}
	if n := k.ModuleRefcount("failing"); n != 0 {
		t.Errorf("module refcount %d after failed open, want 0", n)
	}
	// `ip link add ... up` whose open fails creates nothing.
	if err := c.NewLink("e1", "ethmon", true, nil); !errors.Is(err, unix.EINVAL) {
		t.Errorf("create up: %v, want EINVAL", err)
	}
	if err := c.Delete("e0"); err != nil {
		t.Fatal(err)
	}
	if n := linktest.LiveDevices(k); n != 1 {
		t.Errorf("live devices %d, want 1 (lo)", n)
	}
	if err := mod.Unload(k); err != nil {
		t.Errorf("unload: %v", err)
	}
	for _, dev := range drv.Devices() {
		if dev.IsUp() {
			t.Errorf("%s is up", dev.Name())
		}
	}
}

// TestStatsReporter: dev_get_stats has no lstats branch, so counters
// counted with DevLstatsAdd show only through a StatsReporter, as the Rust
// RFC driver (which has none) would miss them.
func TestStatsReporter(t *testing.T) {
	k := net.NewKernel()
	ns := k.InitNet()
	count := func(skb *skbuff.SkBuff, dev *netdevice.Device) netdevice.TxOutcome {
		stats.DevLstatsAdd(dev, skb.Len())
		return netdevice.TxOk()
	}
	mon := func(kind string) *linktest.Driver {
		d := &linktest.Driver{KindName: kind, DevType: netdevice.TypeNetlink, XmitFn: count}
		d.OpenFn = func(dev *netdevice.Device, p *linktest.Priv) error {
			tap := new(netlinktap.Tap)
			p.Any = tap
			return tap.Add(dev, nil)
		}
		d.StopFn = func(dev *netdevice.Device, p *linktest.Priv) error { return p.Any.(*netlinktap.Tap).Remove() }
		return d
	}
	register(t, k, &reporting{mon("rep")})
	silent := mon("silent")
	register(t, k, silent)
	c := linktest.Dial(t, ns)
	for _, kind := range []string{"rep", "silent"} {
		if err := c.NewLink(kind+"0", kind, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get("lo"); err != nil {
		t.Fatal(err)
	}
	rep, sil := c.Stats64("rep0"), c.Stats64("silent0")
	if rep.RXPackets == 0 || rep.RXBytes == 0 {
		t.Errorf("reporting driver: rx %d packets %d bytes, want counts", rep.RXPackets, rep.RXBytes)
	}
	if sil.RXPackets != 0 || sil.TXPackets != 0 {
		t.Errorf("driver without GetStats64: %+v, want zero counters", sil)
	}
	p, b := stats.DevLstatsRead(silent.Device("silent0"))
	if p == 0 || b == 0 {
		t.Errorf("silent0 lstats %d/%d, want counted", p, b)
	}
}

type reporting struct{ *linktest.Driver }

func (reporting) GetStats64(dev *netdevice.Device, _ *linktest.Priv, st *netdevice.LinkStats64) {
	st.RxPackets, st.RxBytes = stats.DevLstatsRead(dev)
}

func (reporting) GetLink(*netdevice.Device) bool { return true }

func TestEthtoolGetLink(t *testing.T) {
	k := net.NewKernel()
	d := &linktest.Driver{KindName: "plain", DevType: netdevice.TypeNetlink}
	register(t, k, &reporting{&linktest.Driver{KindName: "linked", DevType: netdevice.TypeNetlink}})
	register(t, k, d)
	c := linktest.Dial(t, k.InitNet())
	for _, kind := range []string{"linked", "plain"} {
		if err := c.NewLink(kind+"0", kind, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	type res struct{ Up, OK bool }
	got := map[string]res{}
	for _, n := range []string{"linked0", "plain0"} {
		up, ok := linktest.GetLink(k, n)
		got[n] = res{up, ok}
	}
	if diff := cmp.Diff(map[string]res{"linked0": {true, true}, "plain0": {false, false}}, got); diff != "" {
		t.Errorf("get_link (-want +got):\n%s", diff)
	}
}

// registerBusyTap registers kind, a netlink-tap driver whose StartXmit
// hands every frame back with TxBusy, and returns the count of its calls.
func registerBusyTap(t *testing.T, k *net.Kernel, kind string, setup func(*netdevice.Device)) *int {
	busy := new(int)
	d := &linktest.Driver{KindName: kind, DevType: netdevice.TypeNetlink, SetupFn: setup}
	d.XmitFn = func(skb *skbuff.SkBuff, dev *netdevice.Device) netdevice.TxOutcome {
		*busy++
		return netdevice.TxBusy(skb)
	}
	d.OpenFn = func(dev *netdevice.Device, p *linktest.Priv) error {
		tap := new(netlinktap.Tap)
		p.Any = tap
		return tap.Add(dev, nil)
	}
	d.StopFn = func(dev *netdevice.Device, p *linktest.Priv) error { return p.Any.(*netlinktap.Tap).Remove() }
	register(t, k, d)
	return busy
}

// TestTxBusy: a frame handed back with TxBusy is dropped by the qdisc-less
// core and counted in tx_dropped; the capture still saw it, since packet
// taps run before ndo_start_xmit.
func TestTxBusy(t *testing.T) {
	k := net.NewKernel()
	ns := k.InitNet()
	busy := registerBusyTap(t, k, "busy", nil)
	c := linktest.Dial(t, ns)
	if err := c.NewLink("b0", "busy", true, nil); err != nil {
		t.Fatal(err)
	}
	capt, err := ns.Capture("b0")
	if err != nil {
		t.Fatal(err)
	}
	defer capt.Close()
	before := *busy
	st := c.Stats64("b0") // request and reply: two frames, both busy
	if *busy-before != 2 {
		t.Fatalf("StartXmit ran %d times, want 2", *busy-before)
	}
	if st.TXDropped == 0 {
		t.Errorf("tx_dropped = 0, want the busy frames counted")
	}
	n := 0
	for {
		_, ok, err := capt.TryRead()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		n++
	}
	if n != 2 {
		t.Errorf("captured %d frames, want 2", n)
	}
}

// TestTxBusyQueued: on a device with a transmit queue the qdisc takes the
// frame back from a TxBusy; the model, with no queue to requeue it on,
// drops it as a qdisc drop, not a device tx_dropped.
func TestTxBusyQueued(t *testing.T) {
	k := net.NewKernel()
	ns := k.InitNet()
	busy := registerBusyTap(t, k, "busyq", func(dev *netdevice.Device) { dev.SetTxQueueLen(1000) })
	c := linktest.Dial(t, ns)
	if err := c.NewLink("q0", "busyq", true, nil); err != nil {
		t.Fatal(err)
	}
	if l, _ := ns.Link("q0"); l.Qdisc != "fq_codel" {
		t.Fatalf("q0's qdisc is %q, want the default fq_codel", l.Qdisc)
	}
	before, drops := *busy, k.Drops()["QDISC_DROP"]
	st := c.Stats64("q0")
	if *busy-before != 2 {
		t.Fatalf("StartXmit ran %d times, want 2", *busy-before)
	}
	if d := k.Drops()["QDISC_DROP"] - drops; d != 2 {
		t.Errorf("%d QDISC_DROP drops, want the 2 busy frames", d)
	}
	if st.TXDropped != 0 {
		t.Errorf("tx_dropped = %d, want 0 (a qdisc drop is not the device's)", st.TXDropped)
	}
}
