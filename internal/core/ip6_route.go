package core

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"
)

// This file models net/ipv6/route.c for the routes of the FIB: the
// routes addrconf derives from addresses and devices (addrconf_f6i_alloc,
// addrconf_prefix_route, addrconf_add_mroute go through
// ip6_route_add and ip6_ins_rt), user routes (RTM_NEWROUTE and
// RTM_DELROUTE: rtm_to_fib6_config, ip6_route_add, ip6_route_del), the
// dump (inet6_dump_fib, rt6_fill_node), the lookup of RTM_GETROUTE
// (inet6_rtm_getroute), the notifications to RTNLGRP_IPV6_ROUTE and the
// netdevice events (rt6_sync_down_dev, rt6_sync_up). There is no dst
// cache: no exceptions or cloned routes.

func init() {
	rtnlRegister(unix.AF_INET6, RTM_NEWROUTE, inet6RtmNewroute, nil, 0)
	rtnlRegister(unix.AF_INET6, RTM_DELROUTE, inet6RtmDelroute, nil, 0)
	// ip6_route_init registers the doit, fib6_init the dumpit (with
	// RTNL_FLAG_DUMP_SPLIT_NLM_DONE: NLMSG_DONE in a datagram of its own).
	rtnlRegister(unix.AF_INET6, RTM_GETROUTE, inet6RtmGetroute, inet6DumpFib, rtnlFlagDumpSplitNlmDone)
}

// fib6Config is struct fib6_config.
type fib6Config struct {
	table    uint32
	metric   uint32
	dst      [16]byte
	dstLen   uint8
	srcLen   uint8
	prefsrc  [16]byte
	gateway  [16]byte
	ifindex  int
	flags    uint32
	protocol uint8
	typ      uint8
	expires  uint32 // clock_t
	metrics  []byte
	nhID     uint32 // RTA_NH_ID: no nexthop objects exist in the model
	nlinfo   nlInfo
	// ignoreDevDown is fc_ignore_dev_down: local routes of addresses on
	// a device that is down.
	ignoreDevDown bool
}

// ip6RouteInfoCreate is ip6_route_info_create with
// ip6_route_info_create_nh (fib6_nh_init) for one next hop.
func ip6RouteInfoCreate(n *Net, cfg *fib6Config, extack *ExtAck) (*fib6Info, error) {
	var t *fib6Table
	if cfg.nlinfo.nlh != nil && nlmsgFlags(cfg.nlinfo.nlh)&NLM_F_CREATE == 0 {
		if t = fib6GetTable(n, cfg.table); t == nil {
			t = fib6NewTable(n, cfg.table)
		}
	} else {
		t = fib6NewTable(n, cfg.table)
	}
	metrics, err := rt6MetricsConvert(cfg.metrics, extack)
	if err != nil {
		return nil, err
	}
	rt := &fib6Info{table: t, metric: cfg.metric, protocol: cfg.protocol, typ: cfg.typ,
		flags: cfg.flags &^ rtfGateway, dstLen: cfg.dstLen, metrics: metrics}
	if cfg.flags&rtfExpires != 0 {
		rt.expires = n.k.jiffies() + time.Duration(cfg.expires)*10*time.Millisecond
	}
	if rt.protocol == unix.RTPROT_UNSPEC {
		rt.protocol = unix.RTPROT_BOOT
	}
	if rt.typ == 0 {
		rt.typ = unix.RTN_UNICAST
	}
	rt.dst = ipv6PrefixMask(cfg.dst, cfg.dstLen)
	if cfg.nhID != 0 {
		// ip6_route_info_create_nh: nexthop_find_by_id finds none.
		extack.setMsg("Nexthop id does not exist")
		return nil, unix.EINVAL
	}
	if err := fib6NhInit(n, rt, cfg, extack); err != nil {
		return nil, err
	}
	// fib6_is_reject: no true routes through the loopback device.
	typ, _, _ := ipv6AddrType(cfg.dst)
	if cfg.flags&rtfReject != 0 || rt.nhDev.Flags&IFF_LOOPBACK != 0 && typ&0x10 == 0 && cfg.flags&(rtfAnycast|rtfLocal) == 0 {
		rt.flags = rtfReject | rtfNonexthop
	}
	if cfg.prefsrc != ([16]byte{}) {
		if !ipv6ChkAddr(n, cfg.prefsrc, rt.nhDev) {
			extack.setMsg("Invalid source address")
			return nil, unix.EINVAL
		}
		rt.prefsrc, rt.prefLen = cfg.prefsrc, 128
	}
	return rt, nil
}

// fib6NhInit is fib6_nh_init: the next hop's device (the loopback device
// for reject routes) and gateway.
func fib6NhInit(n *Net, rt *fib6Info, cfg *fib6Config, extack *ExtAck) error {
	var dev *NetDevice
	if cfg.ifindex != 0 {
		dev = n.devByIndex[cfg.ifindex]
		if dev == nil || !dev.inet6 {
			return unix.ENODEV
		}
	}
	if cfg.flags&unix.RTNH_F_ONLINK != 0 {
		if dev == nil {
			extack.setMsg("Nexthop device required for onlink")
			return unix.ENODEV
		}
		if dev.Flags&IFF_UP == 0 {
			extack.setMsg("Nexthop device is not up")
			return unix.ENETDOWN
		}
		rt.nhFlags |= unix.RTNH_F_ONLINK
	}
	if cfg.flags&rtfReject != 0 {
		rt.nhDev = n.loopback
		return nil
	}
	if cfg.flags&rtfGateway != 0 {
		var err error
		if dev, err = ip6ValidateGw(n, cfg, dev, extack); err != nil {
			return err
		}
		rt.nhGw, rt.nhHasGw = cfg.gateway, true
	}
	if dev == nil {
		return unix.ENODEV
	}
	if !dev.inet6 {
		extack.setMsg("IPv6 is disabled on nexthop device")
		return unix.EACCES
	}
	if dev.Flags&IFF_UP == 0 && !cfg.ignoreDevDown {
		extack.setMsg("Nexthop device is not up")
		return unix.ENETDOWN
	}
	if cfg.flags&(rtfLocal|rtfAnycast) == 0 && !dev.carrierOK() {
		rt.nhFlags |= unix.RTNH_F_LINKDOWN
	}
	rt.nhDev = dev
	return nil
}

