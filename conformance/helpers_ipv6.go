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
