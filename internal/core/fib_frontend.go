package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models net/ipv4/fib_frontend.c: the namespace's IPv4 routing
// tables, the rtnetlink route handlers and the routes derived from
// addresses (fib_add_ifaddr, fib_del_ifaddr).

// fibTableHashsz is FIB_TABLE_HASHSZ with CONFIG_IP_MULTIPLE_TABLES.
const fibTableHashsz = 256

// loopbackIfindex is LOOPBACK_IFINDEX.
const loopbackIfindex = 1

// fibNet is the namespace's IPv4 FIB state (net->ipv4's fib tables).
type fibNet struct {
	// hash is fib_table_hash: each chain newest first, as
	// hlist_add_head_rcu leaves it.
	hash [fibTableHashsz][]*fibTable
	// tables lists every table in creation order, for the walks whose
	// order nothing shows (256 hash chains are slow to visit).
	tables []*fibTable
	// main and dflt are fib_main and fib_default.
	main, dflt, local *fibTable
	// hasCustomLocalRoutes is fib_has_custom_local_routes.
	hasCustomLocalRoutes bool
}

// getTable is fib_get_table.
func (f *fibNet) getTable(id uint32) *fibTable {
	if id == 0 {
		id = unix.RT_TABLE_MAIN
	}
	for _, tb := range f.hash[id&(fibTableHashsz-1)] {
		if tb.id == id {
			return tb
		}
	}
	return nil
}

// fibNewTable is fib_new_table: the table, created on first use; the
// local table's creation creates main first (its trie's alias).
func (f *fibNet) newTable(id uint32) *fibTable {
	if id == 0 {
		id = unix.RT_TABLE_MAIN
	}
	if tb := f.getTable(id); tb != nil {
		return tb
	}
	if id == unix.RT_TABLE_LOCAL {
		f.newTable(unix.RT_TABLE_MAIN)
	}
	tb := newFibTable(id)
	switch id {
	case unix.RT_TABLE_MAIN:
		f.main = tb
	case unix.RT_TABLE_DEFAULT:
		f.dflt = tb
	case unix.RT_TABLE_LOCAL:
		f.local = tb
	}
	h := id & (fibTableHashsz - 1)
	f.hash[h] = append([]*fibTable{tb}, f.hash[h]...)
	f.tables = append(f.tables, tb)
	return tb
}

// forEachInfo calls fn for the information of every route of the
// namespace (the walks of fib_info_devhash).
func (f *fibNet) forEachInfo(fn func(fi *fibInfo)) {
	for _, tb := range f.tables {
		for _, l := range tb.leaves {
			for _, fa := range l.fa {
				fn(fa.fi)
			}
		}
	}
}

// fibFlush is fib_flush: every table drops its dead routes.
func fibFlush(n *Net) {
	for _, tb := range n.fib.tables {
		fibTableFlush(tb, false)
	}
}

// fibLookup is fib_lookup without custom policy rules: the main table's
// trie, which holds the local table's routes too (the longest prefix of
// either wins, local first at equal length), then the default table. The
// policy rules engine (fib_rules.go, __fib_lookup) plugs in here once a
// namespace has custom rules.
func fibLookup(n *Net, fl *flowi4, res *fibResult, flags int) unix.Errno {
	err := unix.EAGAIN
	if f := &n.fib; f.main != nil || f.local != nil {
		err = fibTablesLookup(fl, res, flags, f.main, f.local)
	}
	if err != unix.EAGAIN {
		return err
	}
	if tb := n.fib.dflt; tb != nil {
		err = fibTableLookup(tb, fl, res, flags)
	}
	if err == unix.EAGAIN {
		err = unix.ENETUNREACH
	}
	return err
}

// inetAddrTypeDevTable is inet_addr_type_dev_table: the type (RTN_*) of
// the route addr meets in the local table of dev's FIB.
func inetAddrTypeDevTable(n *Net, dev *NetDevice, addr inAddr) uint8 {
	return inetAddrTypeTableDev(n, dev, addr, unix.RT_TABLE_LOCAL)
}

// inetAddrType is inet_addr_type.
func inetAddrType(n *Net, addr inAddr) uint8 {
	return inetAddrTypeTableDev(n, nil, addr, unix.RT_TABLE_LOCAL)
}

