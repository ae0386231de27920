package core

import (
	"encoding/binary"
	"sort"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// This file models the per-device side of net/ipv6/addrconf.c the link
// layer reaches: a device's inet6_dev as IFLA_AF_SPEC reports it
// (inet6_fill_link_af), what IFLA_AF_SPEC may set on it (the address
// generation mode and the token, inet6_validate_link_af and
// inet6_set_link_af), and the PF_INET6 link messages (inet6_fill_ifinfo,
// inet6_dump_ifinfo). Addresses themselves are not modelled yet.

// IPv6 address generation modes (enum in6_addr_gen_mode).
const (
	IN6_ADDR_GEN_MODE_EUI64          = 0
	IN6_ADDR_GEN_MODE_NONE           = 1
	IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2
	IN6_ADDR_GEN_MODE_RANDOM         = 3
)

// IFLA_INET6_* attributes (include/uapi/linux/if_link.h).
const (
	IFLA_INET6_FLAGS         = 1
	IFLA_INET6_CONF          = 2
	IFLA_INET6_STATS         = 3
	IFLA_INET6_MCAST         = 4
	IFLA_INET6_CACHEINFO     = 5
	IFLA_INET6_ICMP6STATS    = 6
	IFLA_INET6_TOKEN         = 7
	IFLA_INET6_ADDR_GEN_MODE = 8
	IFLA_INET6_RA_MTU        = 9
	IFLA_INET6_MAX           = 9

	RTNLGRP_IPV6_IFINFO = 12
)

// The IPv6 per-device configuration a new device gets (the devconf
// defaults of the modelled kernel, ipv6_devconf_dflt), DEVCONF_* order.
var inet6DevconfDefaults = [60]uint32{0, 64, 0, 1, 1, 1, 1, 4294967295, 4000, 1000, 0, 172800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0, 0, 0, 0, 0, 1, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0, 0, 0, 1024, 0, 65535, 4294967295, 1, 0, 0, 0}

// Indexes into that array (DEVCONF_*), and other addrconf constants.
const (
	devconfMTU6          = 2
	devconfUseTempaddr   = 10
	devconfAcceptDad     = 27
	devconfAddrGenMode   = 47
	inet6IfReady         = 0x80000000
	inet6IfRsSent        = 0x10
	ipstatsMibMax        = 38
	icmp6MibMax          = 7
	ipv6MaxPlen          = 65535
	ipv6RetransTimeMsecs = 1000
)

// Pre-encoded parts of the IPv6 AF_SPEC that do not change from device to
// device: the devconf template (mtu6, use_tempaddr, accept_dad and
// addr_gen_mode patched in) and the zero statistics.
var (
	inet6ConfAttr   []byte
	inet6StatsAttrs []byte
)

func init() {
	var m nlBuf
	off := m.reserve(IFLA_INET6_CONF, 4*len(inet6DevconfDefaults))
	for j, v := range inet6DevconfDefaults {
		binary.NativeEndian.PutUint32(m.b[off+4*j:], v)
	}
	inet6ConfAttr = m.b
	m = nlBuf{}
	off = m.reserve(IFLA_INET6_STATS, 8*ipstatsMibMax)
	binary.NativeEndian.PutUint64(m.b[off:], ipstatsMibMax)
	off = m.reserve(IFLA_INET6_ICMP6STATS, 8*icmp6MibMax)
	binary.NativeEndian.PutUint64(m.b[off:], icmp6MibMax)
	inet6StatsAttrs = m.b

	rtnlAfRegister(&rtnlAfOps{
		family:         unix.AF_INET6,
		rank:           2, // addrconf registers from inet6_init, after inet_init
		fillLinkAF:     inet6FillLinkAF,
		validateLinkAF: inet6ValidateLinkAF,
		setLinkAF:      inet6SetLinkAF,
	})
	registerNetdeviceNotifier(&netdevNotifier{name: "addrconf", order: netdevNotifierAddrconf, call: addrconfNotify})
	rtnlRegister(unix.AF_INET6, RTM_GETLINK, nil, inet6DumpIfinfo, 0)
}

// inet6FillLinkAF is inet6_fill_link_af, with rtnlAfOps.fillLinkAF's
// by-value message.
func inet6FillLinkAF(m nlBuf, dev *NetDevice, extMask uint32) (nlBuf, bool) {
	if !dev.inet6 {
		return m, false
	}
	inet6FillIfla6Attrs(&m, dev, extMask)
	return m, true
}

// inet6FillIfla6Attrs is inet6_fill_ifla6_attrs: the inet6_dev's flags,
// cache info, devconf, statistics (unless skipped), token and address
// generation mode.
func inet6FillIfla6Attrs(m *nlBuf, dev *NetDevice, extMask uint32) {
	lo := dev.Flags&IFF_LOOPBACK != 0
	var ifFlags uint32
	if dev.inet6Ready {
		ifFlags = inet6IfReady
	}
	if dev.inet6RsSent {
		ifFlags |= inet6IfRsSent
	}
	m.putU32(IFLA_INET6_FLAGS, ifFlags)
	ci := m.reserveRaw(IFLA_INET6_CACHEINFO, 16)
	binary.NativeEndian.PutUint32(m.b[ci:], ipv6MaxPlen)
	binary.NativeEndian.PutUint32(m.b[ci+4:], dev.inet6Tstamp)
	binary.NativeEndian.PutUint32(m.b[ci+8:], dev.inet6Reachable)
	binary.NativeEndian.PutUint32(m.b[ci+12:], ipv6RetransTimeMsecs)
	c6 := m.len() + NLA_HDRLEN
	m.putBytes(inet6ConfAttr)
	binary.NativeEndian.PutUint32(m.b[c6+4*devconfMTU6:], dev.inet6MTU)
	if lo {
		binary.NativeEndian.PutUint32(m.b[c6+4*devconfUseTempaddr:], 0xffffffff)
	}
	binary.NativeEndian.PutUint32(m.b[c6+4*devconfAcceptDad:], uint32(dev.inet6AcceptDad))
	binary.NativeEndian.PutUint32(m.b[c6+4*devconfAddrGenMode:], uint32(dev.inet6AddrGen))
	if extMask&RTEXT_FILTER_SKIP_STATS == 0 {
		m.putBytes(inet6StatsAttrs)
	}
	m.putAttr(IFLA_INET6_TOKEN, dev.inet6Token[:])
	m.putU8(IFLA_INET6_ADDR_GEN_MODE, dev.inet6AddrGen)
}

var inet6AfPolicy = func() []nlaPolicy {
	p := make([]nlaPolicy, IFLA_INET6_MAX+1)
	p[IFLA_INET6_ADDR_GEN_MODE] = nlaPolicy{typ: nlaU8}
	p[IFLA_INET6_TOKEN] = nlaPolicy{len: 16}
	p[IFLA_INET6_RA_MTU] = nlaPolicy{typ: nlaReject, rejectMessage: "IFLA_INET6_RA_MTU can not be set"}
	return p
}()

// checkAddrGenMode is check_addr_gen_mode; the model's namespaces have no
// stable_secret, so stable-privacy is refused as check_stable_privacy
// refuses it without one.
func checkAddrGenMode(mode uint8) error {
	switch mode {
	case IN6_ADDR_GEN_MODE_EUI64, IN6_ADDR_GEN_MODE_NONE, IN6_ADDR_GEN_MODE_RANDOM:
		return nil
	}
	return unix.EINVAL
}

// inet6ValidateLinkAF is inet6_validate_link_af. dev is never nil here.
func inet6ValidateLinkAF(dev *NetDevice, nla *Attr, extack *ExtAck) error {
	if !dev.inet6 || dev.regState != NETREG_REGISTERED {
		return unix.EAFNOSUPPORT
	}
	var tb [IFLA_INET6_MAX + 1]Attr
	if err := nlaParseNested(tb[:], IFLA_INET6_MAX, nla, inet6AfPolicy, extack); err != nil {
		return err
	}
	if !tb[IFLA_INET6_TOKEN].ok && !tb[IFLA_INET6_ADDR_GEN_MODE].ok {
		return unix.EINVAL
	}
	if tb[IFLA_INET6_ADDR_GEN_MODE].ok {
		if err := checkAddrGenMode(tb[IFLA_INET6_ADDR_GEN_MODE].U8()); err != nil {
			return err
		}
	}
	return nil
}

// inet6SetLinkAF is inet6_set_link_af.
func inet6SetLinkAF(dev *NetDevice, nla *Attr, extack *ExtAck) error {
	if !dev.inet6 {
		return unix.EAFNOSUPPORT
	}
	var tb [IFLA_INET6_MAX + 1]Attr
	if err := nlaParseNested(tb[:], IFLA_INET6_MAX, nla, nil, nil); err != nil {
		return unix.EINVAL
	}
	if tb[IFLA_INET6_TOKEN].ok {
		if err := inet6SetIftoken(dev, tb[IFLA_INET6_TOKEN].Data, extack); err != nil {
			return err
		}
	}
	if tb[IFLA_INET6_ADDR_GEN_MODE].ok {
		dev.inet6AddrGen = tb[IFLA_INET6_ADDR_GEN_MODE].U8()
	}
	return nil
}

// inet6SetIftoken is inet6_set_iftoken. The router solicitation it sends
// for a ready device with a link-local address never goes: the model has
// no addresses yet.
func inet6SetIftoken(dev *NetDevice, token []byte, extack *ExtAck) error {
	if len(token) < 16 {
		return unix.EINVAL
	}
	if dev.Flags&IFF_LOOPBACK != 0 {
		extack.setMsg("ipv6: Device is loopback")
		return unix.EINVAL
	}
	if dev.Flags&IFF_NOARP != 0 {
		extack.setMsg("ipv6: Device does not do neighbour discovery")
		return unix.EINVAL
	}
	copy(dev.inet6Token[8:], token[8:16])
	inet6IfinfoNotify(dev)
	return nil
}

// inet6IfinfoNotify is inet6_ifinfo_notify: a PF_INET6 RTM_NEWLINK to
// RTNLGRP_IPV6_IFINFO.
func inet6IfinfoNotify(dev *NetDevice) {
	n := dev.net
	if !n.HasListeners(NETLINK_ROUTE, RTNLGRP_IPV6_IFINFO) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_IPV6_IFINFO, unix.ENOBUFS)
		return
	}
	var m nlBuf
	inet6FillIfinfo(&m, dev, 0, 0, 0)
	n.rtnlNotify(m.b, 0, RTNLGRP_IPV6_IFINFO, nil)
}

