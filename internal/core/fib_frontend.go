package core

import "golang.org/x/sys/unix"

// This file models net/ipv4/fib_frontend.c: the namespace's IPv4 routing
// tables, the rtnetlink route handlers and the routes derived from
// addresses (fib_add_ifaddr, fib_del_ifaddr).

// fibNet is the namespace's IPv4 FIB state (net->ipv4's fib tables).
type fibNet struct{}

// inetAddrTypeDevTable is inet_addr_type_dev_table: the type (RTN_*) of
// the route addr meets in the local table of dev's FIB.
func inetAddrTypeDevTable(n *Net, dev *NetDevice, addr inAddr) uint8 {
	return unix.RTN_UNICAST // until the FIB is modelled
}
