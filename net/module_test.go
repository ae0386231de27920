package net

import (
	"errors"
	"testing"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// monModule is a module whose init registers the test kind, as nlmon's
// module_init does.
func monModule(k *Kernel, t *testing.T) *core.Module {
	var ops *core.RtnlLinkOps
	m := &core.Module{Name: "testmon", Aliases: []string{"rtnl-link-testmon"}}
	m.Init = func(_ *core.Kernel, m *core.Module) error {
		ops = registerTestMon(t, k, "testmon", m)
		return nil
	}
	m.Exit = func(*core.Kernel, *core.Module) { k.k.RtnlLinkUnregister(ops) }
	if err := k.k.AddModule(m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModuleAutoloadAndUnload(t *testing.T) {
	k := newTestKernel(t)
	monModule(k, t)
	ns := k.InitNet()
	other, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	c := dialRoute(t, ns, nil)
	create := func(c *netlink.Conn, name string, flags uint32) error {
		_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, linkMsg(t, &rtnetlink.LinkMessage{
			Flags: flags, Change: flags, Attributes: &rtnetlink.LinkAttributes{Name: name, Info: &rtnetlink.LinkInfo{Kind: "testmon"}}}))
		return err
	}
	if k.ModuleLoaded("testmon") {
		t.Fatal("module loaded before use")
	}
	if err := create(c, "mon0", unix.IFF_UP); err != nil {
		t.Fatalf("create with autoload: %v", err)
	}
	if !k.ModuleLoaded("testmon") {
		t.Fatal("RTM_NEWLINK did not load rtnl-link-testmon")
	}
	if err := create(dialRoute(t, other, nil), "mon1", 0); err != nil {
		t.Fatal(err)
	}
	if err := k.UnloadModule("testmon"); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("unload with an up device: %v, want EWOULDBLOCK", err)
	}
	if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 2, Change: unix.IFF_UP})); err != nil {
		t.Fatal(err)
	}
	before := k.k.LiveDevices()
	if err := k.UnloadModule("testmon"); err != nil {
		t.Fatalf("unload: %v", err)
	}
	if got := k.k.LiveDevices(); got != before-2 {
		t.Errorf("unload left %d devices, want %d", got, before-2)
	}
	for _, n := range []*Namespace{ns, other} {
		if l := n.Links(); len(l) != 1 {
			t.Errorf("%v after unload: %+v", n, l)
		}
	}
	if err := k.UnloadModule("testmon"); !errors.Is(err, unix.ENOENT) {
		t.Errorf("second unload: %v, want ENOENT", err)
	}
	if err := k.k.RtnlLinkRegister(&core.RtnlLinkOps{Kind: "x", Setup: func(*core.NetDevice) {}}); err != nil {
		t.Fatal(err)
	}
	if err := k.k.RtnlLinkRegister(&core.RtnlLinkOps{Kind: "x", Setup: func(*core.NetDevice) {}}); !errors.Is(err, unix.EEXIST) {
		t.Errorf("duplicate kind: %v, want EEXIST", err)
	}
}

// TestOpenFailureLeavesDeviceDown: ndo_open's error reaches the client and
// the device stays down with nothing changed.
func TestOpenFailureLeavesDeviceDown(t *testing.T) {
	k := newTestKernel(t)
	ops := &core.RtnlLinkOps{Kind: "broken", Setup: func(dev *core.NetDevice) {
		dev.Ops = &core.NetDeviceOps{Open: func(*core.NetDevice) error { return unix.EADDRNOTAVAIL }}
	}}
	if err := k.k.RtnlLinkRegister(ops); err != nil {
		t.Fatal(err)
	}
	ns := k.InitNet()
	c := dialRoute(t, ns, nil)
	l := dialRoute(t, ns, &DialConfig{Groups: 1})
	_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, linkMsg(t, &rtnetlink.LinkMessage{
		Attributes: &rtnetlink.LinkAttributes{Name: "b0", Info: &rtnetlink.LinkInfo{Kind: "broken"}}}))
	if err != nil {
		t.Fatal(err)
	}
	l.Receive() // the creation
	_, err = execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 2, Flags: unix.IFF_UP, Change: unix.IFF_UP}))
	if !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Fatalf("up: %v, want the driver's EADDRNOTAVAIL", err)
	}
	if ls := ns.Links(); ls[1].Up {
		t.Error("device is up after a failed open")
	}
	l.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if msgs, err := l.Receive(); !errors.Is(err, errDeadline) {
		t.Errorf("failed open notified listeners: %v %v", msgs, err)
	}
}
