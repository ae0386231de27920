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
// one.
func netconfNotify(dev *NetDevice, typ uint16, family uint8) {
	netconfNotifyType(dev, typ, family, netconfaAll)
}

// inetNetconfNotifyDevconf is inet_netconf_notify_devconf for one changed
// IPv4 setting.
func inetNetconfNotifyDevconf(dev *NetDevice, attr int) {
	netconfNotifyType(dev, RTM_NEWNETCONF, unix.AF_INET, attr)
}

// netconfaAll is NETCONFA_ALL.
const netconfaAll = -1

// netconfNotifyType builds and sends one netconf notification: for an
// RTM_NEWNETCONF the attributes of attr (or all of the family's), from
// the device's configuration.
func netconfNotifyType(dev *NetDevice, typ uint16, family uint8, attr int) {
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
		conf := func(i int) uint32 { return 0 }
		if family == unix.AF_INET {
			c := inetDevConf(dev)
			conf = func(i int) uint32 { return c[i-1] }
		}
		want := func(a int) bool { return attr == netconfaAll || attr == a }
		if want(netconfaForwarding) {
			m.putU32(netconfaForwarding, conf(IPV4_DEVCONF_FORWARDING))
		}
		if family == unix.AF_INET && want(netconfaRPFilter) {
			m.putU32(netconfaRPFilter, conf(IPV4_DEVCONF_RP_FILTER))
		}
		if want(netconfaMCForwarding) {
			m.putU32(netconfaMCForwarding, conf(IPV4_DEVCONF_MC_FORWARDING))
		}
		if family == unix.AF_INET && want(netconfaBCForwarding) {
			m.putU32(netconfaBCForwarding, conf(IPV4_DEVCONF_BC_FORWARDING))
		}
		if want(netconfaProxyNeigh) {
			m.putU32(netconfaProxyNeigh, conf(IPV4_DEVCONF_PROXY_ARP))
		}
		if want(netconfaIgnoreRoutesWithLinkdown) {
			m.putU32(netconfaIgnoreRoutesWithLinkdown, conf(IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN))
		}
	}
	m.endMsg(h)
	n.nlmsgMulticast(NETLINK_ROUTE, m.b, 0, group)
}
