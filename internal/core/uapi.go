package core

// Constants from the kernel's uapi headers that golang.org/x/sys/unix does not
// carry, or that the model uses so often that a short local name reads better.
// Values are those of include/uapi/linux/{netlink,rtnetlink,if_link,if,if_arp}.h.

// Netlink message header and attribute sizes (include/uapi/linux/netlink.h).
const (
	NLMSG_ALIGNTO = 4
	NLMSG_HDRLEN  = 16
	NLA_HDRLEN    = 4
	NLA_ALIGNTO   = 4

	NLA_F_NESTED        = 1 << 15
	NLA_F_NET_BYTEORDER = 1 << 14
	NLA_TYPE_MASK       = ^uint16(NLA_F_NESTED | NLA_F_NET_BYTEORDER)
)

// Netlink message types below NLMSG_MIN_TYPE are control messages.
const (
	NLMSG_NOOP     = 0x1
	NLMSG_ERROR    = 0x2
	NLMSG_DONE     = 0x3
	NLMSG_OVERRUN  = 0x4
	NLMSG_MIN_TYPE = 0x10
)

// nlmsghdr flags.
const (
	NLM_F_REQUEST       = 0x1
	NLM_F_MULTI         = 0x2
	NLM_F_ACK           = 0x4
	NLM_F_ECHO          = 0x8
	NLM_F_DUMP_INTR     = 0x10
	NLM_F_DUMP_FILTERED = 0x20
	NLM_F_ROOT          = 0x100
	NLM_F_MATCH         = 0x200
	NLM_F_ATOMIC        = 0x400
	NLM_F_DUMP          = NLM_F_ROOT | NLM_F_MATCH
	NLM_F_REPLACE       = 0x100
	NLM_F_EXCL          = 0x200
	NLM_F_CREATE        = 0x400
	NLM_F_APPEND        = 0x800
	NLM_F_NONREC        = 0x100
	NLM_F_BULK          = 0x200
	NLM_F_CAPPED        = 0x100
	NLM_F_ACK_TLVS      = 0x200
)

// Extended ack TLVs (enum nlmsgerr_attrs).
const (
	NLMSGERR_ATTR_MSG       = 1
	NLMSGERR_ATTR_OFFS      = 2
	NLMSGERR_ATTR_COOKIE    = 3
	NLMSGERR_ATTR_POLICY    = 4
	NLMSGERR_ATTR_MISS_TYPE = 5
	NLMSGERR_ATTR_MISS_NEST = 6
)

// Netlink protocols (include/uapi/linux/netlink.h).
const (
	NETLINK_ROUTE          = 0
	NETLINK_USERSOCK       = 2
	NETLINK_FIREWALL       = 3
	NETLINK_SOCK_DIAG      = 4
	NETLINK_NFLOG          = 5
	NETLINK_XFRM           = 6
	NETLINK_SELINUX        = 7
	NETLINK_ISCSI          = 8
	NETLINK_AUDIT          = 9
	NETLINK_FIB_LOOKUP     = 10
	NETLINK_CONNECTOR      = 11
	NETLINK_NETFILTER      = 12
	NETLINK_IP6_FW         = 13
	NETLINK_DNRTMSG        = 14
	NETLINK_KOBJECT_UEVENT = 15
	NETLINK_GENERIC        = 16
	NETLINK_SCSITRANSPORT  = 18
	NETLINK_ECRYPTFS       = 19
	NETLINK_RDMA           = 20
	NETLINK_CRYPTO         = 21
	NETLINK_SMC            = 22
	MAX_LINKS              = 32
)

// Netlink socket options (SOL_NETLINK).
const (
	NETLINK_ADD_MEMBERSHIP   = 1
	NETLINK_DROP_MEMBERSHIP  = 2
	NETLINK_PKTINFO          = 3
	NETLINK_BROADCAST_ERROR  = 4
	NETLINK_NO_ENOBUFS       = 5
	NETLINK_RX_RING          = 6
	NETLINK_TX_RING          = 7
	NETLINK_LISTEN_ALL_NSID  = 8
	NETLINK_LIST_MEMBERSHIPS = 9
	NETLINK_CAP_ACK          = 10
	NETLINK_EXT_ACK          = 11
	NETLINK_GET_STRICT_CHK   = 12
)