// inetAddrTypeTable is inet_addr_type_table.
func inetAddrTypeTable(n *Net, addr inAddr, tbID uint32) uint8 {
	return inetAddrTypeTableDev(n, nil, addr, tbID)
}

// inetAddrTypeTableDev is __inet_dev_addr_type: zeronet and limited
// broadcast are RTN_BROADCAST, multicast RTN_MULTICAST, else the type of
// the route the table's lookup finds (through dev, when given), or
// RTN_UNICAST.
func inetAddrTypeTableDev(n *Net, dev *NetDevice, addr inAddr, tbID uint32) uint8 {
	if addr == 0 || addr == 0xffffffff {
		return unix.RTN_BROADCAST
	}
	if addr>>28 == 0xe {
		return unix.RTN_MULTICAST
	}
	fl := flowi4{daddr: addr}
	if dev != nil {
		fl.oif = dev.ifindex
	}
	ret := uint8(unix.RTN_BROADCAST)
	if tb := n.fib.getTable(tbID); tb != nil {
		ret = unix.RTN_UNICAST
		var res fibResult
		var err unix.Errno
		if tbID == unix.RT_TABLE_LOCAL {
			// The local table's trie is main's.
			err = fibTablesLookup(&fl, &res, fibLookupNoref, n.fib.main, tb)
		} else {
			err = fibTableLookup(tb, &fl, &res, fibLookupNoref)
		}
		if err == 0 {
			ret = res.typ
		}
	}
	return ret
}

// rtmIPv4Policy is rtm_ipv4_policy.
var rtmIPv4Policy = func() []nlaPolicy {
	p := make([]nlaPolicy, RTA_MAX+1)
	p[unix.RTA_UNSPEC] = nlaPolicy{strictStart: unix.RTA_DPORT + 1}
	for _, t := range []int{unix.RTA_DST, unix.RTA_SRC, unix.RTA_IIF, unix.RTA_OIF, unix.RTA_GATEWAY, unix.RTA_PRIORITY,
		unix.RTA_PREFSRC, unix.RTA_FLOW, unix.RTA_UID, unix.RTA_MARK, unix.RTA_TABLE, RTA_NH_ID} {
		p[t] = nlaPolicy{typ: nlaU32}
	}
	p[unix.RTA_METRICS] = nlaPolicy{typ: nlaNested}
	p[unix.RTA_MULTIPATH] = nlaPolicy{len: unix.SizeofRtNexthop}
	p[unix.RTA_ENCAP_TYPE] = nlaPolicy{typ: nlaU16}
	p[unix.RTA_ENCAP] = nlaPolicy{typ: nlaNested}
	p[unix.RTA_IP_PROTO] = nlaPolicy{typ: nlaU8}
	p[unix.RTA_SPORT] = nlaPolicy{typ: nlaU16}
	p[unix.RTA_DPORT] = nlaPolicy{typ: nlaU16}
	return p
}()

