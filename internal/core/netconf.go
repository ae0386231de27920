package core

import "golang.org/x/sys/unix"

// This file models the per-device netconf notifications of
// net/ipv4/devinet.c and net/ipv6/addrconf.c: when a device gains or loses
// its in_device / inet6_dev, listeners of RTNLGRP_IPV4_NETCONF and
// RTNLGRP_IPV6_NETCONF get RTM_NEWNETCONF / RTM_DELNETCONF.

const (
	RTM_NEWNETCONF       = 80
	RTM_DELNETCONF       = 81
	RTNLGRP_IPV4_NETCONF = 24
	RTNLGRP_IPV6_NETCONF = 25

	netconfaIfindex                  = 1
	netconfaForwarding               = 2
	netconfaRPFilter                 = 3
	netconfaMCForwarding             = 4
	netconfaProxyNeigh               = 5
	netconfaIgnoreRoutesWithLinkdown = 6
	netconfaBCForwarding             = 8
)

// netconfNotify is inet_netconf_notify_devconf / inet6_netconf_notify_devconf
// with NETCONFA_ALL for a new device, or the ifindex alone for a deleted
// one. The values are the defaults a device without IP traffic has.
func netconfNotify(dev *NetDevice, typ uint16, family uint8) {
	group := uint32(RTNLGRP_IPV4_NETCONF)
	if family == unix.AF_INET6 {
		group = RTNLGRP_IPV6_NETCONF
	}
	n := dev.net
	if !n.HasListeners(NETLINK_ROUTE, group) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(group, unix.ENOBUFS)
		return
	}
	var m nlBuf
	h := m.putHeader(typ, 0, 0, 0, 4) // struct netconfmsg
	m.b[h+NLMSG_HDRLEN] = family
	m.putU32(netconfaIfindex, uint32(dev.ifindex))
	if typ == RTM_NEWNETCONF {
		m.putU32(netconfaForwarding, 0)
		if family == unix.AF_INET {
			m.putU32(netconfaRPFilter, 0)
		}
		m.putU32(netconfaMCForwarding, 0)
		if family == unix.AF_INET {
			m.putU32(netconfaBCForwarding, 0)
		}
		m.putU32(netconfaProxyNeigh, 0)
		m.putU32(netconfaIgnoreRoutesWithLinkdown, 0)
	}
	m.endMsg(h)
	n.nlmsgMulticast(NETLINK_ROUTE, m.b, 0, group)
}