// ip6ValidateGw is ip6_validate_gw: the gateway must not be a local
// address, and one that is not link-local must be reachable
// (ip6_route_check_nh: by a route of the request's table through the
// given device, else by fib6_lookup, neither a reject route nor one
// through a gateway), which gives the device when none was named.
func ip6ValidateGw(n *Net, cfg *fib6Config, dev *NetDevice, extack *ExtAck) (*NetDevice, error) {
	gw := cfg.gateway
	typ, scope, _ := ipv6AddrType(gw)
	linklocal := typ == 0x01 && scope == 0x20 && gw[0] == 0xfe
	needAddrCheck := dev == nil
	if dev != nil && ipv6ChkAddrAndFlags(n, gw, dev, !linklocal) {
		extack.setMsg("Gateway can not be a local address")
		return nil, unix.EINVAL
	}
	if !linklocal {
		if typ&0x01 == 0 && !ipv6AddrV4Mapped(gw) {
			extack.setMsg("Invalid gateway address")
			return nil, unix.EINVAL
		}
		if cfg.flags&unix.RTNH_F_ONLINK != 0 {
			// ip6_route_check_nh_onlink
			if res := ip6NhLookupTable(n, cfg, rt6TableMain, nil); res != nil && res.flags&rtfReject == 0 && res.typ != unix.RTN_UNICAST {
				extack.setMsg("Nexthop has invalid gateway")
				return nil, unix.EINVAL
			}
		} else {
			var err error
			if dev, err = ip6RouteCheckNh(n, cfg, dev); err != nil {
				return nil, err
			}
		}
	}
	if dev == nil {
		extack.setMsg("Egress device not specified")
		return nil, unix.EINVAL
	}
	if dev.Flags&IFF_LOOPBACK != 0 {
		extack.setMsg("Egress device can not be loopback device for this route")
		return nil, unix.EINVAL
	}
	if needAddrCheck && ipv6ChkAddrAndFlags(n, gw, dev, !linklocal) {
		extack.setMsg("Gateway can not be a local address")
		return nil, unix.EINVAL
	}
	return dev, nil
}

// ipv6AddrV4Mapped is ipv6_addr_v4mapped.
func ipv6AddrV4Mapped(a [16]byte) bool {
	return a[0]|a[1]|a[2]|a[3]|a[4]|a[5]|a[6]|a[7]|a[8]|a[9] == 0 && a[10] == 0xff && a[11] == 0xff
}

// ip6RouteCheckNh is ip6_route_check_nh.
func ip6RouteCheckNh(n *Net, cfg *fib6Config, dev *NetDevice) (*NetDevice, error) {
	var oif *NetDevice
	if cfg.ifindex != 0 {
		oif = n.devByIndex[cfg.ifindex]
	}
	var res *fib6Info
	if cfg.table != 0 {
		res = ip6NhLookupTable(n, cfg, cfg.table, oif)
		if res == nil || res.flags&rtfReject != 0 || res.nhHasGw || dev != nil && dev != res.nhDev {
			res = nil
		}
	}
	if res == nil {
		res = fib6Lookup(n, cfg.gateway, oif)
		if res == nil || res.flags&rtfReject != 0 || res.nhHasGw {
			return nil, unix.EHOSTUNREACH
		}
	}
	if dev != nil {
		if dev != res.nhDev {
			return nil, unix.EHOSTUNREACH
		}
		return dev, nil
	}
	return res.nhDev, nil
}

// ip6NhLookupTable is ip6_nh_lookup_table: the gateway's route in one
// table (nil for none, as the null entry would be).
func ip6NhLookupTable(n *Net, cfg *fib6Config, table uint32, oif *NetDevice) *fib6Info {
	t := fib6GetTable(n, table)
	if t == nil {
		return nil
	}
	return fib6TableLookup(t, cfg.gateway, oif)
}

// lookup is fib6_node_lookup with the route selection of
// fib6_table_lookup (find_match without the neighbour checks): the most
// specific node holding a route ok accepts, its first such route.
func (t *fib6Table) lookup(addr [16]byte, ok func(rt *fib6Info) bool) *fib6Info {
	var best *fib6Info
	bestLen := -1
	for _, fn := range t.nodes {
		if int(fn.plen) <= bestLen || ipv6PrefixMask(addr, fn.plen) != fn.dst {
			continue
		}
		for _, rt := range fn.leaf {
			if rt.nhFlags&unix.RTNH_F_DEAD != 0 {
				continue
			}
			if ok == nil || ok(rt) {
				best, bestLen = rt, int(fn.plen)
				break
			}
		}
	}
	return best
}