// rtmToFibConfig is rtm_to_fib_config.
func rtmToFibConfig(n *Net, skb *SkBuff, nlh []byte, cfg *fibConfig, extack *ExtAck) error {
	var tb [RTA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofRtmsg, tb[:], RTA_MAX, rtmIPv4Policy, nlValidateLiberal, extack); err != nil {
		return err
	}
	rtm := nlmsgPayload(nlh)
	*cfg = fibConfig{}
	if rtm[3]&3 != 0 { // inet_validate_dscp
		extack.setMsg("Invalid dsfield (tos): ECN bits must be 0")
		return unix.EINVAL
	}
	cfg.dscp = rtm[3]
	cfg.dstLen = rtm[1]
	cfg.table = uint32(rtm[4])
	cfg.protocol = rtm[5]
	cfg.scope = rtm[6]
	cfg.typ = rtm[7]
	cfg.flags = binary.NativeEndian.Uint32(rtm[8:])
	cfg.nlflags = nlmsgFlags(nlh)
	cfg.portid = skb.portid
	cfg.nlh = nlh
	cfg.net = n
	if cfg.typ > unix.RTN_MAX {
		extack.setMsg("Invalid route type")
		return unix.EINVAL
	}
	hasGw, hasVia := false, false
	var err error
	nlaForEach(nlh[NLMSG_HDRLEN+sizeofRtmsg:], NLMSG_HDRLEN+sizeofRtmsg, func(a Attr) bool {
		switch a.Type & NLA_TYPE_MASK {
		case unix.RTA_DST:
			cfg.dst = fibGetAddr(&a)
		case unix.RTA_OIF:
			cfg.oif = int(a.U32())
		case unix.RTA_GATEWAY:
			hasGw = true
			if cfg.gw = fibGetAddr(&a); cfg.gw != 0 {
				cfg.gwFamily = unix.AF_INET
			}
		case unix.RTA_VIA:
			hasVia = true
			if err = fibGwFromVia(cfg, &a, extack); err != nil {
				return false
			}
		case unix.RTA_PRIORITY:
			cfg.priority = a.U32()
		case unix.RTA_PREFSRC:
			cfg.prefsrc = fibGetAddr(&a)
		case unix.RTA_METRICS:
			mx := a
			cfg.mx = &mx
		case unix.RTA_MULTIPATH:
			mp := a
			cfg.mp = &mp
		case unix.RTA_FLOW:
			cfg.flow = a.U32()
		case unix.RTA_TABLE:
			cfg.table = a.U32()
		case unix.RTA_ENCAP:
			cfg.encap = true
		case unix.RTA_ENCAP_TYPE:
			// lwtunnel_valid_encap_type: no encapsulation is modelled.
			extack.setMsg("Unknown lwt encapsulation type")
			err = unix.EOPNOTSUPP
			return false
		case RTA_NH_ID:
			cfg.nhID = a.U32()
		}
		return true
	})
	if err != nil {
		return err
	}
	if cfg.dstLen > 32 {
		extack.setMsg("Invalid prefix length")
		return unix.EINVAL
	}
	if cfg.dstLen < 32 && uint32(cfg.dst)<<cfg.dstLen != 0 {
		extack.setMsg("Invalid prefix for given prefix length")
		return unix.EINVAL
	}
	if cfg.nhID != 0 && (cfg.oif != 0 || cfg.gwFamily != 0 || cfg.encap || cfg.mp != nil) {
		extack.setMsg("Nexthop specification and nexthop id are mutually exclusive")
		return unix.EINVAL
	}
	if hasGw && hasVia {
		extack.setMsg("Nexthop configuration can not contain both GATEWAY and VIA")
		return unix.EINVAL
	}
	if cfg.table == 0 {
		cfg.table = unix.RT_TABLE_MAIN
	}
	return nil
}

// inetRtmDelroute is inet_rtm_delroute.
func inetRtmDelroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	n := skb.sk.net
	var cfg fibConfig
	if err := rtmToFibConfig(n, skb, nlh, &cfg, extack); err != nil {
		return err
	}
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	if cfg.nhID != 0 {
		extack.setMsg("Nexthop id does not exist")
		return unix.EINVAL
	}
	tb := n.fib.getTable(cfg.table)
	if tb == nil {
		extack.setMsg("FIB table does not exist")
		return unix.ESRCH
	}
	return fibTableDelete(n, tb, &cfg, extack)
}

// inetRtmNewroute is inet_rtm_newroute.
func inetRtmNewroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	n := skb.sk.net
	var cfg fibConfig
	if err := rtmToFibConfig(n, skb, nlh, &cfg, extack); err != nil {
		return err
	}
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	tb := n.fib.newTable(cfg.table)
	err := fibTableInsert(n, tb, &cfg, extack)
	if err == nil && cfg.typ == unix.RTN_LOCAL {
		n.fib.hasCustomLocalRoutes = true
	}
	return err
}

