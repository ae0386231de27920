package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models net/ipv4/fib_semantics.c: a route's information
// (struct fib_info with its nexthops), its creation and validation from a
// request (fib_create_info, fib_check_nh), its rtnetlink form
// (fib_dump_info, rtmsg_fib), the matching rules of deletion
// (fib_nh_match, fib_metrics_match) and the reaction of nexthops to their
// devices (fib_sync_down_dev, fib_sync_up), with the route metrics of
// net/ipv4/metrics.c.

// fibNh is struct fib_nh: one nexthop.
type fibNh struct {
	dev      *NetDevice // fib_nh_dev; nil for the error types
	oif      int        // fib_nh_oif
	gw       inAddr     // fib_nh_gw4
	gwFamily uint8      // fib_nh_gw_family: 0 or AF_INET
	flags    uint32     // fib_nh_flags: RTNH_F_*
	scope    uint8      // fib_nh_scope
	weight   int        // fib_nh_weight
	tclassid uint32     // nh_tclassid (RTA_FLOW)
}

// fibInfo is struct fib_info: what routes with the same nexthops,
// metrics, source and priority share.
type fibInfo struct {
	protocol uint8
	scope    uint8
	typ      uint8 // fib_type
	flags    uint32
	priority uint32
	prefsrc  inAddr
	tbID     uint32
	// metrics is fib_metrics: nil is dst_default_metrics.
	metrics *fibMetrics
	nh      []fibNh
	nh1     [1]fibNh // the storage of nh for a single nexthop
}

// fibMetrics is struct dst_metrics, with the congestion control
// algorithm kept by name (tcp_ca_get_key_by_name's key).
type fibMetrics struct {
	m      [unix.RTAX_MAX]uint32
	ccAlgo string
}

// fibProp is struct fib_prop: the error and the narrowest scope of each
// route type (fib_props).
type fibProp struct {
	err   unix.Errno
	scope uint8
}

