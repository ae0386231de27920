package decode

import (
	"fmt"

	"golang.org/x/sys/unix"
)

var families = map[uint16]string{
	unix.NETLINK_ROUTE:          "route",
	unix.NETLINK_USERSOCK:       "usersock",
	unix.NETLINK_SOCK_DIAG:      "sock_diag",
	unix.NETLINK_NFLOG:          "nflog",
	unix.NETLINK_XFRM:           "xfrm",
	unix.NETLINK_SELINUX:        "selinux",
	unix.NETLINK_AUDIT:          "audit",
	unix.NETLINK_FIB_LOOKUP:     "fib_lookup",
	unix.NETLINK_CONNECTOR:      "connector",
	unix.NETLINK_NETFILTER:      "netfilter",
	unix.NETLINK_KOBJECT_UEVENT: "uevent",
	unix.NETLINK_GENERIC:        "generic",
	unix.NETLINK_RDMA:           "rdma",
	unix.NETLINK_CRYPTO:         "crypto",
}

// FamilyName names a netlink protocol as Wireshark's "Family" does, or
// gives its number.
func FamilyName(protocol uint16) string {
	if n, ok := families[protocol]; ok {
		return n
	}
	return fmt.Sprintf("proto%d", protocol)
}

var controlTypes = map[uint16]string{
	unix.NLMSG_NOOP:    "NLMSG_NOOP",
	unix.NLMSG_ERROR:   "NLMSG_ERROR",
	unix.NLMSG_DONE:    "NLMSG_DONE",
	unix.NLMSG_OVERRUN: "NLMSG_OVERRUN",
}

var routeTypes = map[uint16]string{
	unix.RTM_NEWLINK: "RTM_NEWLINK", unix.RTM_DELLINK: "RTM_DELLINK",
	unix.RTM_GETLINK: "RTM_GETLINK", unix.RTM_SETLINK: "RTM_SETLINK",
	unix.RTM_NEWADDR: "RTM_NEWADDR", unix.RTM_DELADDR: "RTM_DELADDR", unix.RTM_GETADDR: "RTM_GETADDR",
	unix.RTM_NEWROUTE: "RTM_NEWROUTE", unix.RTM_DELROUTE: "RTM_DELROUTE", unix.RTM_GETROUTE: "RTM_GETROUTE",
	unix.RTM_NEWNEIGH: "RTM_NEWNEIGH", unix.RTM_DELNEIGH: "RTM_DELNEIGH", unix.RTM_GETNEIGH: "RTM_GETNEIGH",
	unix.RTM_NEWRULE: "RTM_NEWRULE", unix.RTM_DELRULE: "RTM_DELRULE", unix.RTM_GETRULE: "RTM_GETRULE",
	unix.RTM_NEWQDISC: "RTM_NEWQDISC", unix.RTM_DELQDISC: "RTM_DELQDISC", unix.RTM_GETQDISC: "RTM_GETQDISC",
	unix.RTM_NEWTCLASS: "RTM_NEWTCLASS", unix.RTM_DELTCLASS: "RTM_DELTCLASS", unix.RTM_GETTCLASS: "RTM_GETTCLASS",
	unix.RTM_NEWTFILTER: "RTM_NEWTFILTER", unix.RTM_DELTFILTER: "RTM_DELTFILTER", unix.RTM_GETTFILTER: "RTM_GETTFILTER",
	unix.RTM_NEWNETCONF: "RTM_NEWNETCONF", unix.RTM_GETNETCONF: "RTM_GETNETCONF",
	unix.RTM_NEWNSID: "RTM_NEWNSID", unix.RTM_DELNSID: "RTM_DELNSID", unix.RTM_GETNSID: "RTM_GETNSID",
	unix.RTM_NEWSTATS: "RTM_NEWSTATS", unix.RTM_GETSTATS: "RTM_GETSTATS",
	unix.RTM_NEWNEXTHOP: "RTM_NEWNEXTHOP", unix.RTM_DELNEXTHOP: "RTM_DELNEXTHOP", unix.RTM_GETNEXTHOP: "RTM_GETNEXTHOP",
	unix.RTM_NEWLINKPROP: "RTM_NEWLINKPROP", unix.RTM_DELLINKPROP: "RTM_DELLINKPROP",
}