// ipValidFibDumpReq is ip_valid_fib_dump_req.
func ipValidFibDumpReq(n *Net, nlh []byte, filter *fibDumpFilter, cb *netlinkCallback) error {
	extack := &cb.extack
	p := nlmsgPayload(nlh)
	if len(p) < sizeofRtmsg {
		extack.setMsg("Invalid header for FIB dump request")
		return unix.EINVAL
	}
	if p[1] != 0 || p[2] != 0 || p[3] != 0 || p[6] != 0 {
		extack.setMsg("Invalid values in header for FIB dump request")
		return unix.EINVAL
	}
	flags := binary.NativeEndian.Uint32(p[8:])
	if flags&^(unix.RTM_F_CLONED|unix.RTM_F_PREFIX) != 0 {
		extack.setMsg("Invalid flags for FIB dump request")
		return unix.EINVAL
	}
	if flags&unix.RTM_F_CLONED != 0 {
		filter.dumpRoutes = false
	} else {
		filter.dumpExceptions = false
	}
	filter.flags = flags
	filter.protocol = p[5]
	filter.rtType = p[7]
	filter.tableID = uint32(p[4])
	var tb [RTA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofRtmsg, tb[:], RTA_MAX, rtmIPv4Policy, nlValidateDeprecatedStrict, extack); err != nil {
		return err
	}
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		switch i {
		case unix.RTA_TABLE:
			filter.tableID = tb[i].U32()
		case unix.RTA_OIF:
			if filter.dev = n.devByIndex[int(tb[i].U32())]; filter.dev == nil {
				return unix.ENODEV
			}
		default:
			extack.setMsg("Unsupported attribute in dump request")
			return unix.EINVAL
		}
	}
	if filter.flags != 0 || filter.protocol != 0 || filter.rtType != 0 || filter.tableID != 0 || filter.dev != nil {
		filter.filterSet = true
		cb.answerFlags = NLM_F_DUMP_FILTERED
	}
	return nil
}

// fibDumpState is inet_dump_fib's cb->args: the hash chain, the table in
// it, and the table's own position.
type fibDumpState struct {
	h, e int
	pos  fibDumpPos
}

// inetDumpFib is inet_dump_fib: 0 when done, -EMSGSIZE when the datagram
// is full, or a negative errno.
func inetDumpFib(cb *netlinkCallback, m *nlBuf) int {
	n := cb.net
	filter := fibDumpFilter{dumpRoutes: true, dumpExceptions: true}
	st, _ := cb.data.(*fibDumpState)
	if st == nil {
		st = &fibDumpState{}
		cb.data = st
	}
	if cb.strictCheck {
		if err := ipValidFibDumpReq(n, cb.nlh, &filter, cb); err != nil {
			return errnoOf(err)
		}
	} else if p := nlmsgPayload(cb.nlh); len(p) >= sizeofRtmsg {
		filter.flags = binary.NativeEndian.Uint32(p[8:]) & (unix.RTM_F_PREFIX | unix.RTM_F_CLONED)
	}
	if filter.flags&unix.RTM_F_PREFIX != 0 {
		return 0
	}
	n.k.rtnl.RLock(cb.rtnlShard)
	defer n.k.rtnl.RUnlock(cb.rtnlShard)
	if filter.tableID != 0 {
		tb := n.fib.getTable(filter.tableID)
		if tb == nil {
			if cb.nlh[NLMSG_HDRLEN] != unix.AF_INET {
				return 0
			}
			cb.extack.setMsg("ipv4: FIB table does not exist")
			return -int(unix.ENOENT)
		}
		if !fibTableDump(tb, m, cb, &filter, &st.pos) {
			return -int(unix.EMSGSIZE)
		}
		return 0
	}
	for ; st.h < fibTableHashsz; st.h, st.e = st.h+1, 0 {
		chain := n.fib.hash[st.h]
		for ; st.e < len(chain); st.e++ {
			if !fibTableDump(chain[st.e], m, cb, &filter, &st.pos) {
				return -int(unix.EMSGSIZE)
			}
			st.pos = fibDumpPos{}
		}
	}
	return 0
}

// fibMagic is fib_magic: a route of an address, in the table its type
// names (main for unicast, local otherwise), protocol kernel.
func fibMagic(cmd uint16, typ uint8, dst inAddr, dstLen uint8, ifa *inIfaddr, rtPriority uint32) {
	dev := ifa.inDev.dev
	n := dev.net
	tbID := uint32(unix.RT_TABLE_LOCAL)
	if typ == unix.RTN_UNICAST {
		tbID = unix.RT_TABLE_MAIN
	}
	tb := n.fib.newTable(tbID)
	cfg := fibConfig{protocol: unix.RTPROT_KERNEL, typ: typ, dst: dst, dstLen: dstLen, priority: rtPriority,
		prefsrc: ifa.local, oif: dev.ifindex, nlflags: NLM_F_CREATE | NLM_F_APPEND, net: n, table: tb.id,
		scope: unix.RT_SCOPE_LINK}
	if typ == unix.RTN_LOCAL {
		cfg.scope = unix.RT_SCOPE_HOST
	}
	var extack ExtAck
	if cmd == RTM_NEWROUTE {
		_ = fibTableInsert(n, tb, &cfg, &extack)
	} else {
		_ = fibTableDelete(n, tb, &cfg, &extack)
	}
}

