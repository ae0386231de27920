package core

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"unsafe"

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

// counters is s's counters in their uapi order: RtnlLinkStats64 is
// rtnlLinkStats64Fields uint64s without padding, which rtnetlink_fill.go
// checks at compile time.
func (s *RtnlLinkStats64) counters() *[rtnlLinkStats64Fields]uint64 {
	return (*[rtnlLinkStats64Fields]uint64)(unsafe.Pointer(s))
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

// devFetchDstats is dev_fetch_dstats: the dstats, summed, added to st.
func devFetchDstats(st *RtnlLinkStats64, dev *NetDevice) {
	for i := range dev.pcpu.dstats {
		s := &dev.pcpu.dstats[i]
		st.RxPackets += s.rxPackets.Load()
		st.RxBytes += s.rxBytes.Load()
		st.TxPackets += s.txPackets.Load()
		st.TxBytes += s.txBytes.Load()
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
type devStats [rtnlLinkStats64Fields]atomic.Uint64

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
	var st RtnlLinkStats64
	v := st.counters()
	for i := range dev.stats {
		v[i] = dev.stats[i].Load()
	}
	return st
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
