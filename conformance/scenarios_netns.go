package conformance

import (
	"golang.org/x/sys/unix"
)

// Namespace scenarios: veth pairs across namespaces, moving links
// (do_setlink -> __dev_change_net_namespace), netns ids (net_namespace.c
// rtnl_net_newid/getid/dumpid). Namespace "b" is named in requests by the
// sentinels of NetnsFD and NetnsPID; listeners in both namespaces join
// RTNLGRP_LINK and RTNLGRP_NSID.

const linkNSIDGroups = linkGroups | nsidGroups

// twoNS creates namespace b and opens S and L in a, SB and LB in b (L and
// LB bound to RTNLGRP_LINK and RTNLGRP_NSID).
func twoNS() []Step {
	return []Step{NewNS{NS: "b"}, openS(), openLG("L", "a", linkNSIDGroups),
		openSIn("SB", "b"), openLG("LB", "b", linkNSIDGroups)}
}

// vethAcross creates v0 in a with its peer v1 in b, named by ref
// (IFLA_NET_NS_FD or IFLA_NET_NS_PID inside VETH_INFO_PEER).
func vethAcross(seq uint32, ref []byte) Msg { return veth(seq, "v0", "v1", 1, ref) }

func netnsFDAttr(ns string) []byte  { return A(unix.IFLA_NET_NS_FD, NetnsFD(ns)) }
func netnsPIDAttr(ns string) []byte { return A(unix.IFLA_NET_NS_PID, NetnsPID(ns)) }

func vethNetnsScenarios() []*Scenario {
	return []*Scenario{
		sc("veth-peer-netns-fd", "a veth whose peer goes to namespace b (IFLA_NET_NS_FD in VETH_INFO_PEER): notifications in both namespaces, nsids allocated as the replies name the other namespace (IFLA_LINK_NETNSID), GETLINK of each end, the nsid dumps; deleting the pair from a",
			twoNS(), send("S", vethAcross(1, netnsFDAttr("b"))), drain("S", "L", "LB"),
			send("S", get(2, "v0")), drain("S", "L", "LB"),
			send("SB", get(3, "v1")), drain("SB", "L", "LB"),
			send("S", dumpNSID(4)), send("SB", dumpNSID(5)), drain("S", "SB"),
			send("S", del(6, "v0")), drain("S", "L", "LB"),
			send("S", dump(7, linkKind("veth"))), send("SB", dump(8, linkKind("veth"))), drain("S", "SB")),
		sc("veth-peer-netns-pid", "the peer named by IFLA_NET_NS_PID (a task in b); then deleting the pair from b's side: RTM_DELLINK in each namespace",
			twoNS(), send("S", vethAcross(1, netnsPIDAttr("b"))), drain("S", "L", "LB"),
			send("SB", get(2, "v1")), send("S", get(3, "v0")), drain("S", "SB", "L", "LB"),
			send("SB", del(4, "v1")), drain("SB", "L", "LB"),
			send("S", dump(5, linkKind("veth"))), send("SB", dump(6, linkKind("veth"))), drain("S", "SB")),
		sc("veth-netns-xmit", "a pair across a and b brought up end by end (v0 alone: no carrier; its operstate looks up the peer's index in its own namespace), then frames both ways: captures in both namespaces, the counters of both ends",
			twoNS(), send("S", vethAcross(1, netnsFDAttr("b"))), send("S", addrGenNone(2, "v0")), send("SB", addrGenNone(3, "v1")),
			send("S", get(10, "v0")), send("SB", get(11, "v1")), drain("S", "SB", "L", "LB"),
			send("S", up(4, "v0")), send("S", get(12, "v0")), drain("S", "L", "LB"),
			send("SB", up(5, "v1")), Sleep{Ms: 100},
			send("SB", get(6, "v1")), send("S", get(7, "v0")), drain("S", "SB", "L", "LB"),
			Capture{Cap: "C", Dev: "v0"}, Capture{Cap: "P", NS: "b", Dev: "v1"},
			SendFrame{Cap: "C", Frame: frameLen(macN(2), macN(1), 60)},
			SendFrame{Cap: "C", Frame: frameLen(macBcast, macN(1), 70)},
			SendFrame{Cap: "P", Frame: frameLen(macN(1), macN(2), 80)},
			DrainCapture{Cap: "C"}, DrainCapture{Cap: "P"},
			Stats{Sock: "S", Dev: "v0", Seq: 8}, Stats{Sock: "SB", Dev: "v1", Seq: 9}),
		sc("veth-peer-netns-bad", "namespace references that fail: both IFLA_NET_NS_FD and IFLA_NET_NS_PID at the top level (EINVAL), IFLA_TARGET_NETNSID with IFLA_NET_NS_FD, an unknown IFLA_TARGET_NETNSID; in the peer both fd and pid (the pid wins)",
			twoNS(),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 1, Ifinfo{}, ifname("d0"), linkKind("dummy"), netnsFDAttr("b"), netnsPIDAttr("b"))),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 2, Ifinfo{}, ifname("d0"), linkKind("dummy"), netnsFDAttr("b"), A(unix.IFLA_TARGET_NETNSID, U32(0)))),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 3, Ifinfo{}, ifname("d0"), linkKind("dummy"), A(unix.IFLA_TARGET_NETNSID, U32(77)))),
			drain("S", "L", "LB"),
			send("S", veth(4, "v0", "v1", 1, A(unix.IFLA_NET_NS_FD, U32(BadNetnsFD)), netnsPIDAttr("b"))),
			drain("S", "L", "LB"),
			send("SB", get(5, "v1")), drain("SB", "L", "LB"),
			send("S", dump(6)), send("SB", dump(7)), drain("S", "SB")),
		sc("link-create-in-netns", "creation with IFLA_NET_NS_FD at the top level: a dummy made directly in b (the ack in a, the notification in b); a veth made in b whose peer names no namespace, and one whose peer names a",
			twoNS(),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 1, Ifinfo{}, ifname("d0"), linkKind("dummy"), hwaddr(macN(9)), netnsFDAttr("b"))),
			drain("S", "L", "LB"),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 2, Ifinfo{}, ifname("v0"), hwaddr(macN(1)), netnsFDAttr("b"),
				vethInfo(Ifinfo{}, ifname("v1"), hwaddr(macN(2))))),
			drain("S", "L", "LB"),
			send("S", msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, 3, Ifinfo{}, ifname("v2"), hwaddr(macN(3)), netnsFDAttr("b"),
				vethInfo(Ifinfo{}, ifname("v3"), hwaddr(macN(4)), netnsFDAttr("a")))),
			drain("S", "L", "LB"),
			send("S", dump(4)), send("SB", dump(5)), drain("S", "SB")),
	}
}

