package core

import (
	"encoding/binary"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// This file holds addrconf's netlink side for IPv6 addresses
// (net/ipv6/addrconf.c): RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR for
// AF_INET6 (inet6_rtm_newaddr, inet6_rtm_deladdr, inet6_rtm_getaddr,
// inet6_dump_ifaddr), the messages (inet6_fill_ifaddr) and the
// RTNLGRP_IPV6_IFADDR notifications.

func init() {
	rtnlRegister(unix.AF_INET6, RTM_NEWADDR, inet6RtmNewaddr, nil, 0)
	rtnlRegister(unix.AF_INET6, RTM_DELADDR, inet6RtmDeladdr, nil, 0)
	rtnlRegister(unix.AF_INET6, RTM_GETADDR, inet6RtmGetaddr, inet6DumpIfaddr, 0)
	rtnlRegister(unix.AF_INET6, unix.RTM_GETMULTICAST, nil, inet6DumpIfmcaddr, 0)
	rtnlRegister(unix.AF_INET6, unix.RTM_GETANYCAST, nil, inet6DumpIfacaddr, 0)
}

// ifaIPv6Policy is ifa_ipv6_policy.
var ifaIPv6Policy = func() []nlaPolicy {
	p := make([]nlaPolicy, unix.IFA_MAX+2)
	p[unix.IFA_ADDRESS] = nlaPolicy{len: 16}
	p[unix.IFA_LOCAL] = nlaPolicy{len: 16}
	p[unix.IFA_CACHEINFO] = nlaPolicy{len: 16}
	p[unix.IFA_FLAGS] = nlaPolicy{len: 4}
	p[unix.IFA_RT_PRIORITY] = nlaPolicy{len: 4}
	p[unix.IFA_TARGET_NETNSID] = nlaPolicy{typ: nlaS32}
	p[IFA_PROTO] = nlaPolicy{typ: nlaU8}
	return p
}()

// ifaddrmsg is struct ifaddrmsg, decoded.
type ifaddrmsg struct {
	family, prefixlen, flags, scope uint8
	index                           int32
}

func parseIfaddrmsg(p []byte) ifaddrmsg {
	var b [sizeofIfaddrmsg]byte
	copy(b[:], p)
	return ifaddrmsg{b[0], b[1], b[2], b[3], int32(binary.NativeEndian.Uint32(b[4:]))}
}

// extractAddr is extract_addr: IFA_LOCAL is the address when present,
// and IFA_ADDRESS then is the peer if it differs.
func extractAddr(addr, local *Attr) (pfx *[16]byte, peer *[16]byte) {
	if addr.ok {
		pfx = (*[16]byte)(addr.Data[:16])
	}
	if local.ok {
		if pfx != nil && *(*[16]byte)(local.Data[:16]) != *pfx {
			peer = pfx
		}
		pfx = (*[16]byte)(local.Data[:16])
	}
	return pfx, peer
}

// inet6RtmNewaddr is inet6_rtm_newaddr.
func inet6RtmNewaddr(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv6Policy, nlValidateLiberal, extack); err != nil {
		return err
	}
	ifm := parseIfaddrmsg(nlmsgPayload(nlh))
	pfx, peer := extractAddr(&tb[unix.IFA_ADDRESS], &tb[unix.IFA_LOCAL])
	if pfx == nil {
		return unix.EINVAL
	}
	cfg := ifa6Config{pfx: *pfx, peer: peer, plen: ifm.prefixlen}
	if tb[unix.IFA_RT_PRIORITY].ok {
		cfg.rtPriority = tb[unix.IFA_RT_PRIORITY].U32()
	}
	if tb[IFA_PROTO].ok {
		cfg.proto = tb[IFA_PROTO].U8()
	}
	cfg.flags = uint32(ifm.flags)
	if tb[unix.IFA_FLAGS].ok {
		cfg.flags = tb[unix.IFA_FLAGS].U32()
	}
	cfg.flags &= unix.IFA_F_NODAD | unix.IFA_F_HOMEADDRESS | unix.IFA_F_MANAGETEMPADDR |
		unix.IFA_F_NOPREFIXROUTE | unix.IFA_F_MCAUTOJOIN | unix.IFA_F_OPTIMISTIC
	cfg.flags |= unix.IFA_F_PERMANENT
	cfg.validLft, cfg.preferLft = infinityLifeTime, infinityLifeTime
	if ci := &tb[unix.IFA_CACHEINFO]; ci.ok {
		cfg.preferLft = binary.NativeEndian.Uint32(ci.Data[0:])
		cfg.validLft = binary.NativeEndian.Uint32(ci.Data[4:])
		if cfg.validLft == 0 || cfg.preferLft > cfg.validLft {
			extack.setMsg("ipv6: address lifetime invalid")
			return unix.EINVAL
		}
		if cfg.validLft != infinityLifeTime {
			cfg.flags &^= unix.IFA_F_PERMANENT
		}
		if cfg.preferLft == 0 {
			cfg.flags |= unix.IFA_F_DEPRECATED
		}
	}
	n := skb.sk.net
	k := n.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	dev := n.devByIndex[int(ifm.index)]
	if dev == nil {
		extack.setMsg("ipv6: Unable to find the interface")
		return unix.ENODEV
	}
	if !dev.inet6 {
		// ipv6_find_idev: ipv6_add_dev refuses a device below the
		// IPv6 minimum MTU.
		return unix.EINVAL
	}
	// ipv6_allow_optimistic_dad: optimistic_dad is off.
	cfg.flags &^= unix.IFA_F_OPTIMISTIC
	ifa := ipv6GetIfaddr(dev, cfg.pfx)
	if ifa == nil {
		return inet6AddrAdd(dev, &cfg, extack)
	}
	if f := nlmsgFlags(nlh); f&NLM_F_EXCL != 0 || f&NLM_F_REPLACE == 0 {
		extack.setMsg("ipv6: address already assigned")
		return unix.EEXIST
	}
	return inet6AddrModify(ifa, &cfg)
}

