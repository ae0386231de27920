package conformance

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Building blocks of the driver, namespace and uevent scenarios. They only
// construct data.

const (
	// nsidGroups is the bind-time bitmask of RTNLGRP_NSID (28).
	nsidGroups = 1 << (unix.RTNLGRP_NSID - 1)
	// ueventGroup is the kernel's uevent multicast group (1).
	ueventGroup = 1
	// ethPExp is ETH_P_802_EX1 (0x88b5), the local experimental
	// ethertype: no protocol handler in the kernel takes it.
	ethPExp = 0x88b5
	// addrGenModeNone is IN6_ADDR_GEN_MODE_NONE.
	addrGenModeNone = 1
)

// macN is the unicast, locally administered address 02:00:00:00:00:n.
func macN(n byte) []byte { return []byte{2, 0, 0, 0, 0, n} }

var (
	macBcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	macMcast = []byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01} // IPv4 all-hosts
)

// hwaddr is IFLA_ADDRESS.
func hwaddr(mac []byte) []byte { return A(unix.IFLA_ADDRESS, mac) }

// openLG opens a listener in ns bound to groups.
func openLG(name, ns string, groups uint32) Open {
	return Open{Sock: name, NS: ns, Proto: route, Groups: groups}
}

// openSIn opens a requester like S in namespace ns.
func openSIn(name, ns string) Open {
	return Open{Sock: name, NS: ns, Proto: route, Opts: []int{extAck}}
}

// openU opens a uevent listener in ns: NETLINK_KOBJECT_UEVENT bound to
// group 1, as udev's and systemd's kernel monitors are.
func openU(name, ns string) Open {
	return Open{Sock: name, NS: ns, Proto: unix.NETLINK_KOBJECT_UEVENT, Groups: ueventGroup}
}

// newLink is `ip link add NAME type KIND ...` with an ack.
func newLink(seq uint32, name, kind string, extra ...[]byte) Msg {
	var a [][]byte
	if name != "" {
		a = append(a, ifname(name))
	}
	a = append(a, linkKind(kind))
	a = append(a, extra...)
	return msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, seq, Ifinfo{}, a...)
}

// dummy creates a dummy device with address 02:00:00:00:00:n.
func dummy(seq uint32, name string, n byte, extra ...[]byte) Msg {
	return newLink(seq, name, "dummy", append([][]byte{hwaddr(macN(n))}, extra...)...)
}

// afSpecInet6 is IFLA_AF_SPEC { AF_INET6 { attrs } }.
func afSpecInet6(attrs ...[]byte) []byte {
	return A(unix.IFLA_AF_SPEC, A(unix.AF_INET6, attrs...))
}

// addrGenNone is `ip link set DEV addrgenmode none`: RTM_NEWLINK with
// IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE 1 } }
// (inet6_set_link_af). An Ethernet device in that mode makes no
// link-local address when it comes up, so IPv6 sends nothing on it (no
// DAD, router solicitation or MLD report): its counters and captures stay
// deterministic.
func addrGenNone(seq uint32, dev string) Msg {
	return set(seq, dev, 0, 0, afSpecInet6(A(unix.IFLA_INET6_ADDR_GEN_MODE, U8(addrGenModeNone))))
}

// ethUp sets addrgenmode none on dev and brings it up (seq and seq+1).
func ethUp(sock string, seq uint32, dev string) []Step {
	return []Step{send(sock, addrGenNone(seq, dev)), send(sock, up(seq+1, dev))}
}

// carrier is IFLA_CARRIER (dev_change_carrier: dummy's ndo_change_carrier).
func carrier(seq uint32, dev string, on bool) Msg {
	v := uint8(0)
	if on {
		v = 1
	}
	return set(seq, dev, 0, 0, A(unix.IFLA_CARRIER, U8(v)))
}

// ifinfoBytes is a struct ifinfomsg as raw bytes (for VETH_INFO_PEER).
func ifinfoBytes(l Ifinfo) []byte {
	b := make([]byte, 16)
	b[0] = l.Family
	binary.NativeEndian.PutUint16(b[2:], l.Type)
	binary.NativeEndian.PutUint32(b[4:], uint32(l.Index))
	binary.NativeEndian.PutUint32(b[8:], l.Flags)
	binary.NativeEndian.PutUint32(b[12:], l.Change)
	return b
}