// inet6FillIfinfo is inet6_fill_ifinfo: the PF_INET6 view of a device, its
// IPv6 state in IFLA_PROTINFO.
func inet6FillIfinfo(m *nlBuf, dev *NetDevice, portid, seq uint32, flags uint16) bool {
	start := m.putHeader(RTM_NEWLINK, flags, seq, portid, sizeofIfinfomsg)
	ifm := m.b[start+NLMSG_HDRLEN:]
	ifm[0] = unix.AF_INET6
	binary.NativeEndian.PutUint16(ifm[2:], dev.Type)
	binary.NativeEndian.PutUint32(ifm[4:], uint32(dev.ifindex))
	binary.NativeEndian.PutUint32(ifm[8:], devGetFlags(dev))
	m.putString(IFLA_IFNAME, dev.name)
	if dev.AddrLen != 0 {
		m.putAttr(IFLA_ADDRESS, dev.DevAddr[:dev.AddrLen])
	}
	m.putU32(IFLA_MTU, dev.MTU)
	if iflink := devGetIflink(dev); iflink != dev.ifindex {
		m.putU32(IFLA_LINK, uint32(iflink))
	}
	m.putU8(IFLA_OPERSTATE, dev.ReportedOperstate())
	pi := m.nestStart(IFLA_PROTINFO)
	inet6FillIfla6Attrs(m, dev, 0)
	m.nestEnd(pi)
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// inet6DumpIfinfo is inet6_dump_ifinfo, the PF_INET6 link dump: every
// device with an inet6_dev, NLMSG_DONE in the last datagram.
func inet6DumpIfinfo(cb *netlinkCallback, m *nlBuf) int {
	if cb.strictCheck {
		// inet6_valid_dump_ifinfo; NL_SET_ERR_MSG_MOD names the module.
		p := nlmsgPayload(cb.nlh)
		if len(p) < sizeofIfinfomsg {
			cb.extack.setMsg("ipv6: Invalid header for link dump")
			return -int(unix.EINVAL)
		}
		if len(cb.nlh) > NLMSG_HDRLEN+sizeofIfinfomsg {
			cb.extack.setMsg("ipv6: Invalid data after header")
			return -int(unix.EINVAL)
		}
		ifm := ParseIfinfomsg(p)
		if ifm.Pad != 0 || ifm.Type != 0 || ifm.Flags != 0 || ifm.Change != 0 || ifm.Index != 0 {
			cb.extack.setMsg("ipv6: Invalid values in header for dump request")
			return -int(unix.EINVAL)
		}
	}
	ctx, _ := cb.data.(*linkDump)
	if ctx == nil {
		ctx = &linkDump{}
		cb.data = ctx
	}
	n := cb.net
	n.k.rtnl.RLock(cb.rtnlShard)
	defer n.k.rtnl.RUnlock(cb.rtnlShard)
	for _, idx := range n.devOrder[sort.SearchInts(n.devOrder, ctx.ifindex):] {
		ctx.ifindex = idx
		dev := n.devByIndex[idx]
		if !dev.inet6 {
			continue
		}
		if !inet6FillIfinfo(m, dev, cb.portid, cb.seq, NLM_F_MULTI) {
			return -int(unix.EMSGSIZE)
		}
	}
	ctx.ifindex = 1 << 62
	return 0
}

// addrconfLinkReady is addrconf_link_ready: the operational state is up
// (or unknown) and the transmit queues are not parked on noop_qdisc.
func addrconfLinkReady(dev *NetDevice) bool {
	return (dev.operstate == IF_OPER_UP || dev.operstate == IF_OPER_UNKNOWN) && dev.txActive.Load()
}

// addrconfNetdevUp is addrconf_notify's NETDEV_UP, NETDEV_CHANGE and
// the NETDEV_CHANGEMTU that attached a new inet6_dev: the inet6_dev
// becomes IF_READY once the link is ready (unless the device opted out
// of address configuration), and a device that just became ready gets
// its automatic addresses, runs the DAD that waited for it and revives
// its routes (rt6_sync_up). A carrier loss marks the device's routes
// RTNH_F_LINKDOWN, its return clears that.
func addrconfNetdevUp(dev *NetDevice, event NetdevEvent) {
	if dev.PrivFlags&IFF_NO_ADDRCONF != 0 {
		return
	}
	switch event {
	case NETDEV_UP:
		addrconfPermanentAddr(dev)
		if !addrconfLinkReady(dev) {
			return
		}
		dev.inet6Ready = true
	case NETDEV_CHANGE:
		if !addrconfLinkReady(dev) {
			rt6SyncDownDev(dev, NETDEV_CHANGE)
			return
		}
		if dev.inet6Ready {
			rt6SyncUp(dev, unix.RTNH_F_LINKDOWN)
			return
		}
		dev.inet6Ready = true
	}
	addrconfInitAutoAddrs(dev)
	addrconfDadRun(dev)
	rt6SyncUp(dev, unix.RTNH_F_DEAD)
	inet6Touch(dev, false)
	inet6IfinfoNotify(dev)
}

// addrconfPermanentAddr is addrconf_permanent_addr with
// fixup_permanent_addr: a device coming up restores the routes of its
// permanent addresses (a fresh local route when the old one left the
// FIB, inserted when DAD completes; the prefix route) and starts the DAD
// that waited.
func addrconfPermanentAddr(dev *NetDevice) {
	var perm []*inet6Ifaddr
	for _, ifa := range dev.inet6Addrs {
		if ifa.flags&unix.IFA_F_PERMANENT != 0 {
			perm = append(perm, ifa)
		}
	}
	for _, ifa := range perm {
		if ifa.rt == nil || ifa.rt.node == nil {
			rt, err := addrconfF6iAlloc(dev.net, dev, ifa.addr, nil)
			if err != nil {
				ipv6DelAddr(ifa)
				continue
			}
			ifa.rt = rt
		}
		if ifa.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
			addrconfPrefixRoute(dev, ifa.addr, ifa.plen, ifa.rtPriority, 0, 0)
		}
		if ifa.state == ifaStatePreDAD {
			addrconfDadStart(ifa)
		}
	}
}