// inet6AddrAdd is inet6_addr_add. RTNL is held.
func inet6AddrAdd(dev *NetDevice, cfg *ifa6Config, extack *ExtAck) error {
	if cfg.plen > 128 {
		extack.setMsg("ipv6: Invalid prefix length")
		return unix.EINVAL
	}
	if cfg.flags&unix.IFA_F_MANAGETEMPADDR != 0 && cfg.plen != 64 {
		extack.setMsg("ipv6: address with \"mngtmpaddr\" flag must have a prefix length of 64")
		return unix.EINVAL
	}
	addrconfAddDev(dev)
	cfg.scope = ipv6AddrScope(cfg.pfx)
	ifa, err := ipv6AddAddr(dev, cfg, extack)
	if err != nil {
		return err
	}
	if cfg.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
		expires, flags := prefixRouteExpiry(cfg)
		addrconfPrefixRoute(dev, ifa.addr, ifa.plen, ifa.rtPriority, expires, flags)
	}
	if ifa.flags&(unix.IFA_F_OPTIMISTIC|unix.IFA_F_NODAD) == 0 {
		ipv6IfaNotify(0, ifa)
	}
	addrconfDadStart(ifa)
	addrconfVerify(dev.net)
	return nil
}

// inet6AddrModify is inet6_addr_modify (NLM_F_REPLACE of an existing
// address). RTNL is held.
func inet6AddrModify(ifa *inet6Ifaddr, cfg *ifa6Config) error {
	if cfg.flags&unix.IFA_F_MANAGETEMPADDR != 0 && (ifa.flags&unix.IFA_F_TEMPORARY != 0 || ifa.plen != 64) {
		return unix.EINVAL
	}
	dev := ifa.dev
	expires, rtFlags := prefixRouteExpiry(cfg)
	newPeer := false
	if cfg.peer != nil && *cfg.peer != ifa.peer {
		if ifa.peer != ([16]byte{}) {
			cleanupPrefixRouteOf(ifa, ifa.peer, 0, true)
		}
		newPeer = true
	}
	hadPrefixRoute := ifa.flags&unix.IFA_F_PERMANENT != 0 && ifa.flags&unix.IFA_F_NOPREFIXROUTE == 0
	ifa.flags &^= unix.IFA_F_DEPRECATED | unix.IFA_F_PERMANENT | unix.IFA_F_NODAD |
		unix.IFA_F_HOMEADDRESS | unix.IFA_F_MANAGETEMPADDR | unix.IFA_F_NOPREFIXROUTE
	ifa.flags |= cfg.flags
	ifa.tstamp = dev.net.k.jiffies()
	ifa.validLft, ifa.preferLft = cfg.validLft, cfg.preferLft
	ifa.proto = cfg.proto
	if cfg.rtPriority != 0 {
		ifa.rtPriority = cfg.rtPriority
	}
	if newPeer {
		ifa.peer = *cfg.peer
	}
	if ifa.flags&unix.IFA_F_TENTATIVE == 0 {
		ipv6IfaNotify(0, ifa)
	}
	hasPeer := ifa.peer != [16]byte{}
	if cfg.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
		found := false
		if hadPrefixRoute {
			found = modifyPrefixRoute(ifa, ifa.addr, expires, rtFlags)
		}
		if !found {
			addrconfPrefixRoute(dev, ifa.addr, ifa.plen, ifa.rtPriority, expires, rtFlags)
		}
		if hadPrefixRoute && hasPeer {
			found = modifyPrefixRoute(ifa, ifa.peer, expires, rtFlags)
		}
		if !found && hasPeer {
			addrconfPrefixRoute(dev, ifa.peer, ifa.plen, ifa.rtPriority, expires, rtFlags)
		}
	} else if hadPrefixRoute {
		if action, when := checkCleanupPrefixRoute(ifa); action != cleanupPrefixNop {
			cleanupPrefixRoute(ifa, when, action == cleanupPrefixDel)
		}
	}
	addrconfVerify(dev.net)
	return nil
}

