package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models the RTM_GETROUTE doit of net/ipv4/route.c
// (inet_rtm_getroute): an output route lookup through the FIB, answered
// with the matching FIB entry (RTM_F_FIB_MATCH, fib_dump_info) or with
// the route as rt_fill_info describes it. Input lookups (RTA_IIF) need
// the datagram path's ip_route_input_rcu and are refused with EINVAL
// unless the device is unknown (ENODEV), as that check comes first.

// inetRtmValidGetrouteReq is inet_rtm_valid_getroute_req.
func inetRtmValidGetrouteReq(skb *SkBuff, nlh []byte, tb []Attr, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if len(p) < sizeofRtmsg {
		extack.setMsg("ipv4: Invalid header for route get request")
		return unix.EINVAL
	}
	if !skb.sk.hasFlag(nlfStrictChk) {
		return nlmsgParseDeprecated(nlh, sizeofRtmsg, tb, RTA_MAX, rtmIPv4Policy, nlValidateLiberal, extack)
	}
	dstLen, srcLen := p[1], p[2]
	if srcLen != 0 && srcLen != 32 || dstLen != 0 && dstLen != 32 || p[4] != 0 || p[5] != 0 || p[6] != 0 || p[7] != 0 {
		extack.setMsg("ipv4: Invalid values in header for route get request")
		return unix.EINVAL
	}
	if binary.NativeEndian.Uint32(p[8:])&^(unix.RTM_F_NOTIFY|unix.RTM_F_LOOKUP_TABLE|unix.RTM_F_FIB_MATCH) != 0 {
		extack.setMsg("ipv4: Unsupported rtm_flags for route get request")
		return unix.EINVAL
	}
	if err := nlmsgParseDeprecated(nlh, sizeofRtmsg, tb, RTA_MAX, rtmIPv4Policy, nlValidateDeprecatedStrict, extack); err != nil {
		return err
	}
	if tb[unix.RTA_SRC].ok && srcLen == 0 || tb[unix.RTA_DST].ok && dstLen == 0 {
		extack.setMsg("ipv4: rtm_src_len and rtm_dst_len must be 32 for IPv4")
		return unix.EINVAL
	}
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		switch i {
		case unix.RTA_IIF, unix.RTA_OIF, unix.RTA_SRC, unix.RTA_DST, unix.RTA_IP_PROTO, unix.RTA_SPORT,
			unix.RTA_DPORT, unix.RTA_MARK, unix.RTA_UID:
		default:
			extack.setMsg("ipv4: Unsupported attribute in route get request")
			return unix.EINVAL
		}
	}
	return nil
}

// inetRtmGetroute is inet_rtm_getroute.
func inetRtmGetroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	n := skb.sk.net
	var tb [RTA_MAX + 1]Attr
	if err := inetRtmValidGetrouteReq(skb, nlh, tb[:], extack); err != nil {
		return err
	}
	rtm := nlmsgPayload(nlh)
	rtmFlags := binary.NativeEndian.Uint32(rtm[8:])
	addr := func(t int) inAddr {
		if tb[t].ok {
			return fibGetAddr(&tb[t])
		}
		return 0
	}
	u32 := func(t int) uint32 {
		if tb[t].ok {
			return tb[t].U32()
		}
		return 0
	}
	src, dst := addr(unix.RTA_SRC), addr(unix.RTA_DST)
	iif := u32(unix.RTA_IIF)
	fl := flowi4{daddr: dst, saddr: src, dscp: rtm[3], oif: int(u32(unix.RTA_OIF)), mark: u32(unix.RTA_MARK),
		uid: u32(unix.RTA_UID)}
	// inet_rtm_getroute runs under RCU (RTNL_FLAG_DOIT_UNLOCKED): the
	// lookup only reads, so it takes the socket's read shard.
	shard := skb.sk.rtnlShard
	n.k.rtnl.RLock(shard)
	defer n.k.rtnl.RUnlock(shard)
	if iif != 0 {
		if n.devByIndex[int(iif)] == nil {
			return unix.ENODEV
		}
		return unix.EINVAL
	}
	fl.iif = loopbackIfindex
	var res fibResult
	if err := ipRouteOutput(n, &fl, &res); err != 0 {
		return err
	}
	tableID := uint32(unix.RT_TABLE_MAIN)
	if rtmFlags&unix.RTM_F_LOOKUP_TABLE != 0 {
		tableID = 0
		if res.table != nil {
			tableID = res.table.id
		}
	}
	m := nlBuf{b: make([]byte, 0, 256)}
	if rtmFlags&unix.RTM_F_FIB_MATCH != 0 {
		if res.fi == nil {
			return unix.EHOSTUNREACH
		}
		fri := fibRtInfo{fi: res.fi, tbID: tableID, dst: res.prefix, dstLen: res.prefixlen, dscp: res.dscp, typ: res.typ}
		fibDumpInfo(&m, skb.portid, nlmsgSeq(nlh), RTM_NEWROUTE, &fri, 0)
	} else {
		rtFillInfo(&m, dst, src, &res, tableID, &fl, tb[unix.RTA_UID].ok, skb.portid, nlmsgSeq(nlh), rtmFlags)
	}
	return n.nlmsgUnicastSkb(skb.sk, &SkBuff{Data: m.b}, skb.portid)
}