// ipv4IsZeronet is ipv4_is_zeronet.
func ipv4IsZeronet(a inAddr) bool { return a>>24 == 0 }

// fibAddIfaddr is fib_add_ifaddr: the local route of the address; on an
// up device the explicit broadcast's route, the prefix route (main, or
// local on lo) and the subnet broadcast route.
func fibAddIfaddr(ifa *inIfaddr) {
	in := ifa.inDev
	dev := in.dev
	prim := ifa
	mask := ifa.mask
	addr := ifa.local
	prefix := ifa.address & mask
	if ifa.flags&unix.IFA_F_SECONDARY != 0 {
		if prim = inetIfaByprefix(in, prefix, mask); prim == nil {
			return
		}
	}
	fibMagic(RTM_NEWROUTE, unix.RTN_LOCAL, addr, 32, prim, 0)
	if dev.Flags&IFF_UP == 0 {
		return
	}
	if ifa.broadcast != 0 && ifa.broadcast != 0xffffffff {
		fibMagic(RTM_NEWROUTE, unix.RTN_BROADCAST, ifa.broadcast, 32, prim, 0)
	}
	if !ipv4IsZeronet(prefix) && ifa.flags&unix.IFA_F_SECONDARY == 0 && (prefix != addr || ifa.prefixlen < 32) {
		if ifa.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
			fibMagic(RTM_NEWROUTE, prefixRouteType(dev), prefix, ifa.prefixlen, prim, ifa.rtPriority)
		}
		if ifa.prefixlen < 31 {
			fibMagic(RTM_NEWROUTE, unix.RTN_BROADCAST, prefix|^mask, 32, prim, 0)
		}
	}
}

func prefixRouteType(dev *NetDevice) uint8 {
	if dev.Flags&IFF_LOOPBACK != 0 {
		return unix.RTN_LOCAL
	}
	return unix.RTN_UNICAST
}

// fibModifyPrefixMetric is fib_modify_prefix_metric: the prefix route
// moves to the new metric (added, then the old one deleted).
func fibModifyPrefixMetric(ifa *inIfaddr, newMetric uint32) {
	prefix := ifa.address & ifa.mask
	dev := ifa.inDev.dev
	if dev.Flags&IFF_UP == 0 || ifa.flags&(unix.IFA_F_SECONDARY|unix.IFA_F_NOPREFIXROUTE) != 0 ||
		ipv4IsZeronet(prefix) || prefix == ifa.local && ifa.prefixlen == 32 {
		return
	}
	fibMagic(RTM_NEWROUTE, prefixRouteType(dev), prefix, ifa.prefixlen, ifa, newMetric)
	fibMagic(RTM_DELROUTE, prefixRouteType(dev), prefix, ifa.prefixlen, ifa, ifa.rtPriority)
}