// prefixRouteExpiry is the expiry inet6_rtm_newaddr gives an address's
// prefix route: its valid lifetime in clock ticks with RTF_EXPIRES, none
// for a permanent one.
func prefixRouteExpiry(cfg *ifa6Config) (expires, flags uint32) {
	if cfg.validLft == infinityLifeTime {
		return 0, 0
	}
	return cfg.validLft * 100, rtfExpires // jiffies_to_clock_t(valid_lft * HZ)
}

// modifyPrefixRoute is modify_prefix_route for the route of pfx (the
// address's or its peer's): a new metric replaces the route, else its
// expiry follows; false when there is no such route.
func modifyPrefixRoute(ifa *inet6Ifaddr, pfx [16]byte, expires, flags uint32) bool {
	dev := ifa.dev
	rt := addrconfGetPrefixRoute(dev, pfx, ifa.plen, 0, rtfDefault, true)
	if rt == nil {
		return false
	}
	prio := ifa.rtPriority
	if prio == 0 {
		prio = ip6RtPrioAddrconf
	}
	if rt.metric != prio {
		ip6DelRt(dev.net, rt)
		addrconfPrefixRoute(dev, pfx, ifa.plen, ifa.rtPriority, expires, flags)
		return true
	}
	if flags&rtfExpires == 0 {
		rt.flags &^= rtfExpires
		rt.expires = 0
	} else {
		rt.flags |= rtfExpires
		rt.expires = dev.net.k.jiffies() + time.Duration(expires)*10*time.Millisecond
	}
	return true
}

// inet6RtmDeladdr is inet6_rtm_deladdr with inet6_addr_del.
func inet6RtmDeladdr(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv6Policy, nlValidateLiberal, extack); err != nil {
		return err
	}
	ifm := parseIfaddrmsg(nlmsgPayload(nlh))
	pfx, _ := extractAddr(&tb[unix.IFA_ADDRESS], &tb[unix.IFA_LOCAL])
	if pfx == nil {
		return unix.EINVAL
	}
	n := skb.sk.net
	k := n.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	if ifm.prefixlen > 128 {
		extack.setMsg("ipv6: Invalid prefix length")
		return unix.EINVAL
	}
	dev := n.devByIndex[int(ifm.index)]
	if dev == nil {
		extack.setMsg("ipv6: Unable to find the interface")
		return unix.ENODEV
	}
	if !dev.inet6 {
		extack.setMsg("ipv6: IPv6 is disabled on this device")
		return unix.ENXIO
	}
	for _, ifa := range dev.inet6Addrs {
		if ifa.plen == ifm.prefixlen && ifa.addr == *pfx {
			ipv6DelAddr(ifa)
			addrconfVerify(n)
			return nil
		}
	}
	extack.setMsg("ipv6: address not found")
	return unix.EADDRNOTAVAIL
}