// addrconfNotify is addrconf_notify: a registered device with an MTU of
// at least 1280 gets an inet6_dev (ipv6_add_dev), which becomes IF_READY
// once the link is up and ready and goes when the MTU drops below or the
// device unregisters.
func addrconfNotify(info *netdevNotifierInfo) error {
	dev := info.dev
	switch info.event {
	case NETDEV_REGISTER, NETDEV_CHANGEMTU:
		switch {
		case !dev.inet6 && dev.MTU >= ipv6MinMTU:
			ipv6AddDev(dev)
			if info.event == NETDEV_CHANGEMTU && dev.inet6Ready {
				addrconfNetdevUp(dev, NETDEV_CHANGEMTU)
			}
		case dev.inet6 && dev.MTU < ipv6MinMTU:
			addrconfIfdown(dev, dev.Flags&IFF_LOOPBACK == 0)
		case dev.inet6:
			dev.inet6MTU = dev.MTU
		}
	case NETDEV_UP:
		if dev.inet6 {
			addrconfNetdevUp(dev, NETDEV_UP)
			inet6Touch(dev, false)
		}
	case NETDEV_CHANGE:
		if dev.inet6 {
			addrconfNetdevUp(dev, NETDEV_CHANGE)
		}
	case NETDEV_DOWN:
		if dev.inet6 {
			addrconfIfdown(dev, false)
			inet6Touch(dev, false)
		}
	case NETDEV_UNREGISTER:
		if dev.inet6 {
			addrconfIfdown(dev, true)
		}
	}
	return nil
}

// ipv6MinMTU is IPV6_MIN_MTU: below it addrconf detaches the device's
// inet6_dev, which removes AF_INET6 from IFLA_AF_SPEC.
const ipv6MinMTU = 1280