// TypeName names a message type: the control types of every family, the
// RTM_* types of NETLINK_ROUTE, GENL_ID_CTRL's "nlctrl" on
// NETLINK_GENERIC; other types are given in hex.
func TypeName(protocol, typ uint16) string {
	if n, ok := controlTypes[typ]; ok {
		return n
	}
	switch protocol {
	case unix.NETLINK_ROUTE:
		if n, ok := routeTypes[typ]; ok {
			return n
		}
	case unix.NETLINK_GENERIC:
		if typ == unix.GENL_ID_CTRL {
			return "nlctrl"
		}
	}
	return fmt.Sprintf("0x%x", typ)
}

type flagName struct {
	bit  uint16
	name string
}

var (
	commonFlags = []flagName{
		{unix.NLM_F_REQUEST, "REQUEST"}, {unix.NLM_F_MULTI, "MULTI"}, {unix.NLM_F_ACK, "ACK"},
		{unix.NLM_F_ECHO, "ECHO"}, {unix.NLM_F_DUMP_INTR, "DUMP_INTR"}, {unix.NLM_F_DUMP_FILTERED, "DUMP_FILTERED"},
	}
	getFlags = []flagName{{unix.NLM_F_ROOT, "ROOT"}, {unix.NLM_F_MATCH, "MATCH"}, {unix.NLM_F_ATOMIC, "ATOMIC"}}
	newFlags = []flagName{{unix.NLM_F_REPLACE, "REPLACE"}, {unix.NLM_F_EXCL, "EXCL"}, {unix.NLM_F_CREATE, "CREATE"}, {unix.NLM_F_APPEND, "APPEND"}}
	delFlags = []flagName{{unix.NLM_F_NONREC, "NONREC"}, {unix.NLM_F_BULK, "BULK"}}
	ackFlags = []flagName{{unix.NLM_F_CAPPED, "CAPPED"}, {unix.NLM_F_ACK_TLVS, "ACK_TLVS"}}
)

// FlagNames names the bits of nlmsg_flags. The bits above 0xff mean
// different things by message: CAPPED and ACK_TLVS on NLMSG_ERROR and
// NLMSG_DONE; ROOT, MATCH and ATOMIC (DUMP for ROOT|MATCH) on get
// requests; REPLACE, EXCL, CREATE and APPEND on new requests; NONREC and
// BULK on delete requests. Bits without a meaning are given in hex.
func FlagNames(protocol, typ, flags uint16) []string {
	var out []string
	take := func(names []flagName) {
		for _, f := range names {
			if flags&f.bit != 0 {
				out = append(out, f.name)
				flags &^= f.bit
			}
		}
	}
	take(commonFlags)
	var class []flagName
	switch {
	case typ == unix.NLMSG_ERROR || typ == unix.NLMSG_DONE:
		class = ackFlags
	case out != nil && out[0] == "REQUEST" && typ >= unix.NLMSG_MIN_TYPE:
		switch protocol {
		case unix.NETLINK_ROUTE:
			switch (typ - unix.RTM_BASE) & 3 {
			case 0:
				class = newFlags
			case 1:
				class = delFlags
			case 2:
				class = getFlags
			}
		default:
			if flags&unix.NLM_F_DUMP == unix.NLM_F_DUMP {
				class = getFlags
			}
		}
	}
	if len(class) > 0 && class[0].name == "ROOT" && flags&unix.NLM_F_DUMP == unix.NLM_F_DUMP {
		out = append(out, "DUMP")
		flags &^= unix.NLM_F_DUMP
	}
	take(class)
	if flags != 0 {
		out = append(out, fmt.Sprintf("0x%x", flags))
	}
	return out
}

var ifFlags = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_UP, "UP"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_DEBUG, "DEBUG"},
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"},
	{unix.IFF_RUNNING, "RUNNING"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_PROMISC, "PROMISC"},
	{unix.IFF_ALLMULTI, "ALLMULTI"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"},
	{unix.IFF_ECHO, "ECHO"},
}

// IfFlagNames names the IFF_* bits of ifi_flags, in bit order; unknown
// bits are given in hex.
func IfFlagNames(flags uint32) []string {
	var out []string
	for _, f := range ifFlags {
		if flags&f.bit != 0 {
			out = append(out, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		out = append(out, fmt.Sprintf("0x%x", flags))
	}
	return out
}