// fibDelIfaddr is fib_del_ifaddr: the routes of the address that no
// other address of the device still needs.
func fibDelIfaddr(ifa, iprim *inIfaddr) {
	in := ifa.inDev
	dev := in.dev
	prim := ifa
	var prim1 *inIfaddr
	brd := ifa.address | ^ifa.mask
	anyA := ifa.address & ifa.mask
	const (
		localOK = 1 << iota
		brdOK
		brd0OK
		brd1OK
	)
	ok := 0
	subnet, gone, samePrefsrc := false, true, false
	if ifa.flags&unix.IFA_F_SECONDARY != 0 {
		if prim = inetIfaByprefix(in, anyA, ifa.mask); prim == nil {
			return
		}
		if iprim != nil && iprim != prim {
			return
		}
	} else if !ipv4IsZeronet(anyA) && (anyA != ifa.local || ifa.prefixlen < 32) {
		if ifa.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
			fibMagic(RTM_DELROUTE, prefixRouteType(dev), anyA, ifa.prefixlen, prim, 0)
		}
		subnet = true
	}
	for _, ifa1 := range in.ifaList {
		if dev.inDev != in {
			break // in_dev->dead: no promotions
		}
		if ifa1 == ifa {
			gone = false
			continue
		}
		if iprim != nil && ifa1.mask == iprim.mask && inetIfaMatch(ifa1.address, iprim) {
			continue
		}
		if ifa1.flags&unix.IFA_F_SECONDARY != 0 {
			if ifa1.mask == prim.mask && inetIfaMatch(ifa1.address, prim) {
				prim1 = prim
			} else {
				if !samePrefsrc {
					continue
				}
				if prim1 == nil || ifa1.mask != prim1.mask || !inetIfaMatch(ifa1.address, prim1) {
					prim1 = inetIfaByprefix(in, ifa1.address, ifa1.mask)
				}
				if prim1 == nil || prim1.local != prim.local {
					continue
				}
			}
		} else {
			if prim.local != ifa1.local {
				continue
			}
			prim1 = ifa1
			if prim != prim1 {
				samePrefsrc = true
			}
		}
		if ifa.local == ifa1.local {
			ok |= localOK
		}
		if ifa.broadcast == ifa1.broadcast {
			ok |= brdOK
		}
		if brd == ifa1.broadcast {
			ok |= brd1OK
		}
		if anyA == ifa1.broadcast {
			ok |= brd0OK
		}
		if prim1 == ifa1 && ifa1.prefixlen < 31 {
			brd1 := ifa1.address | ^ifa1.mask
			any1 := ifa1.address & ifa1.mask
			if !ipv4IsZeronet(any1) {
				if ifa.broadcast == brd1 || ifa.broadcast == any1 {
					ok |= brdOK
				}
				if brd == brd1 || brd == any1 {
					ok |= brd1OK
				}
				if anyA == brd1 || anyA == any1 {
					ok |= brd0OK
				}
			}
		}
	}
	if ok&brdOK == 0 {
		fibMagic(RTM_DELROUTE, unix.RTN_BROADCAST, ifa.broadcast, 32, prim, 0)
	}
	if subnet && ifa.prefixlen < 31 {
		if ok&brd1OK == 0 {
			fibMagic(RTM_DELROUTE, unix.RTN_BROADCAST, brd, 32, prim, 0)
		}
		if ok&brd0OK == 0 {
			fibMagic(RTM_DELROUTE, unix.RTN_BROADCAST, anyA, 32, prim, 0)
		}
	}
	if ok&localOK == 0 {
		fibMagic(RTM_DELROUTE, unix.RTN_LOCAL, ifa.local, 32, prim, 0)
		if gone && inetAddrTypeDevTable(dev.net, dev, ifa.local) != unix.RTN_LOCAL {
			if fibSyncDownAddr(dev, ifa.local) > 0 {
				fibFlush(dev.net)
			}
		}
	}
}

// fibSyncDownAddr is fib_sync_down_addr: the routes of the main table
// whose preferred source was the vanished address die.
func fibSyncDownAddr(dev *NetDevice, local inAddr) int {
	if local == 0 {
		return 0
	}
	ret := 0
	dev.net.fib.forEachInfo(func(fi *fibInfo) {
		if fi.prefsrc == local && fi.tbID == unix.RT_TABLE_MAIN && fi.flags&unix.RTNH_F_DEAD == 0 {
			fi.flags |= unix.RTNH_F_DEAD
			ret++
		}
	})
	return ret
}

// fibDisableIP is fib_disable_ip.
func fibDisableIP(dev *NetDevice, event NetdevEvent, force bool) {
	if fibSyncDownDev(dev, event, force) > 0 {
		fibFlush(dev.net)
	}
}

// fibInetaddrEvent is fib_inetaddr_event.
func fibInetaddrEvent(event NetdevEvent, ifa *inIfaddr) {
	dev := ifa.inDev.dev
	switch event {
	case NETDEV_UP:
		fibAddIfaddr(ifa)
		fibSyncUp(dev, unix.RTNH_F_DEAD)
	case NETDEV_DOWN:
		fibDelIfaddr(ifa, nil)
		if len(ifa.inDev.ifaList) == 0 {
			fibDisableIP(dev, event, true)
		}
	}
}

