package netdevice

import "github.com/knetlab/knet/skbuff"

// Operations mirrors struct net_device_ops (include/linux/netdevice.h) as
// the Rust netdevice::Operations trait exposes it, generic over the
// driver's private area P (netdev_priv). Only ndo_start_xmit is required;
// the other callbacks are the optional interfaces below (Opener, Stopper,
// Initer, ...), which a driver's type implements for the operations its C
// counterpart has, as a C driver leaves the rest of its net_device_ops
// NULL. The registration allocates a zeroed P with each device, before
// any callback runs, and frees it with the device; P needs no destructor.
type Operations[P any] interface {
	// StartXmit is ndo_start_xmit. It owns skb until it returns (see
	// package skbuff), gets the device's private area, and may run on
	// several goroutines at once (the device is lltx): what it shares
	// with other callbacks in priv must be safe for that.
	StartXmit(skb *skbuff.SkBuff, dev *Device, priv *P) TxOutcome
}

// Opener is ndo_open, called under RTNL when the device goes up. An error
// (a unix.Errno) keeps the device down; __dev_open returns it to the
// requester.
type Opener[P any] interface {
	Open(dev *Device, priv *P) error
}

// Stopper is ndo_stop, called under RTNL when the device goes down or is
// unregistered. The core ignores its error, as __dev_close_many does.
type Stopper[P any] interface {
	Stop(dev *Device, priv *P) error
}

// Initer is ndo_init: register_netdevice calls it before the device gets
// its index and per-CPU counters, so the setters still work; an error
// aborts the registration.
type Initer[P any] interface {
	Init(dev *Device, priv *P) error
}

// Uniniter is ndo_uninit: the device is going (unregistered, or its
// registration failed after Init).
type Uniniter[P any] interface {
	Uninit(dev *Device, priv *P)
}

// AddrValidator is ndo_validate_addr, checked by __dev_open before Open:
// an error keeps the device down. Ethernet drivers use
// etherdevice.ValidateAddr (eth_validate_addr).
type AddrValidator[P any] interface {
	ValidateAddr(dev *Device, priv *P) error
}

// MACAddressSetter is ndo_set_mac_address (IFLA_ADDRESS on an existing
// device): addr holds AddrLen bytes; the driver checks and sets it
// (Device.SetAddr). Without it the change is EOPNOTSUPP.
type MACAddressSetter[P any] interface {
	SetMACAddress(dev *Device, priv *P, addr []byte) error
}

// CarrierChanger is ndo_change_carrier (IFLA_CARRIER): the driver turns
// the carrier on or off (Device.CarrierOn/CarrierOff). Without it the
// change is EOPNOTSUPP.
type CarrierChanger[P any] interface {
	ChangeCarrier(dev *Device, priv *P, on bool) error
}

// IflinkGetter is ndo_get_iflink: the ifindex of the device this one is
// linked to (a veth end's peer), reported as IFLA_LINK and used by
// linkwatch to tell a lower layer that is down (IF_OPER_LOWERLAYERDOWN).
type IflinkGetter[P any] interface {
	GetIflink(dev *Device, priv *P) int
}

// MTUChanger is ndo_change_mtu: called with an MTU within the device's
// bounds; it must store it itself (the core does without the callback).
type MTUChanger[P any] interface {
	ChangeMTU(dev *Device, priv *P, mtu uint32) error
}

// RxModeSetter is ndo_set_rx_mode: called when the device comes up and
// when its promiscuity, all-multicast or multicast state changes.
type RxModeSetter[P any] interface {
	SetRxMode(dev *Device, priv *P)
}

// StatsReporter is ndo_get_stats64: a driver that keeps its own counters
// reports them here. st arrives zeroed; the core then adds its own drop
// counters. Without it dev_get_stats reports the device's tstats or
// dstats, or else its dev->stats (see package stats); it has no branch
// for lstats, so a driver using them implements this.
type StatsReporter[P any] interface {
	GetStats64(dev *Device, priv *P, st *LinkStats64)
}

// EthtoolOperations mirrors the part of struct ethtool_ops
// (include/linux/ethtool.h) the model serves.
type EthtoolOperations interface {
	// GetLink is get_link (ETHTOOL_GLINK): whether the link is detected.
	GetLink(dev *Device) bool
}

// TxOutcome is what StartXmit returns: enum netdev_tx, with NETDEV_TX_BUSY
// carrying the skb back to the core as the Rust TxOutcome::Busy(SkBuff)
// does. The zero value is TxOk.
type TxOutcome struct {
	busy    *skbuff.SkBuff
	dropped bool
}

// TxOk is NETDEV_TX_OK: the driver took the skb. If it has not consumed
// or passed it on, the binding consumes it when StartXmit returns.
func TxOk() TxOutcome { return TxOutcome{} }

// TxDropped is NET_XMIT_DROP: the driver dropped the frame (with
// SkBuff.Drop, or the binding drops it) and counted the drop itself. The
// sender sees ENOBUFS (a packet socket's sendto).
func TxDropped() TxOutcome { return TxOutcome{dropped: true} }

// TxBusy is NETDEV_TX_BUSY: the driver could not take skb, and ownership
// goes back to the core. skb must be the buffer StartXmit received, not
// consumed. For the qdisc-less devices the model carries, the core then
// drops the frame with -ENETDOWN and counts it in tx_dropped ("Virtual
// device asks to queue packet!").
func TxBusy(skb *skbuff.SkBuff) TxOutcome {
	if skb == nil {
		panic("netdevice: TxBusy(nil)")
	}
	return TxOutcome{busy: skb}
}

// IsBusy reports whether the outcome is NETDEV_TX_BUSY.
func (o TxOutcome) IsBusy() bool { return o.busy != nil }

// IsDropped reports whether the outcome is NET_XMIT_DROP.
func (o TxOutcome) IsDropped() bool { return o.dropped }

// Busy returns the skb handed back by TxBusy, or nil for TxOk.
func (o TxOutcome) Busy() *skbuff.SkBuff { return o.busy }

// LinkStats64 mirrors struct rtnl_link_stats64
// (include/uapi/linux/if_link.h), the counters IFLA_STATS64 carries.
type LinkStats64 struct {
	RxPackets, TxPackets, RxBytes, TxBytes, RxErrors, TxErrors  uint64
	RxDropped, TxDropped, Multicast, Collisions                 uint64
	RxLengthErrors, RxOverErrors, RxCrcErrors, RxFrameErrors    uint64
	RxFifoErrors, RxMissedErrors                                uint64
	TxAbortedErrors, TxCarrierErrors, TxFifoErrors              uint64
	TxHeartbeatErrors, TxWindowErrors                           uint64
	RxCompressed, TxCompressed, RxNohandler, RxOtherhostDropped uint64
}