func moveScenarios() []*Scenario {
	d0 := func() []Step { return []Step{send("S", dummy(100, "d0", 1)), drain("S", "L")} }
	return []*Scenario{
		sc("move-dummy-fd", "moving a down dummy from a to b with IFLA_NET_NS_FD: RTM_NEWNSID and RTM_DELLINK (IFLA_NEW_NETNSID, IFLA_NEW_IFINDEX) in a, RTM_NEWLINK in b; GETLINK on both sides",
			twoNS(), d0(),
			send("S", moveFD(1, "d0", "b")), drain("S", "L", "LB"),
			send("S", msg(unix.RTM_GETLINK, fReq, 2, Ifinfo{}, ifname("d0"))), send("SB", get(3, "d0")),
			drain("S", "SB", "L", "LB")),
		sc("move-dummy-pid-and-back", "moving a dummy to b with IFLA_NET_NS_PID, then back to a from b with IFLA_NET_NS_FD",
			twoNS(), d0(),
			send("S", movePID(1, "d0", "b")), drain("S", "L", "LB"),
			send("SB", moveFD(2, "d0", "a")), drain("SB", "L", "LB"),
			send("S", get(3, "d0")), send("SB", msg(unix.RTM_GETLINK, fReq, 4, Ifinfo{}, ifname("d0"))),
			drain("S", "SB", "L", "LB"),
			send("S", dumpNSID(5)), send("SB", dumpNSID(6)), drain("S", "SB")),
		sc("move-dummy-up", "moving an up dummy: it goes down first (RTM_NEWLINK in a), arrives down in b with a new IPv6 state (addrgenmode back to eui64)",
			twoNS(), d0(), ethUp("S", 1, "d0"), drain("S", "L"),
			send("S", moveFD(3, "d0", "b")), drain("S", "L", "LB"),
			send("SB", get(4, "d0")), drain("SB", "LB")),
		sc("move-rename", "IFLA_IFNAME with the move: without a clash the device moves and is then renamed in b; with a clash and no name EEXIST; with a clash and a template the template names it; with a clash and a clashing name EEXIST",
			twoNS(), d0(), send("S", dummy(101, "d1", 2)), send("S", dummy(102, "d2", 3)), send("S", dummy(103, "d3", 4)),
			send("SB", dummy(104, "d1", 5)), send("SB", dummy(105, "d2", 6)), send("SB", dummy(106, "d3", 7)),
			drain("S", "SB", "L", "LB"),
			send("S", moveFD(1, "d0", "b", ifname("e0"))), drain("S", "L", "LB"),
			send("S", moveFD(2, "d1", "b")), drain("S", "L", "LB"),
			send("S", moveFD(3, "d2", "b", ifname("e%d"))), drain("S", "L", "LB"),
			send("S", moveFD(4, "d3", "b", ifname("d3"))), drain("S", "L", "LB"),
			send("S", dump(5)), send("SB", dump(6)), drain("S", "SB")),
		sc("move-ifindex", "ifindexes on a move: a clash in b gives the next free index, IFLA_NEW_IFINDEX asks for one, a taken IFLA_NEW_IFINDEX fails",
			twoNS(), d0(), send("S", dummy(101, "d1", 2)), send("S", dummy(102, "d2", 3)), drain("S", "L"),
			send("SB", dummy(103, "x0", 5)), drain("SB", "LB"),
			send("S", moveFD(1, "d0", "b")), drain("S", "L", "LB"),
			send("S", moveFD(2, "d1", "b", A(unix.IFLA_NEW_IFINDEX, U32(40)))), drain("S", "L", "LB"),
			send("S", moveFD(3, "d2", "b", A(unix.IFLA_NEW_IFINDEX, U32(40)))), drain("S", "L", "LB"),
			send("S", dump(4)), send("SB", dump(5)), drain("S", "SB")),
		sc("move-lo", "lo cannot move (netns_immutable): EINVAL \"The interface netns is immutable\"",
			twoNS(), send("S", moveFD(1, "lo", "b")), drain("S", "L", "LB")),
		sc("move-bad-refs", "moves that fail: a bad fd (EBADF), an unknown pid (ESRCH), fd and pid together, an unknown IFLA_TARGET_NETNSID; a move into the own namespace does nothing",
			twoNS(), d0(),
			send("S", set(1, "d0", 0, 0, A(unix.IFLA_NET_NS_FD, U32(BadNetnsFD)))),
			send("S", set(2, "d0", 0, 0, A(unix.IFLA_NET_NS_PID, U32(NoSuchPID)))),
			send("S", set(3, "d0", 0, 0, netnsFDAttr("b"), netnsPIDAttr("b"))),
			send("S", set(4, "d0", 0, 0, A(unix.IFLA_TARGET_NETNSID, U32(77)))),
			send("S", moveFD(5, "d0", "a")),
			send("S", msg(unix.RTM_SETLINK, fReq|fAck, 6, Ifinfo{Dev: "d0"}, A(unix.IFLA_NET_NS_FD, U32(BadNetnsFD)))),
			drain("S", "L", "LB"),
			send("S", get(7, "d0")), drain("S")),
		sc("move-veth-end", "moving one end of a veth pair to b: its peer in a then reports IFLA_LINK_NETNSID; moving it back",
			twoNS(), send("S", veth(100, "v0", "v1", 1)), drain("S", "L"),
			send("S", moveFD(1, "v1", "b")), drain("S", "L", "LB"),
			send("S", get(2, "v0")), send("SB", get(3, "v1")), drain("S", "SB", "L", "LB"),
			send("SB", moveFD(4, "v1", "a")), drain("SB", "L", "LB"),
			send("S", get(5, "v0")), send("S", get(6, "v1")), drain("S", "L", "LB")),
		sc("move-target-netnsid", "with nsid 5 assigned to b, IFLA_TARGET_NETNSID 5 moves a device too",
			twoNS(), d0(), send("S", newNSID(1, "b", 5)), drain("S", "L", "LB"),
			send("S", set(2, "d0", 0, 0, A(unix.IFLA_TARGET_NETNSID, U32(5)))), drain("S", "L", "LB"),
			send("SB", get(3, "d0")), drain("SB")),
	}
}