// ipv6AddDev is ipv6_add_dev: the defaults, and no DAD on links without
// neighbour discovery.
func ipv6AddDev(dev *NetDevice) {
	dev.inet6 = true
	dev.inet6RandomSet = false
	dev.inet6Mc = nil
	ipv6DevMcInc(dev, in6addrInterfacelocalAllnodes)
	ipv6DevMcInc(dev, in6addrLinklocalAllnodes)
	dev.inet6AddrGen = IN6_ADDR_GEN_MODE_EUI64
	dev.inet6AcceptDad = 1
	if dev.Flags&(IFF_NOARP|IFF_LOOPBACK) != 0 {
		dev.inet6AcceptDad = -1
	}
	dev.inet6MTU = dev.MTU
	netconfNotify(dev, RTM_NEWNETCONF, unix.AF_INET6)
	dev.inet6Ready = dev.running() && addrconfLinkReady(dev)
	inet6Touch(dev, true)
}

// addrconfIfdown is addrconf_ifdown: the inet6_dev stops being IF_READY
// (and forgets its router solicitation), every address goes with an
// RTM_DELADDR (keep_addr_on_down is 0), and with unregister the
// inet6_dev is detached (RTM_DELNETCONF after the addresses).
func addrconfIfdown(dev *NetDevice, unregister bool) {
	// rt6_disable_ip
	if unregister {
		rt6SyncDownDev(dev, NETDEV_UNREGISTER)
	} else {
		rt6SyncDownDev(dev, NETDEV_DOWN)
	}
	if !unregister {
		dev.inet6Ready = false
		dev.inet6RsSent = false
	}
	addrs := dev.inet6Addrs
	dev.inet6Addrs = nil
	for _, ifa := range addrs {
		addrconfDelDadWork(ifa)
		state := ifa.state
		ifa.state = ifaStateDead
		if state != ifaStateDead {
			ipv6IfaNotifyRoutes(RTM_DELADDR, ifa)
		}
	}
	if unregister {
		dev.inet6Ready = false
		dev.inet6RsSent = false
		dev.inet6Mc = nil // ipv6_mc_destroy_dev
		netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET6)
		dev.inet6 = false
	}
}

// inet6Touch records the inet6_dev time stamp (jiffies as centiseconds
// since boot, cstamp_delta) and draws the randomised reachable time the
// kernel gives each inet6_dev (neigh_rand_reach_time of 30 s).
func inet6Touch(dev *NetDevice, fresh bool) {
	k := dev.net.k
	dev.inet6Tstamp = uint32(k.jiffies() / (10 * time.Millisecond))
	if fresh {
		k.rngMu.Lock()
		dev.inet6Reachable = 15000 + uint32(k.rng.IntN(30000))
		k.rngMu.Unlock()
	}
}

// Kernel-internal address scopes (IFA_HOST, IFA_LINK, IFA_SITE of
// include/net/addrconf.h; IFA_GLOBAL is 0), the IPV6_ADDR_* scope bits
// ipv6_addr_scope returns.
const (
	ifaHost = 0x10
	ifaLink = 0x20
	ifaSite = 0x40
)

// Address origins (IFAPROT_*, include/uapi/linux/if_addr.h).
const (
	ifaprotKernelLo = 1
	ifaprotKernelLL = 3
)

// infinityLifeTime is INFINITY_LIFE_TIME.
const infinityLifeTime = 0xffffffff

// Address states (INET6_IFADDR_STATE_*).
const (
	ifaStatePreDAD = iota
	ifaStateDAD
	ifaStatePostDAD
	ifaStateErrDAD
	ifaStateDead
)

// The devconf values addrconf reads that the model does not let change:
// dad_transmits, rtr_solicit_delay (1 s) and the neighbour table's
// retrans_time (1 s).
const (
	inet6DadTransmits    = 1
	inet6RtrSolicitDelay = time.Second
	inet6RetransTime     = time.Second
)

// inet6Ifaddr is struct inet6_ifaddr: one IPv6 address of a device.
type inet6Ifaddr struct {
	addr       [16]byte
	peer       [16]byte
	plen       uint8
	scope      uint8 // IFA_HOST, IFA_LINK, IFA_SITE or 0
	flags      uint32
	proto      uint8
	rtPriority uint32
	validLft   uint32
	preferLft  uint32
	cstamp     time.Duration // jiffies at creation
	tstamp     time.Duration // jiffies at the last change
	state      int
	dev        *NetDevice
	rt         *fib6Info // the local /128 route, in its table once DAD completed

	dadProbes int
	dadWork   delayedWork
}

// ifa6Config is struct ifa6_config.
type ifa6Config struct {
	pfx        [16]byte
	peer       *[16]byte
	plen       uint8
	scope      uint8
	flags      uint32
	proto      uint8
	rtPriority uint32
	validLft   uint32
	preferLft  uint32
}

// ipv6AddrType is __ipv6_addr_type's classification, as the IPV6_ADDR_*
// bits ipv6_add_addr and the scope helpers read: the scope bits of
// ipv6_addr_scope in the low byte, and the source-address scope
// (IPV6_ADDR_SCOPE_*) that orders a device's address list.
func ipv6AddrType(a [16]byte) (typ, scope uint8, srcScope int) {
	const (
		unicast   = 0x01
		multicast = 0x02
		loopback  = 0x10
		linklocal = 0x20
		sitelocal = 0x40
	)
	switch {
	case a[0]&0xe0 != 0 && a[0]&0xe0 != 0xe0:
		return unicast, 0, 0x0e
	case a[0] == 0xff:
		mc := int(a[1] & 0x0f)
		switch mc {
		case 0x01:
			return multicast, loopback, mc
		case 0x02:
			return multicast, linklocal, mc
		case 0x05:
			return multicast, sitelocal, mc
		}
		return multicast, 0, mc
	case a[0] == 0xfe && a[1]&0xc0 == 0x80:
		return unicast, linklocal, 0x02
	case a[0] == 0xfe && a[1]&0xc0 == 0xc0:
		return unicast, sitelocal, 0x05
	}
	if a == ([16]byte{}) {
		return 0, 0, -1
	}
	if a == ipv6Loopback {
		return unicast, loopback, 0x02
	}
	return unicast, 0, 0x0e
}

