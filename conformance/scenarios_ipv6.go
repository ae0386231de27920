package conformance

import (
	"golang.org/x/sys/unix"
)

// The IPv6 address scenarios. Dummy devices have IFF_NOARP, so their
// addresses skip DAD (addrconf_dad_begin completes it from the work queue
// at once); the veth scenario shows DAD's tentative phase. The NS, RS and
// MLD packets IPv6 sends are not modelled, so no scenario here reads a
// device's counters after IPv6 came up on it.

func ipv6AddrScenarios() []*Scenario {
	strictS := Open{Sock: "S", Proto: route, Opts: []int{extAck, strict}}
	const d0 = 2 // the first device created in a fresh namespace
	return []*Scenario{
		sc("addr6-dump-fresh", "RTM_GETADDR AF_INET6 dump of a fresh namespace: ::1/128 on lo (permanent, scope host, proto kernel_lo)",
			openS(), send("S", dumpAddr6(1, 0)), drain("S")),
		sc("addr6-dump-strict", "strict AF_INET6 address dumps: by ifindex (NLM_F_DUMP_FILTERED), an unknown ifindex, bad header values, an attribute other than IFA_TARGET_NETNSID, a short header",
			strictS, send("S", dumpAddr6(1, 1)), drain("S"),
			send("S", dumpAddr6(2, 77)), drain("S"),
			send("S", addrMsg(unix.RTM_GETADDR, fReq|fDump, 3, ifaddr(64, 0, 0, 0))), drain("S"),
			send("S", addrMsg(unix.RTM_GETADDR, fReq|fDump, 4, ifaddr(0, 0, 0, 0), A(unix.IFA_LOCAL, in6("::1")))), drain("S"),
			send("S", addrMsg(unix.RTM_GETADDR, fReq|fDump, 5, []byte{unix.AF_INET6, 0, 0, 0})), drain("S")),
		sc("addr6-dummy-eui64", "a dummy with a fixed address coming up in addrgenmode eui64: fe80::ff:fe00:1/64 (permanent, scope link, proto kernel_ll) notified once DAD (skipped: NOARP) completes; down removes it with RTM_DELADDR",
			openS(), send("S", dummy(1, "d0", 1)), drain("S"), openLG("L", "", addr6Groups),
			send("S", up(2, "d0")), drain("S", "L"), send("S", dumpAddr6(3, 0)), drain("S"),
			send("S", down(4, "d0")), drain("S", "L"), send("S", dumpAddr6(5, 0)), drain("S")),
		sc("addr6-dummy-random", "addrgenmode random: a stable-privacy link-local address with a random interface identifier; up again draws it anew",
			openS(), send("S", dummy(1, "d0", 1)), send("S", addrGenMode(2, "d0", 3)), drain("S"), openLG("L", "", addr6Groups),
			send("S", up(3, "d0")), drain("S", "L"), send("S", dumpAddr6(4, 0)), drain("S"),
			send("S", down(5, "d0")), send("S", up(6, "d0")), drain("S", "L")),
		sc("addr6-dummy-none", "addrgenmode none: no link-local address; stable-privacy is refused (no stable_secret)",
			openS(), send("S", dummy(1, "d0", 1)), send("S", addrGenNone(2, "d0")), drain("S"), openLG("L", "", addr6Groups),
			send("S", up(3, "d0")), send("S", addrGenMode(4, "d0", 2)), drain("S", "L"), send("S", dumpAddr6(5, 0)), drain("S")),
		sc("addr6-add-del", "RTM_NEWADDR with and without nodad on a dummy (tentative, then DAD completes at once), the same again (EEXIST), RTM_DELADDR, again (EADDRNOTAVAIL), notifications and dumps",
			openS(), send("S", dummy(1, "d0", 1)), ethUp("S", 2, "d0"), drain("S"), openLG("L", "", addr6Groups),
			send("S", newAddr6(4, d0, "2001:db8::1", 64, 0)), drain("S", "L"),
			send("S", newAddr6(5, d0, "2001:db8:1::2", 48, unix.IFA_F_NODAD)), drain("S", "L"),
			send("S", newAddr6(6, d0, "fe80::5", 64, unix.IFA_F_NODAD)), drain("S", "L"),
			send("S", dumpAddr6(7, 0)), drain("S"),
			send("S", newAddr6(8, d0, "2001:db8::1", 64, 0)), drain("S", "L"),
			send("S", delAddr6(9, d0, "2001:db8::1", 64)), drain("S", "L"),
			send("S", delAddr6(10, d0, "2001:db8::1", 64)), send("S", delAddr6(11, d0, "2001:db8:1::2", 64)), drain("S", "L"),
			send("S", dumpAddr6(12, d0)), drain("S"),
			send("S", down(13, "d0")), drain("S", "L")),
		sc("addr6-replace-lifetimes", "NLM_F_REPLACE of an address (inet6_addr_modify): finite lifetimes drop IFA_F_PERMANENT, preferred 0 is deprecated; IFA_RT_PRIORITY and IFA_PROTO; a peer address (IFA_LOCAL and a different IFA_ADDRESS)",
			openS(), send("S", dummy(1, "d0", 1)), ethUp("S", 2, "d0"), drain("S"), openLG("L", "", addr6Groups),
			send("S", newAddr6(4, d0, "2001:db8::1", 64, unix.IFA_F_NODAD, lifetimes(600, 1200), A(unix.IFA_RT_PRIORITY, U32(77)), A(ifaProto, U8(9)))), drain("S", "L"),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fReplace, 5, ifaddr(64, 0, 0, d0), A(unix.IFA_LOCAL, in6("2001:db8::1")), lifetimes(0, 300))), drain("S", "L"),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fReplace, 6, ifaddr(64, 0, 0, d0), A(unix.IFA_LOCAL, in6("2001:db8::1")))), drain("S", "L"),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate|fExcl, 7, ifaddr(128, unix.IFA_F_NODAD, 0, d0), A(unix.IFA_LOCAL, in6("2001:db8::7")), A(unix.IFA_ADDRESS, in6("2001:db8::8")))), drain("S", "L"),
			send("S", dumpAddr6(8, 0)), drain("S")),
		sc("addr6-errors", "RTM_NEWADDR/DELADDR errors in the kernel's check order: no address, a short IFA_LOCAL, a bad lifetime, an unknown device, prefix length 129, ::, multicast without mcautojoin, ::1 off lo, mngtmpaddr with /48; nothing changes",
			openS(), send("S", dummy(1, "d0", 1)), ethUp("S", 2, "d0"), drain("S"), openLG("L", "", addr6Groups),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate, 4, ifaddr(64, 0, 0, d0))),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate, 5, ifaddr(64, 0, 0, d0), A(unix.IFA_LOCAL, in6("2001:db8::1")[:8]))),
			send("S", newAddr6(6, d0, "2001:db8::1", 64, 0, lifetimes(10, 0))),
			send("S", newAddr6(7, d0, "2001:db8::1", 64, 0, lifetimes(20, 10))),
			send("S", newAddr6(8, 77, "2001:db8::1", 64, 0)),
			send("S", newAddr6(9, d0, "2001:db8::1", 129, 0)),
			send("S", newAddr6(10, d0, "::", 64, 0)),
			send("S", newAddr6(11, d0, "ff02::9", 64, 0)),
			send("S", newAddr6(12, d0, "::1", 128, 0)),
			send("S", newAddr6(13, d0, "2001:db8::1", 48, unix.IFA_F_MANAGETEMPADDR)),
			send("S", delAddr6(14, 77, "2001:db8::1", 64)),
			send("S", delAddr6(15, d0, "2001:db8::1", 129)),
			send("S", addrMsg(unix.RTM_DELADDR, fReq|fAck, 16, ifaddr(64, 0, 0, d0))),
			drain("S", "L"), send("S", dumpAddr6(17, 0)), drain("S")),
		sc("addr6-getaddr", "the RTM_GETADDR doit (inet6_rtm_getaddr): ::1 by IFA_ADDRESS, with and without an ifindex, an address that is not there, none at all",
			openS(),
			send("S", addrMsg(unix.RTM_GETADDR, fReq, 1, ifaddr(0, 0, 0, 0), A(unix.IFA_ADDRESS, in6("::1")))),
			send("S", addrMsg(unix.RTM_GETADDR, fReq, 2, ifaddr(0, 0, 0, 1), A(unix.IFA_LOCAL, in6("::1")))),
			send("S", addrMsg(unix.RTM_GETADDR, fReq, 3, ifaddr(0, 0, 0, 0), A(unix.IFA_ADDRESS, in6("2001:db8::1")))),
			send("S", addrMsg(unix.RTM_GETADDR, fReq, 4, ifaddr(0, 0, 0, 0))),
			drain("S")),
		sc("addr6-lo-down-up", "lo down drops ::1 (RTM_DELADDR), lo up brings it back (RTM_NEWADDR, init_loopback)",
			openS(), openLG("L", "", addr6Groups),
			send("S", down(1, "lo")), drain("S", "L"), send("S", dumpAddr6(2, 0)), drain("S"),
			send("S", up(3, "lo")), drain("S", "L"), send("S", dumpAddr6(4, 0)), drain("S")),
		sc("addr6-veth-dad", "DAD on a veth whose peer is up: the address is tentative (notified at once), and after a random delay below 1 s and one probe of 1 s it becomes valid (a second RTM_NEWADDR)",
			openS(), send("S", veth(1, "v0", "v1", 1)), ethUp("S", 2, "v0"), ethUp("S", 4, "v1"), drain("S"),
			Sleep{Ms: 200}, send("S", get(6, "v0")), drain("S"), openLG("L", "", addr6Groups),
			send("S", newAddr6(7, d0, "2001:db8::1", 64, 0)), drain("S", "L"),
			send("S", dumpAddr6(8, d0)), drain("S"),
			Sleep{Ms: 2500}, drain("L"), send("S", dumpAddr6(9, d0)), drain("S")),
	}
}