// vethInfo is IFLA_LINKINFO of kind veth with VETH_INFO_PEER holding the
// peer's ifinfomsg and attributes, as `ip link add ... type veth peer
// ...` sends it.
func vethInfo(peer Ifinfo, attrs ...[]byte) []byte {
	return A(unix.IFLA_LINKINFO, A(unix.IFLA_INFO_KIND, Str("veth")),
		A(unix.IFLA_INFO_DATA, A(vethInfoPeer, ifinfoBytes(peer), Cat(attrs...))))
}

// veth creates the pair name (address n) and peer (address n+1) with an
// ack; extra are further attributes of the peer.
func veth(seq uint32, name, peer string, n byte, peerExtra ...[]byte) Msg {
	pa := append([][]byte{ifname(peer), hwaddr(macN(n + 1))}, peerExtra...)
	return msg(unix.RTM_NEWLINK, fReq|fAck|fCreate|fExcl, seq, Ifinfo{},
		ifname(name), hwaddr(macN(n)), vethInfo(Ifinfo{}, pa...))
}

// eth builds an Ethernet frame: destination, source, ethertype, payload.
func eth(dst, src []byte, typ uint16, payload []byte) []byte {
	f := append(append([]byte(nil), dst...), src...)
	f = binary.BigEndian.AppendUint16(f, typ)
	return append(f, payload...)
}

// payload is n bytes counting up from 1.
func payload(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i + 1)
	}
	return p
}

// frameLen is an experimental-ethertype frame from src to dst of total
// length n (header included).
func frameLen(dst, src []byte, n int) []byte { return eth(dst, src, ethPExp, payload(n-14)) }

// ipv4Frame is a minimal IPv4 packet (a 20-byte header with a valid
// checksum, protocol 253 "experimental", 192.0.2.1 to 192.0.2.2, no
// payload) in an Ethernet frame.
func ipv4Frame(dst, src []byte) []byte {
	h := []byte{0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2}
	var sum uint32
	for i := 0; i < len(h); i += 2 {
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(h[10:], ^uint16(sum))
	return eth(dst, src, unix.ETH_P_IP, h)
}

// nsidMsg is an RTM_*NSID message: struct rtgenmsg (padded to 4 bytes),
// then NETNSA_* attributes.
func nsidMsg(typ, flags uint16, seq uint32, attrs ...[]byte) Msg {
	return Msg{Type: typ, Flags: flags, Seq: seq, Body: Cat(append([][]byte{make([]byte, 4)}, attrs...)...)}
}

// newNSID is `ip netns set NAME ID` for namespace ns: RTM_NEWNSID with
// NETNSA_NSID and NETNSA_FD.
func newNSID(seq uint32, ns string, id int32) Msg {
	return nsidMsg(unix.RTM_NEWNSID, fReq|fAck, seq, A(netnsaNSID, U32(uint32(id))), A(netnsaFD, NetnsFD(ns)))
}

// getNSIDByFD is RTM_GETNSID of namespace ns by file descriptor.
func getNSIDByFD(seq uint32, ns string, extra ...[]byte) Msg {
	return nsidMsg(unix.RTM_GETNSID, fReq, seq, append([][]byte{A(netnsaFD, NetnsFD(ns))}, extra...)...)
}

// dumpNSID is `ip netns list-id`: RTM_GETNSID with NLM_F_DUMP.
func dumpNSID(seq uint32, attrs ...[]byte) Msg {
	return nsidMsg(unix.RTM_GETNSID, fReq|fDump, seq, attrs...)
}

// moveFD is `ip link set DEV netns NS`: RTM_NEWLINK with IFLA_NET_NS_FD.
func moveFD(seq uint32, dev, ns string, extra ...[]byte) Msg {
	return set(seq, dev, 0, 0, append([][]byte{A(unix.IFLA_NET_NS_FD, NetnsFD(ns))}, extra...)...)
}

// movePID is `ip link set DEV netns PID`: RTM_NEWLINK with
// IFLA_NET_NS_PID.
func movePID(seq uint32, dev, ns string, extra ...[]byte) Msg {
	return set(seq, dev, 0, 0, append([][]byte{A(unix.IFLA_NET_NS_PID, NetnsPID(ns))}, extra...)...)
}