// rtnetlink message types used by the model (include/uapi/linux/rtnetlink.h).
const (
	RTM_BASE    = 16
	RTM_NEWLINK = 16
	RTM_DELLINK = 17
	RTM_GETLINK = 18
	RTM_SETLINK = 19

	RTM_NEWADDR     = 20
	RTM_DELADDR     = 21
	RTM_GETADDR     = 22
	RTM_NEWROUTE    = 24
	RTM_DELROUTE    = 25
	RTM_GETROUTE    = 26
	RTM_NEWNEIGH    = 28
	RTM_DELNEIGH    = 29
	RTM_GETNEIGH    = 30
	RTM_NEWRULE     = 32
	RTM_DELRULE     = 33
	RTM_GETRULE     = 34
	RTM_NEWNEIGHTBL = 64
	RTM_GETNEIGHTBL = 66
	RTM_SETNEIGHTBL = 67
	// RTM_MAX is ((__RTM_MAX + 3) & ~3) - 1 with __RTM_MAX one past
	// RTM_GETTUNNEL (122): the highest type rtnetlink_rcv_msg accepts.
	RTM_MAX = 123
)

// rtnetlink multicast groups.
const (
	RTNLGRP_NONE = 0
	RTNLGRP_LINK = 1

	RTNLGRP_NEIGH       = 3
	RTNLGRP_IPV4_IFADDR = 5
	RTNLGRP_IPV4_ROUTE  = 7
	RTNLGRP_IPV4_RULE   = 8
	RTNLGRP_IPV6_IFADDR = 9
	RTNLGRP_IPV6_ROUTE  = 11
	RTNLGRP_IPV6_PREFIX = 18
	RTNLGRP_IPV6_RULE   = 19

	RTNLGRP_MAX = 40
)

// IFLA_* link attributes (include/uapi/linux/if_link.h), complete through
// the kernels the model follows.
const (
	IFLA_UNSPEC = iota
	IFLA_ADDRESS
	IFLA_BROADCAST
	IFLA_IFNAME
	IFLA_MTU
	IFLA_LINK
	IFLA_QDISC
	IFLA_STATS
	IFLA_COST
	IFLA_PRIORITY
	IFLA_MASTER
	IFLA_WIRELESS
	IFLA_PROTINFO
	IFLA_TXQLEN
	IFLA_MAP
	IFLA_WEIGHT
	IFLA_OPERSTATE
	IFLA_LINKMODE
	IFLA_LINKINFO
	IFLA_NET_NS_PID
	IFLA_IFALIAS
	IFLA_NUM_VF
	IFLA_VFINFO_LIST
	IFLA_STATS64
	IFLA_VF_PORTS
	IFLA_PORT_SELF
	IFLA_AF_SPEC
	IFLA_GROUP
	IFLA_NET_NS_FD
	IFLA_EXT_MASK
	IFLA_PROMISCUITY
	IFLA_NUM_TX_QUEUES
	IFLA_NUM_RX_QUEUES
	IFLA_CARRIER
	IFLA_PHYS_PORT_ID
	IFLA_CARRIER_CHANGES
	IFLA_PHYS_SWITCH_ID
	IFLA_LINK_NETNSID
	IFLA_PHYS_PORT_NAME
	IFLA_PROTO_DOWN
	IFLA_GSO_MAX_SEGS
	IFLA_GSO_MAX_SIZE
	IFLA_PAD
	IFLA_XDP
	IFLA_EVENT
	IFLA_NEW_NETNSID
	IFLA_TARGET_NETNSID
	IFLA_CARRIER_UP_COUNT
	IFLA_CARRIER_DOWN_COUNT
	IFLA_NEW_IFINDEX
	IFLA_MIN_MTU
	IFLA_MAX_MTU
	IFLA_PROP_LIST
	IFLA_ALT_IFNAME
	IFLA_PERM_ADDRESS
	IFLA_PROTO_DOWN_REASON
	IFLA_PARENT_DEV_NAME
	IFLA_PARENT_DEV_BUS_NAME
	IFLA_GRO_MAX_SIZE
	IFLA_TSO_MAX_SIZE
	IFLA_TSO_MAX_SEGS
	IFLA_ALLMULTI
	IFLA_DEVLINK_PORT
	IFLA_GSO_IPV4_MAX_SIZE
	IFLA_GRO_IPV4_MAX_SIZE
	IFLA_DPLL_PIN
	IFLA_MAX_PACING_OFFLOAD_HORIZON
	IFLA_NETNS_IMMUTABLE
	IFLA_HEADROOM
	IFLA_TAILROOM
	__IFLA_MAX
	IFLA_MAX = __IFLA_MAX - 1
)

