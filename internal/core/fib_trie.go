package core

import (
	"slices"

	"golang.org/x/sys/unix"
)

// This file models net/ipv4/fib_trie.c: an IPv4 routing table, its
// insertion and deletion with the NLM_F_* semantics (fib_table_insert,
// fib_table_delete), the longest-prefix lookup (fib_table_lookup), the
// dump (fib_table_dump) and the flush of dead routes (fib_table_flush).
//
// The kernel's LC-trie becomes a map of leaves by key, one counter per
// prefix length for the lookup to skip the lengths no route has, and a
// sorted key list rebuilt lazily for the dumps: insertion and deletion
// are a map access and a short list edit, a lookup at most 33 map probes,
// a dump a walk in key order, as fib_table_dump emits.

// fibAlias is struct fib_alias: one route of a leaf.
type fibAlias struct {
	fi   *fibInfo
	dscp uint8
	typ  uint8
	slen uint8 // 32 - prefix length
	tbID uint32
}

// fibLeaf is a leaf of the trie: every route of one key, all prefix
// lengths, in the kernel's order (fa_slen ascending, then dscp
// descending, then priority ascending).
type fibLeaf struct {
	key uint32
	fa  []*fibAlias
}

// fibTable is struct fib_table with its trie.
type fibTable struct {
	id     uint32
	leaves map[uint32]*fibLeaf
	// keys are the leaves' keys in order while sorted is true.
	keys   []uint32
	sorted bool
	// plens counts the routes of each prefix length.
	plens      [33]int32
	numDefault int
}

func newFibTable(id uint32) *fibTable {
	return &fibTable{id: id, leaves: make(map[uint32]*fibLeaf), sorted: true}
}

// prefixMask is the netmask of a prefix length.
func prefixMask(plen uint8) uint32 {
	if plen == 0 {
		return 0
	}
	return ^uint32(0) << (32 - plen)
}

// fibFindAlias is fib_find_alias: the index of the first alias of the
// leaf with this suffix length whose (dscp, priority) does not sort
// before (dscp, prio), or of the first of its length (findFirst); -1 when
// none.
func fibFindAlias(l *fibLeaf, slen, dscp uint8, prio uint32, findFirst bool) int {
	if l == nil {
		return -1
	}
	for i, fa := range l.fa {
		if fa.slen < slen {
			continue
		}
		if fa.slen != slen {
			break
		}
		if findFirst {
			return i
		}
		if fa.dscp > dscp {
			continue
		}
		if fa.fi.priority >= prio || fa.dscp < dscp {
			return i
		}
	}
	return -1
}

