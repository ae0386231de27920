package core

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// This file models a device's counters (include/linux/netdevice.h,
// net/core/dev.c): the per-CPU lstats, tstats and dstats a driver chooses
// with pcpu_stat_type, the core's own drop counters (dev->core_stats),
// the legacy dev->stats, and dev_get_stats, which reports them.

// RtnlLinkStats64 mirrors struct rtnl_link_stats64 (include/uapi/linux/if_link.h).
type RtnlLinkStats64 struct {
	RxPackets, TxPackets, RxBytes, TxBytes, RxErrors, TxErrors  uint64
	RxDropped, TxDropped, Multicast, Collisions                 uint64
	RxLengthErrors, RxOverErrors, RxCrcErrors, RxFrameErrors    uint64
	RxFifoErrors, RxMissedErrors                                uint64
	TxAbortedErrors, TxCarrierErrors, TxFifoErrors              uint64
	TxHeartbeatErrors, TxWindowErrors                           uint64
	RxCompressed, TxCompressed, RxNohandler, RxOtherhostDropped uint64
}

// statsFields lists the counters in their uapi order.
func statsFields(s *RtnlLinkStats64) [25]uint64 {
	return [25]uint64{
		s.RxPackets, s.TxPackets, s.RxBytes, s.TxBytes, s.RxErrors, s.TxErrors,
		s.RxDropped, s.TxDropped, s.Multicast, s.Collisions,
		s.RxLengthErrors, s.RxOverErrors, s.RxCrcErrors, s.RxFrameErrors,
		s.RxFifoErrors, s.RxMissedErrors, s.TxAbortedErrors, s.TxCarrierErrors,
		s.TxFifoErrors, s.TxHeartbeatErrors, s.TxWindowErrors,
		s.RxCompressed, s.TxCompressed, s.RxNohandler, s.RxOtherhostDropped,
	}
}

// statShards is the number of per-"CPU" counters: Go gives no CPU id, so a
// writer picks a shard at random, which spreads writers as per-CPU data does.
var statShards = func() int {
	n := 1
	for n < 4*runtime.GOMAXPROCS(0) {
		n <<= 1
	}
	return n
}()

// pcpuLstats mirrors struct pcpu_lstats, padded to a cache line so that
// concurrent writers on different shards do not share one.
type pcpuLstats struct {
	packets atomic.Uint64
	bytes   atomic.Uint64
	_       [48]byte
}

// pcpuDstats mirrors struct pcpu_dstats; struct pcpu_sw_netstats (tstats)
// is its first four counters.
type pcpuDstats struct {
	rxPackets, rxBytes, txPackets, txBytes, rxDrops, txDrops atomic.Uint64
	_                                                        [16]byte
}

// pcpuStats is the union of dev->lstats, dev->tstats and dev->dstats.
type pcpuStats struct {
	lstats []pcpuLstats
	dstats []pcpuDstats // tstats or dstats
}

// alloc is netdev_do_alloc_pcpu_stats.
func (p *pcpuStats) alloc(k *Kernel, typ uint8) error {
	switch typ {
	case NETDEV_PCPU_STAT_NONE:
		return nil
	case NETDEV_PCPU_STAT_LSTATS, NETDEV_PCPU_STAT_TSTATS, NETDEV_PCPU_STAT_DSTATS:
	default:
		return unix.EINVAL
	}
	if err := k.fail(FailPcpuStats); err != nil {
		return unix.ENOMEM
	}
	if typ == NETDEV_PCPU_STAT_LSTATS {
		p.lstats = make([]pcpuLstats, statShards)
	} else {
		p.dstats = make([]pcpuDstats, statShards)
	}
	return nil
}

// free is netdev_do_free_pcpu_stats.
func (p *pcpuStats) free() { *p = pcpuStats{} }

func shard(n int) int { return int(rand.Uint32() & uint32(n-1)) }

