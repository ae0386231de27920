package conformance

import "golang.org/x/sys/unix"

// The IPv4 routes addresses derive (fib_add_ifaddr, fib_del_ifaddr,
// fib_netdev_event), and user routes through them: the scenarios that
// need devinet's addresses and the FIB together.

func route4AddrScenarios() []*Scenario {
	main := func(plen, typ, scope uint8) Rtmsg {
		return Rtmsg{Family: unix.AF_INET, DstLen: plen, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT, Scope: scope, Type: typ}
	}
	all := func(seq uint32) Msg { return dumpRoute4(seq, Rtmsg{Family: unix.AF_INET}) }
	getTo := func(seq uint32, a, b, c, d byte, flags uint32) Msg {
		return rtMsg(unix.RTM_GETROUTE, fReq, seq, Rtmsg{Family: unix.AF_INET, DstLen: 32, Flags: flags}, rtDst(a, b, c, d))
	}
	return []*Scenario{
		sc("route4-dump-fresh", "a fresh namespace's routes with lo up: the local table's three routes for 127.0.0.1/8, as an AF_INET dump and inside the PF_UNSPEC dump of every family",
			openS(), send("S", all(1)), drain("S"),
			send("S", rtMsg(unix.RTM_GETROUTE, fReq|fDump, 2, Rtmsg{})), drain("S")),
		sc("route4-addr-derived", "an address on an up dummy derives its local, broadcast and prefix routes (announced to an RTNLGRP_IPV4_ROUTE listener after the RTM_NEWADDR); a second address on the subnet adds only its local route; deleting them removes what no other address needs",
			openS(), upDummy(), Open{Sock: "L", Proto: route, Groups: 1<<(unix.RTNLGRP_IPV4_ROUTE-1) | addr4Groups},
			send("S", newAddr4(10, 2, "10.1.0.1", 24, A(unix.IFA_BROADCAST, in4("10.1.0.255")))), drain("S", "L"),
			send("S", newAddr4(11, 2, "10.1.0.2", 24)), drain("S", "L"),
			send("S", all(12)), drain("S"),
			send("S", delAddr4(13, 2, "10.1.0.2", 24)), drain("S", "L"),
			send("S", delAddr4(14, 2, "10.1.0.1", 24)), drain("S", "L"),
			send("S", all(15)), drain("S")),
		sc("route4-addr-metric-noprefix", "IFA_RT_PRIORITY gives the prefix route its metric, NLM_F_REPLACE moves it (fib_modify_prefix_metric); IFA_F_NOPREFIXROUTE gives no prefix route; a /32 and a /31 have no subnet broadcast",
			openS(), upDummy(), openR4("L"),
			send("S", newAddr4(10, 2, "10.1.0.1", 24, A(unix.IFA_RT_PRIORITY, U32(50)))), drain("S", "L"),
			send("S", addrMsg(unix.RTM_NEWADDR, fReq|fAck|fReplace, 11, ifaddr4(24, 0, 0, 2),
				A(unix.IFA_LOCAL, in4("10.1.0.1")), A(unix.IFA_ADDRESS, in4("10.1.0.1")), A(unix.IFA_RT_PRIORITY, U32(70)))), drain("S", "L"),
			send("S", newAddr4(12, 2, "10.2.0.1", 24, A(unix.IFA_FLAGS, U32(unix.IFA_F_NOPREFIXROUTE)))), drain("S", "L"),
			send("S", newAddr4(13, 2, "10.3.0.1", 32)), send("S", newAddr4(14, 2, "10.4.0.0", 31)), drain("S", "L"),
			send("S", all(15)), drain("S")),
		sc("route4-addr-down-up", "an addressed dummy going down loses its routes silently (the local route stays) and gets them back when it comes up; carrier loss marks them linkdown",
			openS(), upDummy(), send("S", newAddr4(10, 2, "10.1.0.1", 24)), drain("S"), openR4("L"),
			send("S", down(11, "d0")), drain("S", "L"), send("S", all(12)), drain("S"),
			send("S", up(13, "d0")), drain("S", "L"), send("S", all(14)), drain("S"),
			send("S", carrier(15, "d0", false)), drain("S"), send("S", get(16, "d0")), drain("S", "L"),
			send("S", all(17)), drain("S")),
		sc("route4-gateway", "a default route through a gateway on the dummy's subnet, an unreachable gateway (ENETUNREACH), lookups (on link, through the gateway, FIB_MATCH, local), and deletion of the address taking the gateway route's reachability away",
			openS(), upDummy(), send("S", newAddr4(10, 2, "10.1.0.1", 24)), drain("S"), openR4("L"),
			send("S", addRoute4(11, main(0, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE), rtGw(10, 1, 0, 254))),
			send("S", addRoute4(12, main(16, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE), rtDst(10, 9, 0, 0), rtGw(10, 8, 0, 1))),
			drain("S", "L"),
			send("S", getTo(13, 10, 1, 0, 9, unix.RTM_F_FIB_MATCH)), send("S", getTo(14, 192, 0, 2, 1, unix.RTM_F_FIB_MATCH)),
			send("S", getTo(15, 10, 1, 0, 1, unix.RTM_F_FIB_MATCH)), drain("S"),
			send("S", all(16)), drain("S"),
			send("S", delAddr4(17, 2, "10.1.0.1", 24)), drain("S", "L"), send("S", all(18)), drain("S"),
			send("S", getTo(19, 192, 0, 2, 1, unix.RTM_F_FIB_MATCH)), drain("S")),
	}
}