// ipv6ChkAddr is ipv6_chk_addr with strict 0: addr is a usable
// (non-tentative) address of dev, or of any device when dev is nil or
// the address is not link- or host-scoped.
func ipv6ChkAddr(n *Net, addr [16]byte, dev *NetDevice) bool {
	for _, idx := range n.devOrder {
		d := n.devByIndex[idx]
		for _, ifa := range d.inet6Addrs {
			if ifa.addr != addr || ifa.flags&unix.IFA_F_TENTATIVE != 0 && ifa.flags&unix.IFA_F_OPTIMISTIC == 0 {
				continue
			}
			if dev == nil || d == dev || ifa.scope&(ifaLink|ifaHost) == 0 {
				return true
			}
		}
	}
	return false
}

// ipv6ChkAddrAndFlags is ipv6_chk_addr_and_flags with no banned flags:
// addr is an address of dev, or of any device with skipDev.
func ipv6ChkAddrAndFlags(n *Net, addr [16]byte, dev *NetDevice, skipDev bool) bool {
	for _, idx := range n.devOrder {
		d := n.devByIndex[idx]
		if !skipDev && d != dev {
			continue
		}
		if ipv6GetIfaddr(d, addr) != nil {
			return true
		}
	}
	return false
}

// rt6MetricsConvert is ip_fib_metrics_init (ip_metrics_convert) for the
// u32 metrics of an IPv6 route: they are kept as RTA_METRICS attributes in RTAX order,
// zero values dropped, as rtnetlink_put_metrics emits them.
func rt6MetricsConvert(mx []byte, extack *ExtAck) ([]byte, error) {
	if len(mx) == 0 {
		return nil, nil
	}
	var vals [unix.RTAX_MAX + 1]uint32
	for off := 0; off+NLA_HDRLEN <= len(mx); {
		l := int(binary.NativeEndian.Uint16(mx[off:]))
		typ := int(binary.NativeEndian.Uint16(mx[off+2:]))
		if l < NLA_HDRLEN || off+l > len(mx) {
			break
		}
		if typ != 0 {
			if typ > unix.RTAX_MAX {
				extack.setMsg("Invalid metric type")
				return nil, unix.EINVAL
			}
			if typ == unix.RTAX_CC_ALGO {
				extack.setMsg("Invalid metric type")
				return nil, unix.EINVAL
			}
			if l-NLA_HDRLEN != 4 {
				extack.setMsg("Invalid metric attribute")
				return nil, unix.EINVAL
			}
			v := binary.NativeEndian.Uint32(mx[off+NLA_HDRLEN:])
			if typ == unix.RTAX_HOPLIMIT && v > 255 {
				v = 255
			}
			if typ == unix.RTAX_FEATURES && v&^unix.RTAX_FEATURE_MASK != 0 {
				extack.setMsg("Unknown flag set in feature mask in metrics attribute")
				return nil, unix.EINVAL
			}
			vals[typ] = v
		}
		off += nlaAlign(l)
	}
	var m nlBuf
	for typ := 1; typ <= unix.RTAX_MAX; typ++ {
		if vals[typ] != 0 {
			m.putU32(uint16(typ), vals[typ])
		}
	}
	return m.b, nil
}

// ip6RouteAdd is ip6_route_add: fib6_config_validate, the route, and its
// insertion.
func ip6RouteAdd(n *Net, cfg *fib6Config, extack *ExtAck) error {
	if err := fib6ConfigValidate(cfg, extack); err != nil {
		return err
	}
	rt, err := ip6RouteInfoCreate(n, cfg, extack)
	if err != nil {
		return err
	}
	return fib6Add(n, rt.table, rt, cfg.nlinfo)
}

// fib6ConfigValidate is fib6_config_validate (no IPV6_SUBTREES in the
// modelled kernel's source routing).
func fib6ConfigValidate(cfg *fib6Config, extack *ExtAck) error {
	const rtfPcpu = 0x40000000
	switch {
	case cfg.flags&rtfPcpu != 0:
		extack.setMsg("Userspace can not set RTF_PCPU")
	case cfg.flags&rtfCache != 0:
		extack.setMsg("Userspace can not set RTF_CACHE")
	case cfg.typ > unix.RTN_MAX:
		extack.setMsg("Invalid route type")
	case cfg.dstLen > 128:
		extack.setMsg("Invalid prefix length")
	case cfg.srcLen > 128:
		extack.setMsg("Invalid source address length")
	default:
		return nil
	}
	return unix.EINVAL
}

// addrconfF6iAlloc is addrconf_f6i_alloc: the local /128 route of an
// address, in the local table, inserted once DAD completes.
func addrconfF6iAlloc(n *Net, dev *NetDevice, addr [16]byte, extack *ExtAck) (*fib6Info, error) {
	cfg := &fib6Config{table: rt6TableLocal, ifindex: dev.ifindex, flags: rtfUp | rtfNonexthop | rtfLocal,
		dst: addr, dstLen: 128, protocol: unix.RTPROT_KERNEL, typ: unix.RTN_LOCAL, ignoreDevDown: true}
	return ip6RouteInfoCreate(n, cfg, extack)
}

