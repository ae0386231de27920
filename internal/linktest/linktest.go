// Package linktest holds the test helpers of the typed driver packages: a
// netlink client on a namespace that speaks RTM_*LINK as ip(8) does, with
// github.com/jsimonetti/rtnetlink/v2 messages, and a tiny configurable
// link driver. It is for tests only.
package linktest

import (
	"sync"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/internal/kernelref"
	"github.com/knetlab/knet/knettest"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/skbuff"
)

// Client is knettest's Route with the shorthands the typed packages'
// tests use.
type Client struct {
	*knettest.Route
	t testing.TB
}

// Dial opens a Client on ns, closed at the end of the test.
func Dial(t testing.TB, ns *net.Namespace) *Client {
	t.Helper()
	return &Client{Route: knettest.Dial(t, ns), t: t}
}

// NewLink is `ip link add NAME type KIND [up]`, with attrs merged in.
func (c *Client) NewLink(name, kind string, up bool, attrs *rtnetlink.LinkAttributes) error {
	c.t.Helper()
	if attrs == nil {
		attrs = &rtnetlink.LinkAttributes{}
	}
	a := *attrs
	a.Name = name
	a.Info = &rtnetlink.LinkInfo{Kind: kind}
	lm := &rtnetlink.LinkMessage{Attributes: &a}
	if up {
		lm.Flags, lm.Change = unix.IFF_UP, unix.IFF_UP
	}
	return c.Route.NewLink(lm)
}

// SetUp is `ip link set NAME up|down`.
func (c *Client) SetUp(name string, up bool) error {
	c.t.Helper()
	if up {
		return c.Up(name)
	}
	return c.Down(name)
}

// Get is `ip link show NAME`: the RTM_NEWLINK reply, decoded.
func (c *Client) Get(name string) (rtnetlink.LinkMessage, error) {
	c.t.Helper()
	lm, _, err := c.Route.Get(name)
	return lm, err
}

// Stats64 returns a device's IFLA_STATS64.
func (c *Client) Stats64(name string) rtnetlink.LinkStats64 {
	c.t.Helper()
	return c.Stats(name)
}

// Errno returns the errno an error from the client carries, 0 for nil.
func Errno(err error) unix.Errno { return knettest.Errno(err) }

// Taps counts the netlink taps listed in all of k's namespaces.
func Taps(k *net.Kernel) int {
	n := 0
	for _, cn := range kernelref.Of(k).Nets() {
		n += len(cn.Taps())
	}
	return n
}

// NamespaceTaps counts the netlink taps on one namespace's list.
func NamespaceTaps(ns *net.Namespace) int { return len(kernelref.NetOf(ns).Taps()) }

// LiveDevices counts the kernel's registered, not yet freed devices.
func LiveDevices(k *net.Kernel) int64 { return kernelref.Of(k).LiveDevices() }

// GetLink calls ethtool get_link on the device named name, which must be
// unique among k's namespaces; ok is false if there is no such device or
// it has no ethtool_ops.get_link.
func GetLink(k *net.Kernel, name string) (up, ok bool) {
	var dev *core.NetDevice
	for _, cn := range kernelref.Of(k).Nets() {
		if d := cn.DevGetByName(name); d != nil {
			dev = d
		}
	}
	if dev == nil || dev.EthtoolOps == nil || dev.EthtoolOps.GetLink == nil {
		return false, false
	}
	return dev.EthtoolOps.GetLink(dev) != 0, true
}

// Driver is a configurable link driver for tests: it records the devices
// it sets up and calls the hooks that are set.
type Driver struct {
	KindName  string
	DevType   uint16
	OpenFn    func(dev *netdevice.Device, p *Priv) error
	StopFn    func(dev *netdevice.Device, p *Priv) error
	XmitFn    func(skb *skbuff.SkBuff, dev *netdevice.Device) netdevice.TxOutcome
	SetupFn   func(dev *netdevice.Device) // runs last in Setup, when set
	mu        sync.Mutex
	devs      []*netdevice.Device
	SetupSeen []string
}

// Priv is Driver's private area.
type Priv struct {
	Opens, Stops int
	Any          any
}

// Kind implements rtnl.Driver.
func (d *Driver) Kind() string { return d.KindName }

// Setup implements rtnl.Driver.
func (d *Driver) Setup(dev *netdevice.Device) {
	dev.SetType(d.DevType)
	dev.SetFlags(netdevice.FlagNoARP)
	dev.SetPcpuStatType(netdevice.StatLstats)
	if d.SetupFn != nil {
		d.SetupFn(dev)
	}
	d.mu.Lock()
	d.devs = append(d.devs, dev)
	d.mu.Unlock()
}

// Devices returns the devices set up so far, oldest first.
func (d *Driver) Devices() []*netdevice.Device {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*netdevice.Device(nil), d.devs...)
}

// Device returns the set-up device now named name.
func (d *Driver) Device(name string) *netdevice.Device {
	for _, dev := range d.Devices() {
		if dev.Name() == name {
			return dev
		}
	}
	return nil
}

// Open implements netdevice.Operations.
func (d *Driver) Open(dev *netdevice.Device, p *Priv) error {
	p.Opens++
	if d.OpenFn != nil {
		return d.OpenFn(dev, p)
	}
	return nil
}

// Stop implements netdevice.Operations.
func (d *Driver) Stop(dev *netdevice.Device, p *Priv) error {
	p.Stops++
	if d.StopFn != nil {
		return d.StopFn(dev, p)
	}
	return nil
}

// StartXmit implements netdevice.Operations.
func (d *Driver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, _ *Priv) netdevice.TxOutcome {
	if d.XmitFn != nil {
		return d.XmitFn(skb, dev)
	}
	return netdevice.TxOk()
}
