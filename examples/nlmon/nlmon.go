// Package nlmon is the netlink monitoring device written against knet's
// typed driver packages only: the Go counterpart of the Rust reference
// driver drivers/net/nlmon_rust.rs, and so of drivers/net/nlmon.c. It
// imports no internal package and uses no unsafe, as the Rust driver
// forbids unsafe_code.
//
// An nlmon device is an ARPHRD_NETLINK device that, while up, holds a
// netlink tap: every netlink message its namespace's sockets exchange is
// transmitted on it, counted as received, and seen by packet sockets
// capturing on it (tcpdump -i nlmon0, net.Namespace.Capture).
//
// [Module] is the module; installing it into a kernel lets
// `ip link add nlmon0 type nlmon` load it on demand through its alias
// "rtnl-link-nlmon":
//
//	k := net.NewKernel()
//	nlmon.Module.Install(k)
//	// RTM_NEWLINK with IFLA_INFO_KIND "nlmon" now creates nlmon devices.
//
// Where the Rust RFC driver differs from nlmon.c, this driver follows
// nlmon.c: it reports its counters through ndo_get_stats64 (rx_packets and
// rx_bytes) and answers ethtool's get_link with "link detected".
package nlmon

import (
	"io"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/netlinktap"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// Kind is the rtnl link kind nlmon registers.
const Kind = "nlmon"

// Module is the nlmon module (module! in nlmon_rust.rs, MODULE_* in
// nlmon.c): loading it registers the kind, unloading it unregisters the
// kind and deletes every nlmon device. It cannot be unloaded while an
// nlmon device is up, since each up device's tap holds a reference on it.
var Module = &module.Module{
	Name:        "nlmon",
	Aliases:     []string{module.RtnlLinkAlias(Kind)},
	Description: "Netlink monitoring device",
	Authors:     []string{"Daniel Borkmann <dborkman@redhat.com>", "Mathieu Geli <geli@enseirb.fr>"},
	License:     "GPL v2",
	Init: func(this *module.ThisModule) (io.Closer, error) {
		r, err := rtnl.NewRegistration(this, driver{this: this})
		if err != nil {
			return nil, err
		}
		return r, nil
	},
}

// driver is NlmonDriver: the link kind's callbacks. this is the module the
// taps pin, THIS_MODULE in the Rust and C drivers.
type driver struct{ this *module.ThisModule }

// private is struct nlmon / NlmonPriv: the device's private area, zeroed
// at allocation, so its tap starts unregistered.
type private struct {
	tap netlinktap.Tap
}

// Kind is rtnl_link_ops.kind.
func (driver) Kind() string { return Kind }

// Setup is nlmon_setup.
func (driver) Setup(dev *netdevice.Device) {
	dev.SetType(netdevice.TypeNetlink)
	dev.AddPrivFlag(netdevice.PrivFlagNoQueue)
	dev.SetLltx(true)
	dev.SetNeedsFreeNetdev(true)
	dev.SetFeatures(netdevice.FeatureSG | netdevice.FeatureFraglist | netdevice.FeatureHighDMA)
	dev.SetFlags(netdevice.FlagNoARP)
	dev.SetPcpuStatType(netdevice.StatLstats)
	// NLMSG_GOODSIZE is a soft limit: nothing checks it on the tap path.
	dev.SetMTU(netdevice.NlmsgGoodSize())
	dev.SetMinMTU(netdevice.NlmsgHdrLen)
}

// Validate is nlmon_validate: an nlmon device has no hardware address.
// Like nlmon.c it sets no extack message.
func (driver) Validate(ctx *rtnl.ValidateContext) error {
	if ctx.HasLinkAttr(rtnl.LinkAttrAddress) {
		return unix.EINVAL
	}
	return nil
}

// Open is nlmon_open: add the tap, pinning the module.
func (d driver) Open(dev *netdevice.Device, p *private) error {
	return p.tap.Add(dev, d.this)
}

// Stop is nlmon_close: remove the tap.
func (driver) Stop(dev *netdevice.Device, p *private) error {
	return p.tap.Remove()
}

// StartXmit is nlmon_xmit: count the message and consume it.
func (driver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, _ *private) netdevice.TxOutcome {
	stats.DevLstatsAdd(dev, skb.Len())
	skb.Consume()
	return netdevice.TxOk()
}

// GetStats64 is nlmon_get_stats64: what the device transmitted to itself
// is what it received, so the counters are rx_packets and rx_bytes.
func (driver) GetStats64(dev *netdevice.Device, _ *private, st *netdevice.LinkStats64) {
	st.RxPackets, st.RxBytes = stats.DevLstatsRead(dev)
}

// GetLink is nlmon_ethtool_ops.get_link, always_on.
func (driver) GetLink(*netdevice.Device) bool { return true }