// fibTableInsert is fib_table_insert: the route cfg describes, with
// NLM_F_EXCL (EEXIST on a route of the same prefix, dscp and priority),
// NLM_F_REPLACE (the first such route is replaced), NLM_F_APPEND (after
// them) or neither (before them), and NLM_F_CREATE required for a new
// route (ENOENT).
func fibTableInsert(n *Net, tb *fibTable, cfg *fibConfig, extack *ExtAck) error {
	plen := cfg.dstLen
	slen := 32 - plen
	key := uint32(cfg.dst)
	fi, err := fibCreateInfo(cfg, extack)
	if err != nil {
		return err
	}
	nlflags := uint16(NLM_F_EXCL)
	dscp := cfg.dscp
	l := tb.leaves[key]
	pos := fibFindAlias(l, slen, dscp, fi.priority, false)
	if pos >= 0 && l.fa[pos].dscp == dscp && l.fa[pos].fi.priority == fi.priority {
		if cfg.nlflags&NLM_F_EXCL != 0 {
			return unix.EEXIST
		}
		nlflags &^= NLM_F_EXCL
		first, match := pos, -1
		for i := pos; i < len(l.fa); i++ {
			fa := l.fa[i]
			if fa.slen != slen || fa.dscp != dscp || fa.fi.priority != fi.priority {
				break
			}
			if fa.typ == cfg.typ && fibInfoSame(fa.fi, fi) {
				match = i
				break
			}
		}
		if cfg.nlflags&NLM_F_REPLACE != 0 {
			nlflags |= NLM_F_REPLACE
			if match >= 0 {
				if match == first {
					return nil
				}
				return unix.EEXIST
			}
			if n.k.fail(FailSkbAlloc) != nil {
				return unix.ENOBUFS
			}
			old := l.fa[first]
			nfa := &fibAlias{fi: fi, dscp: old.dscp, typ: cfg.typ, slen: old.slen, tbID: tb.id}
			l.fa[first] = nfa
			rtmsgFib(RTM_NEWROUTE, inAddr(key), nfa, plen, tb.id, cfg, nlflags)
			return nil
		}
		if match >= 0 {
			return unix.EEXIST
		}
		if cfg.nlflags&NLM_F_APPEND != 0 {
			nlflags |= NLM_F_APPEND
			// Before the next alias that is not of this (prefix, dscp,
			// priority): hlist_for_each_entry_from ended there.
			pos = first
			for pos < len(l.fa) {
				fa := l.fa[pos]
				if fa.slen != slen || fa.dscp != dscp || fa.fi.priority != fi.priority {
					break
				}
				pos++
			}
		} else {
			pos = first
		}
	}
	if cfg.nlflags&NLM_F_CREATE == 0 {
		return unix.ENOENT
	}
	nlflags |= NLM_F_CREATE
	nfa := &fibAlias{fi: fi, dscp: dscp, typ: cfg.typ, slen: slen, tbID: tb.id}
	tb.insertAlias(key, l, nfa, pos)
	if plen == 0 {
		tb.numDefault++
	}
	rtmsgFib(RTM_NEWROUTE, inAddr(key), nfa, plen, tb.id, cfg, nlflags)
	return nil
}

// insertAlias is fib_insert_alias: before the alias at pos, or, without
// one, at the end of the aliases of its suffix length.
func (tb *fibTable) insertAlias(key uint32, l *fibLeaf, nfa *fibAlias, pos int) {
	if l == nil {
		l = &fibLeaf{key: key}
		tb.leaves[key] = l
		if tb.sorted {
			if k := len(tb.keys); k == 0 || tb.keys[k-1] < key {
				tb.keys = append(tb.keys, key)
			} else {
				tb.sorted = false
			}
		}
	}
	if pos < 0 {
		pos = 0
		for i, fa := range l.fa {
			if nfa.slen < fa.slen {
				break
			}
			pos = i + 1
		}
	}
	l.fa = slices.Insert(l.fa, pos, nfa)
	tb.plens[32-nfa.slen]++
}

// removeAlias is fib_remove_alias.
func (tb *fibTable) removeAlias(l *fibLeaf, i int) {
	fa := l.fa[i]
	l.fa = slices.Delete(l.fa, i, i+1)
	tb.plens[32-fa.slen]--
	if 32-fa.slen == 0 {
		tb.numDefault--
	}
	if len(l.fa) == 0 {
		delete(tb.leaves, l.key)
		if tb.sorted {
			if k := len(tb.keys); k > 0 && tb.keys[k-1] == l.key {
				tb.keys = tb.keys[:k-1]
			} else {
				tb.sorted = false
			}
		}
	}
}

