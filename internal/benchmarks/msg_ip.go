package benchmarks

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// The address and route requests of the IP workloads: what `ip addr` and
// `ip route` send, the same bytes on both sides.

// ifaddrmsg is struct ifaddrmsg for AF_INET.
func ifaddrmsg(prefixlen uint8, index int32) []byte {
	b := make([]byte, unix.SizeofIfAddrmsg)
	b[0], b[1] = unix.AF_INET, prefixlen
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	return b
}

// rtmsg is struct rtmsg for AF_INET.
func rtmsg(dstLen, table, protocol, scope, typ uint8) []byte {
	return []byte{unix.AF_INET, dstLen, 0, 0, table, protocol, scope, typ, 0, 0, 0, 0}
}

func ip4(a netip.Addr) []byte { b := a.As4(); return b[:] }

// AddrReq is `ip addr add|del PREFIX dev INDEX` (typ RTM_NEWADDR or
// RTM_DELADDR) with NLM_F_ACK.
func AddrReq(typ uint16, prefix netip.Prefix, index int32) []byte {
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	if typ == unix.RTM_NEWADDR {
		flags |= unix.NLM_F_CREATE | unix.NLM_F_EXCL
	}
	a := ip4(prefix.Addr())
	return nlmsg(typ, flags, 7, ifaddrmsg(uint8(prefix.Bits()), index),
		attr(unix.IFA_LOCAL, a), attr(unix.IFA_ADDRESS, a))
}

// RouteReq is `ip route add|del PREFIX dev INDEX` (typ RTM_NEWROUTE or
// RTM_DELROUTE) with NLM_F_ACK: a link-scope route in the main table.
func RouteReq(typ uint16, prefix netip.Prefix, index int32) []byte {
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	scope := uint8(unix.RT_SCOPE_NOWHERE)
	if typ == unix.RTM_NEWROUTE {
		flags |= unix.NLM_F_CREATE | unix.NLM_F_EXCL
		scope = unix.RT_SCOPE_LINK
	}
	return nlmsg(typ, flags, 8, rtmsg(uint8(prefix.Bits()), unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, scope, unix.RTN_UNICAST),
		attr(unix.RTA_DST, ip4(prefix.Addr())), attr(unix.RTA_OIF, u32(uint32(index))))
}

// RouteDumpReq is `ip route show table all` as a bare AF_INET dump.
func RouteDumpReq() []byte {
	return nlmsg(unix.RTM_GETROUTE, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 9, rtmsg(0, 0, 0, 0, 0))
}

// RouteGetReq is `ip route get ADDR`.
func RouteGetReq(dst netip.Addr) []byte {
	return nlmsg(unix.RTM_GETROUTE, unix.NLM_F_REQUEST, 10, rtmsg(32, 0, 0, 0, 0), attr(unix.RTA_DST, ip4(dst)))
}

// RouteGet is one RTM_GETROUTE lookup: the reply must be an RTM_NEWROUTE.
func RouteGet(s Sock, req, buf []byte) error {
	n, err := Request(s, req, buf)
	if err != nil {
		return err
	}
	got := fmt.Errorf("no RTM_NEWROUTE in reply")
	err = forEachMsg(buf[:n], func(typ uint16, p []byte) error {
		switch typ {
		case unix.RTM_NEWROUTE:
			got = nil
		case unix.NLMSG_ERROR:
			got = fmt.Errorf("route get: %w", errnoOf(p))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return got
}
