package core

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ipv6CheckInvariants checks a namespace's IPv6 addresses and routes:
// every address sits on a live device of the namespace that has an
// inet6_dev, once, in source-scope order, with a local route that is in
// the local table only when DAD is over; every route is in the node of
// its prefix, in metric order, its table's nodes in walk order, and goes
// through a live device of the namespace with an inet6_dev; the local
// routes addrconf made belong to a live address. RTNL is held.
func ipv6CheckInvariants(n *Net) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("netns#%d: "+format, append([]any{n.id}, args...)...))
	}
	owned := map[*fib6Info]*inet6Ifaddr{}
	for _, idx := range n.devOrder {
		dev := n.devByIndex[idx]
		if !dev.inet6 && len(dev.inet6Addrs) != 0 {
			bad("%s: %d IPv6 addresses without an inet6_dev", dev.name, len(dev.inet6Addrs))
		}
		prev := 1 << 30
		seen := map[[16]byte]bool{}
		for _, ifa := range dev.inet6Addrs {
			if ifa.dev != dev || ifa.state == ifaStateDead {
				bad("%s: address %x listed but owned by %v (state %d)", dev.name, ifa.addr, ifa.dev, ifa.state)
			}
			if seen[ifa.addr] {
				bad("%s: address %x twice", dev.name, ifa.addr)
			}
			seen[ifa.addr] = true
			if _, _, s := ipv6AddrType(ifa.addr); s > prev {
				bad("%s: address %x out of scope order", dev.name, ifa.addr)
			} else {
				prev = s
			}
			if ifa.rt != nil {
				owned[ifa.rt] = ifa
				if ifa.rt.node != nil && ifa.flags&unix.IFA_F_TENTATIVE != 0 && ifa.flags&unix.IFA_F_OPTIMISTIC == 0 {
					bad("%s: tentative address %x has its local route", dev.name, ifa.addr)
				}
			}
		}
	}
	for _, t := range n.ipv6.tables {
		for i, fn := range t.nodes {
			if len(fn.leaf) == 0 {
				bad("table %d: empty node %x/%d", t.id, fn.dst, fn.plen)
			}
			if i > 0 && !fib6WalkBefore(t.nodes[i-1].dst, t.nodes[i-1].plen, fn.dst, fn.plen) {
				bad("table %d: node %x/%d out of walk order", t.id, fn.dst, fn.plen)
			}
			for j, rt := range fn.leaf {
				if rt.node != fn || rt.table != t || rt.dst != fn.dst || rt.dstLen != fn.plen {
					bad("table %d: route %x/%d misfiled", t.id, rt.dst, rt.dstLen)
				}
				if j > 0 && fn.leaf[j-1].metric > rt.metric {
					bad("table %d: routes of %x/%d out of metric order", t.id, fn.dst, fn.plen)
				}
				if d := rt.nhDev; d == nil || d.net != n || n.devByIndex[d.ifindex] != d || !d.inet6 {
					bad("table %d: route %x/%d through a device that is gone", t.id, rt.dst, rt.dstLen)
				}
				if rt.flags&(rtfLocal|rtfNonexthop) == rtfLocal|rtfNonexthop {
					if ifa := owned[rt]; ifa == nil || ifa.dev != rt.nhDev {
						bad("table %d: local route %x without its address", t.id, rt.dst)
					}
				}
			}
		}
	}
	return errs
}