// addrconfPrefixRoute is addrconf_prefix_route: the on-link route of an
// address's prefix in the main table (errors are dropped, as the
// kernel drops them).
func addrconfPrefixRoute(dev *NetDevice, pfx [16]byte, plen uint8, metric uint32, expires uint32, flags uint32) {
	if metric == 0 {
		metric = ip6RtPrioAddrconf
	}
	cfg := &fib6Config{table: rt6TableMain, metric: metric, ifindex: dev.ifindex, expires: expires,
		dst: pfx, dstLen: plen, flags: rtfUp | flags, protocol: unix.RTPROT_KERNEL, typ: unix.RTN_UNICAST}
	_ = ip6RouteAdd(dev.net, cfg, nil)
}

// addrconfAddMroute is addrconf_add_mroute: ff00::/8 in the local table.
func addrconfAddMroute(dev *NetDevice) {
	cfg := &fib6Config{table: rt6TableLocal, metric: ip6RtPrioAddrconf, ifindex: dev.ifindex, dstLen: 8,
		dst: [16]byte{0: 0xff}, flags: rtfUp, typ: unix.RTN_MULTICAST, protocol: unix.RTPROT_KERNEL}
	_ = ip6RouteAdd(dev.net, cfg, nil)
}

// addrconfGetPrefixRoute is addrconf_get_prefix_route: the route of
// pfx/plen through dev in the main table with all of flags and none of
// noflags (and no gateway when noGw).
func addrconfGetPrefixRoute(dev *NetDevice, pfx [16]byte, plen uint8, flags, noflags uint32, noGw bool) *fib6Info {
	t := fib6GetTable(dev.net, rt6TableMain)
	if t == nil {
		return nil
	}
	fn, _ := t.fib6Locate(ipv6PrefixMask(pfx, plen), plen)
	if fn == nil {
		return nil
	}
	for _, rt := range fn.leaf {
		if rt.nhDev != dev || noGw && rt.nhHasGw || rt.flags&flags != flags || rt.flags&noflags != 0 {
			continue
		}
		return rt
	}
	return nil
}

// ip6InsRt is ip6_ins_rt: a kernel route into its table.
func ip6InsRt(n *Net, rt *fib6Info) { _ = fib6Add(n, rt.table, rt, nlInfo{}) }

// ip6DelRt is ip6_del_rt for a kernel route.
func ip6DelRt(n *Net, rt *fib6Info) { _ = fib6Del(n, rt, nlInfo{}) }

// rtmsg is struct rtmsg, decoded.
type rtmsg struct {
	family, dstLen, srcLen, tos, table, protocol, scope, typ uint8
	flags                                                    uint32
}

func parseRtmsg(p []byte) rtmsg {
	var b [sizeofRtmsg]byte
	copy(b[:], p)
	return rtmsg{b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], binary.NativeEndian.Uint32(b[8:])}
}

// rtmIPv6Policy is rtm_ipv6_policy.
var rtmIPv6Policy = func() []nlaPolicy {
	p := make([]nlaPolicy, RTA_MAX+1)
	p[unix.RTA_UNSPEC] = nlaPolicy{strictStart: unix.RTA_DPORT + 1}
	p[unix.RTA_GATEWAY] = nlaPolicy{len: 16}
	p[unix.RTA_PREFSRC] = nlaPolicy{len: 16}
	p[unix.RTA_OIF] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_IIF] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_PRIORITY] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_METRICS] = nlaPolicy{typ: nlaNested}
	p[unix.RTA_MULTIPATH] = nlaPolicy{len: unix.SizeofRtNexthop}
	p[unix.RTA_PREF] = nlaPolicy{typ: nlaU8}
	p[unix.RTA_ENCAP_TYPE] = nlaPolicy{typ: nlaU16}
	p[unix.RTA_ENCAP] = nlaPolicy{typ: nlaNested}
	p[unix.RTA_EXPIRES] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_UID] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_MARK] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_TABLE] = nlaPolicy{typ: nlaU32}
	p[unix.RTA_IP_PROTO] = nlaPolicy{typ: nlaU8}
	p[unix.RTA_SPORT] = nlaPolicy{typ: nlaU16}
	p[unix.RTA_DPORT] = nlaPolicy{typ: nlaU16}
	p[RTA_NH_ID] = nlaPolicy{typ: nlaU32}
	p[RTA_FLOWLABEL] = nlaPolicy{typ: nlaBE32}
	return p
}()