// ipv6Loopback is in6addr_loopback, ::1.
var ipv6Loopback = [16]byte{15: 1}

// ipv6AddrScope is ipv6_addr_scope.
func ipv6AddrScope(a [16]byte) uint8 {
	_, scope, _ := ipv6AddrType(a)
	return scope
}

// rtScope is rt_scope: the RT_SCOPE_* of an address's IFA_* scope.
func rtScope(scope uint8) uint8 {
	switch {
	case scope&ifaHost != 0:
		return unix.RT_SCOPE_HOST
	case scope&ifaLink != 0:
		return unix.RT_SCOPE_LINK
	case scope&ifaSite != 0:
		return unix.RT_SCOPE_SITE
	}
	return unix.RT_SCOPE_UNIVERSE
}

// ipv6AddAddr is ipv6_add_addr: the checks, then the address joins its
// device's list (ipv6_link_dev_addr: sorted by source scope, global
// first, a new address before the others of its scope), tentative unless
// IFA_F_NODAD, with its local route allocated (addrconf_f6i_alloc) for
// DAD's completion to insert. RTNL is held.
func ipv6AddAddr(dev *NetDevice, cfg *ifa6Config, extack *ExtAck) (*inet6Ifaddr, error) {
	typ, _, srcScope := ipv6AddrType(cfg.pfx)
	switch {
	case typ == 0:
		extack.setMsg("ipv6: Invalid address")
		return nil, unix.EADDRNOTAVAIL
	case typ&0x02 != 0 && cfg.flags&unix.IFA_F_MCAUTOJOIN == 0:
		extack.setMsg("ipv6: Cannot assign multicast address without \"IFA_F_MCAUTOJOIN\" flag")
		return nil, unix.EADDRNOTAVAIL
	case dev.Flags&IFF_LOOPBACK == 0 && cfg.pfx == ipv6Loopback:
		extack.setMsg("ipv6: Cannot assign loopback address on this device")
		return nil, unix.EADDRNOTAVAIL
	}
	if !dev.inet6 {
		extack.setMsg("ipv6: device is going away")
		return nil, unix.ENODEV
	}
	if dev.net.k.fail(FailSkbAlloc) != nil {
		return nil, unix.ENOBUFS
	}
	rt, err := addrconfF6iAlloc(dev.net, dev, cfg.pfx, extack)
	if err != nil {
		return nil, err
	}
	now := dev.net.k.jiffies()
	ifa := &inet6Ifaddr{
		addr: cfg.pfx, plen: cfg.plen, scope: cfg.scope, flags: cfg.flags,
		proto: cfg.proto, rtPriority: cfg.rtPriority,
		validLft: cfg.validLft, preferLft: cfg.preferLft,
		cstamp: now, tstamp: now, dev: dev, rt: rt,
	}
	if cfg.peer != nil {
		ifa.peer = *cfg.peer
	}
	if cfg.flags&unix.IFA_F_NODAD == 0 {
		ifa.flags |= unix.IFA_F_TENTATIVE
	}
	i := 0
	for ; i < len(dev.inet6Addrs); i++ {
		if _, _, s := ipv6AddrType(dev.inet6Addrs[i].addr); srcScope >= s {
			break
		}
	}
	dev.inet6Addrs = append(dev.inet6Addrs, nil)
	copy(dev.inet6Addrs[i+1:], dev.inet6Addrs[i:])
	dev.inet6Addrs[i] = ifa
	return ifa, nil
}

// ipv6GetIfaddr is ipv6_get_ifaddr with strict set: the address addr of
// dev, nil without one.
func ipv6GetIfaddr(dev *NetDevice, addr [16]byte) *inet6Ifaddr {
	for _, ifa := range dev.inet6Addrs {
		if ifa.addr == addr {
			return ifa
		}
	}
	return nil
}

// unlinkAddr takes ifa off its device's list.
func unlinkAddr(ifa *inet6Ifaddr) {
	l := ifa.dev.inet6Addrs
	for i, a := range l {
		if a == ifa {
			ifa.dev.inet6Addrs = append(l[:i:i], l[i+1:]...)
			return
		}
	}
}

// ipv6DelAddr is ipv6_del_addr: the address leaves its device and
// RTM_DELADDR goes out. RTNL is held.
func ipv6DelAddr(ifa *inet6Ifaddr) {
	if ifa.state == ifaStateDead {
		return
	}
	ifa.state = ifaStateDead
	action := cleanupPrefixNop
	var expires time.Duration
	if ifa.flags&unix.IFA_F_NOPREFIXROUTE == 0 {
		action, expires = checkCleanupPrefixRoute(ifa)
	}
	unlinkAddr(ifa)
	addrconfDelDadWork(ifa)
	ipv6IfaNotify(RTM_DELADDR, ifa)
	if action != cleanupPrefixNop {
		cleanupPrefixRoute(ifa, expires, action == cleanupPrefixDel)
	}
}

// What ipv6_del_addr does with the prefix route of a deleted address
// (enum cleanup_prefix_rt_t).
const (
	cleanupPrefixNop = iota
	cleanupPrefixDel
	cleanupPrefixExpire
)

// checkCleanupPrefixRoute is check_cleanup_prefix_route: another
// permanent (or noprefixroute) address of the same prefix keeps the
// route as it is, other addresses of the prefix make it expire with the
// longest of their lifetimes, and without any it goes.
func checkCleanupPrefixRoute(ifp *inet6Ifaddr) (int, time.Duration) {
	action := cleanupPrefixDel
	expires := ifp.dev.net.k.jiffies()
	for _, ifa := range ifp.dev.inet6Addrs {
		if ifa == ifp || ifa.plen != ifp.plen || ipv6PrefixMask(ifa.addr, ifp.plen) != ipv6PrefixMask(ifp.addr, ifp.plen) {
			continue
		}
		if ifa.flags&(unix.IFA_F_PERMANENT|unix.IFA_F_NOPREFIXROUTE) != 0 {
			return cleanupPrefixNop, 0
		}
		action = cleanupPrefixExpire
		if end := ifa.tstamp + time.Duration(ifa.validLft)*time.Second; end > expires {
			expires = end
		}
	}
	return action, expires
}

