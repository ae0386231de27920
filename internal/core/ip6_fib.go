package core

import (
	"time"

	"golang.org/x/sys/unix"
)

// This file models the IPv6 routing tables of net/ipv6/ip6_fib.c: the
// pernet tables (fib6_tables_init: main and local, others on demand by
// fib6_new_table), the routes at each destination (fib6_add_rt2node,
// fib6_del) and the walk order of the kernel's radix tree (fib6_walk),
// which dumps and device events follow.

// ipv6Net is the namespace's IPv6 state (struct netns_ipv6): the routing
// tables.
type ipv6Net struct {
	// tables in the order fib6_walk visits the table hash
	// (FIB6_TABLE_HASHSZ buckets of id & 255, each newest first).
	// Guarded by RTNL.
	tables []*fib6Table
	// addrChkWork is addrconf_verify's delayed work (addr_chk_work).
	addrChkWork delayedWork
}

// fib6Table is struct fib6_table.
type fib6Table struct {
	id    uint32
	nodes []*fib6Node // the nodes with routes, in walk order
}

// fib6Node is a struct fib6_node that carries routes (RTN_RTINFO): one
// destination prefix and its routes, lowest metric first.
type fib6Node struct {
	dst  [16]byte
	plen uint8
	leaf []*fib6Info
}

// fib6Info is struct fib6_info with its built-in fib6_nh.
type fib6Info struct {
	table    *fib6Table
	node     *fib6Node // nil while not in a table
	dst      [16]byte
	dstLen   uint8
	metric   uint32
	protocol uint8
	typ      uint8  // RTN_*
	flags    uint32 // RTF_*, the route preference in RTF_PREF bits
	expires  time.Duration
	prefsrc  [16]byte
	prefLen  uint8
	metrics  []byte // RTA_METRICS as the request gave them, nil for none

	nhDev   *NetDevice
	nhGw    [16]byte
	nhHasGw bool
	nhFlags uint8 // RTNH_F_*
}

// Route flags (RTF_*, include/uapi/linux/ipv6_route.h and route.h).
const (
	rtfUp        = 0x0001
	rtfGateway   = 0x0002
	rtfExpires   = 0x00400000
	rtfNonexthop = 0x00200000
	rtfLocal     = 0x80000000
	rtfAnycast   = 0x00100000
	rtfReject    = 0x0200
	rtfDefault   = 0x00010000
	rtfAddrconf  = 0x00040000
	rtfPrefixRT  = 0x00080000
	rtfCache     = 0x01000000
)

// Route preferences (ICMPV6_ROUTER_PREF_*) and their place in fib6_flags.
const (
	routerPrefMedium  = 0
	routerPrefHigh    = 1
	routerPrefLow     = 3
	routerPrefInvalid = 2
)

func rtfPref(p uint8) uint32         { return uint32(p) << 27 }
func ipv6ExtractPref(f uint32) uint8 { return uint8(f>>27) & 3 }

// Route metrics of addrconf (IP6_RT_PRIO_*).
const (
	ip6RtPrioUser     = 1024
	ip6RtPrioAddrconf = 256
)

// The tables every namespace has (RT6_TABLE_MAIN, RT6_TABLE_LOCAL).
const (
	rt6TableMain  = unix.RT_TABLE_MAIN
	rt6TableLocal = unix.RT_TABLE_LOCAL
)

func init() {
	registerPernetSubsys(&pernetOperations{name: "fib6", order: pernetOrderIP6Fib, init: fib6NetInit})
}

// fib6NetInit is fib6_net_init's fib6_tables_init.
func fib6NetInit(n *Net) error {
	fib6NewTable(n, rt6TableMain)
	fib6NewTable(n, rt6TableLocal)
	return nil
}

// fib6GetTable is fib6_get_table: nil when the table does not exist.
func fib6GetTable(n *Net, id uint32) *fib6Table {
	if id == 0 {
		id = rt6TableMain
	}
	for _, t := range n.ipv6.tables {
		if t.id == id {
			return t
		}
	}
	return nil
}

// fib6NewTable is fib6_new_table: the table, created (at the head of its
// hash bucket) if need be.
func fib6NewTable(n *Net, id uint32) *fib6Table {
	if id == 0 {
		id = rt6TableMain
	}
	if t := fib6GetTable(n, id); t != nil {
		return t
	}
	t := &fib6Table{id: id}
	ts := n.ipv6.tables
	i := 0
	for i < len(ts) && ts[i].id&0xff < id&0xff {
		i++
	}
	ts = append(ts, nil)
	copy(ts[i+1:], ts[i:])
	ts[i] = t
	n.ipv6.tables = ts
	return t
}

// fib6WalkBefore reports whether fib6_walk visits the node of prefix a/al
// before that of b/bl: the walk is post-order over the radix tree (left,
// the 0 branch, then right, then the node), so a prefix comes after the
// longer prefixes it covers, and of two disjoint ones the one with 0 at
// the first differing bit comes first.
func fib6WalkBefore(a [16]byte, al uint8, b [16]byte, bl uint8) bool {
	n := min(al, bl)
	for i := uint8(0); i < n; i++ {
		x := a[i/8] >> (7 - i%8) & 1
		y := b[i/8] >> (7 - i%8) & 1
		if x != y {
			return x < y
		}
	}
	return al > bl
}