// inet6FillArgs is struct inet6_fill_args.
type inet6FillArgs struct {
	portid, seq uint32
	event       uint16
	flags       uint16
	netnsid     int
	typ         int // for dumps: unicastAddr, multicastAddr or anycastAddr
}

// inet6FillIfaddr is inet6_fill_ifaddr; false when m is full.
func inet6FillIfaddr(m *nlBuf, ifa *inet6Ifaddr, args inet6FillArgs) bool {
	start := m.putHeader(args.event, args.flags, args.seq, args.portid, sizeofIfaddrmsg)
	h := m.b[start+NLMSG_HDRLEN:]
	h[0] = unix.AF_INET6
	h[1] = ifa.plen
	h[2] = uint8(ifa.flags)
	h[3] = rtScope(ifa.scope)
	putIfindex(h[4:], ifa.dev)
	if args.netnsid >= 0 {
		m.putU32(unix.IFA_TARGET_NETNSID, uint32(int32(args.netnsid)))
	}
	now := ifa.dev.net.k.jiffies()
	preferred, valid := ifa.preferLft, ifa.validLft
	if ifa.flags&unix.IFA_F_PERMANENT == 0 || preferred != infinityLifeTime {
		if preferred != infinityLifeTime {
			tval := uint32((now - ifa.tstamp) / time.Second)
			preferred = subLft(preferred, tval)
			if valid != infinityLifeTime {
				valid = subLft(valid, tval)
			}
		}
	} else {
		preferred, valid = infinityLifeTime, infinityLifeTime
	}
	if ifa.peer != ([16]byte{}) {
		m.putAttr(unix.IFA_LOCAL, ifa.addr[:])
		m.putAttr(unix.IFA_ADDRESS, ifa.peer[:])
	} else {
		m.putAttr(unix.IFA_ADDRESS, ifa.addr[:])
	}
	if ifa.rtPriority != 0 {
		m.putU32(unix.IFA_RT_PRIORITY, ifa.rtPriority)
	}
	putIfaCacheinfo(m, preferred, valid, ifa.cstamp, ifa.tstamp)
	m.putU32(unix.IFA_FLAGS, ifa.flags)
	if ifa.proto != 0 {
		m.putU8(IFA_PROTO, ifa.proto)
	}
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// putIfindex writes ifa_index.
func putIfindex(b []byte, dev *NetDevice) { binary.NativeEndian.PutUint32(b, uint32(dev.ifindex)) }

// putIfaCacheinfo is put_cacheinfo.
func putIfaCacheinfo(m *nlBuf, preferred, valid uint32, cstamp, tstamp time.Duration) {
	ci := m.reserveRaw(unix.IFA_CACHEINFO, 16)
	binary.NativeEndian.PutUint32(m.b[ci:], preferred)
	binary.NativeEndian.PutUint32(m.b[ci+4:], valid)
	binary.NativeEndian.PutUint32(m.b[ci+8:], cstampDelta(cstamp))
	binary.NativeEndian.PutUint32(m.b[ci+12:], cstampDelta(tstamp))
}

// subLft is a lifetime less the seconds that have passed, floored at 0.
func subLft(lft, passed uint32) uint32 {
	if lft > passed {
		return lft - passed
	}
	return 0
}

// cstampDelta is cstamp_delta: a time stamp in hundredths of a second
// since boot.
func cstampDelta(t time.Duration) uint32 { return uint32(t / (10 * time.Millisecond)) }

// inet6IfaNotify is inet6_ifa_notify: one message to RTNLGRP_IPV6_IFADDR.
func inet6IfaNotify(event uint16, ifa *inet6Ifaddr) {
	n := ifa.dev.net
	if !n.HasListeners(NETLINK_ROUTE, RTNLGRP_IPV6_IFADDR) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_IPV6_IFADDR, unix.ENOBUFS)
		return
	}
	var m nlBuf
	inet6FillIfaddr(&m, ifa, inet6FillArgs{event: event, netnsid: -1})
	n.rtnlNotify(m.b, 0, RTNLGRP_IPV6_IFADDR, nil)
}