// cleanupPrefixRoute is cleanup_prefix_route for the address's own
// prefix: delete the route, or give it the expiry when it has none.
func cleanupPrefixRoute(ifp *inet6Ifaddr, expires time.Duration, del bool) {
	cleanupPrefixRouteOf(ifp, ifp.addr, expires, del)
}

// cleanupPrefixRouteOf is cleanup_prefix_route for the prefix of pfx,
// the address's or (del_peer) its peer's.
func cleanupPrefixRouteOf(ifp *inet6Ifaddr, pfx [16]byte, expires time.Duration, del bool) {
	rt := addrconfGetPrefixRoute(ifp.dev, pfx, ifp.plen, 0, rtfDefault, true)
	if rt == nil {
		return
	}
	if del {
		ip6DelRt(ifp.dev.net, rt)
	} else if rt.flags&rtfExpires == 0 {
		rt.flags |= rtfExpires
		rt.expires = expires
	}
}

// ipv6IfaNotify is ipv6_ifa_notify, unless the device is going away.
func ipv6IfaNotify(event uint16, ifa *inet6Ifaddr) {
	if ifa.dev.inet6 {
		ipv6IfaNotifyRoutes(event, ifa)
	}
}

// ipv6IfaNotifyRoutes is __ipv6_ifa_notify: the netlink notification,
// then for RTM_NEWADDR the local route goes in (and a peer's /128 route
// is added), for RTM_DELADDR they go. Event 0 notifies RTM_NEWADDR and
// touches no route.
func ipv6IfaNotifyRoutes(event uint16, ifa *inet6Ifaddr) {
	n := ifa.dev.net
	if event == 0 {
		inet6IfaNotify(RTM_NEWADDR, ifa)
		return
	}
	inet6IfaNotify(event, ifa)
	hasPeer := ifa.peer != [16]byte{}
	switch event {
	case RTM_NEWADDR:
		if ifa.rt != nil && ifa.rt.node == nil {
			ip6InsRt(n, ifa.rt)
		}
		if hasPeer {
			addrconfPrefixRoute(ifa.dev, ifa.peer, 128, ifa.rtPriority, 0, 0)
		}
	case RTM_DELADDR:
		addrconfLeaveSolict(ifa.dev, ifa.addr)
		if hasPeer {
			if rt := addrconfGetPrefixRoute(ifa.dev, ifa.peer, 128, 0, 0, false); rt != nil {
				ip6DelRt(n, rt)
			}
		}
		if ifa.rt != nil {
			ip6DelRt(n, ifa.rt)
			ifa.rt = nil
		}
	}
}

// addLoopbackAddr is add_addr as init_loopback calls it for ::1: a
// permanent host address that skips DAD.
func addLoopbackAddr(dev *NetDevice) {
	cfg := &ifa6Config{pfx: ipv6Loopback, plen: 128, flags: unix.IFA_F_PERMANENT,
		validLft: infinityLifeTime, preferLft: infinityLifeTime, scope: ifaHost, proto: ifaprotKernelLo}
	ifa, err := ipv6AddAddr(dev, cfg, nil)
	if err != nil {
		return
	}
	ifa.flags &^= unix.IFA_F_TENTATIVE
	ipv6IfaNotify(RTM_NEWADDR, ifa)
}

// addrconfInitAutoAddrs is addrconf_init_auto_addrs for the device types
// the model has: ::1 on the loopback device (init_loopback), a link-local
// address on Ethernet devices (addrconf_dev_config), after the multicast
// route of addrconf_add_dev.
func addrconfInitAutoAddrs(dev *NetDevice) {
	switch dev.Type {
	case ARPHRD_LOOPBACK:
		addrLoopbackInit(dev)
	case ARPHRD_ETHER:
		addrconfAddDev(dev)
		addrconfAddrGen(dev)
	}
}

// addrconfAddDev is addrconf_add_dev for a device with an inet6_dev: the
// ff00::/8 route, except on the loopback device.
func addrconfAddDev(dev *NetDevice) {
	if dev.Flags&IFF_LOOPBACK == 0 {
		addrconfAddMroute(dev)
	}
}

// addrLoopbackInit is init_loopback.
func addrLoopbackInit(dev *NetDevice) { addLoopbackAddr(dev) }

// addrconfAddrGen is addrconf_addr_gen: the link-local address of the
// device's address generation mode. Stable privacy never gets here (no
// stable_secret; inet6_validate_link_af refuses it), and random mode
// draws the interface identifier as the kernel's keyed hash of a random
// secret gives one: 64 random bits, redrawn while they are a reserved
// identifier, kept as long as the inet6_dev (as the secret is).
func addrconfAddrGen(dev *NetDevice) {
	if dev.PrivFlags&IFF_NO_ADDRCONF != 0 {
		return
	}
	addr := [16]byte{0: 0xfe, 1: 0x80}
	switch dev.inet6AddrGen {
	case IN6_ADDR_GEN_MODE_RANDOM:
		if !dev.inet6RandomSet {
			// ipv6_gen_mode_random_init: the secret is drawn once per
			// inet6_dev, so the address is the same every time the
			// device comes up.
			k := dev.net.k
			for {
				k.rngMu.Lock()
				binary.BigEndian.PutUint64(addr[8:], k.rng.Uint64())
				k.rngMu.Unlock()
				if !ipv6ReservedInterfaceID(addr) {
					break
				}
			}
			copy(dev.inet6RandomID[:], addr[8:])
			dev.inet6RandomSet = true
		}
		copy(addr[8:], dev.inet6RandomID[:])
		addrconfAddLinklocal(dev, addr, unix.IFA_F_STABLE_PRIVACY)
	case IN6_ADDR_GEN_MODE_EUI64:
		if ipv6GenerateEUI64(addr[8:], dev) {
			addrconfAddLinklocal(dev, addr, 0)
		}
	}
}

// ipv6ReservedInterfaceID is ipv6_reserved_interfaceid.
func ipv6ReservedInterfaceID(a [16]byte) bool {
	w2 := binary.BigEndian.Uint32(a[8:])
	w3 := binary.BigEndian.Uint32(a[12:])
	return w2|w3 == 0 ||
		w2 == 0x02005eff && w3&0xfe000000 == 0xfe000000 ||
		w2 == 0xfdffffff && w3&0xffffff80 == 0xffffff80
}

