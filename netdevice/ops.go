package netdevice

import "github.com/knetlab/knet/skbuff"

// Operations mirrors struct net_device_ops (include/linux/netdevice.h) as
// the Rust netdevice::Operations trait exposes it: the three callbacks
// every link driver has, generic over the driver's private area P
// (netdev_priv). The registration allocates a zeroed P with each device,
// before any callback runs, and frees it with the device; P needs no
// destructor.
//
// A driver's optional capabilities are separate interfaces its type may
// also implement: [StatsReporter] (ndo_get_stats64) and
// [EthtoolOperations] (ethtool_ops).
type Operations[P any] interface {
	// Open is ndo_open, called under RTNL when the device goes up. An
	// error (a unix.Errno) keeps the device down; __dev_open returns it to
	// the requester.
	Open(dev *Device, priv *P) error
	// Stop is ndo_stop, called under RTNL when the device goes down or is
	// unregistered. The core ignores its error, as __dev_close_many does.
	Stop(dev *Device, priv *P) error
	// StartXmit is ndo_start_xmit. It owns skb until it returns (see
	// package skbuff) and may run on several goroutines at once.
	StartXmit(skb *skbuff.SkBuff, dev *Device) TxOutcome
}

// TxOutcome is what StartXmit returns: enum netdev_tx, with NETDEV_TX_BUSY
// carrying the skb back to the core as the Rust TxOutcome::Busy(SkBuff)
// does. The zero value is TxOk.
type TxOutcome struct{ busy *skbuff.SkBuff }

// TxOk is NETDEV_TX_OK: the driver took the skb. If it has not consumed
// it, the binding does when StartXmit returns.
func TxOk() TxOutcome { return TxOutcome{} }

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

// Busy returns the skb handed back by TxBusy, or nil for TxOk.
func (o TxOutcome) Busy() *skbuff.SkBuff { return o.busy }

// StatsReporter is ndo_get_stats64: a driver that keeps its own counters,
// such as lstats (package stats), reports them here. dev_get_stats has no
// branch for lstats, so a driver using them must implement this to show
// non-zero counters. st arrives zeroed; the core then adds its own drop
// counters.
type StatsReporter interface {
	GetStats64(dev *Device, st *LinkStats64)
}

// EthtoolOperations mirrors the part of struct ethtool_ops
// (include/linux/ethtool.h) the model serves.
type EthtoolOperations interface {
	// GetLink is get_link (ETHTOOL_GLINK): whether the link is detected.
	GetLink(dev *Device) bool
}

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
