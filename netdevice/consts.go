package netdevice

import "github.com/knetlab/knet/internal/core"

// Features is netdev_features_t: a set of NETIF_F_* feature bits
// (include/linux/netdev_features.h).
type Features uint64

// Feature bits, 1 << NETIF_F_*_BIT.
const (
	FeatureSG               Features = core.NETIF_F_SG                  // scatter/gather I/O
	FeatureIPCsum           Features = core.NETIF_F_IP_CSUM             // checksums TCP/UDP over IPv4
	FeatureHWCsum           Features = core.NETIF_F_HW_CSUM             // checksums any packet
	FeatureIPv6Csum         Features = core.NETIF_F_IPV6_CSUM           // checksums TCP/UDP over IPv6
	FeatureHighDMA          Features = core.NETIF_F_HIGHDMA             // can DMA to high memory
	FeatureFraglist         Features = core.NETIF_F_FRAGLIST            // scatter/gather of fragment lists
	FeatureHWVlanCtagTx     Features = core.NETIF_F_HW_VLAN_CTAG_TX     // inserts 802.1Q tags
	FeatureHWVlanCtagRx     Features = core.NETIF_F_HW_VLAN_CTAG_RX     // strips 802.1Q tags
	FeatureHWVlanCtagFilter Features = core.NETIF_F_HW_VLAN_CTAG_FILTER // filters 802.1Q ids
	FeatureVlanChallenged   Features = core.NETIF_F_VLAN_CHALLENGED     // cannot carry VLAN frames
	FeatureGSO              Features = core.NETIF_F_GSO                 // software GSO
	FeatureGRO              Features = core.NETIF_F_GRO                 // generic receive offload
	FeatureLRO              Features = core.NETIF_F_LRO                 // large receive offload
	FeatureTSO              Features = core.NETIF_F_TSO                 // TCPv4 segmentation
	FeatureTSOECN           Features = core.NETIF_F_TSO_ECN             // TCP ECN with TSO
	FeatureTSOMangleID      Features = core.NETIF_F_TSO_MANGLEID        // IPv4 ID mangling allowed
	FeatureTSO6             Features = core.NETIF_F_TSO6                // TCPv6 segmentation
	FeatureGSOPartial       Features = core.NETIF_F_GSO_PARTIAL         // segments the inner-most L4 only
	FeatureRxCsum           Features = core.NETIF_F_RXCSUM              // receive checksumming
	FeatureSCTPCrc          Features = core.NETIF_F_SCTP_CRC            // SCTP checksum offload
	FeatureNoCacheCopy      Features = core.NETIF_F_NOCACHE_COPY        // no-cache copy from user
	FeatureLoopback         Features = core.NETIF_F_LOOPBACK            // loopback
	FeatureHWVlanStagTx     Features = core.NETIF_F_HW_VLAN_STAG_TX     // inserts 802.1ad tags
	FeatureHWVlanStagRx     Features = core.NETIF_F_HW_VLAN_STAG_RX     // strips 802.1ad tags
	FeatureHWVlanStagFilter Features = core.NETIF_F_HW_VLAN_STAG_FILTER // filters 802.1ad ids
	FeatureGROFraglist      Features = core.NETIF_F_GRO_FRAGLIST        // fraglist GRO
	FeatureGROUDPFwd        Features = core.NETIF_F_GRO_UDP_FWD         // UDP GRO for forwarding
	FeatureGSOSoftware      Features = core.NETIF_F_GSO_SOFTWARE        // every segmentation with a software fallback
	FeatureGSOEncapAll      Features = core.NETIF_F_GSO_ENCAP_ALL       // every tunnel segmentation
	FeatureAllTSO           Features = core.NETIF_F_ALL_TSO             // every TCP segmentation
	FeatureSoftFeatures     Features = core.NETIF_F_SOFT_FEATURES       // GSO and GRO, which register_netdevice turns on
	FeatureSoftFeaturesOff  Features = core.NETIF_F_SOFT_FEATURES_OFF   // changeable, off by default
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
	PrivFlagXmitDstRelease     uint64 = core.IFF_XMIT_DST_RELEASE      // set by alloc_netdev_mqs
	PrivFlagDisableNetpoll     uint64 = core.IFF_DISABLE_NETPOLL       // no netpoll
	PrivFlagTxSkbSharing       uint64 = core.IFF_TX_SKB_SHARING        // transmit may share skbs (set by ether_setup)
	PrivFlagLiveAddrChange     uint64 = core.IFF_LIVE_ADDR_CHANGE      // the address may change while up
	PrivFlagXmitDstReleasePerm uint64 = core.IFF_XMIT_DST_RELEASE_PERM // set by alloc_netdev_mqs
	PrivFlagNoQueue            uint64 = core.IFF_NO_QUEUE              // runs without a qdisc (noqueue)
	PrivFlagPhonyHeadroom      uint64 = core.IFF_PHONY_HEADROOM        // the headroom is set from outside
	PrivFlagNoAddrconf         uint64 = core.IFF_NO_ADDRCONF           // no IPv6 autoconfiguration
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
	// StatTstats is NETDEV_PCPU_STAT_TSTATS: struct pcpu_sw_netstats,
	// which dev_get_stats reports when the driver has no GetStats64.
	StatTstats StatType = core.NETDEV_PCPU_STAT_TSTATS
	// StatDstats is NETDEV_PCPU_STAT_DSTATS: struct pcpu_dstats, tstats
	// with drop counters.
	StatDstats StatType = core.NETDEV_PCPU_STAT_DSTATS
)

// NameAssign is dev->name_assign_type (NET_NAME_*).
type NameAssign uint8

// Name assignment types.
const (
	NameUnknown     NameAssign = core.NET_NAME_UNKNOWN     // NET_NAME_UNKNOWN
	NameEnum        NameAssign = core.NET_NAME_ENUM        // a %d template the kernel enumerates
	NamePredictable NameAssign = core.NET_NAME_PREDICTABLE // predictable from the device
	NameUser        NameAssign = core.NET_NAME_USER        // given by user space
)

// AddrAssign is dev->addr_assign_type (NET_ADDR_*).
type AddrAssign uint8

// Hardware address assignment types.
const (
	AddrPerm   AddrAssign = core.NET_ADDR_PERM   // the device's own (permanent) address
	AddrRandom AddrAssign = core.NET_ADDR_RANDOM // generated randomly (eth_hw_addr_random)
	AddrStolen AddrAssign = core.NET_ADDR_STOLEN // taken from another device
	AddrSet    AddrAssign = core.NET_ADDR_SET    // set from user space (IFLA_ADDRESS)
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

// MaxAddrLen is MAX_ADDR_LEN: the longest hardware address.
const MaxAddrLen = core.MAX_ADDR_LEN

// GSOMaxSize is GSO_MAX_SIZE, the largest TSO a device can announce.
const GSOMaxSize uint32 = core.GSO_MAX_SIZE

// NumPossibleCPUs is num_possible_cpus() of the modelled machine (the
// kernel oracle's one-CPU guest): drivers that size their queues by it
// get 1.
const NumPossibleCPUs uint32 = core.NumPossibleCPUs

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
