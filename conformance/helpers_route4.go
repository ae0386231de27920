package conformance

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Builders of the route4 scenarios: struct rtmsg requests and their
// attributes.

// Rtmsg is struct rtmsg.
type Rtmsg struct {
	Family, DstLen, SrcLen, Tos, Table, Protocol, Scope, Type uint8
	Flags                                                     uint32
}

func (r Rtmsg) bytes() []byte {
	b := []byte{r.Family, r.DstLen, r.SrcLen, r.Tos, r.Table, r.Protocol, r.Scope, r.Type, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(b[8:], r.Flags)
	return b
}

// rtMsg is a route request: an rtmsg and attributes.
func rtMsg(typ, flags uint16, seq uint32, r Rtmsg, attrs ...[]byte) Msg {
	return Msg{Type: typ, Flags: flags, Seq: seq, Body: Cat(append([][]byte{r.bytes()}, attrs...)...)}
}

func rtDst(a, b, c, d byte) []byte { return A(unix.RTA_DST, []byte{a, b, c, d}) }
func rtGw(a, b, c, d byte) []byte  { return A(unix.RTA_GATEWAY, []byte{a, b, c, d}) }
func rtOif(i uint32) []byte        { return A(unix.RTA_OIF, U32(i)) }
func rtTable(t uint32) []byte      { return A(unix.RTA_TABLE, U32(t)) }
func rtPrio(p uint32) []byte       { return A(unix.RTA_PRIORITY, U32(p)) }

// rtnh is one struct rtnexthop of RTA_MULTIPATH.
func rtnh(flags, hops uint8, ifindex uint32, attrs ...[]byte) []byte {
	a := Cat(attrs...)
	b := make([]byte, 8, 8+len(a))
	binary.NativeEndian.PutUint16(b, uint16(8+len(a)))
	b[2], b[3] = flags, hops
	binary.NativeEndian.PutUint32(b[4:], ifindex)
	return append(b, a...)
}

// ucast is an Rtmsg of `ip route add` for a unicast route of table 100
// (RTA_TABLE carries it), protocol boot, scope universe.
func rt4(plen, typ, scope uint8) Rtmsg {
	return Rtmsg{Family: unix.AF_INET, DstLen: plen, Table: 100, Protocol: unix.RTPROT_BOOT, Scope: scope, Type: typ}
}

// addRoute4 is `ip route add` with an ack: RTM_NEWROUTE CREATE|EXCL.
func addRoute4(seq uint32, r Rtmsg, attrs ...[]byte) Msg {
	return rtMsg(unix.RTM_NEWROUTE, fReq|fAck|fCreate|fExcl, seq, r, attrs...)
}

// delRoute4 is `ip route del` with an ack.
func delRoute4(seq uint32, r Rtmsg, attrs ...[]byte) Msg {
	return rtMsg(unix.RTM_DELROUTE, fReq|fAck, seq, r, attrs...)
}

// dumpRoute4 is RTM_GETROUTE with NLM_F_DUMP.
func dumpRoute4(seq uint32, r Rtmsg, attrs ...[]byte) Msg {
	return rtMsg(unix.RTM_GETROUTE, fReq|fDump, seq, r, attrs...)
}

// openSStrict opens a requester with NETLINK_EXT_ACK and
// NETLINK_GET_STRICT_CHK, as iproute2 does.
func openSStrict() Open {
	return Open{Sock: "S", Proto: route, Opts: []int{extAck, unix.NETLINK_GET_STRICT_CHK}}
}

// openR4 opens a listener bound to RTNLGRP_IPV4_ROUTE.
func openR4(name string) Open {
	return Open{Sock: name, Proto: route, Groups: 1 << (unix.RTNLGRP_IPV4_ROUTE - 1)}
}

// table100 is a strict dump of table 100.
func table100(seq uint32) Msg { return dumpRoute4(seq, Rtmsg{Family: unix.AF_INET}, rtTable(100)) }

// upDummy creates dummy d0 (ifindex 2 in the fresh namespace), IPv6 off,
// and brings it up.
func upDummy() []Step {
	return []Step{send("S", dummy(1, "d0", 1)), send("S", addrGenNone(2, "d0")), send("S", up(3, "d0")), drain("S")}
}

// manyRoutes4 adds n blackhole /24 routes of table 100 without acks, in
// one datagram, in descending key order (10.1.n-1.0 first).
func manyRoutes4(sock string, seq uint32, n int) Send {
	s := Send{Sock: sock}
	for i := n - 1; i >= 0; i-- {
		r := rt4(24, unix.RTN_BLACKHOLE, unix.RT_SCOPE_UNIVERSE)
		s.Msgs = append(s.Msgs, rtMsg(unix.RTM_NEWROUTE, fReq|fCreate|fExcl, seq, r, rtDst(10, byte(1+i/256), byte(i%256), 0), rtTable(100)))
		seq++
	}
	return s
}