// DevLstatsAdd is dev_lstats_add: one packet of length bytes on this CPU's
// counters.
func DevLstatsAdd(dev *NetDevice, length uint32) {
	if len(dev.pcpu.lstats) == 0 {
		return
	}
	s := &dev.pcpu.lstats[shard(len(dev.pcpu.lstats))]
	s.bytes.Add(uint64(length))
	s.packets.Add(1)
}

// DevLstatsRead is dev_lstats_read (drivers/net/loopback.c): the sum over
// all CPUs.
func DevLstatsRead(dev *NetDevice) (packets, bytes uint64) {
	for i := range dev.pcpu.lstats {
		packets += dev.pcpu.lstats[i].packets.Load()
		bytes += dev.pcpu.lstats[i].bytes.Load()
	}
	return packets, bytes
}

// dstat returns this CPU's tstats/dstats, or nil without them.
func (dev *NetDevice) dstat() *pcpuDstats {
	if len(dev.pcpu.dstats) == 0 {
		return nil
	}
	return &dev.pcpu.dstats[shard(len(dev.pcpu.dstats))]
}

// DevSwNetstatsRxAdd is dev_sw_netstats_rx_add (tstats) and
// dev_dstats_rx_add: one received packet of length bytes.
func DevSwNetstatsRxAdd(dev *NetDevice, length uint32) {
	if s := dev.dstat(); s != nil {
		s.rxBytes.Add(uint64(length))
		s.rxPackets.Add(1)
	}
}

// DevSwNetstatsTxAdd is dev_sw_netstats_tx_add (tstats) and
// dev_dstats_tx_add: packets transmitted, length bytes in all.
func DevSwNetstatsTxAdd(dev *NetDevice, packets, length uint32) {
	if s := dev.dstat(); s != nil {
		s.txBytes.Add(uint64(length))
		s.txPackets.Add(uint64(packets))
	}
}

// DevDstatsRxDropped and DevDstatsTxDropped are dev_dstats_rx_dropped /
// dev_dstats_tx_dropped.
func DevDstatsRxDropped(dev *NetDevice) {
	if s := dev.dstat(); s != nil {
		s.rxDrops.Add(1)
	}
}

func DevDstatsTxDropped(dev *NetDevice) {
	if s := dev.dstat(); s != nil {
		s.txDrops.Add(1)
	}
}

// DevFetchSwNetstats is dev_fetch_sw_netstats: the tstats, summed, added
// to st.
func DevFetchSwNetstats(st *RtnlLinkStats64, dev *NetDevice) {
	for i := range dev.pcpu.dstats {
		s := &dev.pcpu.dstats[i]
		st.RxPackets += s.rxPackets.Load()
		st.RxBytes += s.rxBytes.Load()
		st.TxPackets += s.txPackets.Load()
		st.TxBytes += s.txBytes.Load()
	}
}

// devFetchDstats is dev_fetch_dstats.
func devFetchDstats(st *RtnlLinkStats64, dev *NetDevice) {
	DevFetchSwNetstats(st, dev)
	for i := range dev.pcpu.dstats {
		s := &dev.pcpu.dstats[i]
		st.RxDropped += s.rxDrops.Load()
		st.TxDropped += s.txDrops.Load()
	}
}

// coreStats is struct net_device_core_stats: drops the core counts itself.
type coreStats struct {
	rxDropped, txDropped, rxNohandler, rxOtherhostDropped atomic.Uint64
}

// DevCoreStatsRxDroppedInc, DevCoreStatsTxDroppedInc,
// DevCoreStatsRxNohandlerInc and DevCoreStatsRxOtherhostDroppedInc are
// dev_core_stats_*_inc.
func DevCoreStatsRxDroppedInc(dev *NetDevice)          { dev.core.rxDropped.Add(1) }
func DevCoreStatsTxDroppedInc(dev *NetDevice)          { dev.core.txDropped.Add(1) }
func DevCoreStatsRxNohandlerInc(dev *NetDevice)        { dev.core.rxNohandler.Add(1) }
func DevCoreStatsRxOtherhostDroppedInc(dev *NetDevice) { dev.core.rxOtherhostDropped.Add(1) }

