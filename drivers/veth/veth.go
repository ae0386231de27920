// Package veth is the virtual Ethernet pair written on knet's typed driver
// packages only: the Go counterpart of drivers/net/veth.c. One
// RTM_NEWLINK creates two devices, each the other's peer: a frame sent on
// one is received on the other. The peer's name, address, flags and
// namespace come from VETH_INFO_PEER in IFLA_INFO_DATA (`ip link add v0
// type veth peer name v1 netns NS`). Each end has carrier only while both
// are up; deleting either end deletes both.
//
// XDP, NAPI and GRO, the ethtool statistics and the queue reconfiguration
// of the C driver are not modelled.
package veth

import (
	"io"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/etherdevice"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// Kind is the rtnl link kind veth registers.
const Kind = "veth"

// The IFLA_INFO_DATA attributes of a veth (enum VETH_INFO_*).
const (
	InfoPeer rtnl.DataAttr = 1 // VETH_INFO_PEER: struct ifinfomsg, then the peer's IFLA_* attributes
	infoMax                = InfoPeer
)

// features is VETH_FEATURES.
const features = netdevice.FeatureSG | netdevice.FeatureFraglist | netdevice.FeatureHWCsum |
	netdevice.FeatureRxCsum | netdevice.FeatureSCTPCrc | netdevice.FeatureHighDMA |
	netdevice.FeatureGSOSoftware | netdevice.FeatureGSOEncapAll |
	netdevice.FeatureHWVlanCtagTx | netdevice.FeatureHWVlanCtagRx |
	netdevice.FeatureHWVlanStagTx | netdevice.FeatureHWVlanStagRx

// Module is the veth module.
var Module = &module.Module{
	Name:        "veth",
	Aliases:     []string{module.RtnlLinkAlias(Kind)},
	Description: "Virtual Ethernet Tunnel",
	License:     "GPL v2",
	Init: func(this *module.ThisModule) (io.Closer, error) {
		r, err := rtnl.NewRegistration(this, driver{})
		if err != nil {
			return nil, err
		}
		return r, nil
	},
}

// peer is what priv->peer points at: the other end.
type peer struct {
	dev  *netdevice.Device
	priv *private
}

// private is struct veth_priv without its XDP and NAPI state.
type private struct {
	peer    atomic.Pointer[peer] // read on transmit without RTNL (rcu_dereference)
	dropped atomic.Uint64
}

// driver is veth_link_ops and veth_netdev_ops.
type driver struct{}

// Kind is rtnl_link_ops.kind.
func (driver) Kind() string { return Kind }

// DataPolicy is veth_policy and VETH_INFO_MAX.
func (driver) DataPolicy() rtnl.Policy {
	return rtnl.Policy{MaxType: infoMax, Attrs: []rtnl.AttrPolicy{
		InfoPeer: {Type: rtnl.AttrUnspec, Len: 16}, // sizeof(struct ifinfomsg)
	}}
}

// PeerType is veth_link_ops.peer_type.
func (driver) PeerType() rtnl.DataAttr { return InfoPeer }

// NumTxQueues and NumRxQueues are veth_get_num_queues: one per possible
// CPU, at most 4096.
func (driver) NumTxQueues() uint32 { return min(netdevice.NumPossibleCPUs, 4096) }
func (driver) NumRxQueues() uint32 { return min(netdevice.NumPossibleCPUs, 4096) }

// Setup is veth_setup.
func (driver) Setup(dev *netdevice.Device) {
	dev.EtherSetup()
	dev.ClearPrivFlag(netdevice.PrivFlagTxSkbSharing)
	dev.AddPrivFlag(netdevice.PrivFlagLiveAddrChange | netdevice.PrivFlagNoQueue |
		netdevice.PrivFlagPhonyHeadroom | netdevice.PrivFlagDisableNetpoll)
	dev.SetLltx(true)
	dev.AddFeatures(features)
	dev.SetVlanFeatures(dev.Features() &^ (netdevice.FeatureHWVlanCtagTx | netdevice.FeatureHWVlanStagTx |
		netdevice.FeatureHWVlanCtagRx | netdevice.FeatureHWVlanStagRx))
	dev.SetNeedsFreeNetdev(true)
	dev.SetPcpuStatType(netdevice.StatTstats)
	dev.SetMaxMTU(etherdevice.MaxMTU)
	dev.SetHwFeatures(features)
	dev.SetHwEncFeatures(features)
	dev.SetMplsFeatures(netdevice.FeatureHWCsum | netdevice.FeatureGSOSoftware)
	dev.SetTSOMaxSize(netdevice.GSOMaxSize)
}

// Validate is veth_validate, run on the request and, since the kind has a
// peer type, on the peer's attributes.
func (driver) Validate(ctx *rtnl.ValidateContext) error {
	if err := etherdevice.ValidateAddrAttr(ctx); err != nil {
		return err
	}
	if mtu, ok := ctx.LinkAttrU32(rtnl.LinkAttrMTU); ok && !validMTU(int32(mtu)) {
		return unix.EINVAL
	}
	return nil
}

// validMTU is is_valid_veth_mtu.
func validMTU(mtu int32) bool { return mtu >= etherdevice.MinMTU && mtu <= etherdevice.MaxMTU }

// NewLink is veth_newlink: the peer first, then dev, then the two are
// tied together.
func (driver) NewLink(ctx *rtnl.NewLinkContext[private], dev *netdevice.Device, priv *private) error {
	ifm, tbp, hasPeer := ctx.Peer()
	if !hasPeer {
		tbp = ctx.Attrs()
	}
	name, assign := "veth%d", netdevice.NameEnum
	if n, ok := tbp.String(rtnl.LinkAttrIfname); hasPeer && ok {
		name, assign = n, netdevice.NameUser
	}
	p, ppriv, err := ctx.CreatePeer(name, assign, tbp)
	if err != nil {
		return err
	}
	if !hasPeer || !tbp.Has(rtnl.LinkAttrAddress) {
		p.HwAddrRandom()
	}
	if hasPeer && dev.Ifindex() != 0 {
		p.SetIfindex(int(ifm.Index))
	}
	p.InheritTSOMax(dev)
	if err := ctx.Register(p); err != nil {
		ctx.Free(p)
		return err
	}
	// GRO stays off by default, as veth has always had it.
	p.ClearFeatures(netdevice.FeatureGRO)
	p.CarrierOff()
	var pifm *rtnl.IfInfo
	if hasPeer {
		pifm = &ifm
	}
	if err := ctx.ConfigureLink(p, pifm); err != nil {
		ctx.Unregister(p)
		return err
	}
	if !ctx.Attrs().Has(rtnl.LinkAttrAddress) {
		dev.HwAddrRandom()
	}
	if err := ctx.Register(dev); err != nil {
		ctx.Unregister(p)
		return err
	}
	dev.CarrierOff()
	priv.peer.Store(&peer{dev: p, priv: ppriv})
	ppriv.peer.Store(&peer{dev: dev, priv: priv})
	for _, d := range []*netdevice.Device{dev, p} {
		if err := initQueues(ctx.Attrs(), d); err != nil {
			ctx.Unregister(dev)
			return err
		}
	}
	dev.ClearFeatures(netdevice.FeatureGRO)
	return nil
}

// initQueues is veth_init_queues: without a requested count, one queue of
// each kind is in use.
func initQueues(tb *rtnl.LinkAttrs, dev *netdevice.Device) error {
	if !tb.Has(rtnl.LinkAttrNumTxQueues) && dev.NumTxQueues() > 1 {
		if err := dev.SetRealNumTxQueues(1); err != nil {
			return err
		}
	}
	if !tb.Has(rtnl.LinkAttrNumRxQueues) && dev.NumRxQueues() > 1 {
		if err := dev.SetRealNumRxQueues(1); err != nil {
			return err
		}
	}
	return nil
}

// DelLink is veth_dellink: both ends go.
func (driver) DelLink(dev *netdevice.Device, priv *private, kill *rtnl.KillList) {
	p := priv.peer.Swap(nil)
	kill.Add(dev)
	if p != nil {
		p.priv.peer.Store(nil)
		kill.Add(p.dev)
	}
}

// LinkNet is veth_get_link_net: the peer's namespace.
func (driver) LinkNet(dev *netdevice.Device, priv *private) netdevice.Namespace {
	if p := priv.peer.Load(); p != nil {
		return p.dev.Net()
	}
	return dev.Net()
}

// Open is veth_open: both ends get carrier once both are up.
func (driver) Open(dev *netdevice.Device, priv *private) error {
	p := priv.peer.Load()
	if p == nil {
		return unix.ENOTCONN
	}
	if p.dev.IsUp() {
		dev.CarrierOn()
		p.dev.CarrierOn()
	}
	return nil
}

// Stop is veth_close: both ends lose carrier.
func (driver) Stop(dev *netdevice.Device, priv *private) error {
	dev.CarrierOff()
	if p := priv.peer.Load(); p != nil {
		p.dev.CarrierOff()
	}
	return nil
}

// StartXmit is veth_xmit: the frame is received on the peer
// (dev_forward_skb); a frame the peer cannot take is counted as dropped
// here and NET_XMIT_DROP goes back.
func (driver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, priv *private) netdevice.TxOutcome {
	length := skb.Len()
	p := priv.peer.Load()
	if p == nil || length < etherdevice.HLen {
		skb.Drop()
		priv.dropped.Add(1)
		return netdevice.TxDropped()
	}
	if netdevice.ForwardSkb(p.dev, skb) != netdevice.RxSuccess {
		priv.dropped.Add(1)
		return netdevice.TxDropped()
	}
	stats.DevSwNetstatsTxAdd(dev, 1, length)
	return netdevice.TxOk()
}

// GetStats64 is veth_get_stats64: this end's transmit counters, and as
// its receive counters what the peer transmitted.
func (driver) GetStats64(dev *netdevice.Device, priv *private, st *netdevice.LinkStats64) {
	st.TxDropped = priv.dropped.Load()
	stats.DevFetchSwNetstats(st, dev)
	if p := priv.peer.Load(); p != nil {
		var ps netdevice.LinkStats64
		stats.DevFetchSwNetstats(&ps, p.dev)
		st.RxBytes += ps.TxBytes
		st.RxPackets += ps.TxPackets
	}
}

// SetRxMode is veth_set_multicast_list: nothing to filter.
func (driver) SetRxMode(*netdevice.Device, *private) {}

// SetMACAddress is eth_mac_addr.
func (driver) SetMACAddress(dev *netdevice.Device, _ *private, addr []byte) error {
	return etherdevice.MACAddr(dev, addr)
}

// GetIflink is veth_get_iflink: the peer's index, 0 without one.
func (driver) GetIflink(_ *netdevice.Device, priv *private) int {
	if p := priv.peer.Load(); p != nil {
		return p.dev.Ifindex()
	}
	return 0
}

// GetLink is ethtool_op_get_link: the carrier.
func (driver) GetLink(dev *netdevice.Device) bool { return dev.CarrierOK() }