// rtmToFib6Config is rtm_to_fib6_config. Next-hop objects do not exist
// in the model, so an RTA_NH_ID names none; multipath routes and
// lightweight tunnels are not modelled: RTA_MULTIPATH and
// RTA_ENCAP_TYPE answer EOPNOTSUPP, which 7.2 does not.
func rtmToFib6Config(skb *SkBuff, nlh []byte, cfg *fib6Config, extack *ExtAck) error {
	var tb [RTA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofRtmsg, tb[:], RTA_MAX, rtmIPv6Policy, nlValidateLiberal, extack); err != nil {
		return err
	}
	rtm := parseRtmsg(nlmsgPayload(nlh))
	if rtm.tos != 0 {
		extack.setMsg("Invalid dsfield (tos): option not available for IPv6")
		return unix.EINVAL
	}
	if tb[RTA_FLOWLABEL].ok {
		extack.setMsgAttr(&tb[RTA_FLOWLABEL], "Flow label cannot be specified for this operation")
		return unix.EINVAL
	}
	*cfg = fib6Config{table: uint32(rtm.table), dstLen: rtm.dstLen, srcLen: rtm.srcLen, flags: rtfUp,
		protocol: rtm.protocol, typ: rtm.typ, nlinfo: nlInfo{nlh: nlh, portid: skb.portid}}
	switch rtm.typ {
	case unix.RTN_UNREACHABLE, unix.RTN_BLACKHOLE, unix.RTN_PROHIBIT, unix.RTN_THROW:
		cfg.flags |= rtfReject
	case unix.RTN_LOCAL:
		cfg.flags |= rtfLocal
	}
	if rtm.flags&unix.RTM_F_CLONED != 0 {
		cfg.flags |= rtfCache
	}
	cfg.flags |= rtm.flags & unix.RTNH_F_ONLINK
	if tb[RTA_NH_ID].ok {
		if tb[unix.RTA_GATEWAY].ok || tb[unix.RTA_OIF].ok || tb[unix.RTA_MULTIPATH].ok || tb[unix.RTA_ENCAP].ok {
			extack.setMsg("Nexthop specification and nexthop id are mutually exclusive")
			return unix.EINVAL
		}
		cfg.nhID = tb[RTA_NH_ID].U32()
	}
	if tb[unix.RTA_MULTIPATH].ok || tb[unix.RTA_ENCAP_TYPE].ok {
		// Multipath routes and lightweight tunnels are not modelled.
		return unix.EOPNOTSUPP
	}
	if tb[unix.RTA_GATEWAY].ok {
		copy(cfg.gateway[:], tb[unix.RTA_GATEWAY].Data)
		cfg.flags |= rtfGateway
	}
	if tb[unix.RTA_VIA].ok {
		extack.setMsg("IPv6 does not support RTA_VIA attribute")
		return unix.EINVAL
	}
	if a := &tb[unix.RTA_DST]; a.ok {
		plen := (int(rtm.dstLen) + 7) >> 3
		if len(a.Data) < plen {
			return unix.EINVAL
		}
		copy(cfg.dst[:], a.Data[:min(plen, 16)])
	}
	if a := &tb[unix.RTA_SRC]; a.ok {
		if len(a.Data) < (int(rtm.srcLen)+7)>>3 {
			return unix.EINVAL
		}
	}
	if tb[unix.RTA_PREFSRC].ok {
		copy(cfg.prefsrc[:], tb[unix.RTA_PREFSRC].Data)
	}
	if tb[unix.RTA_OIF].ok {
		cfg.ifindex = int(int32(tb[unix.RTA_OIF].U32()))
	}
	if tb[unix.RTA_PRIORITY].ok {
		cfg.metric = tb[unix.RTA_PRIORITY].U32()
	}
	if tb[unix.RTA_METRICS].ok {
		cfg.metrics = tb[unix.RTA_METRICS].Data
	}
	if tb[unix.RTA_TABLE].ok {
		cfg.table = tb[unix.RTA_TABLE].U32()
	}
	if tb[unix.RTA_PREF].ok {
		pref := tb[unix.RTA_PREF].U8()
		if pref != routerPrefLow && pref != routerPrefHigh {
			pref = routerPrefMedium
		}
		cfg.flags |= rtfPref(pref)
	}
	if tb[unix.RTA_EXPIRES].ok {
		if v := tb[unix.RTA_EXPIRES].U32(); v != infinityLifeTime {
			cfg.expires = v * 100 // jiffies_to_clock_t(timeout * HZ)
			cfg.flags |= rtfExpires
		}
	}
	return nil
}

// inet6RtmNewroute is inet6_rtm_newroute.
func inet6RtmNewroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var cfg fib6Config
	if err := rtmToFib6Config(skb, nlh, &cfg, extack); err != nil {
		return err
	}
	if cfg.metric == 0 {
		cfg.metric = ip6RtPrioUser
	}
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	return ip6RouteAdd(n, &cfg, extack)
}

// inet6RtmDelroute is inet6_rtm_delroute with ip6_route_del: the first
// route of the destination that matches every given property.
func inet6RtmDelroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var cfg fib6Config
	if err := rtmToFib6Config(skb, nlh, &cfg, extack); err != nil {
		return err
	}
	if cfg.nhID != 0 {
		extack.setMsg("Nexthop id does not exist")
		return unix.EINVAL
	}
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	return ip6RouteDel(n, &cfg, extack)
}

// ip6RouteDel is ip6_route_del for routes with one next hop.
func ip6RouteDel(n *Net, cfg *fib6Config, extack *ExtAck) error {
	t := fib6GetTable(n, cfg.table)
	if t == nil {
		extack.setMsg("FIB table does not exist")
		return unix.ESRCH
	}
	fn, _ := t.fib6Locate(ipv6PrefixMask(cfg.dst, cfg.dstLen), cfg.dstLen)
	if fn != nil {
		for _, rt := range fn.leaf {
			if cfg.ifindex != 0 && (rt.nhDev == nil || rt.nhDev.ifindex != cfg.ifindex) {
				continue
			}
			if cfg.flags&rtfGateway != 0 && (!rt.nhHasGw || rt.nhGw != cfg.gateway) {
				continue
			}
			if cfg.metric != 0 && cfg.metric != rt.metric {
				continue
			}
			if cfg.protocol != 0 && cfg.protocol != rt.protocol {
				continue
			}
			return fib6Del(n, rt, cfg.nlinfo)
		}
	}
	return unix.ESRCH
}