// fibTableDelete is fib_table_delete: the first route of the prefix and
// dscp that every attribute the request gives matches; ESRCH without one.
func fibTableDelete(n *Net, tb *fibTable, cfg *fibConfig, extack *ExtAck) error {
	plen := cfg.dstLen
	slen := 32 - plen
	key := uint32(cfg.dst)
	l := tb.leaves[key]
	if l == nil {
		return unix.ESRCH
	}
	pos := fibFindAlias(l, slen, cfg.dscp, 0, false)
	if pos < 0 {
		return unix.ESRCH
	}
	del := -1
	for i := pos; i < len(l.fa); i++ {
		fa := l.fa[i]
		fi := fa.fi
		if fa.slen != slen || fa.dscp != cfg.dscp {
			break
		}
		if cfg.typ != 0 && fa.typ != cfg.typ ||
			cfg.scope != unix.RT_SCOPE_NOWHERE && fi.scope != cfg.scope ||
			cfg.prefsrc != 0 && fi.prefsrc != cfg.prefsrc ||
			cfg.protocol != 0 && fi.protocol != cfg.protocol {
			continue
		}
		r, err := fibNhMatch(cfg, fi, extack)
		if err != nil || r != 0 {
			continue
		}
		if fibMetricsMatch(cfg, fi) {
			del = i
			break
		}
	}
	if del < 0 {
		return unix.ESRCH
	}
	fa := l.fa[del]
	rtmsgFib(RTM_DELROUTE, inAddr(key), fa, plen, tb.id, cfg, 0)
	tb.removeAlias(l, del)
	return nil
}

// fibTableFlush is fib_table_flush: the routes whose information died go,
// silently (no notification), or every route with flushAll. It returns
// the number removed.
func fibTableFlush(tb *fibTable, flushAll bool) int {
	found := 0
	for _, l := range tb.leaves {
		for i := 0; i < len(l.fa); {
			if flushAll || l.fa[i].fi.flags&unix.RTNH_F_DEAD != 0 {
				tb.removeAlias(l, i)
				found++
				continue
			}
			i++
		}
	}
	return found
}

// sortedKeys returns the leaves' keys in order, sorting them first if an
// insertion or deletion left them unsorted.
func (tb *fibTable) sortedKeys() []uint32 {
	if !tb.sorted {
		tb.keys = tb.keys[:0]
		for k := range tb.leaves {
			tb.keys = append(tb.keys, k)
		}
		slices.Sort(tb.keys)
		tb.sorted = true
	}
	return tb.keys
}

// flowi4 is the part of struct flowi4 a FIB lookup reads.
type flowi4 struct {
	daddr, saddr inAddr
	oif, iif     int
	scope        uint8
	dscp         uint8
	mark, uid    uint32
}

// fibResult is struct fib_result.
type fibResult struct {
	prefix    inAddr
	prefixlen uint8
	nhSel     int
	typ       uint8
	scope     uint8
	dscp      uint8
	fi        *fibInfo
	table     *fibTable
	leaf      *fibLeaf // fa_head
	// onlinkDev is the device of an output route made without a FIB
	// entry (fi nil): the request's oif.
	onlinkDev *NetDevice
}

// nh is FIB_RES_NHC: the selected nexthop.
func (r *fibResult) nh() *fibNh { return &r.fi.nh[r.nhSel] }

// Lookup flags (FIB_LOOKUP_*).
const (
	fibLookupNoref           = 1
	fibLookupIgnoreLinkstate = 2
)

// fibLookupGoodNh is fib_lookup_good_nhc.
func fibLookupGoodNh(nh *fibNh, flags int, fl *flowi4) bool {
	if nh.flags&unix.RTNH_F_DEAD != 0 {
		return false
	}
	if ipIgnoreLinkdown(nh.dev) && nh.flags&unix.RTNH_F_LINKDOWN != 0 && flags&fibLookupIgnoreLinkstate == 0 {
		return false
	}
	if fl.oif != 0 && fl.oif != nh.oif {
		return false
	}
	return true
}

// fibTableLookup is fib_table_lookup: the longest prefix of fl.daddr with
// a usable route; EAGAIN (the kernel's -EAGAIN of a miss) when none, or
// the error of a reject route (blackhole, unreachable, prohibit, throw).
func fibTableLookup(tb *fibTable, fl *flowi4, res *fibResult, flags int) unix.Errno {
	return fibTablesLookup(fl, res, flags, tb, nil)
}

