package conformance

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Builders for the IPv6 address scenarios.

// addr6Groups is the bind-time bitmask of RTNLGRP_IPV6_IFADDR.
const addr6Groups = 1 << (unix.RTNLGRP_IPV6_IFADDR - 1)

// in6 is the 16 bytes of an IPv6 address literal.
func in6(s string) []byte {
	a := netip.MustParseAddr(s).As16()
	return a[:]
}

// ifaddr is a struct ifaddrmsg of family AF_INET6.
func ifaddr(plen, flags, scope uint8, index int32) []byte {
	b := []byte{unix.AF_INET6, plen, flags, scope, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	return b
}

// addrMsg is an AF_INET6 address message: ifaddrmsg, then attrs.
func addrMsg(typ, flags uint16, seq uint32, hdr []byte, attrs ...[]byte) Msg {
	return Msg{Type: typ, Flags: flags, Seq: seq, Body: Cat(append([][]byte{hdr}, attrs...)...)}
}

// newAddr6 is `ip -6 addr add ADDR/PLEN dev INDEX [nodad]`, as iproute2
// sends it: IFA_LOCAL and IFA_ADDRESS, IFA_FLAGS when flags are set.
func newAddr6(seq uint32, index int32, addr string, plen uint8, flags uint32, extra ...[]byte) Msg {
	attrs := [][]byte{A(unix.IFA_LOCAL, in6(addr)), A(unix.IFA_ADDRESS, in6(addr))}
	if flags != 0 {
		attrs = append(attrs, A(unix.IFA_FLAGS, U32(flags)))
	}
	return addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate|fExcl, seq, ifaddr(plen, 0, 0, index), append(attrs, extra...)...)
}

// delAddr6 is `ip -6 addr del ADDR/PLEN dev INDEX`.
func delAddr6(seq uint32, index int32, addr string, plen uint8) Msg {
	return addrMsg(unix.RTM_DELADDR, fReq|fAck, seq, ifaddr(plen, 0, 0, index), A(unix.IFA_LOCAL, in6(addr)))
}

// dumpAddr6 is `ip -6 addr show`: an RTM_GETADDR dump of family AF_INET6.
func dumpAddr6(seq uint32, index int32, attrs ...[]byte) Msg {
	return addrMsg(unix.RTM_GETADDR, fReq|fDump, seq, ifaddr(0, 0, 0, index), attrs...)
}

// lifetimes is IFA_CACHEINFO with the preferred and valid lifetimes.
func lifetimes(preferred, valid uint32) []byte {
	return A(unix.IFA_CACHEINFO, U32(preferred), U32(valid), U32(0), U32(0))
}

// addrGenMode sets dev's IPv6 address generation mode.
func addrGenMode(seq uint32, dev string, mode uint8) Msg {
	return set(seq, dev, 0, 0, afSpecInet6(A(unix.IFLA_INET6_ADDR_GEN_MODE, U8(mode))))
}

const (
	fReplace = unix.NLM_F_REPLACE
	// ifaProto is IFA_PROTO (include/uapi/linux/if_addr.h), which x/sys
	// does not have.
	ifaProto = 11
)

// route6Groups is the bind-time bitmask of RTNLGRP_IPV6_ROUTE.
const route6Groups = 1 << (unix.RTNLGRP_IPV6_ROUTE - 1)

// rtmsg6 is a struct rtmsg of family AF_INET6.
func rtmsg6(dstLen, table, protocol, scope, typ uint8, flags uint32) []byte {
	b := []byte{unix.AF_INET6, dstLen, 0, 0, table, protocol, scope, typ, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(b[8:], flags)
	return b
}

// dumpRoute6 is `ip -6 route show table all`: an RTM_GETROUTE dump of
// family AF_INET6.
func dumpRoute6(seq uint32, attrs ...[]byte) Msg {
	return addrMsg(unix.RTM_GETROUTE, fReq|fDump, seq, rtmsg6(0, 0, 0, 0, 0, 0), attrs...)
}

// route6 is an AF_INET6 route request: rtmsg of type typ for dst/plen in
// the main table with protocol boot, as `ip -6 route add` sends it, then
// RTA_DST and attrs.
func route6(msgType, flags uint16, seq uint32, typ uint8, dst string, plen uint8, attrs ...[]byte) Msg {
	a := [][]byte{}
	if plen != 0 {
		a = append(a, A(unix.RTA_DST, in6(dst)))
	}
	proto := uint8(unix.RTPROT_BOOT)
	if msgType == unix.RTM_DELROUTE {
		proto = 0
	}
	return addrMsg(msgType, flags, seq, rtmsg6(plen, unix.RT_TABLE_MAIN, proto, 0, typ, 0), append(a, attrs...)...)
}

// addRoute6 is `ip -6 route add [TYPE] DST/PLEN ...`.
func addRoute6(seq uint32, typ uint8, dst string, plen uint8, attrs ...[]byte) Msg {
	return route6(unix.RTM_NEWROUTE, fReq|fAck|fCreate|fExcl, seq, typ, dst, plen, attrs...)
}

// delRoute6 is `ip -6 route del DST/PLEN ...`.
func delRoute6(seq uint32, dst string, plen uint8, attrs ...[]byte) Msg {
	return route6(unix.RTM_DELROUTE, fReq|fAck, seq, 0, dst, plen, attrs...)
}

// getRoute6 is `ip -6 route get fibmatch DST [oif INDEX]`.
func getRoute6(seq uint32, dst string, attrs ...[]byte) Msg {
	return addrMsg(unix.RTM_GETROUTE, fReq, seq, rtmsg6(128, 0, 0, 0, 0, unix.RTM_F_FIB_MATCH), append([][]byte{A(unix.RTA_DST, in6(dst))}, attrs...)...)
}

func oif(index uint32) []byte   { return A(unix.RTA_OIF, U32(index)) }
func gw6(addr string) []byte    { return A(unix.RTA_GATEWAY, in6(addr)) }
func prio(metric uint32) []byte { return A(unix.RTA_PRIORITY, U32(metric)) }

// rtaFlowlabel is RTA_FLOWLABEL, which x/sys does not have.
const rtaFlowlabel = 31

// rtaNhID is RTA_NH_ID, which x/sys does not have.
const rtaNhID = 30
