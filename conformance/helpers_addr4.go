package conformance

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Builders for the IPv4 address scenarios.

// addr4Groups is the bind-time bitmask of RTNLGRP_IPV4_IFADDR.
const addr4Groups = 1 << (unix.RTNLGRP_IPV4_IFADDR - 1)

// in4 is the 4 bytes of an IPv4 address literal.
func in4(s string) []byte {
	a := netip.MustParseAddr(s).As4()
	return a[:]
}

// ifaddr4 is a struct ifaddrmsg of family AF_INET.
func ifaddr4(plen, flags, scope uint8, index int32) []byte {
	b := []byte{unix.AF_INET, plen, flags, scope, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	return b
}

// newAddr4 is `ip addr add ADDR/PLEN dev INDEX ...` as iproute2 sends it:
// IFA_LOCAL and IFA_ADDRESS, then extra (IFA_BROADCAST, IFA_LABEL, ...).
func newAddr4(seq uint32, index int32, addr string, plen uint8, extra ...[]byte) Msg {
	attrs := append([][]byte{A(unix.IFA_LOCAL, in4(addr)), A(unix.IFA_ADDRESS, in4(addr))}, extra...)
	return addrMsg(unix.RTM_NEWADDR, fReq|fAck|fCreate|fExcl, seq, ifaddr4(plen, 0, 0, index), attrs...)
}

// delAddr4 is `ip addr del ADDR/PLEN dev INDEX`.
func delAddr4(seq uint32, index int32, addr string, plen uint8) Msg {
	return addrMsg(unix.RTM_DELADDR, fReq|fAck, seq, ifaddr4(plen, 0, 0, index),
		A(unix.IFA_LOCAL, in4(addr)), A(unix.IFA_ADDRESS, in4(addr)))
}

// dumpAddr4 is `ip -4 addr show`: an RTM_GETADDR dump of family AF_INET.
func dumpAddr4(seq uint32, index int32, attrs ...[]byte) Msg {
	return addrMsg(unix.RTM_GETADDR, fReq|fDump, seq, ifaddr4(0, 0, 0, index), attrs...)
}

// dumpAddrAll is `ip addr show`: an RTM_GETADDR dump of AF_UNSPEC.
func dumpAddrAll(seq uint32) Msg {
	return addrMsg(unix.RTM_GETADDR, fReq|fDump, seq, []byte{unix.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0})
}

// afSpecInet is IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { id: v } } }.
func afSpecInet(id uint16, v uint32) []byte {
	return A(unix.IFLA_AF_SPEC, A(unix.AF_INET, A(1, A(id, U32(v)))))
}

// ipv4DevconfPromoteSecondaries is IPV4_DEVCONF_PROMOTE_SECONDARIES.
const ipv4DevconfPromoteSecondaries = 20