func ipv6RouteScenarios() []*Scenario {
	const d0 = 2
	return []*Scenario{
		sc("route6-dump-fresh", "RTM_GETROUTE AF_INET6 dump of a fresh namespace: the routes of ::1 on lo",
			openS(), send("S", dumpRoute6(1)), drain("S")),
		sc("route6-dump-addrs", "the routes addrconf derives: a dummy up in addrgenmode eui64 (fe80::/64, ff00::/8, the local /128 of its link-local address), a nodad global address (its prefix route and local route), one with noprefixroute, a peer address, one with a priority and lifetimes (RTA_CACHEINFO's rta_expires; not dumped, since a dump a jiffy later shows one tick less); down removes them all (main table first, each table in walk order)",
			openS(), send("S", dummy(1, "d0", 1)), drain("S"), openLG("L", "", route6Groups),
			send("S", up(2, "d0")), drain("S", "L"),
			send("S", newAddr6(3, d0, "2001:db8::1", 64, unix.IFA_F_NODAD)), drain("S", "L"),
			send("S", newAddr6(4, d0, "2001:db8:5::1", 64, unix.IFA_F_NODAD|unix.IFA_F_NOPREFIXROUTE)), drain("S", "L"),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate|fExcl, 5, ifaddr(128, unix.IFA_F_NODAD, 0, d0), A(unix.IFA_LOCAL, in6("2001:db8::7")), A(unix.IFA_ADDRESS, in6("2001:db8:9::8")))), drain("S", "L"),
			send("S", dumpRoute6(6)), drain("S"),
			send("S", newAddr6(7, d0, "2001:db8:6::1", 56, unix.IFA_F_NODAD, A(unix.IFA_RT_PRIORITY, U32(99)), lifetimes(100, 200))), drain("S", "L"),
			send("S", delAddr6(8, d0, "2001:db8::1", 64)), drain("S", "L"),
			send("S", down(9, "d0")), drain("S", "L"), send("S", dumpRoute6(10)), drain("S")),
	}
}
