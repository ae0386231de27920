package core

// ifla_policy and ifla_info_policy (net/core/rtnetlink.c) as the modelled
// kernel has them.

// maxTCPHeader is MAX_TCP_HEADER of the modelled kernel (Debian's 7.2
// cloud config reports a minimum of 257 in the policy TLV), the floor that
// NLA_POLICY_MIN puts under IFLA_GSO_MAX_SIZE.
const maxTCPHeader = 256

var iflaPolicy = func() []nlaPolicy {
	p := make([]nlaPolicy, IFLA_MAX+1)
	p[IFLA_UNSPEC] = nlaPolicy{strictStart: IFLA_DPLL_PIN}
	p[IFLA_IFNAME] = nlaPolicy{typ: nlaString, len: IFNAMSIZ - 1}
	p[IFLA_PARENT_DEV_NAME] = nlaPolicy{typ: nlaNulString}
	p[IFLA_ADDRESS] = nlaPolicy{typ: nlaBinary, len: MAX_ADDR_LEN}
	p[IFLA_BROADCAST] = nlaPolicy{typ: nlaBinary, len: MAX_ADDR_LEN}
	p[IFLA_MAP] = nlaPolicy{len: 32}
	p[IFLA_MTU] = nlaPolicy{typ: nlaU32}
	p[IFLA_LINK] = nlaPolicy{typ: nlaU32}
	p[IFLA_MASTER] = nlaPolicy{typ: nlaU32}
	p[IFLA_CARRIER] = nlaPolicy{typ: nlaU8}
	p[IFLA_TXQLEN] = nlaPolicy{typ: nlaU32}
	p[IFLA_WEIGHT] = nlaPolicy{typ: nlaU32}
	p[IFLA_OPERSTATE] = nlaPolicy{typ: nlaU8}
	p[IFLA_LINKMODE] = nlaPolicy{typ: nlaU8}
	p[IFLA_LINKINFO] = nlaPolicy{typ: nlaNested}
	p[IFLA_NET_NS_PID] = nlaPolicy{typ: nlaU32}
	p[IFLA_NET_NS_FD] = nlaPolicy{typ: nlaU32}
	p[IFLA_IFALIAS] = nlaPolicy{typ: nlaBinary, len: IFALIASZ - 1}
	p[IFLA_VFINFO_LIST] = nlaPolicy{typ: nlaNested}
	p[IFLA_VF_PORTS] = nlaPolicy{typ: nlaNested}
	p[IFLA_PORT_SELF] = nlaPolicy{typ: nlaNested}
	p[IFLA_AF_SPEC] = nlaPolicy{typ: nlaNested}
	p[IFLA_EXT_MASK] = nlaPolicy{typ: nlaU32}
	p[IFLA_PROMISCUITY] = nlaPolicy{typ: nlaU32}
	p[IFLA_NUM_TX_QUEUES] = nlaPolicy{typ: nlaU32}
	p[IFLA_NUM_RX_QUEUES] = nlaPolicy{typ: nlaU32}
	p[IFLA_GSO_MAX_SEGS] = nlaPolicy{typ: nlaU32}
	p[IFLA_GSO_MAX_SIZE] = nlaPolicy{typ: nlaU32, hasMin: true, minValue: maxTCPHeader + 1}
	p[IFLA_PHYS_PORT_ID] = nlaPolicy{typ: nlaBinary, len: 32}
	p[IFLA_CARRIER_CHANGES] = nlaPolicy{typ: nlaU32}
	p[IFLA_PHYS_SWITCH_ID] = nlaPolicy{typ: nlaBinary, len: 32}
	p[IFLA_LINK_NETNSID] = nlaPolicy{typ: nlaS32}
	p[IFLA_PROTO_DOWN] = nlaPolicy{typ: nlaU8}
	p[IFLA_XDP] = nlaPolicy{typ: nlaNested}
	p[IFLA_EVENT] = nlaPolicy{typ: nlaU32}
	p[IFLA_GROUP] = nlaPolicy{typ: nlaU32}
	p[IFLA_TARGET_NETNSID] = nlaPolicy{typ: nlaS32}
	p[IFLA_CARRIER_UP_COUNT] = nlaPolicy{typ: nlaU32}
	p[IFLA_CARRIER_DOWN_COUNT] = nlaPolicy{typ: nlaU32}
	p[IFLA_MIN_MTU] = nlaPolicy{typ: nlaU32}
	p[IFLA_MAX_MTU] = nlaPolicy{typ: nlaU32}
	p[IFLA_PROP_LIST] = nlaPolicy{typ: nlaNested}
	p[IFLA_ALT_IFNAME] = nlaPolicy{typ: nlaString, len: ALTIFNAMSIZ - 1}
	p[IFLA_PERM_ADDRESS] = nlaPolicy{typ: nlaReject}
	p[IFLA_PROTO_DOWN_REASON] = nlaPolicy{typ: nlaNested}
	p[IFLA_NEW_IFINDEX] = nlaPolicy{typ: nlaS32, hasMin: true, minValue: 1}
	p[IFLA_GRO_MAX_SIZE] = nlaPolicy{typ: nlaU32}
	p[IFLA_TSO_MAX_SIZE] = nlaPolicy{typ: nlaReject}
	p[IFLA_TSO_MAX_SEGS] = nlaPolicy{typ: nlaReject}
	p[IFLA_ALLMULTI] = nlaPolicy{typ: nlaReject}
	p[IFLA_GSO_IPV4_MAX_SIZE] = nlaPolicy{typ: nlaU32, hasMin: true, minValue: maxTCPHeader + 1}
	p[IFLA_GRO_IPV4_MAX_SIZE] = nlaPolicy{typ: nlaU32}
	p[IFLA_NETNS_IMMUTABLE] = nlaPolicy{typ: nlaReject}
	p[IFLA_HEADROOM] = nlaPolicy{typ: nlaReject}
	p[IFLA_TAILROOM] = nlaPolicy{typ: nlaReject}
	return p
}()

var iflaInfoPolicy = []nlaPolicy{
	IFLA_INFO_KIND:       {typ: nlaString},
	IFLA_INFO_DATA:       {typ: nlaNested},
	IFLA_INFO_XSTATS:     {},
	IFLA_INFO_SLAVE_KIND: {typ: nlaString},
	IFLA_INFO_SLAVE_DATA: {typ: nlaNested},
}