// rt6FillNode is rt6_fill_node for a FIB route (no dst): rtmsg,
// RTA_TABLE, RTA_DST, RTA_PREFSRC, RTA_METRICS, RTA_PRIORITY, the next
// hop (fib_nexthop_info: RTA_GATEWAY, RTA_OIF), RTA_CACHEINFO and
// RTA_PREF. false when m is full.
func rt6FillNode(n *Net, m *nlBuf, rt *fib6Info, typ uint16, portid, seq uint32, flags uint16) bool {
	start := m.putHeader(typ, flags, seq, portid, sizeofRtmsg)
	h := m.b[start+NLMSG_HDRLEN:]
	table := rt.table.id
	h[0] = unix.AF_INET6
	h[1] = rt.dstLen
	h[4] = uint8(table)
	if table >= 256 {
		h[4] = unix.RT_TABLE_COMPAT
	}
	h[5] = rt.protocol
	h[6] = unix.RT_SCOPE_UNIVERSE
	h[7] = rt.typ
	m.putU32(unix.RTA_TABLE, table)
	if rt.dstLen != 0 {
		m.putAttr(unix.RTA_DST, rt.dst[:])
	}
	if rt.prefLen != 0 {
		m.putAttr(unix.RTA_PREFSRC, rt.prefsrc[:])
	}
	if len(rt.metrics) != 0 {
		m.putAttr(unix.RTA_METRICS, rt.metrics)
	}
	m.putU32(unix.RTA_PRIORITY, rt.metric)
	var nhFlags uint32
	if rt.nhFlags&unix.RTNH_F_DEAD != 0 {
		nhFlags |= unix.RTNH_F_DEAD
	}
	if rt.nhFlags&unix.RTNH_F_LINKDOWN != 0 {
		nhFlags |= unix.RTNH_F_LINKDOWN
	}
	if rt.nhHasGw {
		m.putAttr(unix.RTA_GATEWAY, rt.nhGw[:])
	}
	nhFlags |= uint32(rt.nhFlags) & (unix.RTNH_F_ONLINK | unix.RTNH_F_OFFLOAD | unix.RTNH_F_TRAP)
	if rt.nhDev != nil {
		m.putU32(unix.RTA_OIF, uint32(rt.nhDev.ifindex))
	}
	// h may be stale: the buffer can have grown since.
	binary.NativeEndian.PutUint32(m.b[start+NLMSG_HDRLEN+8:], nhFlags)
	var expires int64
	if rt.flags&rtfExpires != 0 {
		expires = int64(rt.expires - n.k.jiffies())
	}
	rt6PutCacheinfo(m, expires)
	m.putU8(unix.RTA_PREF, ipv6ExtractPref(rt.flags))
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// rt6PutCacheinfo is rtnl_put_cacheinfo without a dst: all zero but
// rta_expires, in clock ticks (USER_HZ 100) and signed. (The kernel's
// function is shared with IPv4; this is its IPv6 use.)
func rt6PutCacheinfo(m *nlBuf, expires int64) {
	off := m.reserve(unix.RTA_CACHEINFO, sizeofRtaCacheinfo)
	if expires != 0 {
		// jiffies_to_clock_t of whole jiffies.
		j := expires / int64(Jiffy)
		if j < 0 {
			j = -j
		}
		clock := min(j*100/HZ, 1<<31-1)
		if expires < 0 {
			clock = -clock
		}
		binary.NativeEndian.PutUint32(m.b[off+8:], uint32(int32(clock)))
	}
}

// inet6RtNotify is inet6_rt_notify: RTM_NEWROUTE or RTM_DELROUTE to
// RTNLGRP_IPV6_ROUTE, echoed to a requester that asked.
func inet6RtNotify(n *Net, event uint16, rt *fib6Info, info nlInfo, flags uint16) {
	if !n.HasListeners(NETLINK_ROUTE, unix.RTNLGRP_IPV6_ROUTE) && (info.nlh == nil || nlmsgFlags(info.nlh)&NLM_F_ECHO == 0) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(unix.RTNLGRP_IPV6_ROUTE, unix.ENOBUFS)
		return
	}
	var seq uint32
	if info.nlh != nil {
		seq = nlmsgSeq(info.nlh)
	}
	var m nlBuf
	rt6FillNode(n, &m, rt, event, info.portid, seq, flags)
	n.rtnlNotify(m.b, info.portid, unix.RTNLGRP_IPV6_ROUTE, info.nlh)
}

// fib6DumpState is inet6_dump_fib's resume state: the table being
// dumped (cb->args[1]), its node and the routes of it already sent.
type fib6DumpState struct {
	tableIdx int
	node     *fib6Node
	skip     int
	done     bool
}

// inet6DumpFib is inet6_dump_fib: every table in hash order (or the one
// the filter names), each in walk order, resumable inside a node.
func inet6DumpFib(cb *netlinkCallback, m *nlBuf) int {
	f := fibDumpFilter{dumpRoutes: true, dumpExceptions: true}
	if cb.strictCheck {
		if err := ipValidFibDumpReq(cb.net, cb.nlh, &f, cb); err != nil {
			return errnoOf(err)
		}
	} else if p := nlmsgPayload(cb.nlh); len(p) >= sizeofRtmsg {
		if rtm := parseRtmsg(p); rtm.flags&unix.RTM_F_PREFIX != 0 {
			f.flags = unix.RTM_F_PREFIX
		}
	}
	st, _ := cb.data.(*fib6DumpState)
	if st == nil {
		st = &fib6DumpState{}
		cb.data = st
	}
	if st.done {
		return 0
	}
	n := cb.net
	n.k.rtnl.RLock(cb.rtnlShard)
	defer n.k.rtnl.RUnlock(cb.rtnlShard)
	// Dumping cloned routes only (RTM_F_CLONED) finds none: there is no
	// exception cache.
	if f.flags&unix.RTM_F_CLONED != 0 {
		st.done = true
		return 0
	}
	tables := n.ipv6.tables
	if f.tableID != 0 {
		t := fib6GetTable(n, f.tableID)
		if t == nil {
			if cb.nlh[NLMSG_HDRLEN] != unix.AF_INET6 {
				return 0
			}
			cb.extack.setMsg("ipv6: FIB table does not exist")
			return -int(unix.ENOENT)
		}
		tables = []*fib6Table{t}
	}
	for ; st.tableIdx < len(tables); st.tableIdx++ {
		if err := fib6DumpTable(n, tables[st.tableIdx], cb, m, st, &f); err != 0 {
			return err
		}
	}
	st.done = true
	return 0
}