func nsidScenarios() []*Scenario {
	return []*Scenario{
		sc("nsid-unassigned", "RTM_GETNSID of a namespace without an id, by fd and by pid (NETNSA_NSID -1), of the own namespace, by an unknown NETNSA_NSID (ENOENT); the empty dump",
			twoNS(),
			send("S", getNSIDByFD(1, "b")),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 2, A(netnsaPID, NetnsPID("b")))),
			send("S", getNSIDByFD(3, "a")),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 4, A(netnsaNSID, U32(7)))),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq|fAck, 5, A(netnsaPID, NetnsPID("b")))),
			send("S", dumpNSID(6)), drain("S", "L", "LB")),
		sc("nsid-newid", "RTM_NEWNSID: id 5 for b (ack, RTM_NEWNSID to RTNLGRP_NSID), the same again (EEXIST), id 5 for c (EEXIST), -1 for c (the lowest free id), ids are not symmetric, the dump",
			twoNS(), NewNS{NS: "c"},
			send("S", newNSID(1, "b", 5)), drain("S", "L", "LB"),
			send("S", newNSID(2, "b", 5)), send("S", newNSID(3, "b", 6)), send("S", newNSID(4, "c", 5)), drain("S", "L", "LB"),
			send("S", newNSID(5, "c", -1)), drain("S", "L", "LB"),
			send("S", getNSIDByFD(6, "b")), send("S", getNSIDByFD(7, "c")), send("SB", getNSIDByFD(8, "a")),
			send("S", dumpNSID(9)), drain("S", "SB")),
		sc("nsid-bad-requests", "bad RTM_NEWNSID and RTM_GETNSID: no nsid, no peer reference, a bad fd, an unknown pid, both fd and pid (the pid is used), a 2-byte NETNSA_NSID",
			twoNS(),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 1, A(netnsaFD, NetnsFD("b")))),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 2, A(netnsaNSID, U32(3)))),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 3, A(netnsaNSID, U32(3)), A(netnsaFD, U32(BadNetnsFD)))),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 4, A(netnsaNSID, U32(3)), A(netnsaPID, U32(NoSuchPID)))),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 5, A(netnsaNSID, U16(3)), A(netnsaFD, NetnsFD("b")))),
			send("S", nsidMsg(unix.RTM_NEWNSID, fReq|fAck, 6, A(netnsaNSID, U32(3)), A(netnsaFD, U32(BadNetnsFD)), A(netnsaPID, NetnsPID("b")))),
			drain("S", "L", "LB"),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 7)),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 8, A(netnsaFD, U32(BadNetnsFD)))),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 9, A(netnsaPID, U32(NoSuchPID)))),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 10, A(netnsaFD, NetnsFD("b")), A(netnsaTargetNSID, U32(9)))),
			send("S", nsidMsg(unix.RTM_GETNSID, fReq, 11, A(netnsaCurrentNSID, U32(1)), A(netnsaFD, NetnsFD("b")))),
			drain("S")),
		sc("nsid-target", "NETNSA_TARGET_NSID: the id of c as b knows it (NETNSA_NSID) and as a knows it (NETNSA_CURRENT_NSID); a dump of b's ids from a on a strict socket",
			twoNS(), NewNS{NS: "c"},
			send("S", newNSID(1, "b", 5)), send("S", newNSID(2, "c", 6)), send("SB", newNSID(3, "c", 9)), drain("S", "SB", "L", "LB"),
			send("S", getNSIDByFD(4, "c", A(netnsaTargetNSID, U32(5)))),
			send("S", getNSIDByFD(5, "a", A(netnsaTargetNSID, U32(5)))),
			send("S", getNSIDByFD(6, "c", A(netnsaTargetNSID, U32(6)))),
			drain("S"),
			Open{Sock: "T", Proto: route, Opts: []int{extAck, strict}},
			send("T", dumpNSID(7, A(netnsaTargetNSID, U32(5)))), drain("T"),
			send("T", dumpNSID(8, A(netnsaTargetNSID, U32(8)))), drain("T"),
			send("T", dumpNSID(9, A(netnsaNSID, U32(5)))), drain("T"),
			send("T", getNSIDByFD(10, "c", A(netnsaCurrentNSID, U32(1)))), drain("T")),
	}
}