// ipv6GenerateEUI64 is ipv6_generate_eui64 for Ethernet devices
// (addrconf_ifid_eui48): the MAC split by ff:fe, the universal/local bit
// flipped.
func ipv6GenerateEUI64(eui []byte, dev *NetDevice) bool {
	if dev.AddrLen != 6 {
		return false
	}
	a := dev.DevAddr[:6]
	copy(eui, a[:3])
	eui[3], eui[4] = 0xff, 0xfe
	copy(eui[5:], a[3:6])
	eui[0] ^= 2
	return true
}

// addrconfAddLinklocal is addrconf_add_linklocal: a permanent link-local
// /64, then DAD. Its prefix route is not modelled yet.
func addrconfAddLinklocal(dev *NetDevice, addr [16]byte, flags uint32) {
	cfg := &ifa6Config{pfx: addr, plen: 64, flags: flags | unix.IFA_F_PERMANENT,
		validLft: infinityLifeTime, preferLft: infinityLifeTime, scope: ifaLink, proto: ifaprotKernelLL}
	ifa, err := ipv6AddAddr(dev, cfg, nil)
	if err != nil {
		return
	}
	addrconfPrefixRoute(dev, ifa.addr, ifa.plen, 0, 0, 0)
	addrconfDadStart(ifa)
}

// addrconfDadStart is addrconf_dad_start: DAD begins from the work queue.
func addrconfDadStart(ifa *inet6Ifaddr) {
	if ifa.state != ifaStateDead {
		ifa.state = ifaStatePreDAD
		addrconfModDadWork(ifa, 0)
	}
}

// addrconfDadBegin is addrconf_dad_begin: addresses that need no DAD
// (devices without neighbour discovery, accept_dad off, NODAD) complete
// at once; on a device that is not ready a permanent address stays
// tentative (addrconf_dad_stop); otherwise the probes start after a
// random delay below rtr_solicit_delay (addrconf_dad_kick).
func addrconfDadBegin(ifa *inet6Ifaddr) {
	dev := ifa.dev
	addrconfJoinSolict(dev, ifa.addr)
	if ifa.state == ifaStateDead {
		return
	}
	if dev.Flags&(IFF_NOARP|IFF_LOOPBACK) != 0 || dev.inet6AcceptDad < 1 ||
		ifa.flags&unix.IFA_F_TENTATIVE == 0 || ifa.flags&unix.IFA_F_NODAD != 0 {
		ifa.flags &^= unix.IFA_F_TENTATIVE | unix.IFA_F_OPTIMISTIC | unix.IFA_F_DADFAILED
		addrconfDadCompleted(ifa)
		return
	}
	if !dev.inet6Ready {
		addrconfDadStop(ifa)
		return
	}
	addrconfDadKick(ifa)
}

// addrconfDadKick is addrconf_dad_kick.
func addrconfDadKick(ifa *inet6Ifaddr) {
	k := ifa.dev.net.k
	k.rngMu.Lock()
	delay := time.Duration(k.rng.Int64N(int64(inet6RtrSolicitDelay/Jiffy))) * Jiffy
	k.rngMu.Unlock()
	ifa.dadProbes = inet6DadTransmits
	addrconfModDadWork(ifa, delay)
}

// addrconfDadStop is addrconf_dad_stop without a failure: a permanent
// address stays tentative (its DAD reruns when the device is ready), any
// other is deleted.
func addrconfDadStop(ifa *inet6Ifaddr) {
	if ifa.flags&unix.IFA_F_PERMANENT != 0 {
		return
	}
	ipv6DelAddr(ifa)
}

// addrconfDadWork is addrconf_dad_work: the PREDAD step begins DAD; each
// later one sends a neighbour solicitation (not modelled: there is no
// IPv6 datagram path) and waits retrans_time, and the one after the last
// probe completes DAD, as no answer ever comes. RTNL is held.
func addrconfDadWork(ifa *inet6Ifaddr) {
	if ifa.state == ifaStatePreDAD {
		ifa.state = ifaStateDAD
		addrconfDadBegin(ifa)
		return
	}
	dev := ifa.dev
	if !dev.inet6 || !dev.inet6Ready || ifa.state == ifaStateDead {
		return
	}
	if ifa.dadProbes == 0 {
		ifa.flags &^= unix.IFA_F_TENTATIVE | unix.IFA_F_OPTIMISTIC | unix.IFA_F_DADFAILED
		addrconfDadCompleted(ifa)
		return
	}
	ifa.dadProbes--
	addrconfModDadWork(ifa, max(inet6RetransTime, 10*time.Millisecond))
}

// addrconfDadCompleted is addrconf_dad_completed: RTM_NEWADDR, and for
// the device's only usable link-local address on a device that accepts
// router advertisements, a router solicitation (IF_RS_SENT; the packet
// itself and the MLD reports are not modelled).
func addrconfDadCompleted(ifa *inet6Ifaddr) {
	addrconfDelDadWork(ifa)
	ipv6IfaNotify(RTM_NEWADDR, ifa)
	dev := ifa.dev
	if ifa.scope == ifaLink && ipv6LonelyLladdr(ifa) && dev.Flags&IFF_LOOPBACK == 0 {
		for _, a := range dev.inet6Addrs {
			if a.scope == ifaLink && a.flags&unix.IFA_F_TENTATIVE == 0 {
				dev.inet6RsSent = true
				break
			}
		}
	}
}

// ipv6LonelyLladdr is ipv6_lonely_lladdr: no other usable permanent
// link-local address on the device.
func ipv6LonelyLladdr(ifa *inet6Ifaddr) bool {
	l := ifa.dev.inet6Addrs
	for i := len(l) - 1; i >= 0; i-- {
		a := l[i]
		if a.scope > ifaLink {
			break
		}
		if a != ifa && a.scope == ifaLink &&
			a.flags&(unix.IFA_F_PERMANENT|unix.IFA_F_TENTATIVE|unix.IFA_F_OPTIMISTIC|unix.IFA_F_DADFAILED) == unix.IFA_F_PERMANENT {
			return false
		}
	}
	return true
}