// fib6DumpTable is fib6_dump_table with fib6_dump_node and rt6_dump_route.
func fib6DumpTable(n *Net, t *fib6Table, cb *netlinkCallback, m *nlBuf, st *fib6DumpState, f *fibDumpFilter) int {
	nodes := t.nodes
	i := 0
	if st.node != nil {
		for i < len(nodes) && nodes[i] != st.node && fib6WalkBefore(nodes[i].dst, nodes[i].plen, st.node.dst, st.node.plen) {
			i++
		}
		if i < len(nodes) && nodes[i] != st.node {
			st.skip = 0
		}
	}
	flags := uint16(NLM_F_MULTI)
	if f.filterSet {
		flags |= NLM_F_DUMP_FILTERED
	}
	for ; i < len(nodes); i++ {
		fn := nodes[i]
		for j, rt := range fn.leaf {
			if j < st.skip {
				continue
			}
			if f.flags&unix.RTM_F_PREFIX != 0 && rt.flags&rtfPrefixRT == 0 ||
				f.filterSet && (f.rtType != 0 && rt.typ != f.rtType || f.dev != nil && rt.nhDev != f.dev || f.protocol != 0 && rt.protocol != f.protocol) {
				continue
			}
			if !rt6FillNode(n, m, rt, RTM_NEWROUTE, cb.portid, cb.seq, flags) {
				st.node, st.skip = fn, j
				return -int(unix.EMSGSIZE)
			}
		}
		st.skip = 0
	}
	st.node = nil
	return 0
}

// rt6SyncDownDev is rt6_sync_down_dev with fib6_ifdown for routes of one
// next hop: on down and unregister, every route through dev goes; on
// NETDEV_CHANGE (carrier lost), its non-local routes are marked
// RTNH_F_LINKDOWN. RTNL is held.
func rt6SyncDownDev(dev *NetDevice, event NetdevEvent) {
	n := dev.net
	fib6CleanAll(n, func(rt *fib6Info) bool {
		switch event {
		case NETDEV_UNREGISTER, NETDEV_DOWN:
			return rt.nhDev == dev
		case NETDEV_CHANGE:
			if rt.nhDev == dev && rt.flags&(rtfLocal|rtfAnycast) == 0 {
				rt.nhFlags |= unix.RTNH_F_LINKDOWN
			}
		}
		return false
	})
}

// rt6SyncUp is rt6_sync_up with fib6_ifup: dev's routes lose nhFlags
// when the device is up with a carrier (RTNH_F_LINKDOWN needs the
// carrier too).
func rt6SyncUp(dev *NetDevice, nhFlags uint8) {
	if nhFlags&unix.RTNH_F_DEAD != 0 && dev.carrierOK() {
		nhFlags |= unix.RTNH_F_LINKDOWN
	}
	for _, t := range dev.net.ipv6.tables {
		for _, fn := range t.nodes {
			for _, rt := range fn.leaf {
				if rt.nhDev == dev && (dev.Flags&IFF_UP != 0 && dev.carrierOK() || nhFlags&unix.RTNH_F_LINKDOWN == 0) {
					rt.nhFlags &^= nhFlags
				}
			}
		}
	}
}

// fib6Lookup is the route lookup of ip6_pol_route without policy
// routing: the local table, then main (fib6_lookup of a kernel without
// custom rules). The rules engine plugs in here: with rules, it walks
// the rule list and looks up each rule's table with fib6TableLookup.
func fib6Lookup(n *Net, dst [16]byte, oif *NetDevice) *fib6Info {
	for _, id := range []uint32{rt6TableLocal, rt6TableMain} {
		if t := fib6GetTable(n, id); t != nil {
			if rt := fib6TableLookup(t, dst, oif); rt != nil {
				return rt
			}
		}
	}
	return nil
}

// fib6TableLookup is fib6_table_lookup: the longest match in t, limited
// to oif's routes when oif is set (RT6_LOOKUP_F_IFACE).
func fib6TableLookup(t *fib6Table, dst [16]byte, oif *NetDevice) *fib6Info {
	return t.lookup(dst, func(rt *fib6Info) bool { return oif == nil || rt.nhDev == oif })
}