// fibNetdevEvent is fib_netdev_event.
func fibNetdevEvent(info *netdevNotifierInfo) error {
	dev := info.dev
	if info.event == NETDEV_UNREGISTER {
		fibDisableIP(dev, info.event, true)
		return nil
	}
	in := dev.inDev
	if in == nil {
		return nil
	}
	switch info.event {
	case NETDEV_UP:
		for _, ifa := range in.ifaList {
			fibAddIfaddr(ifa)
		}
		fibSyncUp(dev, unix.RTNH_F_DEAD)
	case NETDEV_DOWN:
		fibDisableIP(dev, info.event, false)
	case NETDEV_CHANGE:
		if devGetFlags(dev)&(IFF_RUNNING|IFF_LOWER_UP) != 0 {
			fibSyncUp(dev, unix.RTNH_F_LINKDOWN)
		} else {
			fibSyncDownDev(dev, info.event, false)
		}
	}
	// NETDEV_CHANGEMTU (fib_sync_mtu) changes only route exceptions,
	// which the model has none of without a datagram path.
	return nil
}

// fibNetInit is fib_net_init (ip_fib_net_init): an empty table hash; the
// tables come with their first route (fib_new_table).
func fibNetInit(n *Net) error {
	n.fib = fibNet{}
	return nil
}

// fibNetExit is fib_net_exit (ip_fib_net_exit): every table is flushed
// and freed.
func fibNetExit(n *Net) {
	for h := range n.fib.hash {
		for _, tb := range n.fib.hash[h] {
			fibTableFlush(tb, true)
		}
	}
	n.fib = fibNet{}
}

func init() {
	registerPernetSubsys(&pernetOperations{name: "fib", order: pernetOrderFib, init: fibNetInit, exit: fibNetExit})
	registerInetaddrNotifier(&inetaddrNotifier{name: "fib", call: fibInetaddrEvent})
	registerNetdeviceNotifier(&netdevNotifier{name: "fib", order: netdevNotifierFib, call: fibNetdevEvent})
	rtnlRegister(unix.AF_INET, RTM_NEWROUTE, inetRtmNewroute, nil, 0)
	rtnlRegister(unix.AF_INET, RTM_DELROUTE, inetRtmDelroute, nil, 0)
	rtnlRegister(unix.AF_INET, RTM_GETROUTE, inetRtmGetroute, inetDumpFib, rtnlFlagDumpSplitNlmDone)
}

// checkFib is the FIB's part of CheckInvariants: every nexthop device is
// registered in the route's namespace, and every route fib_magic derived
// (protocol kernel, local or main table) has its preferred source on a
// live address of its device, unless the route is dead.
func checkFib(n *Net, bad func(format string, args ...any)) {
	for h := range n.fib.hash {
		for _, tb := range n.fib.hash[h] {
			for key, l := range tb.leaves {
				for _, fa := range l.fa {
					fi := fa.fi
					for i := range fi.nh {
						if d := fi.nh[i].dev; d != nil && n.devByIndex[d.ifindex] != d {
							bad("netns#%d: route %#x/%d in table %d: nexthop device %s not registered here", n.id, key, 32-fa.slen, tb.id, d.name)
						}
					}
					if fi.protocol != unix.RTPROT_KERNEL || fi.flags&unix.RTNH_F_DEAD != 0 || len(fi.nh) != 1 || fi.nh[0].dev == nil ||
						tb.id != unix.RT_TABLE_LOCAL && tb.id != unix.RT_TABLE_MAIN {
						continue
					}
					in := fi.nh[0].dev.inDev
					live := false
					if in != nil {
						for _, ifa := range in.ifaList {
							live = live || ifa.local == fi.prefsrc
						}
					}
					if !live {
						bad("netns#%d: derived route %#x/%d in table %d: no address %#x on %s", n.id, key, 32-fa.slen, tb.id, uint32(fi.prefsrc), fi.nh[0].dev.name)
					}
				}
			}
		}
	}
}