// addrconfDadRun is addrconf_dad_run without restart: the addresses whose
// DAD waited for the device to be ready start it.
func addrconfDadRun(dev *NetDevice) {
	for _, ifa := range dev.inet6Addrs {
		if ifa.flags&unix.IFA_F_TENTATIVE != 0 && ifa.state == ifaStateDAD {
			addrconfDadKick(ifa)
		}
	}
}

// addrconfWorkQueue is addrconf_wq: the delayed work of addrconf (each
// address's dad_work, each namespace's addr_chk_work), run from the
// kernel clock.
type addrconfWorkQueue struct {
	mu      sync.Mutex
	pending []*delayedWork // guarded by RTNL as well as mu
	// runningAt, while a work item runs, is the time it fell due: work
	// it queues is timed from then, as a timer firing on time would,
	// however far a manual clock jumped past it. Guarded by RTNL.
	runningAt time.Duration
	running   bool
}

// delayedWork is a struct delayed_work on addrconf_wq.
type delayedWork struct {
	at     time.Duration // when it runs
	queued bool
	fn     func() // runs under RTNL
}

// now is the time delayed work queued now is timed from: the due time of
// the work that is running, else the clock. RTNL is held.
func (wq *addrconfWorkQueue) now(k *Kernel) time.Duration {
	if wq.running {
		return wq.runningAt
	}
	return k.jiffies()
}

// modDelayedWork is mod_delayed_work on addrconf_wq: w runs delay from
// now, queued or not. RTNL is held.
func modDelayedWork(k *Kernel, w *delayedWork, delay time.Duration) {
	wq := &k.addrconfWq
	w.at = wq.now(k) + delay
	wq.mu.Lock()
	if !w.queued {
		w.queued = true
		wq.pending = append(wq.pending, w)
	}
	wq.mu.Unlock()
	k.scheduleWork(w.at)
}

// cancelDelayedWork is cancel_delayed_work. RTNL is held.
func cancelDelayedWork(k *Kernel, w *delayedWork) {
	if !w.queued {
		return
	}
	wq := &k.addrconfWq
	wq.mu.Lock()
	defer wq.mu.Unlock()
	w.queued = false
	for i, x := range wq.pending {
		if x == w {
			wq.pending = append(wq.pending[:i:i], wq.pending[i+1:]...)
			break
		}
	}
}

// addrconfModDadWork is addrconf_mod_dad_work. RTNL is held.
func addrconfModDadWork(ifa *inet6Ifaddr, delay time.Duration) {
	if ifa.dadWork.fn == nil {
		ifa.dadWork.fn = func() { addrconfDadWork(ifa) }
	}
	modDelayedWork(ifa.dev.net.k, &ifa.dadWork, delay)
}

// addrconfDelDadWork is addrconf_del_dad_work. RTNL is held.
func addrconfDelDadWork(ifa *inet6Ifaddr) { cancelDelayedWork(ifa.dev.net.k, &ifa.dadWork) }

// runDue runs the work that has fallen due, earliest first (queue order
// among equals), under RTNL. It must not be called with RTNL held.
func (wq *addrconfWorkQueue) runDue(k *Kernel) {
	wq.mu.Lock()
	empty := len(wq.pending) == 0
	wq.mu.Unlock()
	if empty {
		return
	}
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	for {
		now := k.jiffies()
		wq.mu.Lock()
		var next *delayedWork
		at := -1
		for i, w := range wq.pending {
			if w.at <= now && (next == nil || w.at < next.at) {
				next, at = w, i
			}
		}
		if next == nil {
			wq.mu.Unlock()
			return
		}
		wq.pending = append(wq.pending[:at:at], wq.pending[at+1:]...)
		next.queued = false
		wq.mu.Unlock()
		wq.running, wq.runningAt = true, next.at
		next.fn()
		wq.running = false
	}
}

// Address lifetime checks (include/net/addrconf.h).
const (
	addrCheckFrequency     = 120 * time.Second
	addrconfTimerFuzzMinus = 5 * Jiffy // HZ / 50
	addrconfTimerFuzzMax   = time.Second
)

// addrconfVerify is addrconf_verify_rtnl: addresses whose valid lifetime
// is over go, those whose preferred lifetime is over become
// IFA_F_DEPRECATED (RTM_NEWADDR), and the check runs again when the next
// lifetime ends. The kernel rounds that time up to a whole second of its
// jiffies when within a quarter second (round_jiffies_up); the model's
// clock has no such phase, so it runs on time. RTNL is held.
func addrconfVerify(n *Net) {
	k := n.k
	now := k.addrconfWq.now(k)
	next := now + addrCheckFrequency
	finite := false
restart:
	for _, idx := range n.devOrder {
		for _, ifa := range n.devByIndex[idx].inet6Addrs {
			if ifa.flags&unix.IFA_F_PERMANENT != 0 && ifa.preferLft == infinityLifeTime {
				continue
			}
			finite = true
			age := uint32((now - ifa.tstamp + addrconfTimerFuzzMinus) / time.Second)
			switch {
			case ifa.validLft != infinityLifeTime && age >= ifa.validLft:
				ipv6DelAddr(ifa)
				goto restart
			case ifa.preferLft == infinityLifeTime:
			case age >= ifa.preferLft:
				if ifa.validLft != infinityLifeTime {
					next = min(next, ifa.tstamp+time.Duration(ifa.validLft)*time.Second)
				}
				if ifa.flags&unix.IFA_F_DEPRECATED == 0 {
					ifa.flags |= unix.IFA_F_DEPRECATED
					ipv6IfaNotify(0, ifa)
					goto restart
				}
			default:
				next = min(next, ifa.tstamp+time.Duration(ifa.preferLft)*time.Second)
			}
		}
	}
	w := &n.ipv6.addrChkWork
	if !finite {
		// Nothing can expire: the two-minute check would find nothing.
		cancelDelayedWork(k, w)
		return
	}
	if w.fn == nil {
		w.fn = func() { addrconfVerify(n) }
	}
	modDelayedWork(k, w, max(next, now+addrconfTimerFuzzMax)-now)
}
