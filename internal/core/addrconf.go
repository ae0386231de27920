package core

import (
	"encoding/binary"
	"sort"
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

// addrconfNetdevUp is addrconf_notify's NETDEV_UP: the inet6_dev becomes
// IF_READY once the link is ready, unless the device opted out of
// address configuration.
func addrconfNetdevUp(dev *NetDevice) {
	if dev.PrivFlags&IFF_NO_ADDRCONF != 0 || !addrconfLinkReady(dev) {
		return
	}
	dev.inet6Ready = true
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
		case dev.inet6 && dev.MTU < ipv6MinMTU:
			addrconfIfdown(dev, true)
		case dev.inet6:
			dev.inet6MTU = dev.MTU
		}
	case NETDEV_UP:
		if dev.inet6 {
			addrconfNetdevUp(dev)
			inet6Touch(dev, false)
		}
	case NETDEV_CHANGE:
		if dev.inet6 {
			addrconfNetdevUp(dev)
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

// addrconfIfdown is addrconf_ifdown: the inet6_dev stops being IF_READY,
// and with unregister it is detached (RTM_DELNETCONF).
func addrconfIfdown(dev *NetDevice, unregister bool) {
	dev.inet6Ready = false
	if unregister {
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

// ipv6Net is the namespace's IPv6 state (struct netns_ipv6): addresses
// and routes.
type ipv6Net struct{}
