// Package linktest holds the test helpers of the typed driver packages: a
// netlink client on a namespace that speaks RTM_*LINK as ip(8) does, with
// github.com/jsimonetti/rtnetlink/v2 messages, and a tiny configurable
// link driver. It is for tests only.
package linktest

import (
	"errors"
	"sync"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/internal/kernelref"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/skbuff"
)

// Client is a NETLINK_ROUTE client with extended acks on.
type Client struct {
	t testing.TB
	C *netlink.Conn
}

// Dial opens a Client on ns, closed at the end of the test.
func Dial(t testing.TB, ns *net.Namespace) *Client {
	t.Helper()
	c, err := ns.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, C: c}
}

// Do sends one link request with NLM_F_REQUEST and returns the replies.
func (c *Client) Do(typ uint16, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) ([]netlink.Message, error) {
	c.t.Helper()
	b, err := lm.MarshalBinary()
	if err != nil {
		c.t.Fatal(err)
	}
	return c.C.Execute(netlink.Message{Header: netlink.Header{Type: netlink.HeaderType(typ), Flags: netlink.Request | flags}, Data: b})
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
	_, err := c.Do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, lm)
	return err
}

// SetUp is `ip link set NAME up|down`.
func (c *Client) SetUp(name string, up bool) error {
	c.t.Helper()
	lm := &rtnetlink.LinkMessage{Change: unix.IFF_UP, Attributes: &rtnetlink.LinkAttributes{Name: name}}
	if up {
		lm.Flags = unix.IFF_UP
	}
	_, err := c.Do(unix.RTM_NEWLINK, netlink.Acknowledge, lm)
	return err
}

// Delete is `ip link del NAME`.
func (c *Client) Delete(name string) error {
	c.t.Helper()
	_, err := c.Do(unix.RTM_DELLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}})
	return err
}

// Get is `ip link show NAME`: the RTM_NEWLINK reply.
func (c *Client) Get(name string) (rtnetlink.LinkMessage, error) {
	c.t.Helper()
	msgs, err := c.Do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}})
	if err != nil {
		return rtnetlink.LinkMessage{}, err
	}
	if len(msgs) != 1 {
		c.t.Fatalf("RTM_GETLINK %s: %d replies", name, len(msgs))
	}
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		c.t.Fatal(err)
	}
	return lm, nil
}

// Stats64 returns a device's IFLA_STATS64.
func (c *Client) Stats64(name string) rtnetlink.LinkStats64 {
	c.t.Helper()
	lm, err := c.Get(name)
	if err != nil {
		c.t.Fatalf("get %s: %v", name, err)
	}
	if lm.Attributes.Stats64 == nil {
		c.t.Fatalf("%s: no IFLA_STATS64", name)
	}
	return *lm.Attributes.Stats64
}

// Errno returns the errno an error from the client carries, 0 for nil.
func Errno(err error) unix.Errno {
	var e unix.Errno
	if err != nil && !errors.As(err, &e) {
		return unix.Errno(0xffff)
	}
	return e
}

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