// addrDump is inet6_dump_addr's resume state (cb->ctx).
type addrDump struct {
	ifindex int
	ipIdx   int
}

// inet6DumpIfaddr is inet6_dump_ifaddr (inet6_dump_addr for unicast
// addresses): every inet6_dev's addresses in device order, resumable
// within a device.
func inet6DumpIfaddr(cb *netlinkCallback, m *nlBuf) int { return inet6DumpAddr(cb, m, unicastAddr) }

// inet6DumpIfmcaddr is inet6_dump_ifmcaddr: the devices' multicast groups.
func inet6DumpIfmcaddr(cb *netlinkCallback, m *nlBuf) int { return inet6DumpAddr(cb, m, multicastAddr) }

// inet6DumpIfacaddr is inet6_dump_ifacaddr: the devices' anycast
// addresses, of which there are none (the model joins no anycast
// address: forwarding is off and there are no IPv6 sockets).
func inet6DumpIfacaddr(cb *netlinkCallback, m *nlBuf) int { return inet6DumpAddr(cb, m, anycastAddr) }

// The lists inet6_dump_addr dumps (enum addr_type_t).
const (
	unicastAddr = iota
	multicastAddr
	anycastAddr
)

// inet6DumpAddr is inet6_dump_addr.
func inet6DumpAddr(cb *netlinkCallback, m *nlBuf, typ int) int {
	args := inet6FillArgs{portid: cb.portid, seq: cb.seq, flags: NLM_F_MULTI, netnsid: -1, typ: typ}
	tgt := cb.net
	ifindex := 0
	if cb.strictCheck {
		var err error
		if tgt, ifindex, err = inet6ValidDumpIfaddrReq(cb, &args); err != nil {
			return errnoOf(err)
		}
	}
	ctx, _ := cb.data.(*addrDump)
	if ctx == nil {
		ctx = &addrDump{}
		cb.data = ctx
	}
	k := tgt.k
	k.rtnl.RLock(cb.rtnlShard)
	defer k.rtnl.RUnlock(cb.rtnlShard)
	if ifindex != 0 {
		dev := tgt.devByIndex[ifindex]
		if dev == nil {
			return -int(unix.ENODEV)
		}
		if dev.inet6 {
			return in6DumpAddrs(dev, m, &ctx.ipIdx, args)
		}
		return 0
	}
	for _, idx := range tgt.devOrder[sort.SearchInts(tgt.devOrder, ctx.ifindex):] {
		ctx.ifindex = idx
		dev := tgt.devByIndex[idx]
		if !dev.inet6 {
			continue
		}
		if err := in6DumpAddrs(dev, m, &ctx.ipIdx, args); err != 0 {
			return err
		}
	}
	ctx.ifindex = 1 << 62
	return 0
}

// in6DumpAddrs is in6_dump_addrs.
func in6DumpAddrs(dev *NetDevice, m *nlBuf, sIdx *int, args inet6FillArgs) int {
	var n int
	fill := func(i int) bool { return true }
	switch args.typ {
	case unicastAddr:
		args.event = RTM_NEWADDR
		n = len(dev.inet6Addrs)
		fill = func(i int) bool { return inet6FillIfaddr(m, dev.inet6Addrs[i], args) }
	case multicastAddr:
		args.event = unix.RTM_GETMULTICAST
		n = len(dev.inet6Mc)
		fill = func(i int) bool { return inet6FillIfmcaddr(m, dev, dev.inet6Mc[i], args) }
	}
	for i := *sIdx; i < n; i++ {
		if !fill(i) {
			*sIdx = i
			return -int(unix.EMSGSIZE)
		}
	}
	*sIdx = 0
	return 0
}