// inet6RtmValidGetrouteReq is inet6_rtm_valid_getroute_req.
func inet6RtmValidGetrouteReq(skb *SkBuff, nlh []byte, tb []Attr, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if len(p) < sizeofRtmsg {
		extack.setMsg("ipv6: Invalid header for get route request")
		return unix.EINVAL
	}
	if !skb.sk.hasFlag(nlfStrictChk) {
		return nlmsgParseDeprecated(nlh, sizeofRtmsg, tb, RTA_MAX, rtmIPv6Policy, nlValidateLiberal, extack)
	}
	rtm := parseRtmsg(p)
	if rtm.srcLen != 0 && rtm.srcLen != 128 || rtm.dstLen != 0 && rtm.dstLen != 128 ||
		rtm.table != 0 || rtm.protocol != 0 || rtm.scope != 0 || rtm.typ != 0 {
		extack.setMsg("ipv6: Invalid values in header for get route request")
		return unix.EINVAL
	}
	if rtm.flags&^unix.RTM_F_FIB_MATCH != 0 {
		extack.setMsg("ipv6: Invalid flags for get route request")
		return unix.EINVAL
	}
	if err := nlmsgParseDeprecated(nlh, sizeofRtmsg, tb, RTA_MAX, rtmIPv6Policy, nlValidateDeprecatedStrict, extack); err != nil {
		return err
	}
	if tb[unix.RTA_SRC].ok && rtm.srcLen == 0 || tb[unix.RTA_DST].ok && rtm.dstLen == 0 {
		extack.setMsg("ipv6: rtm_src_len and rtm_dst_len must be 128 for IPv6")
		return unix.EINVAL
	}
	if a := &tb[RTA_FLOWLABEL]; a.ok && binary.BigEndian.Uint32(a.Data)&^0x000fffff != 0 {
		extack.setMsgAttr(a, "ipv6: Invalid flow label")
		return unix.EINVAL
	}
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		switch i {
		case unix.RTA_SRC, unix.RTA_DST, unix.RTA_IIF, unix.RTA_OIF, unix.RTA_MARK, unix.RTA_UID,
			unix.RTA_SPORT, unix.RTA_DPORT, unix.RTA_IP_PROTO, RTA_FLOWLABEL:
		default:
			extack.setMsg("ipv6: Unsupported attribute in get route request")
			return unix.EINVAL
		}
	}
	return nil
}

// ip6RtTypeToError is ip6_rt_type_to_error: the dst error of a reject
// route.
func ip6RtTypeToError(typ uint8) unix.Errno {
	switch typ {
	case unix.RTN_BLACKHOLE:
		return unix.EINVAL
	case unix.RTN_PROHIBIT:
		return unix.EACCES
	case unix.RTN_THROW:
		return unix.EAGAIN
	case unix.RTN_UNREACHABLE:
		return unix.EHOSTUNREACH
	}
	return unix.ENETUNREACH
}

// ip6RouteOutput is the FIB side of ip6_route_output through
// fib6_rule_lookup without custom rules: the local table, then main,
// where a throw route sends the lookup on (its EAGAIN) and the null
// entry's ENETUNREACH ends it. The error is a reject route's dst error.
// The rules engine plugs in here (fib6_rule_lookup with custom rules).
func ip6RouteOutput(n *Net, dst [16]byte, oif *NetDevice) (*fib6Info, error) {
	for _, id := range []uint32{rt6TableLocal, rt6TableMain} {
		t := fib6GetTable(n, id)
		if t == nil {
			continue
		}
		rt := fib6TableLookup(t, dst, oif)
		if rt == nil {
			continue
		}
		if rt.flags&rtfReject != 0 {
			if e := ip6RtTypeToError(rt.typ); e != unix.EAGAIN {
				return rt, e
			}
			continue
		}
		return rt, nil
	}
	return nil, unix.ENETUNREACH
}

// inet6RtmGetroute is inet6_rtm_getroute for RTM_F_FIB_MATCH output
// lookups (RTA_IIF input lookups are not modelled): the FIB route the
// destination resolves to, filled as a dump fills it. Without a dst
// cache the model cannot answer the plain form, whose reply describes
// the cached dst (its source address selection and use counters): that
// one answers EOPNOTSUPP.
func inet6RtmGetroute(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [RTA_MAX + 1]Attr
	if err := inet6RtmValidGetrouteReq(skb, nlh, tb[:], extack); err != nil {
		return err
	}
	rtm := parseRtmsg(nlmsgPayload(nlh))
	var dst [16]byte
	if a := &tb[unix.RTA_SRC]; a.ok && len(a.Data) < 16 {
		return unix.EINVAL
	}
	if a := &tb[unix.RTA_DST]; a.ok {
		if len(a.Data) < 16 {
			return unix.EINVAL
		}
		copy(dst[:], a.Data)
	}
	if rtm.flags&unix.RTM_F_FIB_MATCH == 0 || tb[unix.RTA_IIF].ok && tb[unix.RTA_IIF].U32() != 0 {
		return unix.EOPNOTSUPP
	}
	n := skb.sk.net
	n.k.rtnl.RLock(skb.sk.rtnlShard)
	defer n.k.rtnl.RUnlock(skb.sk.rtnlShard)
	var oif *NetDevice
	if tb[unix.RTA_OIF].ok {
		oif = n.devByIndex[int(int32(tb[unix.RTA_OIF].U32()))]
	}
	rt, err := ip6RouteOutput(n, dst, oif)
	if err != nil {
		return err
	}
	if n.k.fail(FailSkbAlloc) != nil {
		return unix.ENOBUFS
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	rt6FillNode(n, &m, rt, RTM_NEWROUTE, skb.portid, nlmsgSeq(nlh), 0)
	reply.Data = m.b
	return n.nlmsgUnicastSkb(skb.sk, reply, skb.portid)
}

// sizeofRtaCacheinfo is sizeof(struct rta_cacheinfo).
const sizeofRtaCacheinfo = 32