// fib6Locate is fib6_locate for an exact prefix: the node of dst/plen,
// and where it is or would go.
func (t *fib6Table) fib6Locate(dst [16]byte, plen uint8) (*fib6Node, int) {
	for i, fn := range t.nodes {
		if fn.plen == plen && fn.dst == dst {
			return fn, i
		}
		if fib6WalkBefore(dst, plen, fn.dst, fn.plen) {
			return nil, i
		}
	}
	return nil, len(t.nodes)
}

// ipv6PrefixMask is dst with the bits past plen cleared (ipv6_addr_prefix).
func ipv6PrefixMask(dst [16]byte, plen uint8) [16]byte {
	var out [16]byte
	for i := 0; i < 16; i++ {
		bits := int(plen) - 8*i
		switch {
		case bits >= 8:
			out[i] = dst[i]
		case bits > 0:
			out[i] = dst[i] & byte(0xff<<(8-bits))
		}
	}
	return out
}

// nlInfo is struct nl_info: who asked for a change, for its notification.
type nlInfo struct {
	nlh    []byte // the request, nil for the kernel's own changes
	portid uint32
}

// rt6DuplicateNexthop is rt6_duplicate_nexthop.
func rt6DuplicateNexthop(a, b *fib6Info) bool {
	return a.nhDev == b.nhDev && a.nhGw == b.nhGw && a.nhHasGw == b.nhHasGw &&
		a.flags&rtfReject == 0 && b.flags&rtfReject == 0
}

// fib6Add is fib6_add with fib6_add_rt2node, for routes with one next
// hop: EEXIST for a duplicate (or any route of the same metric under
// NLM_F_EXCL), NLM_F_REPLACE swaps the first route of the same metric,
// and the notification carries NLM_F_EXCL when no route shared the
// metric. RTNL is held.
func fib6Add(n *Net, t *fib6Table, rt *fib6Info, info nlInfo) error {
	var reqFlags uint16
	if info.nlh != nil {
		reqFlags = nlmsgFlags(info.nlh)
	}
	replace := reqFlags&NLM_F_REPLACE != 0
	add := info.nlh == nil || reqFlags&NLM_F_CREATE != 0
	fn, at := t.fib6Locate(rt.dst, rt.dstLen)
	nlflags := uint16(NLM_F_EXCL)
	if reqFlags&NLM_F_APPEND != 0 {
		nlflags |= NLM_F_APPEND
	}
	ins := 0
	found := -1
	if fn != nil {
		for ins = 0; ins < len(fn.leaf); ins++ {
			iter := fn.leaf[ins]
			if iter.metric == rt.metric {
				if reqFlags&NLM_F_EXCL != 0 {
					return unix.EEXIST
				}
				nlflags &^= NLM_F_EXCL
				if replace {
					found = ins
					break
				}
				if rt6DuplicateNexthop(iter, rt) {
					if iter.flags&rtfExpires == 0 {
						return unix.EEXIST
					}
					if rt.flags&rtfExpires == 0 {
						iter.flags &^= rtfExpires
						iter.expires = 0
					} else {
						iter.expires = rt.expires
					}
					return unix.EEXIST
				}
			}
			if iter.metric > rt.metric {
				break
			}
		}
	}
	if replace && found < 0 {
		if !add {
			return unix.ENOENT
		}
		replace = false
	}
	if fn == nil {
		fn = &fib6Node{dst: rt.dst, plen: rt.dstLen}
		t.nodes = append(t.nodes, nil)
		copy(t.nodes[at+1:], t.nodes[at:])
		t.nodes[at] = fn
	}
	rt.table, rt.node = t, fn
	if replace {
		old := fn.leaf[found]
		fn.leaf[found] = rt
		old.node = nil
		inet6RtNotify(n, RTM_NEWROUTE, rt, info, NLM_F_REPLACE)
		return nil
	}
	fn.leaf = append(fn.leaf, nil)
	copy(fn.leaf[ins+1:], fn.leaf[ins:])
	fn.leaf[ins] = rt
	inet6RtNotify(n, RTM_NEWROUTE, rt, info, nlflags|NLM_F_CREATE)
	return nil
}

// fib6Del is fib6_del: the route leaves its table (ENOENT when it is not
// in one) and RTM_DELROUTE goes out. RTNL is held.
func fib6Del(n *Net, rt *fib6Info, info nlInfo) error {
	fn := rt.node
	if fn == nil {
		return unix.ENOENT
	}
	for i, r := range fn.leaf {
		if r == rt {
			fn.leaf = append(fn.leaf[:i:i], fn.leaf[i+1:]...)
			break
		}
	}
	rt.node = nil
	// fib6_purge_rt: fib6_clean_expires
	rt.flags &^= rtfExpires
	rt.expires = 0
	if len(fn.leaf) == 0 {
		t := rt.table
		for i, x := range t.nodes {
			if x == fn {
				t.nodes = append(t.nodes[:i:i], t.nodes[i+1:]...)
				break
			}
		}
	}
	inet6RtNotify(n, RTM_DELROUTE, rt, info, 0)
	return nil
}

// fib6CleanAll is fib6_clean_all: every route of every table, in walk
// order, goes to fn; those it answers true for are deleted. RTNL is held.
func fib6CleanAll(n *Net, fn func(rt *fib6Info) bool) {
	for _, t := range n.ipv6.tables {
		for _, node := range append([]*fib6Node(nil), t.nodes...) {
			for _, rt := range append([]*fib6Info(nil), node.leaf...) {
				if fn(rt) {
					_ = fib6Del(n, rt, nlInfo{})
				}
			}
		}
	}
}