// devStats is struct net_device_stats (dev->stats), kept atomic here so
// that drivers may update it from any goroutine.
type devStats [25]atomic.Uint64

// Indexes of the counters, in struct rtnl_link_stats64 order.
const (
	StatRxPackets = iota
	StatTxPackets
	StatRxBytes
	StatTxBytes
	StatRxErrors
	StatTxErrors
	StatRxDropped
	StatTxDropped
	StatMulticast
	StatCollisions
	StatRxLengthErrors
	StatRxOverErrors
	StatRxCrcErrors
	StatRxFrameErrors
	StatRxFifoErrors
	StatRxMissedErrors
	StatTxAbortedErrors
	StatTxCarrierErrors
	StatTxFifoErrors
	StatTxHeartbeatErrors
	StatTxWindowErrors
	StatRxCompressed
	StatTxCompressed
	StatRxNohandler
	statsCount
)

// DevStatsAdd adds n to counter i of dev->stats.
func DevStatsAdd(dev *NetDevice, i int, n uint64) {
	if i >= 0 && i < len(dev.stats) {
		dev.stats[i].Add(n)
	}
}

// DevStatsRead returns dev->stats as struct rtnl_link_stats64
// (netdev_stats_to_stats64).
func DevStatsRead(dev *NetDevice) RtnlLinkStats64 {
	var v [25]uint64
	for i := range dev.stats {
		v[i] = dev.stats[i].Load()
	}
	return RtnlLinkStats64{
		RxPackets: v[0], TxPackets: v[1], RxBytes: v[2], TxBytes: v[3], RxErrors: v[4], TxErrors: v[5],
		RxDropped: v[6], TxDropped: v[7], Multicast: v[8], Collisions: v[9],
		RxLengthErrors: v[10], RxOverErrors: v[11], RxCrcErrors: v[12], RxFrameErrors: v[13],
		RxFifoErrors: v[14], RxMissedErrors: v[15], TxAbortedErrors: v[16], TxCarrierErrors: v[17],
		TxFifoErrors: v[18], TxHeartbeatErrors: v[19], TxWindowErrors: v[20],
		RxCompressed: v[21], TxCompressed: v[22], RxNohandler: v[23], RxOtherhostDropped: v[24],
	}
}

// DevGetStats is dev_get_stats: ndo_get_stats64 over a zeroed storage when
// the driver has it, else the tstats or dstats, else dev->stats; then the
// core's drop counters.
func DevGetStats(dev *NetDevice) RtnlLinkStats64 {
	var st RtnlLinkStats64
	devGetStats(dev, &st)
	return st
}

// devGetStats is dev_get_stats into caller-provided storage.
func devGetStats(dev *NetDevice, st *RtnlLinkStats64) {
	switch {
	case dev.Ops != nil && dev.Ops.GetStats64 != nil:
		*st = RtnlLinkStats64{}
		dev.Ops.GetStats64(dev, st)
	case dev.PcpuStatType == NETDEV_PCPU_STAT_TSTATS:
		*st = DevStatsRead(dev) // dev_get_tstats64: netdev_stats_to_stats64, then the tstats
		DevFetchSwNetstats(st, dev)
	case dev.PcpuStatType == NETDEV_PCPU_STAT_DSTATS:
		*st = DevStatsRead(dev)
		devFetchDstats(st, dev)
	default:
		*st = DevStatsRead(dev)
	}
	st.RxDropped += dev.core.rxDropped.Load()
	st.TxDropped += dev.core.txDropped.Load()
	st.RxNohandler += dev.core.rxNohandler.Load()
	st.RxOtherhostDropped += dev.core.rxOtherhostDropped.Load()
}
