// Package stats is the typed statistics of a device: the Go form of
// rust/kernel/net/stats.rs over the per-CPU counters of
// include/linux/netdevice.h (struct pcpu_lstats, pcpu_sw_netstats,
// pcpu_dstats), the core's drop counters and the legacy dev->stats.
//
// A driver chooses its per-CPU counters with netdevice.SetPcpuStatType;
// register_netdevice allocates them. lstats (DevLstatsAdd) count one
// direction and dev_get_stats has no branch for them, so a driver using
// them reports them in netdevice.StatsReporter, as nlmon, dummy and
// loopback do. tstats (DevSwNetstatsRxAdd / TxAdd) and dstats (with the
// drop counters) are reported by dev_get_stats itself when the driver has
// no StatsReporter, on top of dev->stats (DevStatsAdd).
package stats

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
)

func coreDev(dev *netdevice.Device) *core.NetDevice { return binding.Device.Core(dev) }

// DevLstatsAdd is dev_lstats_add: one packet of length bytes on this CPU's
// counters. It is lock-free and safe from concurrent StartXmit calls. On a
// device without lstats (or not registered yet) it does nothing.
func DevLstatsAdd(dev *netdevice.Device, length uint32) {
	core.DevLstatsAdd(coreDev(dev), length)
}

// DevLstatsRead is dev_lstats_read (drivers/net/loopback.c): the packets
// and bytes counted by DevLstatsAdd, summed over all CPUs.
func DevLstatsRead(dev *netdevice.Device) (packets, bytes uint64) {
	return core.DevLstatsRead(coreDev(dev))
}

// DevSwNetstatsRxAdd is dev_sw_netstats_rx_add (tstats; dev_dstats_rx_add
// for dstats): one packet of length bytes received.
func DevSwNetstatsRxAdd(dev *netdevice.Device, length uint32) {
	core.DevSwNetstatsRxAdd(coreDev(dev), length)
}

// DevSwNetstatsTxAdd is dev_sw_netstats_tx_add (tstats; dev_dstats_tx_add
// for one packet of dstats): packets transmitted, length bytes in all.
func DevSwNetstatsTxAdd(dev *netdevice.Device, packets, length uint32) {
	core.DevSwNetstatsTxAdd(coreDev(dev), packets, length)
}

// DevDstatsRxDropped and DevDstatsTxDropped are dev_dstats_rx_dropped /
// dev_dstats_tx_dropped: one dropped packet on a dstats device.
func DevDstatsRxDropped(dev *netdevice.Device) { core.DevDstatsRxDropped(coreDev(dev)) }
func DevDstatsTxDropped(dev *netdevice.Device) { core.DevDstatsTxDropped(coreDev(dev)) }

// DevFetchSwNetstats is dev_fetch_sw_netstats: the device's tstats,
// summed over all CPUs, added to st (a StatsReporter builds on it; veth
// reads its peer's too).
func DevFetchSwNetstats(st *netdevice.LinkStats64, dev *netdevice.Device) {
	core.DevFetchSwNetstats((*core.RtnlLinkStats64)(st), coreDev(dev))
}

// DevCoreStatsRxDroppedInc, DevCoreStatsTxDroppedInc,
// DevCoreStatsRxNohandlerInc and DevCoreStatsRxOtherhostDroppedInc are
// dev_core_stats_*_inc: the drops the core adds to every device's counters
// after its driver's.
func DevCoreStatsRxDroppedInc(dev *netdevice.Device) { core.DevCoreStatsRxDroppedInc(coreDev(dev)) }
func DevCoreStatsTxDroppedInc(dev *netdevice.Device) { core.DevCoreStatsTxDroppedInc(coreDev(dev)) }
func DevCoreStatsRxNohandlerInc(dev *netdevice.Device) {
	core.DevCoreStatsRxNohandlerInc(coreDev(dev))
}
func DevCoreStatsRxOtherhostDroppedInc(dev *netdevice.Device) {
	core.DevCoreStatsRxOtherhostDroppedInc(coreDev(dev))
}

// Counter names a counter of dev->stats, struct net_device_stats.
type Counter int

// The counters of dev->stats, in struct rtnl_link_stats64 order.
const (
	RxPackets Counter = core.StatRxPackets
	TxPackets Counter = core.StatTxPackets
	RxBytes   Counter = core.StatRxBytes
	TxBytes   Counter = core.StatTxBytes
	RxErrors  Counter = core.StatRxErrors
	TxErrors  Counter = core.StatTxErrors
	RxDropped Counter = core.StatRxDropped
	TxDropped Counter = core.StatTxDropped
	Multicast Counter = core.StatMulticast
)

// DevStatsAdd adds n to one counter of dev->stats (dev->stats.rx_dropped++
// in C). It is atomic, so safe from any goroutine.
func DevStatsAdd(dev *netdevice.Device, c Counter, n uint64) {
	core.DevStatsAdd(coreDev(dev), int(c), n)
}

// DevStatsRead returns dev->stats (netdev_stats_to_stats64).
func DevStatsRead(dev *netdevice.Device) netdevice.LinkStats64 {
	return netdevice.LinkStats64(core.DevStatsRead(coreDev(dev)))
}
