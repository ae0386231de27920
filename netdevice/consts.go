package netdevice

import "github.com/knetlab/knet/internal/core"

// Features is netdev_features_t: a set of NETIF_F_* feature bits
// (include/linux/netdev_features.h).
type Features uint64

// Feature bits, 1 << NETIF_F_*_BIT.
const (
	// FeatureSG is NETIF_F_SG: scatter/gather I/O.
	FeatureSG Features = core.NETIF_F_SG
	// FeatureHWCsum is NETIF_F_HW_CSUM: checksums any packet in hardware.
	FeatureHWCsum Features = core.NETIF_F_HW_CSUM
	// FeatureHighDMA is NETIF_F_HIGHDMA: can DMA to high memory.
	FeatureHighDMA Features = core.NETIF_F_HIGHDMA
	// FeatureFraglist is NETIF_F_FRAGLIST: scatter/gather of fragment lists.
	FeatureFraglist Features = core.NETIF_F_FRAGLIST
)

// Device types: dev->type, the ARPHRD_* hardware types of
// include/uapi/linux/if_arp.h.
const (
	// TypeEther is ARPHRD_ETHER.
	TypeEther uint16 = core.ARPHRD_ETHER
	// TypeLoopback is ARPHRD_LOOPBACK.
	TypeLoopback uint16 = core.ARPHRD_LOOPBACK
	// TypeNetlink is ARPHRD_NETLINK (824): the type netlink_add_tap
	// requires of a tap device.
	TypeNetlink uint16 = core.ARPHRD_NETLINK
	// TypeNone is ARPHRD_NONE: no link-layer header.
	TypeNone uint16 = core.ARPHRD_NONE
)

// Private flags: dev->priv_flags, enum netdev_priv_flags of
// include/linux/netdevice.h.
const (
	// PrivFlagXmitDstRelease is IFF_XMIT_DST_RELEASE, set by
	// alloc_netdev_mqs before setup.
	PrivFlagXmitDstRelease uint64 = core.IFF_XMIT_DST_RELEASE
	// PrivFlagLiveAddrChange is IFF_LIVE_ADDR_CHANGE.
	PrivFlagLiveAddrChange uint64 = core.IFF_LIVE_ADDR_CHANGE
	// PrivFlagNoQueue is IFF_NO_QUEUE: the device runs without a qdisc
	// (noqueue).
	PrivFlagNoQueue uint64 = core.IFF_NO_QUEUE
)

// Interface flags: dev->flags, the IFF_* of include/uapi/linux/if.h.
const (
	// FlagUp is IFF_UP: administratively up. The core owns it; a driver
	// does not set it.
	FlagUp uint32 = core.IFF_UP
	// FlagBroadcast is IFF_BROADCAST.
	FlagBroadcast uint32 = core.IFF_BROADCAST
	// FlagLoopback is IFF_LOOPBACK.
	FlagLoopback uint32 = core.IFF_LOOPBACK
	// FlagPointToPoint is IFF_POINTOPOINT.
	FlagPointToPoint uint32 = core.IFF_POINTOPOINT
	// FlagRunning is IFF_RUNNING, computed by the core for user space.
	FlagRunning uint32 = core.IFF_RUNNING
	// FlagNoARP is IFF_NOARP (0x80): no address resolution.
	FlagNoARP uint32 = core.IFF_NOARP
	// FlagPromisc is IFF_PROMISC.
	FlagPromisc uint32 = core.IFF_PROMISC
	// FlagAllMulti is IFF_ALLMULTI.
	FlagAllMulti uint32 = core.IFF_ALLMULTI
	// FlagMulticast is IFF_MULTICAST.
	FlagMulticast uint32 = core.IFF_MULTICAST
	// FlagLowerUp is IFF_LOWER_UP, computed by the core for user space.
	FlagLowerUp uint32 = core.IFF_LOWER_UP
)

// StatType is dev->pcpu_stat_type, enum netdev_stat_type of
// include/linux/netdevice.h: which per-CPU counters register_netdevice
// allocates for the device.
type StatType uint8

// Per-CPU statistics types.
const (
	// StatNone is NETDEV_PCPU_STAT_NONE: the core allocates none.
	StatNone StatType = core.NETDEV_PCPU_STAT_NONE
	// StatLstats is NETDEV_PCPU_STAT_LSTATS: struct pcpu_lstats, updated
	// with dev_lstats_add (see package stats).
	StatLstats StatType = core.NETDEV_PCPU_STAT_LSTATS
	// StatTstats is NETDEV_PCPU_STAT_TSTATS.
	StatTstats StatType = core.NETDEV_PCPU_STAT_TSTATS
	// StatDstats is NETDEV_PCPU_STAT_DSTATS.
	StatDstats StatType = core.NETDEV_PCPU_STAT_DSTATS
)

// Constants behind NlmsgGoodSize, for x86_64 with 4 KiB pages, 64-byte
// cache lines and MAX_SKB_FRAGS 17.
const (
	pageSize          = 4096
	smpCacheBytes     = 64
	sizeofSharedInfo  = 320 // sizeof(struct skb_shared_info)
	nlmsgGoodSizeCeil = 8192
)

// NlmsgHdrLen is sizeof(struct nlmsghdr) (NLMSG_HDRLEN, 16): the smallest
// MTU a netlink device can have, nlmon's min_mtu. It is mtu::NLMSGHDR of
// the Rust abstractions.
const NlmsgHdrLen uint32 = core.NLMSG_HDRLEN

// NlmsgGoodSize is NLMSG_GOODSIZE (include/linux/netlink.h):
// SKB_WITH_OVERHEAD(min(PAGE_SIZE, 8192)), the size of a netlink skb that
// fits in one page with its skb_shared_info. It is 3776 on x86_64 with
// 4 KiB pages; nlmon uses it as its MTU. It is mtu::nlmsg_goodsize() of the
// Rust abstractions.
func NlmsgGoodSize() uint32 {
	size := min(pageSize, nlmsgGoodSizeCeil)
	overhead := (sizeofSharedInfo + smpCacheBytes - 1) &^ (smpCacheBytes - 1) // SKB_DATA_ALIGN
	return uint32(size - overhead)
}