// IFLA_INFO_* attributes nested in IFLA_LINKINFO.
const (
	IFLA_INFO_UNSPEC = iota
	IFLA_INFO_KIND
	IFLA_INFO_DATA
	IFLA_INFO_XSTATS
	IFLA_INFO_SLAVE_KIND
	IFLA_INFO_SLAVE_DATA
	__IFLA_INFO_MAX
	IFLA_INFO_MAX = __IFLA_INFO_MAX - 1
)

// IFLA_XDP_* attributes.
const (
	IFLA_XDP_FD       = 1
	IFLA_XDP_ATTACHED = 2
)

// IFLA_EXT_MASK filter bits (RTEXT_FILTER_*).
const (
	RTEXT_FILTER_VF                = 1 << 0
	RTEXT_FILTER_BRVLAN            = 1 << 1
	RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2
	RTEXT_FILTER_SKIP_STATS        = 1 << 3
	RTEXT_FILTER_NAME_ONLY         = 1 << 8
)

// Interface flags (include/uapi/linux/if.h).
const (
	IFF_UP          = 0x1
	IFF_BROADCAST   = 0x2
	IFF_DEBUG       = 0x4
	IFF_LOOPBACK    = 0x8
	IFF_POINTOPOINT = 0x10
	IFF_NOTRAILERS  = 0x20
	IFF_RUNNING     = 0x40
	IFF_NOARP       = 0x80
	IFF_PROMISC     = 0x100
	IFF_ALLMULTI    = 0x200
	IFF_MASTER      = 0x400
	IFF_SLAVE       = 0x800
	IFF_MULTICAST   = 0x1000
	IFF_PORTSEL     = 0x2000
	IFF_AUTOMEDIA   = 0x4000
	IFF_DYNAMIC     = 0x8000
	IFF_LOWER_UP    = 0x10000
	IFF_DORMANT     = 0x20000
	IFF_ECHO        = 0x40000
)

// Operational states (RFC 2863, IF_OPER_*) and link modes.
const (
	IF_OPER_UNKNOWN        = 0
	IF_OPER_NOTPRESENT     = 1
	IF_OPER_DOWN           = 2
	IF_OPER_LOWERLAYERDOWN = 3
	IF_OPER_TESTING        = 4
	IF_OPER_DORMANT        = 5
	IF_OPER_UP             = 6

	IF_LINK_MODE_DEFAULT = 0
)

// Hardware types (include/uapi/linux/if_arp.h).
const (
	ARPHRD_ETHER    = 1
	ARPHRD_LOOPBACK = 772
	ARPHRD_NETLINK  = 824
	ARPHRD_NONE     = 0xfffe
)

// AF_PACKET packet types (include/uapi/linux/if_packet.h).
const (
	PACKET_HOST      = 0
	PACKET_BROADCAST = 1
	PACKET_MULTICAST = 2
	PACKET_OTHERHOST = 3
	PACKET_OUTGOING  = 4
	PACKET_USER      = 6
	PACKET_KERNEL    = 7
	ETH_P_ALL        = 0x0003
	AF_UNSPEC        = 0
	AF_NETLINK       = 16
	AF_PACKET        = 17
	IFNAMSIZ         = 16
	MAX_ADDR_LEN     = 32
	MODULE_NAME_LEN  = 56
	ALTIFNAMSIZ      = 128
	IFALIASZ         = 256
	DEFAULT_TX_QUEUE = 1000
)

// Sizes of the fixed headers in rtnetlink payloads.
const (
	sizeofIfinfomsg = 16
	sizeofRtgenmsg  = 1
	sizeofNlmsgerr  = 20
	sizeofIfaddrmsg = 8  // struct ifaddrmsg
	sizeofRtmsg     = 12 // struct rtmsg
	sizeofNdmsg     = 12 // struct ndmsg
	sizeofNdtmsg    = 4  // struct ndtmsg
	sizeofFibRule   = 12 // struct fib_rule_hdr
)

// Address and route attributes golang.org/x/sys/unix does not carry (the
// rest of IFA_*, RTA_*, RTN_*, RT_SCOPE_*, RTPROT_* come from there), and
// the maxima of the kernels the model follows.
const (
	IFA_PROTO = 11
	IFA_MAX   = 11

	RTA_NH_ID     = 30
	RTA_FLOWLABEL = 31
	RTA_MAX       = 31
)