// inet6ValidDumpIfaddrReq is inet6_valid_dump_ifaddr_req: the target
// namespace and the ifindex filter.
func inet6ValidDumpIfaddrReq(cb *netlinkCallback, args *inet6FillArgs) (*Net, int, error) {
	extack := &cb.extack
	p := nlmsgPayload(cb.nlh)
	if len(p) < sizeofIfaddrmsg {
		extack.setMsg("ipv6: Invalid header for address dump request")
		return nil, 0, unix.EINVAL
	}
	ifm := parseIfaddrmsg(p)
	if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
		extack.setMsg("ipv6: Invalid values in header for address dump request")
		return nil, 0, unix.EINVAL
	}
	if ifm.index != 0 {
		cb.answerFlags |= NLM_F_DUMP_FILTERED
		args.flags |= NLM_F_DUMP_FILTERED
	}
	var tb [IFA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(cb.nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv6Policy, nlValidateDeprecatedStrict, extack); err != nil {
		return nil, 0, err
	}
	tgt := cb.net
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		if i != unix.IFA_TARGET_NETNSID {
			extack.setMsg("ipv6: Unsupported attribute in dump request")
			return nil, 0, unix.EINVAL
		}
		id := int(tb[i].S32())
		t, err := rtnlGetNetNsCapable(cb.sk, id)
		if err != nil {
			extack.setMsg("ipv6: Invalid target network namespace id")
			return nil, 0, err
		}
		tgt, args.netnsid = t, id
	}
	return tgt, int(ifm.index), nil
}

// inet6RtmGetaddr is inet6_rtm_getaddr: the address IFA_LOCAL (or
// IFA_ADDRESS) names, on the device of ifa_index if one is given.
func inet6RtmGetaddr(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFA_MAX + 1]Attr
	p := nlmsgPayload(nlh)
	if len(p) < sizeofIfaddrmsg {
		extack.setMsg("ipv6: Invalid header for get address request")
		return unix.EINVAL
	}
	ifm := parseIfaddrmsg(p)
	if !skb.sk.hasFlag(nlfStrictChk) {
		if err := nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv6Policy, nlValidateLiberal, extack); err != nil {
			return err
		}
	} else {
		if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
			extack.setMsg("ipv6: Invalid values in header for get address request")
			return unix.EINVAL
		}
		if err := nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv6Policy, nlValidateDeprecatedStrict, extack); err != nil {
			return err
		}
		for i := range tb {
			switch {
			case !tb[i].ok, i == unix.IFA_TARGET_NETNSID, i == unix.IFA_ADDRESS, i == unix.IFA_LOCAL:
			default:
				extack.setMsg("ipv6: Unsupported attribute in get address request")
				return unix.EINVAL
			}
		}
	}
	tgt := skb.sk.net
	args := inet6FillArgs{portid: skb.portid, seq: nlmsgSeq(nlh), event: RTM_NEWADDR, netnsid: -1}
	if tb[unix.IFA_TARGET_NETNSID].ok {
		id := int(tb[unix.IFA_TARGET_NETNSID].S32())
		t, err := rtnlGetNetNsCapable(skb.sk, id)
		if err != nil {
			extack.setMsg("ipv6: Invalid target network namespace id")
			return err
		}
		tgt, args.netnsid = t, id
	}
	addr, _ := extractAddr(&tb[unix.IFA_ADDRESS], &tb[unix.IFA_LOCAL])
	if addr == nil {
		return unix.EINVAL
	}
	k := tgt.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	var ifa *inet6Ifaddr
	if ifm.index != 0 {
		if dev := tgt.devByIndex[int(ifm.index)]; dev != nil {
			ifa = ipv6GetIfaddr(dev, *addr)
		}
	} else {
		ifa = ipv6GetIfaddrAny(tgt, *addr)
	}
	if ifa == nil {
		return unix.EADDRNOTAVAIL
	}
	if k.fail(FailSkbAlloc) != nil {
		return unix.ENOBUFS
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	inet6FillIfaddr(&m, ifa, args)
	reply.Data = m.b
	return tgt.nlmsgUnicastSkb(skb.sk, reply, skb.portid)
}

// ipv6GetIfaddrAny is ipv6_get_ifaddr without a device: the first
// device (by index) that has addr.
func ipv6GetIfaddrAny(n *Net, addr [16]byte) *inet6Ifaddr {
	for _, idx := range n.devOrder {
		if ifa := ipv6GetIfaddr(n.devByIndex[idx], addr); ifa != nil {
			return ifa
		}
	}
	return nil
}