var fibProps = [unix.RTN_MAX + 1]fibProp{
	unix.RTN_UNSPEC:      {0, unix.RT_SCOPE_NOWHERE},
	unix.RTN_UNICAST:     {0, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_LOCAL:       {0, unix.RT_SCOPE_HOST},
	unix.RTN_BROADCAST:   {0, unix.RT_SCOPE_LINK},
	unix.RTN_ANYCAST:     {0, unix.RT_SCOPE_LINK},
	unix.RTN_MULTICAST:   {0, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_BLACKHOLE:   {unix.EINVAL, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_UNREACHABLE: {unix.EHOSTUNREACH, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_PROHIBIT:    {unix.EACCES, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_THROW:       {unix.EAGAIN, unix.RT_SCOPE_UNIVERSE},
	unix.RTN_NAT:         {unix.EINVAL, unix.RT_SCOPE_NOWHERE},
	unix.RTN_XRESOLVE:    {unix.EINVAL, unix.RT_SCOPE_NOWHERE},
}

// fibConfig is struct fib_config: a route request, from rtnetlink
// (rtm_to_fib_config) or from fib_magic.
type fibConfig struct {
	dscp     uint8
	dstLen   uint8
	table    uint32
	protocol uint8
	scope    uint8
	typ      uint8
	flags    uint32
	nlflags  uint16
	dst      inAddr
	oif      int
	gw       inAddr
	gwFamily uint8
	priority uint32
	prefsrc  inAddr
	flow     uint32
	nhID     uint32
	mx       *Attr // RTA_METRICS
	mp       *Attr // RTA_MULTIPATH
	encap    bool
	// nlinfo: the requester and its request, for the notifications.
	net    *Net
	portid uint32
	nlh    []byte
}

// rtnexthop is struct rtnexthop.
type rtnexthop struct {
	len     int
	flags   uint8
	hops    uint8
	ifindex int
	attrs   []byte // the nexthop's attributes
	off     int    // their offset in the request
}

// rtnhWalk is rtnh_ok / rtnh_next over RTA_MULTIPATH: each nexthop in
// turn, and the bytes left over that form no nexthop.
func rtnhWalk(a *Attr, fn func(rtnexthop) bool) (remaining int) {
	b := a.Data
	off := int(a.Off) + NLA_HDRLEN
	for len(b) >= unix.SizeofRtNexthop {
		l := int(binary.NativeEndian.Uint16(b))
		if l < unix.SizeofRtNexthop || l > len(b) {
			break
		}
		nh := rtnexthop{len: l, flags: b[2], hops: b[3], ifindex: int(int32(binary.NativeEndian.Uint32(b[4:]))),
			attrs: b[unix.SizeofRtNexthop:l], off: off + unix.SizeofRtNexthop}
		if !fn(nh) {
			return 0
		}
		step := nlaAlign(l)
		if step > len(b) {
			step = len(b)
		}
		b = b[step:]
		off += step
	}
	return len(b)
}

// nlaFind is nla_find over a nexthop's attributes.
func nlaFind(b []byte, base int, typ uint16) *Attr {
	var found *Attr
	nlaForEach(b, base, func(a Attr) bool {
		if a.Type&NLA_TYPE_MASK == typ {
			found = &a
			return false
		}
		return true
	})
	return found
}

// fibGetAddr is nla_get_in_addr: an IPv4 address attribute (big endian).
func fibGetAddr(a *Attr) inAddr { return inAddr(binary.BigEndian.Uint32(a.Data)) }

// fibPutAddr is nla_put_in_addr.
func fibPutAddr(m *nlBuf, typ uint16, v inAddr) {
	off := m.reserveRaw(typ, 4)
	binary.BigEndian.PutUint32(m.b[off:], uint32(v))
}

// fibCountNexthops is fib_count_nexthops.
func fibCountNexthops(mp *Attr, extack *ExtAck) int {
	nhs := 0
	if rtnhWalk(mp, func(rtnexthop) bool { nhs++; return true }) > 0 {
		extack.setMsg("Invalid nexthop configuration - extra data after nexthops")
		return 0
	}
	return nhs
}

// fibGetNhs is fib_get_nhs: the nexthops of RTA_MULTIPATH, which must
// agree with RTA_OIF, RTA_GATEWAY and RTA_FLOW given beside it.
func fibGetNhs(fi *fibInfo, cfg *fibConfig, extack *ExtAck) error {
	i := 0
	var err error
	rtnhWalk(cfg.mp, func(r rtnexthop) bool {
		if r.flags&(unix.RTNH_F_DEAD|unix.RTNH_F_LINKDOWN) != 0 {
			extack.setMsg("Invalid flags for nexthop - can not contain DEAD or LINKDOWN")
			err = unix.EINVAL
			return false
		}
		nh := &fi.nh[i]
		*nh = fibNh{oif: r.ifindex, flags: cfg.flags&^0xff | uint32(r.flags), weight: int(r.hops) + 1}
		if len(r.attrs) > 0 {
			gw := nlaFind(r.attrs, r.off, unix.RTA_GATEWAY)
			via := nlaFind(r.attrs, r.off, unix.RTA_VIA)
			if gw != nil && via != nil {
				extack.setMsg("Nexthop configuration can not contain both GATEWAY and VIA")
				err = unix.EINVAL
				return false
			}
			if gw != nil {
				if len(gw.Data) < 4 {
					extack.setMsg("Invalid IPv4 address in RTA_GATEWAY")
					err = unix.EINVAL
					return false
				}
				if nh.gw = fibGetAddr(gw); nh.gw != 0 {
					nh.gwFamily = unix.AF_INET
				}
			} else if via != nil {
				var c fibConfig
				if err = fibGwFromVia(&c, via, extack); err != nil {
					return false
				}
				nh.gw, nh.gwFamily = c.gw, c.gwFamily
			}
			if flow := nlaFind(r.attrs, r.off, unix.RTA_FLOW); flow != nil {
				if len(flow.Data) < 4 {
					extack.setMsg("Invalid RTA_FLOW")
					err = unix.EINVAL
					return false
				}
				nh.tclassid = flow.U32()
			}
		}
		i++
		return i < len(fi.nh)
	})
	if err != nil {
		return err
	}
	if i < len(fi.nh) {
		extack.setMsg("Invalid nexthop configuration - extra data after nexthop")
		return unix.EINVAL
	}
	nh := &fi.nh[0]
	if cfg.oif != 0 && nh.oif != cfg.oif {
		extack.setMsg("Nexthop device index does not match RTA_OIF")
		return unix.EINVAL
	}
	if cfg.gwFamily != 0 && (cfg.gwFamily != nh.gwFamily || nh.gw != cfg.gw) {
		extack.setMsg("Nexthop gateway does not match RTA_GATEWAY or RTA_VIA")
		return unix.EINVAL
	}
	if cfg.flow != 0 && nh.tclassid != cfg.flow {
		extack.setMsg("Nexthop class id does not match RTA_FLOW")
		return unix.EINVAL
	}
	return nil
}

// fibGwFromVia is fib_gw_from_via.
func fibGwFromVia(cfg *fibConfig, a *Attr, extack *ExtAck) error {
	if len(a.Data) < 2 {
		extack.setMsg("Invalid attribute length for RTA_VIA")
		return unix.EINVAL
	}
	family := binary.NativeEndian.Uint16(a.Data)
	alen := len(a.Data) - 2
	switch family {
	case unix.AF_INET:
		if alen != 4 {
			extack.setMsg("Invalid IPv4 address in RTA_VIA")
			return unix.EINVAL
		}
		cfg.gwFamily = unix.AF_INET
		cfg.gw = inAddr(binary.BigEndian.Uint32(a.Data[2:]))
	case unix.AF_INET6:
		if alen != 16 {
			extack.setMsg("Invalid IPv6 address in RTA_VIA")
			return unix.EINVAL
		}
		// IPv6 gateways of IPv4 routes need the IPv6 FIB's neighbours;
		// the model refuses them as a kernel without IPv6 would.
		extack.setMsg("IPv6 support not enabled in kernel")
		return unix.EINVAL
	default:
		extack.setMsg("Unsupported address family in RTA_VIA")
		return unix.EINVAL
	}
	return nil
}

// ipFibMetricsInit is ip_fib_metrics_init (ip_metrics_convert).
func ipFibMetricsInit(mx *Attr, extack *ExtAck) (*fibMetrics, error) {
	if mx == nil {
		return nil, nil
	}
	fm := &fibMetrics{}
	var err error
	nlaForEach(mx.Data, int(mx.Off)+NLA_HDRLEN, func(a Attr) bool {
		typ := int(a.Type & NLA_TYPE_MASK)
		if typ == 0 {
			return true
		}
		if typ > unix.RTAX_MAX {
			extack.setMsg("Invalid metric type")
			err = unix.EINVAL
			return false
		}
		var val uint32
		if typ == unix.RTAX_CC_ALGO {
			name := nlaStrscpy(&a, tcpCaNameMax)
			if !tcpCaKnown(name) {
				extack.setMsg("Unknown tcp congestion algorithm")
				err = unix.EINVAL
				return false
			}
			fm.ccAlgo = name
			val = 1
		} else {
			if len(a.Data) != 4 {
				extack.setMsgAttr(&a, "Invalid attribute in metrics")
				err = unix.EINVAL
				return false
			}
			val = a.U32()
		}
		switch {
		case typ == unix.RTAX_ADVMSS && val > 65535-40:
			val = 65535 - 40
		case typ == unix.RTAX_MTU && val > 65535-15:
			val = 65535 - 15
		case typ == unix.RTAX_HOPLIMIT && val > 255:
			val = 255
		case typ == unix.RTAX_FEATURES && val&^unix.RTAX_FEATURE_MASK != 0:
			extack.setMsg("Unknown flag set in feature mask in metrics attribute")
			err = unix.EINVAL
			return false
		}
		fm.m[typ-1] = val
		return true
	})
	if err != nil {
		return nil, err
	}
	return fm, nil
}

// tcpCaNameMax is TCP_CA_NAME_MAX.
const tcpCaNameMax = 16

// tcpCaKnown reports whether a congestion control algorithm of that name
// is registered: the modelled kernel has reno and cubic built in.
func tcpCaKnown(name string) bool { return name == "reno" || name == "cubic" }

// rtnetlinkPutMetrics is rtnetlink_put_metrics.
func rtnetlinkPutMetrics(m *nlBuf, fm *fibMetrics) {
	if fm == nil {
		return
	}
	mx := m.nestStart(unix.RTA_METRICS)
	valid := 0
	for i, v := range fm.m {
		if v == 0 {
			continue
		}
		switch i + 1 {
		case unix.RTAX_CC_ALGO:
			m.putString(uint16(i+1), fm.ccAlgo)
		case unix.RTAX_FEATURES:
			if v&unix.RTAX_FEATURE_MASK == 0 {
				continue
			}
			m.putU32(uint16(i+1), v&unix.RTAX_FEATURE_MASK)
		default:
			m.putU32(uint16(i+1), v)
		}
		valid++
	}
	if valid == 0 {
		m.nestCancel(mx)
		return
	}
	m.nestEnd(mx)
}

// fibCreateInfo is fib_create_info: the route's information, validated.
func fibCreateInfo(cfg *fibConfig, extack *ExtAck) (*fibInfo, error) {
	n := cfg.net
	if cfg.typ > unix.RTN_MAX {
		return nil, unix.EINVAL
	}
	if fibProps[cfg.typ].scope > cfg.scope {
		extack.setMsg("Invalid scope")
		return nil, unix.EINVAL
	}
	if cfg.flags&(unix.RTNH_F_DEAD|unix.RTNH_F_LINKDOWN) != 0 {
		extack.setMsg("Invalid rtm_flags - can not contain DEAD or LINKDOWN")
		return nil, unix.EINVAL
	}
	if cfg.nhID != 0 {
		// No nexthop objects are modelled (net/ipv4/nexthop.c).
		extack.setMsg("Nexthop id does not exist")
		return nil, unix.EINVAL
	}
	nhs := 1
	if cfg.mp != nil {
		if nhs = fibCountNexthops(cfg.mp, extack); nhs == 0 {
			return nil, unix.EINVAL
		}
	}
	if n.k.fail(FailObjAlloc) != nil {
		return nil, unix.ENOBUFS // the fib_info's kzalloc
	}
	fi := &fibInfo{protocol: cfg.protocol, scope: cfg.scope, flags: cfg.flags, priority: cfg.priority,
		prefsrc: cfg.prefsrc, typ: cfg.typ, tbID: cfg.table}
	var err error
	if fi.metrics, err = ipFibMetricsInit(cfg.mx, extack); err != nil {
		return nil, err
	}
	if nhs == 1 {
		fi.nh = fi.nh1[:]
	} else {
		fi.nh = make([]fibNh, nhs)
	}
	if cfg.mp != nil {
		if err := fibGetNhs(fi, cfg, extack); err != nil {
			return nil, err
		}
	} else {
		fi.nh[0] = fibNh{oif: cfg.oif, gw: cfg.gw, gwFamily: cfg.gwFamily, flags: cfg.flags, tclassid: cfg.flow, weight: 1}
	}
	if fibProps[cfg.typ].err != 0 {
		if cfg.gwFamily != 0 || cfg.oif != 0 || cfg.mp != nil {
			extack.setMsg("Gateway, device and multipath can not be specified for this route type")
			return nil, unix.EINVAL
		}
		return fi, nil
	}
	switch cfg.typ {
	case unix.RTN_UNICAST, unix.RTN_LOCAL, unix.RTN_BROADCAST, unix.RTN_ANYCAST, unix.RTN_MULTICAST:
	default:
		extack.setMsg("Invalid route type")
		return nil, unix.EINVAL
	}
	if cfg.scope > unix.RT_SCOPE_HOST {
		extack.setMsg("Invalid scope")
		return nil, unix.EINVAL
	}
	if cfg.scope == unix.RT_SCOPE_HOST {
		if nhs != 1 {
			extack.setMsg("Route with host scope can not have multiple nexthops")
			return nil, unix.EINVAL
		}
		nh := &fi.nh[0]
		if nh.gwFamily != 0 {
			extack.setMsg("Route with host scope can not have a gateway")
			return nil, unix.EINVAL
		}
		nh.scope = unix.RT_SCOPE_NOWHERE
		if nh.dev = n.devByIndex[nh.oif]; nh.dev == nil {
			return nil, unix.ENODEV
		}
	} else {
		linkdown := 0
		for i := range fi.nh {
			if err := fibCheckNh(n, &fi.nh[i], cfg.table, cfg.scope, extack); err != nil {
				return nil, err
			}
			if fi.nh[i].flags&unix.RTNH_F_LINKDOWN != 0 {
				linkdown++
			}
		}
		if linkdown == len(fi.nh) {
			fi.flags |= unix.RTNH_F_LINKDOWN
		}
	}
	if fi.prefsrc != 0 && !fibValidPrefsrc(cfg, fi.prefsrc) {
		extack.setMsg("Invalid prefsrc address")
		return nil, unix.EINVAL
	}
	return fi, nil
}

// fibValidPrefsrc is fib_valid_prefsrc.
func fibValidPrefsrc(cfg *fibConfig, prefsrc inAddr) bool {
	if cfg.typ == unix.RTN_LOCAL && cfg.dst != 0 && prefsrc == cfg.dst {
		return true
	}
	tbID := cfg.table
	if tbID == unix.RT_TABLE_MAIN {
		tbID = unix.RT_TABLE_LOCAL
	}
	rc := inetAddrTypeTable(cfg.net, prefsrc, tbID)
	if rc != unix.RTN_LOCAL && tbID != unix.RT_TABLE_LOCAL {
		rc = inetAddrTypeTable(cfg.net, prefsrc, unix.RT_TABLE_LOCAL)
	}
	return rc == unix.RTN_LOCAL
}

// fibCheckNh is fib_check_nh for an IPv4 or no gateway.
func fibCheckNh(n *Net, nh *fibNh, table uint32, scope uint8, extack *ExtAck) error {
	if nh.gwFamily == unix.AF_INET {
		return fibCheckNhV4Gw(n, nh, table, scope, extack)
	}
	return fibCheckNhNongw(n, nh, extack)
}

// fibCheckNhV4Gw is fib_check_nh_v4_gw: an onlink gateway on an up
// device, or one the FIB reaches by a unicast or local route.
func fibCheckNhV4Gw(n *Net, nh *fibNh, table uint32, scope uint8, extack *ExtAck) error {
	if nh.flags&unix.RTNH_F_ONLINK != 0 {
		if scope >= unix.RT_SCOPE_LINK {
			extack.setMsg("Nexthop has invalid scope")
			return unix.EINVAL
		}
		dev := n.devByIndex[nh.oif]
		if dev == nil {
			extack.setMsg("Nexthop device required for onlink")
			return unix.ENODEV
		}
		if dev.Flags&IFF_UP == 0 {
			extack.setMsg("Nexthop device is not up")
			return unix.ENETDOWN
		}
		if inetAddrTypeDevTable(n, dev, nh.gw) != unix.RTN_UNICAST {
			extack.setMsg("Nexthop has invalid gateway")
			return unix.EINVAL
		}
		if !dev.carrierOK() {
			nh.flags |= unix.RTNH_F_LINKDOWN
		}
		nh.dev = dev
		nh.scope = unix.RT_SCOPE_LINK
		return nil
	}
	fl := flowi4{daddr: nh.gw, scope: scope + 1, oif: nh.oif, iif: loopbackIfindex}
	if fl.scope < unix.RT_SCOPE_LINK {
		fl.scope = unix.RT_SCOPE_LINK
	}
	var res fibResult
	err := unix.Errno(0)
	var tbl *fibTable
	if table != 0 && table != unix.RT_TABLE_MAIN {
		tbl = n.fib.getTable(table)
	}
	if tbl != nil {
		err = fibTableLookup(tbl, &fl, &res, fibLookupIgnoreLinkstate)
	}
	if tbl == nil || err != 0 {
		err = fibLookup(n, &fl, &res, fibLookupIgnoreLinkstate)
	}
	if err != 0 {
		extack.setMsg("Nexthop has invalid gateway")
		return err
	}
	if res.typ != unix.RTN_UNICAST && res.typ != unix.RTN_LOCAL {
		extack.setMsg("Nexthop has invalid gateway")
		return unix.EINVAL
	}
	rnh := res.nh()
	nh.scope = res.scope
	nh.oif = rnh.oif
	nh.dev = rnh.dev
	if nh.dev == nil {
		extack.setMsg("No egress device for nexthop gateway")
		return unix.EINVAL
	}
	if !nh.dev.carrierOK() {
		nh.flags |= unix.RTNH_F_LINKDOWN
	}
	if nh.dev.Flags&IFF_UP == 0 {
		return unix.ENETDOWN
	}
	return nil
}

// fibCheckNhNongw is fib_check_nh_nongw: a device with an in_device, up.
func fibCheckNhNongw(n *Net, nh *fibNh, extack *ExtAck) error {
	if nh.flags&(unix.RTNH_F_PERVASIVE|unix.RTNH_F_ONLINK) != 0 {
		extack.setMsg("Invalid flags for nexthop - PERVASIVE and ONLINK can not be set")
		return unix.EINVAL
	}
	dev := n.devByIndex[nh.oif]
	if dev == nil || dev.inDev == nil {
		return unix.ENODEV
	}
	if dev.Flags&IFF_UP == 0 {
		extack.setMsg("Device for nexthop is not up")
		return unix.ENETDOWN
	}
	nh.dev = dev
	nh.scope = unix.RT_SCOPE_HOST
	if !dev.carrierOK() {
		nh.flags |= unix.RTNH_F_LINKDOWN
	}
	return nil
}

// fibInfoSame is fib_find_info's comparison: two requests that would
// share one fib_info in the kernel.
func fibInfoSame(a, b *fibInfo) bool {
	if len(a.nh) != len(b.nh) || a.protocol != b.protocol || a.scope != b.scope || a.prefsrc != b.prefsrc ||
		a.priority != b.priority || a.tbID != b.tbID || a.typ != b.typ ||
		(a.flags^b.flags)&^unix.RTNH_COMPARE_MASK != 0 {
		return false
	}
	if (a.metrics == nil) != (b.metrics == nil) || a.metrics != nil && *a.metrics != *b.metrics {
		return false
	}
	for i := range a.nh {
		x, y := &a.nh[i], &b.nh[i]
		if x.dev != y.dev || x.oif != y.oif || x.gw != y.gw || x.gwFamily != y.gwFamily || x.scope != y.scope ||
			x.weight != y.weight || x.tclassid != y.tclassid ||
			(x.flags^y.flags)&^unix.RTNH_COMPARE_MASK != 0 {
			return false
		}
	}
	return true
}

// fibNhMatch is fib_nh_match: 0 when the request's nexthop description
// matches fi (what it gives must agree), 1 when not, or an error.
func fibNhMatch(cfg *fibConfig, fi *fibInfo, extack *ExtAck) (int, error) {
	if cfg.priority != 0 && cfg.priority != fi.priority {
		return 1, nil
	}
	if cfg.nhID != 0 {
		return 1, nil
	}
	if cfg.oif != 0 || cfg.gwFamily != 0 {
		nh := &fi.nh[0]
		if cfg.flow != 0 && cfg.flow != nh.tclassid {
			return 1, nil
		}
		if cfg.oif != 0 && cfg.oif != nh.oif || cfg.gwFamily != 0 && cfg.gwFamily != nh.gwFamily {
			return 1, nil
		}
		if cfg.gwFamily == unix.AF_INET && cfg.gw != nh.gw {
			return 1, nil
		}
		return 0, nil
	}
	if cfg.mp == nil {
		return 0, nil
	}
	ret, i := 0, 0
	var err error
	rem := rtnhWalk(cfg.mp, func(r rtnexthop) bool {
		if i >= len(fi.nh) {
			return false
		}
		nh := &fi.nh[i]
		i++
		if r.ifindex != 0 && r.ifindex != nh.oif {
			ret = 1
			return false
		}
		if len(r.attrs) > 0 {
			gw := nlaFind(r.attrs, r.off, unix.RTA_GATEWAY)
			via := nlaFind(r.attrs, r.off, unix.RTA_VIA)
			if gw != nil && via != nil {
				extack.setMsg("Nexthop configuration can not contain both GATEWAY and VIA")
				err = unix.EINVAL
				return false
			}
			if gw != nil {
				if len(gw.Data) < 4 {
					extack.setMsg("Invalid IPv4 address in RTA_GATEWAY")
					err = unix.EINVAL
					return false
				}
				if nh.gwFamily != unix.AF_INET || fibGetAddr(gw) != nh.gw {
					ret = 1
					return false
				}
			} else if via != nil {
				var c fibConfig
				if err = fibGwFromVia(&c, via, extack); err != nil {
					return false
				}
				if nh.gwFamily != c.gwFamily || nh.gw != c.gw {
					ret = 1
					return false
				}
			}
			if flow := nlaFind(r.attrs, r.off, unix.RTA_FLOW); flow != nil && len(flow.Data) >= 4 && flow.U32() != nh.tclassid {
				ret = 1
				return false
			}
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	if ret == 0 && i < len(fi.nh) && rem >= 0 {
		return 0, unix.EINVAL // !rtnh_ok before the nexthops end
	}
	return ret, nil
}

// fibMetricsMatch is fib_metrics_match.
func fibMetricsMatch(cfg *fibConfig, fi *fibInfo) bool {
	if cfg.mx == nil {
		return true
	}
	ok := true
	nlaForEach(cfg.mx.Data, int(cfg.mx.Off)+NLA_HDRLEN, func(a Attr) bool {
		typ := int(a.Type & NLA_TYPE_MASK)
		if typ == 0 {
			return true
		}
		if typ > unix.RTAX_MAX {
			ok = false
			return false
		}
		var fiVal uint32
		if fi.metrics != nil {
			fiVal = fi.metrics.m[typ-1]
		}
		if typ == unix.RTAX_CC_ALGO {
			name := nlaStrscpy(&a, tcpCaNameMax)
			ok = tcpCaKnown(name) && fi.metrics != nil && fi.metrics.ccAlgo == name
			return ok
		}
		if len(a.Data) != 4 || a.U32() != fiVal {
			ok = false
		}
		return ok
	})
	return ok
}

// fibRtInfo is struct fib_rt_info: what fib_dump_info describes.
type fibRtInfo struct {
	fi     *fibInfo
	tbID   uint32
	dst    inAddr
	dstLen uint8
	dscp   uint8
	typ    uint8
}

// fibDumpInfo is fib_dump_info: one RTM_NEWROUTE / RTM_DELROUTE. It
// reports false, leaving m as it was, when the message passes m's limit.
func fibDumpInfo(m *nlBuf, portid, seq uint32, event uint16, fri *fibRtInfo, flags uint16) bool {
	fi := fri.fi
	start := m.putHeader(event, flags, seq, portid, sizeofRtmsg)
	rtm := m.b[start+NLMSG_HDRLEN:]
	rtm[0] = unix.AF_INET
	rtm[1] = fri.dstLen
	rtm[3] = fri.dscp
	if fri.tbID < 256 {
		rtm[4] = uint8(fri.tbID)
	} else {
		rtm[4] = unix.RT_TABLE_COMPAT
	}
	rtm[5] = fi.protocol
	rtm[6] = fi.scope
	rtm[7] = fri.typ
	rtmFlags := fi.flags
	m.putU32(unix.RTA_TABLE, fri.tbID)
	if fri.dstLen != 0 {
		fibPutAddr(m, unix.RTA_DST, fri.dst)
	}
	if fi.priority != 0 {
		m.putU32(unix.RTA_PRIORITY, fi.priority)
	}
	rtnetlinkPutMetrics(m, fi.metrics)
	if fi.prefsrc != 0 {
		fibPutAddr(m, unix.RTA_PREFSRC, fi.prefsrc)
	}
	if len(fi.nh) == 1 {
		var f uint8
		fibNexthopInfo(m, &fi.nh[0], &f, false)
		rtmFlags = uint32(f)
		if t := fi.nh[0].tclassid; t != 0 {
			m.putU32(unix.RTA_FLOW, t)
		}
	} else {
		mp := m.nestStart(unix.RTA_MULTIPATH)
		for i := range fi.nh {
			fibAddNexthop(m, &fi.nh[i])
		}
		m.nestEnd(mp)
	}
	// The bytes of rtm may have moved while the message grew.
	binary.NativeEndian.PutUint32(m.b[start+NLMSG_HDRLEN+8:], rtmFlags)
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// fibNexthopInfo is fib_nexthop_info for an IPv4 nexthop.
func fibNexthopInfo(m *nlBuf, nh *fibNh, flags *uint8, skipOif bool) {
	if nh.flags&unix.RTNH_F_DEAD != 0 {
		*flags |= unix.RTNH_F_DEAD
	}
	if nh.flags&unix.RTNH_F_LINKDOWN != 0 {
		*flags |= unix.RTNH_F_LINKDOWN
		if ipIgnoreLinkdown(nh.dev) {
			*flags |= unix.RTNH_F_DEAD
		}
	}
	if nh.gwFamily == unix.AF_INET {
		fibPutAddr(m, unix.RTA_GATEWAY, nh.gw)
	}
	*flags |= uint8(nh.flags & (unix.RTNH_F_ONLINK | unix.RTNH_F_OFFLOAD | unix.RTNH_F_TRAP))
	if !skipOif && nh.dev != nil {
		m.putU32(unix.RTA_OIF, uint32(nh.dev.ifindex))
	}
}

// fibAddNexthop is fib_add_nexthop: one struct rtnexthop of RTA_MULTIPATH.
func fibAddNexthop(m *nlBuf, nh *fibNh) {
	off := m.zeroed(unix.SizeofRtNexthop)
	var flags uint8
	fibNexthopInfo(m, nh, &flags, true)
	if nh.tclassid != 0 {
		m.putU32(unix.RTA_FLOW, nh.tclassid)
	}
	b := m.b[off:]
	binary.NativeEndian.PutUint16(b, uint16(len(m.b)-off))
	b[2] = flags
	b[3] = uint8(nh.weight - 1)
	if nh.dev != nil {
		binary.NativeEndian.PutUint32(b[4:], uint32(nh.dev.ifindex))
	}
}

// ipIgnoreLinkdown is ip_ignore_linkdown: the device's
// ignore_routes_with_linkdown setting.
func ipIgnoreLinkdown(dev *NetDevice) bool {
	if dev == nil || dev.inDev == nil {
		return false
	}
	return inetDevConf(dev)[IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN-1] != 0
}

// rtmsgFib is rtmsg_fib: the route's notification to RTNLGRP_IPV4_ROUTE
// (and the requester's echo).
func rtmsgFib(event uint16, key inAddr, fa *fibAlias, dstLen uint8, tbID uint32, cfg *fibConfig, nlmFlags uint16) {
	n := cfg.net
	report := cfg.nlh != nil && nlmsgFlags(cfg.nlh)&NLM_F_ECHO != 0
	if !report && !n.HasListeners(NETLINK_ROUTE, RTNLGRP_IPV4_ROUTE) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_IPV4_ROUTE, unix.ENOBUFS)
		return
	}
	var seq uint32
	if cfg.nlh != nil {
		seq = nlmsgSeq(cfg.nlh)
	}
	m := nlBuf{b: make([]byte, 0, 128)}
	fibDumpInfo(&m, cfg.portid, seq, event, &fibRtInfo{fi: fa.fi, tbID: tbID, dst: key, dstLen: dstLen, dscp: fa.dscp, typ: fa.typ}, nlmFlags)
	n.rtnlNotify(m.b, cfg.portid, RTNLGRP_IPV4_ROUTE, cfg.nlh)
}

// fibSyncDownDev is fib_sync_down_dev: the nexthops through dev die
// (NETDEV_DOWN, NETDEV_UNREGISTER) or lose their link (NETDEV_CHANGE);
// host-scope ones only when forced. It returns the number of routes with
// no nexthop left.
func fibSyncDownDev(dev *NetDevice, event NetdevEvent, force bool) int {
	scope := int(unix.RT_SCOPE_NOWHERE)
	if force {
		scope = -1
	}
	ret := 0
	dev.net.fib.forEachInfo(func(fi *fibInfo) {
		if !fi.usesDev(dev) {
			return
		}
		dead := 0
		for i := range fi.nh {
			nh := &fi.nh[i]
			if nh.flags&unix.RTNH_F_DEAD != 0 {
				dead++
			} else if nh.dev == dev && int(nh.scope) != scope {
				switch event {
				case NETDEV_DOWN, NETDEV_UNREGISTER:
					nh.flags |= unix.RTNH_F_DEAD | unix.RTNH_F_LINKDOWN
				case NETDEV_CHANGE:
					nh.flags |= unix.RTNH_F_LINKDOWN
				}
				dead++
			}
			if event == NETDEV_UNREGISTER && nh.dev == dev {
				dead = len(fi.nh)
				break
			}
		}
		if dead == len(fi.nh) {
			switch event {
			case NETDEV_DOWN, NETDEV_UNREGISTER:
				fi.flags |= unix.RTNH_F_DEAD | unix.RTNH_F_LINKDOWN
			case NETDEV_CHANGE:
				fi.flags |= unix.RTNH_F_LINKDOWN
			}
			ret++
		}
	})
	return ret
}

// fibSyncUp is fib_sync_up: the nexthops through an up dev lose
// nhFlags again.
func fibSyncUp(dev *NetDevice, nhFlags uint32) int {
	if dev.Flags&IFF_UP == 0 {
		return 0
	}
	if nhFlags&unix.RTNH_F_DEAD != 0 && devGetFlags(dev)&(IFF_RUNNING|IFF_LOWER_UP) != 0 {
		nhFlags |= unix.RTNH_F_LINKDOWN
	}
	ret := 0
	dev.net.fib.forEachInfo(func(fi *fibInfo) {
		if !fi.usesDev(dev) {
			return
		}
		alive := 0
		for i := range fi.nh {
			nh := &fi.nh[i]
			if nh.flags&nhFlags == 0 {
				alive++
				continue
			}
			if nh.dev == nil || nh.dev.Flags&IFF_UP == 0 || nh.dev != dev || dev.inDev == nil {
				continue
			}
			alive++
			nh.flags &^= nhFlags
		}
		if alive > 0 {
			fi.flags &^= nhFlags
			ret++
		}
	})
	return ret
}

// fibInfoNhUsesDev is fib_info_nh_uses_dev.
func fibInfoNhUsesDev(fi *fibInfo, dev *NetDevice) bool {
	for i := range fi.nh {
		if fi.nh[i].dev == dev {
			return true
		}
	}
	return false
}

// usesDev reports whether one of the route's nexthops goes through dev
// (the fib_info_devhash bucket a walk of dev's routes visits).
func (fi *fibInfo) usesDev(dev *NetDevice) bool {
	for i := range fi.nh {
		if fi.nh[i].dev == dev {
			return true
		}
	}
	return false
}