// fibTablesLookup is fib_table_lookup over a trie that holds the routes
// of tb and of alias (the local table merged into main, fib_new_table's
// alias): at each prefix length the aliases of both, in leaf order
// (table id descending), so that the longest prefix of either wins.
func fibTablesLookup(fl *flowi4, res *fibResult, flags int, tb, alias *fibTable) unix.Errno {
	key := uint32(fl.daddr)
	for plen := 32; plen >= 0; plen-- {
		slen := uint8(32 - plen)
		k := key & prefixMask(uint8(plen))
		for _, t := range [2]*fibTable{alias, tb} {
			if t == nil || t.plens[plen] == 0 {
				continue
			}
			l := t.leaves[k]
			if l == nil {
				continue
			}
			if err, done := checkLeaf(t, l, slen, fl, res, flags); done {
				return err
			}
		}
	}
	return unix.EAGAIN
}

// checkLeaf is fib_table_lookup's step 3 for the aliases of one prefix
// length of a leaf.
func checkLeaf(tb *fibTable, l *fibLeaf, slen uint8, fl *flowi4, res *fibResult, flags int) (unix.Errno, bool) {
	for _, fa := range l.fa {
		if fa.slen != slen {
			continue
		}
		fi := fa.fi
		if fa.dscp != 0 && fa.dscp != fl.dscp {
			continue
		}
		if fi.scope < fl.scope {
			continue
		}
		if err := fibProps[fa.typ].err; err != 0 {
			return err, true
		}
		if fi.flags&unix.RTNH_F_DEAD != 0 {
			continue
		}
		for sel := range fi.nh {
			if !fibLookupGoodNh(&fi.nh[sel], flags, fl) {
				continue
			}
			*res = fibResult{prefix: inAddr(l.key), prefixlen: 32 - fa.slen, nhSel: sel, typ: fa.typ,
				scope: fi.scope, dscp: fa.dscp, fi: fi, table: tb, leaf: l}
			return 0, true
		}
	}
	return 0, false
}

// fibDumpFilter is struct fib_dump_filter.
type fibDumpFilter struct {
	dumpRoutes     bool
	dumpExceptions bool
	filterSet      bool
	flags          uint32
	protocol       uint8
	rtType         uint8
	tableID        uint32
	dev            *NetDevice
}

// fibDumpPos is the resume state of fib_table_dump (cb->args[2..4]): the
// next key, the number of leaves done, the aliases done in the leaf.
type fibDumpPos struct {
	key   uint32
	count int
	i     int
}

// fibTableDump is fib_table_dump with fn_trie_dump_leaf: the table's
// routes in key order, then by prefix length, longest first; it returns
// false when the datagram is full, with pos where to resume.
func fibTableDump(tb *fibTable, m *nlBuf, cb *netlinkCallback, filter *fibDumpFilter, pos *fibDumpPos) bool {
	if pos.count != 0 && pos.key == 0 {
		return true // wrapped around: done
	}
	flags := uint16(NLM_F_MULTI)
	if filter.filterSet || !filter.dumpExceptions || !filter.dumpRoutes {
		flags |= NLM_F_DUMP_FILTERED
	}
	keys := tb.sortedKeys()
	seq := nlmsgSeq(cb.nlh)
	j, _ := slices.BinarySearch(keys, pos.key)
	for ; j < len(keys); j++ {
		l := tb.leaves[keys[j]]
		for i := pos.i; i < len(l.fa); i++ {
			fa := l.fa[i]
			fi := fa.fi
			if filter.filterSet && (filter.rtType != 0 && fa.typ != filter.rtType ||
				filter.protocol != 0 && fi.protocol != filter.protocol ||
				filter.dev != nil && !fibInfoNhUsesDev(fi, filter.dev)) {
				continue
			}
			if !filter.dumpRoutes {
				continue
			}
			fri := fibRtInfo{fi: fi, tbID: tb.id, dst: inAddr(l.key), dstLen: 32 - fa.slen, dscp: fa.dscp, typ: fa.typ}
			if !fibDumpInfo(m, cb.portid, seq, RTM_NEWROUTE, &fri, flags) {
				pos.key, pos.i = l.key, i
				return false
			}
		}
		pos.count++
		pos.i = 0
		pos.key = l.key + 1
		if pos.key == 0 {
			break
		}
	}
	return true
}