// ipRouteOutput is the FIB part of ip_route_output_key_hash_rcu: the
// lookup (fib_lookup, with the reject routes' errors), and the source
// address the route gives.
func ipRouteOutput(n *Net, fl *flowi4, res *fibResult) unix.Errno {
	fl.scope = unix.RT_SCOPE_UNIVERSE
	if fl.oif != 0 {
		dev := n.devByIndex[fl.oif]
		if dev == nil {
			return unix.ENODEV
		}
		if dev.inDev == nil {
			return unix.ENETUNREACH
		}
	}
	if fl.daddr == 0 {
		fl.daddr = 0x7f000001 // no destination: to ourselves, over lo
	}
	err := fibLookup(n, fl, res, 0)
	if err != 0 {
		if fl.oif == 0 {
			return err
		}
		// "Apparently, routing tables are wrong. Assume that the
		// destination is on link": a unicast route out of oif, with
		// no FIB entry behind it.
		dev := n.devByIndex[fl.oif]
		if fl.saddr == 0 {
			fl.saddr = inetSelectAddr(dev, 0, unix.RT_SCOPE_LINK)
		}
		*res = fibResult{typ: unix.RTN_UNICAST, onlinkDev: dev}
		return 0
	}
	if fl.saddr == 0 {
		if fi := res.fi; fi != nil && fi.prefsrc != 0 {
			fl.saddr = fi.prefsrc
		} else if res.typ == unix.RTN_LOCAL {
			fl.saddr = fl.daddr
		} else {
			fl.saddr = inetSelectAddr(res.nh().dev, res.nh().gw, res.scope)
		}
	}
	return 0
}

// inetSelectAddr is inet_select_addr (devinet.c): the first primary
// address of dev within scope, preferring one on dst's subnet.
func inetSelectAddr(dev *NetDevice, dst inAddr, scope uint8) inAddr {
	if dev == nil || dev.inDev == nil {
		return 0
	}
	var addr inAddr
	for _, ifa := range dev.inDev.ifaList {
		if ifa.flags&unix.IFA_F_SECONDARY != 0 || ifa.scope > scope {
			continue
		}
		if dst == 0 || inetIfaMatch(dst, ifa) {
			return ifa.local
		}
		if addr == 0 {
			addr = ifa.local
		}
	}
	return addr
}

// rtaCacheinfoSize is sizeof(struct rta_cacheinfo).
const rtaCacheinfoSize = 32

// rtFillInfo is rt_fill_info for an output route.
func rtFillInfo(m *nlBuf, dst, src inAddr, res *fibResult, tableID uint32, fl *flowi4, hasUID bool, portid, seq, reqFlags uint32) {
	start := m.putHeader(RTM_NEWROUTE, 0, seq, portid, sizeofRtmsg)
	r := m.b[start+NLMSG_HDRLEN:]
	r[0] = unix.AF_INET
	r[1] = 32
	r[3] = res.dscp
	if tableID < 256 {
		r[4] = uint8(tableID)
	} else {
		r[4] = unix.RT_TABLE_COMPAT
	}
	r[7] = res.typ
	flags := uint32(unix.RTM_F_CLONED)
	if res.typ == unix.RTN_LOCAL {
		flags |= 0x80000000 // RTCF_LOCAL
	}
	if reqFlags&unix.RTM_F_NOTIFY != 0 {
		flags |= unix.RTM_F_NOTIFY | 0x10000 // RTCF_NOTIFY
	}
	binary.NativeEndian.PutUint32(r[8:], flags)
	m.putU32(unix.RTA_TABLE, tableID)
	fibPutAddr(m, unix.RTA_DST, dst)
	if src != 0 {
		m.b[start+NLMSG_HDRLEN+2] = 32
		fibPutAddr(m, unix.RTA_SRC, src)
	}
	nh := &fibNh{dev: res.onlinkDev}
	if res.fi != nil {
		nh = res.nh()
	}
	dev := nh.dev
	if res.typ == unix.RTN_LOCAL && dev != nil {
		dev = dev.net.loopback
	}
	if dev != nil {
		m.putU32(unix.RTA_OIF, uint32(dev.ifindex))
	}
	if nh.tclassid != 0 {
		m.putU32(unix.RTA_FLOW, nh.tclassid)
	}
	if fl.saddr != src {
		fibPutAddr(m, unix.RTA_PREFSRC, fl.saddr)
	}
	if nh.gwFamily == unix.AF_INET && nh.scope == unix.RT_SCOPE_LINK {
		fibPutAddr(m, unix.RTA_GATEWAY, nh.gw)
	}
	if res.fi != nil {
		rtnetlinkPutMetrics(m, res.fi.metrics)
	}
	if fl.mark != 0 {
		m.putU32(unix.RTA_MARK, fl.mark)
	}
	m.putU32(unix.RTA_UID, fl.uid)
	_ = hasUID
	m.reserve(unix.RTA_CACHEINFO, rtaCacheinfoSize)
	m.endMsg(start)
}
