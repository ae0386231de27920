package core

import (
	"time"

	"golang.org/x/sys/unix"
)

// This file models the group list of net/ipv6/mcast.c that addrconf
// keeps on each inet6_dev (ipv6_dev_mc_inc, __ipv6_dev_mc_dec): the
// all-nodes groups every inet6_dev joins and the solicited-node group
// of each address under DAD, as RTM_GETMULTICAST dumps them. MLD itself
// (reports, queries, timers) is not modelled: there is no IPv6 datagram
// path.

// ifmcaddr6 is struct ifmcaddr6: one group of a device.
type ifmcaddr6 struct {
	addr   [16]byte
	users  int
	cstamp time.Duration
	tstamp time.Duration
}

// The groups ipv6_add_dev joins (in6addr_interfacelocal_allnodes,
// in6addr_linklocal_allnodes).
var (
	in6addrInterfacelocalAllnodes = [16]byte{0: 0xff, 1: 0x01, 15: 1}
	in6addrLinklocalAllnodes      = [16]byte{0: 0xff, 1: 0x02, 15: 1}
)

// ipv6DevMcInc is ipv6_dev_mc_inc: one more user of the group, which a
// first user adds at the head of the list.
func ipv6DevMcInc(dev *NetDevice, addr [16]byte) {
	for _, mc := range dev.inet6Mc {
		if mc.addr == addr {
			mc.users++
			return
		}
	}
	now := dev.net.k.jiffies()
	dev.inet6Mc = append([]*ifmcaddr6{{addr: addr, users: 1, cstamp: now, tstamp: now}}, dev.inet6Mc...)
}

// ipv6DevMcDec is __ipv6_dev_mc_dec: the last user's leave removes the
// group.
func ipv6DevMcDec(dev *NetDevice, addr [16]byte) {
	for i, mc := range dev.inet6Mc {
		if mc.addr == addr {
			if mc.users--; mc.users == 0 {
				dev.inet6Mc = append(dev.inet6Mc[:i:i], dev.inet6Mc[i+1:]...)
			}
			return
		}
	}
}

// addrconfAddrSolictMult is addrconf_addr_solict_mult: ff02::1:ffXX:XXXX.
func addrconfAddrSolictMult(addr [16]byte) [16]byte {
	m := [16]byte{0: 0xff, 1: 0x02, 11: 0x01, 12: 0xff}
	copy(m[13:], addr[13:])
	return m
}

// addrconfJoinSolict is addrconf_join_solict.
func addrconfJoinSolict(dev *NetDevice, addr [16]byte) {
	if dev.Flags&(IFF_LOOPBACK|IFF_NOARP) == 0 {
		ipv6DevMcInc(dev, addrconfAddrSolictMult(addr))
	}
}

// addrconfLeaveSolict is addrconf_leave_solict.
func addrconfLeaveSolict(dev *NetDevice, addr [16]byte) {
	if dev.Flags&(IFF_LOOPBACK|IFF_NOARP) == 0 {
		ipv6DevMcDec(dev, addrconfAddrSolictMult(addr))
	}
}

// inet6FillIfmcaddr is inet6_fill_ifmcaddr.
func inet6FillIfmcaddr(m *nlBuf, dev *NetDevice, mc *ifmcaddr6, args inet6FillArgs) bool {
	scope := uint8(unix.RT_SCOPE_UNIVERSE)
	if ipv6AddrScope(mc.addr)&ifaSite != 0 {
		scope = unix.RT_SCOPE_SITE
	}
	start := m.putHeader(args.event, args.flags, args.seq, args.portid, sizeofIfaddrmsg)
	h := m.b[start+NLMSG_HDRLEN:]
	h[0], h[1], h[2], h[3] = unix.AF_INET6, 128, unix.IFA_F_PERMANENT, scope
	putIfindex(h[4:], dev)
	if args.netnsid >= 0 {
		m.putU32(unix.IFA_TARGET_NETNSID, uint32(int32(args.netnsid)))
	}
	m.putAttr(unix.IFA_MULTICAST, mc.addr[:])
	putIfaCacheinfo(m, infinityLifeTime, infinityLifeTime, mc.cstamp, mc.tstamp)
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}
