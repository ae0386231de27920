package core

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// This file models net/ipv4/devinet.c: a device's in_device (created and
// destroyed by inetdev_event), its configuration as IFLA_AF_SPEC reports
// it (inet_fill_link_af) and sets it (IFLA_INET_CONF:
// inet_validate_link_af, inet_set_link_af with the netconf notifications
// devinet_conf_post_set sends), and its IPv4 addresses with the inetaddr
// notifier chain that announces them to the FIB.

// inDevice is struct in_device: a device's IPv4 state, dev.inDev.
type inDevice struct {
	dev *NetDevice
	// ifaList is ifa_list in the kernel's order: primaries before
	// secondaries, as inet_insert_ifa places them.
	ifaList []*inIfaddr
	// conf is cnf.data once changed; nil: the defaults (inetDevconfDefault).
	conf *[ipv4DevconfMax]uint32
}

// inAddr is an IPv4 address (__be32) as a number: a.b.c.d is
// a<<24 | b<<16 | c<<8 | d.
type inAddr uint32

// inIfaddr is struct in_ifaddr: one IPv4 address of a device.
type inIfaddr struct {
	inDev        *inDevice
	local        inAddr // ifa_local
	address      inAddr // ifa_address: the peer, or ifa_local
	mask         inAddr // ifa_mask
	broadcast    inAddr // ifa_broadcast
	prefixlen    uint8
	scope        uint8
	proto        uint8
	flags        uint32        // IFA_F_*
	rtPriority   uint32        // ifa_rt_priority: the metric of its prefix route
	label        string        // ifa_label
	validLft     uint32        // seconds, or infinityLifeTime
	preferredLft uint32        // seconds, or infinityLifeTime
	cstamp       time.Duration // when created (jiffies since boot)
	tstamp       time.Duration // when last changed
}

// inetaddrNotifier is a notifier_block on inetaddr_chain (register_inetaddr_notifier):
// NETDEV_UP when an address is added, NETDEV_DOWN when it goes.
type inetaddrNotifier struct {
	name string
	call func(event NetdevEvent, ifa *inIfaddr)
}

// inetaddrChain is inetaddr_chain, filled at init.
var inetaddrChain []*inetaddrNotifier

// registerInetaddrNotifier is register_inetaddr_notifier at boot.
func registerInetaddrNotifier(nb *inetaddrNotifier) { inetaddrChain = append(inetaddrChain, nb) }

// inetaddrNotify is blocking_notifier_call_chain(&inetaddr_chain, ...).
func inetaddrNotify(event NetdevEvent, ifa *inIfaddr) {
	for _, nb := range inetaddrChain {
		nb.call(event, ifa)
	}
}

// IFLA_INET_* attributes and IPV4_DEVCONF_* (include/uapi/linux/ip.h).
const (
	IFLA_INET_CONF = 1
	IFLA_INET_MAX  = 1

	ipv4DevconfMax = 33

	IPV4_DEVCONF_FORWARDING                  = 1
	IPV4_DEVCONF_MC_FORWARDING               = 2
	IPV4_DEVCONF_PROXY_ARP                   = 3
	IPV4_DEVCONF_RP_FILTER                   = 8
	IPV4_DEVCONF_TAG                         = 12
	IPV4_DEVCONF_MEDIUM_ID                   = 14
	IPV4_DEVCONF_NOXFRM                      = 15
	IPV4_DEVCONF_NOPOLICY                    = 16
	IPV4_DEVCONF_FORCE_IGMP_VERSION          = 17
	IPV4_DEVCONF_ARP_ANNOUNCE                = 18
	IPV4_DEVCONF_ARP_IGNORE                  = 19
	IPV4_DEVCONF_ARP_ACCEPT                  = 21
	IPV4_DEVCONF_IGMPV2_UNSOLICITED_INTERVAL = 27
	IPV4_DEVCONF_IGMPV3_UNSOLICITED_INTERVAL = 28
	IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN = 29
	IPV4_DEVCONF_BC_FORWARDING               = 32
)

// The IPv4 per-device configuration a new device gets (ipv4_devconf_dflt
// of the modelled kernel), IPV4_DEVCONF_* - 1 order; lo has NOXFRM and
// NOPOLICY set.
var inetDevconfDefaults = [ipv4DevconfMax]uint32{0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1}

// inetConfAttr is IFLA_INET_CONF pre-encoded for the two default
// variants: [0] other devices, [1] lo.
var inetConfAttr [2][]byte

func inetDevconfDefault(lo bool) [ipv4DevconfMax]uint32 {
	conf := inetDevconfDefaults
	if lo {
		conf[IPV4_DEVCONF_NOXFRM-1], conf[IPV4_DEVCONF_NOPOLICY-1] = 1, 1
	}
	return conf
}

// inetDevConf is the device's in_device configuration (in_dev->cnf.data):
// its own once changed, else the defaults of lo or of other devices.
func inetDevConf(dev *NetDevice) [ipv4DevconfMax]uint32 {
	if in := dev.inDev; in != nil && in.conf != nil {
		return *in.conf
	}
	return inetDevconfDefault(dev.Flags&IFF_LOOPBACK != 0)
}

func encodeInetConf(m *nlBuf, conf *[ipv4DevconfMax]uint32) {
	off := m.reserve(IFLA_INET_CONF, 4*len(conf))
	for j, v := range conf {
		binary.NativeEndian.PutUint32(m.b[off+4*j:], v)
	}
}

// inetDevconfPolicy is inet_devconf_policy.
var inetDevconfPolicy = func() []nlaPolicy {
	p := make([]nlaPolicy, ipv4DevconfMax+1)
	rng := func(max uint64) nlaPolicy { return nlaPolicy{typ: nlaU32, hasMax: true, maxValue: max} }
	for i := 1; i <= ipv4DevconfMax; i++ {
		p[i] = rng(1)
	}
	p[IPV4_DEVCONF_MC_FORWARDING] = nlaPolicy{typ: nlaReject}
	p[IPV4_DEVCONF_RP_FILTER] = rng(2)
	p[IPV4_DEVCONF_TAG] = nlaPolicy{typ: nlaU32}
	p[IPV4_DEVCONF_MEDIUM_ID] = nlaPolicy{typ: nlaS32, hasMin: true, minValue: ^uint64(0)} // NLA_POLICY_MIN(NLA_S32, -1)
	p[IPV4_DEVCONF_FORCE_IGMP_VERSION] = rng(3)
	p[IPV4_DEVCONF_ARP_ANNOUNCE] = rng(2)
	p[IPV4_DEVCONF_ARP_IGNORE] = rng(8)
	p[IPV4_DEVCONF_ARP_ACCEPT] = rng(2)
	p[IPV4_DEVCONF_IGMPV2_UNSOLICITED_INTERVAL] = nlaPolicy{typ: nlaU32}
	p[IPV4_DEVCONF_IGMPV3_UNSOLICITED_INTERVAL] = nlaPolicy{typ: nlaU32}
	return p
}()

var inetAfPolicy = []nlaPolicy{IFLA_INET_CONF: {typ: nlaNested}}

func init() {
	for i, lo := range []bool{false, true} {
		var m nlBuf
		conf := inetDevconfDefault(lo)
		encodeInetConf(&m, &conf)
		inetConfAttr[i] = m.b
	}
	rtnlAfRegister(&rtnlAfOps{
		family:         unix.AF_INET,
		rank:           1, // devinet registers from inet_init (fs_initcall)
		fillLinkAF:     inetFillLinkAF,
		validateLinkAF: inetValidateLinkAF,
		setLinkAF:      inetSetLinkAF,
	})
	registerNetdeviceNotifier(&netdevNotifier{name: "inetdev", order: netdevNotifierDevinet, call: inetdevEvent})
	registerPernetSubsys(&pernetOperations{name: "devinet", order: pernetOrderDevinet,
		exit: func(n *Net) { cancelDelayedWork(n.k, &n.inet.addrChkWork) }})
	rtnlRegister(unix.AF_INET, RTM_NEWADDR, inetRtmNewaddr, nil, 0)
	rtnlRegister(unix.AF_INET, RTM_DELADDR, inetRtmDeladdr, nil, 0)
	rtnlRegister(unix.AF_INET, RTM_GETADDR, nil, inetDumpIfaddr, rtnlFlagDumpSplitNlmDone)
}

// ipv4MinMTU is IPV4_MIN_MTU: below it inetdev_event drops the in_device.
const ipv4MinMTU = 68

// inetdevEvent is inetdev_event: a registered device with an MTU of at
// least 68 gets an in_device (inetdev_init), and loses it when the MTU
// drops below or the device unregisters (inetdev_destroy); each change is
// announced with RTM_NEWNETCONF / RTM_DELNETCONF.
func inetdevEvent(info *netdevNotifierInfo) error {
	dev := info.dev
	switch info.event {
	case NETDEV_REGISTER, NETDEV_CHANGEMTU:
		if dev.inDev == nil && dev.MTU >= ipv4MinMTU {
			inetdevInit(dev)
		} else if dev.inDev != nil && dev.MTU < ipv4MinMTU {
			inetdevDestroy(dev.inDev)
		}
	case NETDEV_UNREGISTER:
		if dev.inDev != nil {
			inetdevDestroy(dev.inDev)
		}
	case NETDEV_UP:
		if dev.inDev != nil {
			inetdevNetdevUp(dev.inDev)
		}
	case NETDEV_CHANGENAME:
		if dev.inDev != nil {
			inetdevChangename(dev.inDev)
		}
	}
	return nil
}

// inetdevInit is inetdev_init.
func inetdevInit(dev *NetDevice) *inDevice {
	in := &inDevice{dev: dev}
	dev.inDev = in
	netconfNotify(dev, RTM_NEWNETCONF, unix.AF_INET)
	return in
}

// inetdevDestroy is inetdev_destroy: every address goes (announced, with
// no promotion), then the in_device with an RTM_DELNETCONF.
func inetdevDestroy(in *inDevice) {
	dev := in.dev
	for len(in.ifaList) > 0 {
		inetDelIfa(in, 0, nil, 0, true)
	}
	dev.inDev = nil
	netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET)
}

// inetFillLinkAF is inet_fill_link_af, with rtnlAfOps.fillLinkAF's
// by-value message. The defaults of inetDevConf go out pre-encoded.
func inetFillLinkAF(m nlBuf, dev *NetDevice, extMask uint32) (nlBuf, bool) {
	in := dev.inDev
	if in == nil {
		return m, false
	}
	if in.conf == nil {
		m.putBytes(inetConfAttr[b2u8(dev.Flags&IFF_LOOPBACK != 0)])
		return m, true
	}
	encodeInetConf(&m, in.conf)
	return m, true
}

// inetValidateLinkAF is inet_validate_link_af.
func inetValidateLinkAF(dev *NetDevice, nla *Attr, extack *ExtAck) error {
	if dev.inDev == nil || dev.regState != NETREG_REGISTERED {
		return unix.EAFNOSUPPORT
	}
	var tb [IFLA_INET_MAX + 1]Attr
	if err := nlaParseNested(tb[:], IFLA_INET_MAX, nla, inetAfPolicy, extack); err != nil {
		return err
	}
	if tb[IFLA_INET_CONF].ok {
		var ntb [ipv4DevconfMax + 1]Attr
		a := &tb[IFLA_INET_CONF]
		// nla_parse: the strict default.
		if err := nlaParse(ntb[:], ipv4DevconfMax, a.Data, int(a.Off)+NLA_HDRLEN, inetDevconfPolicy, nlValidateStrict, extack); err != nil {
			return err
		}
	}
	return nil
}

// inetSetLinkAF is inet_set_link_af: each IFLA_INET_CONF value is stored,
// and devinet_conf_post_set announces the ones netconf reports.
func inetSetLinkAF(dev *NetDevice, nla *Attr, extack *ExtAck) error {
	in := dev.inDev
	if in == nil {
		return unix.EAFNOSUPPORT
	}
	var tb [IFLA_INET_MAX + 1]Attr
	if err := nlaParseNested(tb[:], IFLA_INET_MAX, nla, nil, nil); err != nil {
		return unix.EINVAL
	}
	if !tb[IFLA_INET_CONF].ok {
		return nil
	}
	forEachNested(&tb[IFLA_INET_CONF], func(a *Attr) bool {
		typ := int(a.Type & NLA_TYPE_MASK)
		if typ < 1 || typ > ipv4DevconfMax || len(a.Data) < 4 {
			return true
		}
		if in.conf == nil {
			conf := inetDevConf(dev)
			in.conf = &conf
		}
		old := in.conf[typ-1]
		v := a.U32()
		in.conf[typ-1] = v
		devinetConfPostSet(dev, typ, v, old)
		return true
	})
	return nil
}

// devinetConfPostSet is devinet_conf_post_set's notifications.
func devinetConfPostSet(dev *NetDevice, typ int, v, old uint32) {
	if v == old {
		return
	}
	switch typ {
	case IPV4_DEVCONF_RP_FILTER:
		inetNetconfNotifyDevconf(dev, netconfaRPFilter)
	case IPV4_DEVCONF_PROXY_ARP:
		inetNetconfNotifyDevconf(dev, netconfaProxyNeigh)
	case IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN:
		inetNetconfNotifyDevconf(dev, netconfaIgnoreRoutesWithLinkdown)
	case IPV4_DEVCONF_FORWARDING:
		inetNetconfNotifyDevconf(dev, netconfaForwarding)
	}
}

// devinetNet is the namespace's IPv4 address state (net->ipv4's
// inet_addr_lst and devconf parts).
type devinetNet struct {
	addrChkWork delayedWork // addr_chk_work: check_lifetime
}

// IPV6ONLY_FLAGS: IFA_F_* flags an IPv4 address never keeps.
const ipv6OnlyFlags = unix.IFA_F_NODAD | unix.IFA_F_OPTIMISTIC | unix.IFA_F_DADFAILED |
	unix.IFA_F_HOMEADDRESS | unix.IFA_F_TENTATIVE | unix.IFA_F_MANAGETEMPADDR | unix.IFA_F_STABLE_PRIVACY

// inAddrOf reads an IPv4 address attribute (nla_get_in_addr).
func inAddrOf(a *Attr) inAddr { return inAddr(binary.BigEndian.Uint32(a.Data)) }

// bytes is the address in network byte order.
func (a inAddr) bytes() [4]byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(a))
	return b
}

func (a inAddr) String() string {
	b := a.bytes()
	return netip.AddrFrom4(b).String()
}

// isMulticast is ipv4_is_multicast.
func (a inAddr) isMulticast() bool { return a&0xf0000000 == 0xe0000000 }

// inetMakeMask is inet_make_mask.
func inetMakeMask(logmask uint8) inAddr {
	if logmask == 0 {
		return 0
	}
	return inAddr(^uint32(0) << (32 - logmask))
}

// inetIfaMatch is inet_ifa_match: addr is on ifa's subnet.
func inetIfaMatch(addr inAddr, ifa *inIfaddr) bool { return (addr^ifa.address)&ifa.mask == 0 }

// inetIfaByprefix is inet_ifa_byprefix.
func inetIfaByprefix(in *inDevice, prefix, mask inAddr) *inIfaddr {
	for _, ifa := range in.ifaList {
		if ifa.mask == mask && inetIfaMatch(prefix, ifa) {
			return ifa
		}
	}
	return nil
}

// promoteSecondaries is IN_DEV_PROMOTE_SECONDARIES: the device's setting
// or the namespace's "all" one.
func (in *inDevice) promoteSecondaries() bool {
	return inetDevConf(in.dev)[IPV4_DEVCONF_PROMOTE_SECONDARIES-1] != 0
}

// IPV4_DEVCONF_PROMOTE_SECONDARIES (include/uapi/linux/ip.h).
const IPV4_DEVCONF_PROMOTE_SECONDARIES = 20

// inetAllocIfa is inet_alloc_ifa.
func inetAllocIfa(in *inDevice) *inIfaddr {
	if in.dev.net.k.fail(FailObjAlloc) != nil {
		return nil
	}
	return &inIfaddr{inDev: in}
}

// setIfaLifetime is set_ifa_lifetime: finite lifetimes are kept, an
// infinite valid lifetime makes the address IFA_F_PERMANENT and a zero
// preferred one IFA_F_DEPRECATED; the time stamps move.
func setIfaLifetime(ifa *inIfaddr, valid, preferred uint32) {
	flags := ifa.flags &^ (unix.IFA_F_PERMANENT | unix.IFA_F_DEPRECATED)
	if valid != infinityLifeTime {
		ifa.validLft = valid
	} else {
		flags |= unix.IFA_F_PERMANENT
	}
	if preferred != infinityLifeTime {
		if preferred == 0 {
			flags |= unix.IFA_F_DEPRECATED
		}
		ifa.preferredLft = preferred
	}
	ifa.flags = flags
	k := ifa.inDev.dev.net.k
	ifa.tstamp = k.addrconfWq.now(k)
	if ifa.cstamp == 0 {
		ifa.cstamp = ifa.tstamp
	}
}

// inetInsertIfa is __inet_insert_ifa: the address goes after the last
// primary of its scope or, as a secondary, at the end; RTM_NEWADDR is
// announced before the inetaddr chain hears of it, so that listeners
// learn of the address before its routes.
func inetInsertIfa(ifa *inIfaddr, nlh []byte, portid uint32, extack *ExtAck) error {
	in := ifa.inDev
	ifa.flags &^= unix.IFA_F_SECONDARY | ipv6OnlyFlags
	lastPrimary := 0
	for i, ifa1 := range in.ifaList {
		if ifa1.flags&unix.IFA_F_SECONDARY == 0 && ifa.scope <= ifa1.scope {
			lastPrimary = i + 1
		}
		if ifa1.mask == ifa.mask && inetIfaMatch(ifa1.address, ifa) {
			if ifa1.local == ifa.local {
				return unix.EEXIST
			}
			if ifa1.scope != ifa.scope {
				extack.setMsg("ipv4: Invalid scope value")
				return unix.EINVAL
			}
			ifa.flags |= unix.IFA_F_SECONDARY
		}
	}
	at := len(in.ifaList)
	if ifa.flags&unix.IFA_F_SECONDARY == 0 {
		at = lastPrimary
	}
	in.ifaList = append(in.ifaList, nil)
	copy(in.ifaList[at+1:], in.ifaList[at:])
	in.ifaList[at] = ifa
	checkLifetimeSoon(in.dev.net)
	rtmsgIfa(RTM_NEWADDR, ifa, nlh, portid)
	inetaddrNotify(NETDEV_UP, ifa)
	return nil
}

// inetDelIfa is __inet_del_ifa for ifaList[i]: deleting a primary takes
// the secondaries of its subnet with it, unless promote_secondaries makes
// the first of them primary in its place (moved to after the last primary
// of its scope, and its subnet's other secondaries' routes moved to it).
// dead is in_dev->dead: the in_device is going, nothing is promoted.
func inetDelIfa(in *inDevice, i int, nlh []byte, portid uint32, dead bool) {
	ifa1 := in.ifaList[i]
	var promote, prevProm, nextSec *inIfaddr
	var lastPrimAfter *inIfaddr // nil: ifa1's own slot
	if !dead && ifa1.flags&unix.IFA_F_SECONDARY == 0 {
		doPromote := in.promoteSecondaries()
		for j := i + 1; j < len(in.ifaList); {
			ifa := in.ifaList[j]
			if ifa.flags&unix.IFA_F_SECONDARY == 0 && ifa1.scope <= ifa.scope {
				lastPrimAfter = ifa
			}
			if ifa.flags&unix.IFA_F_SECONDARY == 0 || ifa1.mask != ifa.mask || !inetIfaMatch(ifa1.address, ifa) {
				prevProm = ifa
				j++
				continue
			}
			if doPromote {
				promote = ifa
				if j+1 < len(in.ifaList) {
					nextSec = in.ifaList[j+1]
				}
				break
			}
			in.ifaList = append(in.ifaList[:j:j], in.ifaList[j+1:]...)
			rtmsgIfa(RTM_DELADDR, ifa, nlh, portid)
			inetaddrNotify(NETDEV_DOWN, ifa)
		}
		// The promoted subnet's routes go silently now, while every
		// address is still listed, and come back with the new prefsrc.
		if promote != nil {
			for _, ifa := range in.ifaList[indexOfIfa(in, promote):] {
				if ifa1.mask == ifa.mask && inetIfaMatch(ifa1.address, ifa) {
					fibDelIfaddr(ifa, ifa1)
				}
			}
		}
	}
	// Unlink, then announce: the message first, then the FIB.
	in.ifaList = append(in.ifaList[:i:i], in.ifaList[i+1:]...)
	rtmsgIfa(RTM_DELADDR, ifa1, nlh, portid)
	inetaddrNotify(NETDEV_DOWN, ifa1)
	if promote == nil {
		return
	}
	if prevProm != nil {
		p := indexOfIfa(in, promote)
		in.ifaList = append(in.ifaList[:p:p], in.ifaList[p+1:]...)
		at := i
		if lastPrimAfter != nil {
			at = indexOfIfa(in, lastPrimAfter) + 1
		}
		in.ifaList = append(in.ifaList, nil)
		copy(in.ifaList[at+1:], in.ifaList[at:])
		in.ifaList[at] = promote
	}
	promote.flags &^= unix.IFA_F_SECONDARY
	rtmsgIfa(RTM_NEWADDR, promote, nlh, portid)
	inetaddrNotify(NETDEV_UP, promote)
	if nextSec == nil {
		return
	}
	for _, ifa := range in.ifaList[indexOfIfa(in, nextSec):] {
		if ifa1.mask == ifa.mask && inetIfaMatch(ifa1.address, ifa) {
			fibAddIfaddr(ifa)
		}
	}
}

func indexOfIfa(in *inDevice, ifa *inIfaddr) int {
	for i, x := range in.ifaList {
		if x == ifa {
			return i
		}
	}
	return -1
}

// ifaIPv4Policy is ifa_ipv4_policy.
var ifaIPv4Policy = func() []nlaPolicy {
	p := make([]nlaPolicy, IFA_MAX+1)
	p[unix.IFA_LOCAL] = nlaPolicy{typ: nlaU32}
	p[unix.IFA_ADDRESS] = nlaPolicy{typ: nlaU32}
	p[unix.IFA_BROADCAST] = nlaPolicy{typ: nlaU32}
	p[unix.IFA_LABEL] = nlaPolicy{typ: nlaString, len: IFNAMSIZ - 1}
	p[unix.IFA_CACHEINFO] = nlaPolicy{len: sizeofIfaCacheinfo}
	p[unix.IFA_FLAGS] = nlaPolicy{typ: nlaU32}
	p[unix.IFA_RT_PRIORITY] = nlaPolicy{typ: nlaU32}
	p[unix.IFA_TARGET_NETNSID] = nlaPolicy{typ: nlaS32}
	p[IFA_PROTO] = nlaPolicy{typ: nlaU8}
	return p
}()

const sizeofIfaCacheinfo = 16 // struct ifa_cacheinfo

// inetValidateRtm is inet_validate_rtm: the policy, the prefix length, a
// local address, and sane lifetimes.
func inetValidateRtm(nlh []byte, tb []Attr, extack *ExtAck) (ifm ifaddrmsg, valid, preferred uint32, err error) {
	valid, preferred = infinityLifeTime, infinityLifeTime
	if err = nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb, IFA_MAX, ifaIPv4Policy, nlValidateLiberal, extack); err != nil {
		return
	}
	ifm = parseIfaddrmsg(nlmsgPayload(nlh))
	if ifm.prefixlen > 32 {
		extack.setMsg("ipv4: Invalid prefix length")
		err = unix.EINVAL
		return
	}
	if !tb[unix.IFA_LOCAL].ok {
		extack.setMsg("ipv4: Local address is not supplied")
		err = unix.EINVAL
		return
	}
	if ci := &tb[unix.IFA_CACHEINFO]; ci.ok {
		pref := binary.NativeEndian.Uint32(ci.Data[0:])
		val := binary.NativeEndian.Uint32(ci.Data[4:])
		if val == 0 || pref > val {
			extack.setMsg("ipv4: address lifetime invalid")
			err = unix.EINVAL
			return
		}
		valid, preferred = val, pref
	}
	return
}

// inetRtmToIfa is inet_rtm_to_ifa: the new address, not yet inserted.
func inetRtmToIfa(n *Net, ifm ifaddrmsg, tb []Attr, extack *ExtAck) (*inIfaddr, error) {
	dev := n.devByIndex[int(ifm.index)]
	if dev == nil {
		extack.setMsg("ipv4: Device not found")
		return nil, unix.ENODEV
	}
	in := dev.inDev
	if in == nil {
		return nil, unix.ENOBUFS
	}
	ifa := inetAllocIfa(in)
	if ifa == nil {
		return nil, unix.ENOBUFS
	}
	address := &tb[unix.IFA_ADDRESS]
	if !address.ok {
		address = &tb[unix.IFA_LOCAL]
	}
	ifa.prefixlen = ifm.prefixlen
	ifa.mask = inetMakeMask(ifm.prefixlen)
	ifa.flags = uint32(ifm.flags)
	if tb[unix.IFA_FLAGS].ok {
		ifa.flags = tb[unix.IFA_FLAGS].U32()
	}
	ifa.scope = ifm.scope
	ifa.local = inAddrOf(&tb[unix.IFA_LOCAL])
	ifa.address = inAddrOf(address)
	if tb[unix.IFA_BROADCAST].ok {
		ifa.broadcast = inAddrOf(&tb[unix.IFA_BROADCAST])
	}
	if tb[unix.IFA_LABEL].ok {
		ifa.label = nlaStrscpy(&tb[unix.IFA_LABEL], IFNAMSIZ)
	} else {
		ifa.label = dev.name
	}
	if tb[unix.IFA_RT_PRIORITY].ok {
		ifa.rtPriority = tb[unix.IFA_RT_PRIORITY].U32()
	}
	if tb[IFA_PROTO].ok {
		ifa.proto = tb[IFA_PROTO].U8()
	}
	return ifa, nil
}

// findMatchingIfa is find_matching_ifa.
func findMatchingIfa(ifa *inIfaddr) *inIfaddr {
	for _, ifa1 := range ifa.inDev.ifaList {
		if ifa1.mask == ifa.mask && inetIfaMatch(ifa1.address, ifa) && ifa1.local == ifa.local {
			return ifa1
		}
	}
	return nil
}

// inetRtmNewaddr is inet_rtm_newaddr: a new address is inserted; one that
// exists is changed only with NLM_F_REPLACE (and without NLM_F_EXCL): its
// route metric, protocol and lifetimes.
func inetRtmNewaddr(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFA_MAX + 1]Attr
	_, valid, preferred, err := inetValidateRtm(nlh, tb[:], extack)
	if err != nil {
		return err
	}
	ifm := parseIfaddrmsg(nlmsgPayload(nlh))
	if inAddrOf(&tb[unix.IFA_LOCAL]) == 0 {
		return nil
	}
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	ifa, err := inetRtmToIfa(n, ifm, tb[:], extack)
	if err != nil {
		return err
	}
	existing := findMatchingIfa(ifa)
	if existing == nil {
		setIfaLifetime(ifa, valid, preferred)
		if ifa.flags&unix.IFA_F_MCAUTOJOIN != 0 && !ifa.address.isMulticast() {
			// ip_mc_join_group refuses a unicast group.
			extack.setMsg("ipv4: Multicast auto join failed")
			return unix.EINVAL
		}
		return inetInsertIfa(ifa, nlh, skb.portid, extack)
	}
	flags := nlmsgFlags(nlh)
	if flags&NLM_F_EXCL != 0 || flags&NLM_F_REPLACE == 0 {
		extack.setMsg("ipv4: Address already assigned")
		return unix.EEXIST
	}
	if existing.rtPriority != ifa.rtPriority {
		fibModifyPrefixMetric(existing, ifa.rtPriority)
		existing.rtPriority = ifa.rtPriority
	}
	existing.proto = ifa.proto
	setIfaLifetime(existing, valid, preferred)
	checkLifetimeSoon(n)
	rtmsgIfa(RTM_NEWADDR, existing, nlh, skb.portid)
	return nil
}

// inetRtmDeladdr is inet_rtm_deladdr: the first address matching every
// attribute given (local, label, and the prefix of IFA_ADDRESS) goes.
func inetRtmDeladdr(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv4Policy, nlValidateLiberal, extack); err != nil {
		return err
	}
	ifm := parseIfaddrmsg(nlmsgPayload(nlh))
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	dev := n.devByIndex[int(ifm.index)]
	if dev == nil || dev.inDev == nil {
		extack.setMsg("ipv4: Device not found")
		return unix.ENODEV
	}
	in := dev.inDev
	for i, ifa := range in.ifaList {
		if tb[unix.IFA_LOCAL].ok && ifa.local != inAddrOf(&tb[unix.IFA_LOCAL]) {
			continue
		}
		if tb[unix.IFA_LABEL].ok && tb[unix.IFA_LABEL].Str() != ifa.label {
			continue
		}
		if tb[unix.IFA_ADDRESS].ok && (ifm.prefixlen != ifa.prefixlen || !inetIfaMatch(inAddrOf(&tb[unix.IFA_ADDRESS]), ifa)) {
			continue
		}
		inetDelIfa(in, i, nlh, skb.portid, false)
		return nil
	}
	extack.setMsg("ipv4: Address not found")
	return unix.EADDRNOTAVAIL
}

// inetFillArgs is struct inet_fill_args.
type inetFillArgs struct {
	portid  uint32
	seq     uint32
	event   uint16
	flags   uint16
	netnsid int
}

// inetFillIfaddr is inet_fill_ifaddr.
func inetFillIfaddr(m *nlBuf, ifa *inIfaddr, args *inetFillArgs) bool {
	start := m.putHeader(args.event, args.flags, args.seq, args.portid, sizeofIfaddrmsg)
	h := m.b[start+NLMSG_HDRLEN:]
	h[0], h[1], h[2], h[3] = unix.AF_INET, ifa.prefixlen, uint8(ifa.flags), ifa.scope
	binary.NativeEndian.PutUint32(h[4:], uint32(ifa.inDev.dev.ifindex))
	if args.netnsid >= 0 {
		m.putU32(unix.IFA_TARGET_NETNSID, uint32(int32(args.netnsid)))
	}
	preferred, valid := uint32(infinityLifeTime), uint32(infinityLifeTime)
	if ifa.flags&unix.IFA_F_PERMANENT == 0 {
		preferred, valid = ifa.preferredLft, ifa.validLft
		if preferred != infinityLifeTime {
			k := ifa.inDev.dev.net.k
			tval := uint32((k.addrconfWq.now(k) - ifa.tstamp) / time.Second)
			preferred = sub0(preferred, tval)
			if valid != infinityLifeTime {
				valid = sub0(valid, tval)
			}
		}
	}
	putIn := func(typ uint16, a inAddr) {
		b := a.bytes()
		m.putAttr(typ, b[:])
	}
	if ifa.address != 0 {
		putIn(unix.IFA_ADDRESS, ifa.address)
	}
	if ifa.local != 0 {
		putIn(unix.IFA_LOCAL, ifa.local)
	}
	if ifa.broadcast != 0 {
		putIn(unix.IFA_BROADCAST, ifa.broadcast)
	}
	if ifa.label != "" {
		m.putString(unix.IFA_LABEL, ifa.label)
	}
	if ifa.proto != 0 {
		m.putU8(IFA_PROTO, ifa.proto)
	}
	m.putU32(unix.IFA_FLAGS, ifa.flags)
	if ifa.rtPriority != 0 {
		m.putU32(unix.IFA_RT_PRIORITY, ifa.rtPriority)
	}
	putCacheinfo(m, ifa.cstamp, ifa.tstamp, preferred, valid)
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

func sub0(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return 0
}

// putCacheinfo is put_cacheinfo: IFA_CACHEINFO with the time stamps in
// hundredths of a second since boot (cstamp_delta).
func putCacheinfo(m *nlBuf, cstamp, tstamp time.Duration, preferred, valid uint32) {
	off := m.reserve(unix.IFA_CACHEINFO, sizeofIfaCacheinfo)
	binary.NativeEndian.PutUint32(m.b[off:], preferred)
	binary.NativeEndian.PutUint32(m.b[off+4:], valid)
	binary.NativeEndian.PutUint32(m.b[off+8:], uint32(cstamp/(10*time.Millisecond)))
	binary.NativeEndian.PutUint32(m.b[off+12:], uint32(tstamp/(10*time.Millisecond)))
}

// rtmsgIfa is rtmsg_ifa: RTM_NEWADDR or RTM_DELADDR to
// RTNLGRP_IPV4_IFADDR (and the requester, with NLM_F_ECHO).
func rtmsgIfa(event uint16, ifa *inIfaddr, nlh []byte, portid uint32) {
	n := ifa.inDev.dev.net
	echo := nlh != nil && nlmsgFlags(nlh)&NLM_F_ECHO != 0
	if !echo && !n.HasListeners(NETLINK_ROUTE, RTNLGRP_IPV4_IFADDR) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_IPV4_IFADDR, unix.ENOBUFS)
		return
	}
	args := inetFillArgs{portid: portid, event: event, netnsid: -1}
	if nlh != nil {
		args.seq = nlmsgSeq(nlh)
	}
	var m nlBuf
	inetFillIfaddr(&m, ifa, &args)
	n.rtnlNotify(m.b, portid, RTNLGRP_IPV4_IFADDR, nlh)
}

// inetValidDumpIfaddrReq is inet_valid_dump_ifaddr_req.
func inetValidDumpIfaddrReq(cb *netlinkCallback, args *inetFillArgs) (ifindex int, tgt *Net, err error) {
	extack := &cb.extack
	p := nlmsgPayload(cb.nlh)
	if len(p) < sizeofIfaddrmsg {
		extack.setMsg("ipv4: Invalid header for address dump request")
		return 0, nil, unix.EINVAL
	}
	ifm := parseIfaddrmsg(p)
	if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
		extack.setMsg("ipv4: Invalid values in header for address dump request")
		return 0, nil, unix.EINVAL
	}
	ifindex = int(ifm.index)
	if ifindex != 0 {
		cb.answerFlags |= NLM_F_DUMP_FILTERED
		args.flags |= NLM_F_DUMP_FILTERED
	}
	var tb [IFA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(cb.nlh, sizeofIfaddrmsg, tb[:], IFA_MAX, ifaIPv4Policy, nlValidateDeprecatedStrict, extack); err != nil {
		return 0, nil, err
	}
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		if i != unix.IFA_TARGET_NETNSID {
			extack.setMsg("ipv4: Unsupported attribute in dump request")
			return 0, nil, unix.EINVAL
		}
		args.netnsid = int(tb[i].S32())
		t, err := rtnlGetNetNsCapable(cb.sk, args.netnsid)
		if err != nil {
			args.netnsid = -1
			extack.setMsg("ipv4: Invalid target network namespace id")
			return 0, nil, err
		}
		tgt = t
	}
	return ifindex, tgt, nil
}

// inetDumpIfaddr is inet_dump_ifaddr (inet_dump_addr for RTM_NEWADDR):
// every address of every device with an in_device, or of one device in
// strict mode, resumable at any address.
func inetDumpIfaddr(cb *netlinkCallback, m *nlBuf) int {
	args := inetFillArgs{portid: cb.portid, seq: cb.seq, event: RTM_NEWADDR, flags: NLM_F_MULTI, netnsid: -1}
	ctx, _ := cb.data.(*addrDump)
	if ctx == nil {
		ctx = &addrDump{}
		cb.data = ctx
	}
	tgt := cb.net
	n := cb.net
	n.k.rtnl.RLock(cb.rtnlShard)
	defer n.k.rtnl.RUnlock(cb.rtnlShard)
	if cb.strictCheck {
		ifindex, t, err := inetValidDumpIfaddrReq(cb, &args)
		if err != nil {
			return errnoOf(err)
		}
		if t != nil {
			tgt = t
		}
		if ifindex != 0 {
			dev := tgt.devByIndex[ifindex]
			if dev == nil {
				return -int(unix.ENODEV)
			}
			if dev.inDev == nil {
				return 0
			}
			return inDevDumpIfaddr(dev.inDev, m, ctx, &args)
		}
	}
	for _, idx := range tgt.devOrder[sort.SearchInts(tgt.devOrder, ctx.ifindex):] {
		ctx.ifindex = idx
		in := tgt.devByIndex[idx].inDev
		if in == nil {
			continue
		}
		if err := inDevDumpIfaddr(in, m, ctx, &args); err != 0 {
			return err
		}
	}
	ctx.ifindex = 1 << 62
	return 0
}

// inDevDumpIfaddr is in_dev_dump_ifaddr: the device's addresses from
// ctx.ipIdx on.
func inDevDumpIfaddr(in *inDevice, m *nlBuf, ctx *addrDump, args *inetFillArgs) int {
	for i := ctx.ipIdx; i < len(in.ifaList); i++ {
		if !inetFillIfaddr(m, in.ifaList[i], args) {
			ctx.ipIdx = i
			return -int(unix.EMSGSIZE)
		}
	}
	ctx.ipIdx = 0
	return 0
}

// inetdevNetdevUp is inetdev_event's NETDEV_UP: lo gets 127.0.0.1/8.
func inetdevNetdevUp(in *inDevice) {
	dev := in.dev
	if dev.MTU < ipv4MinMTU || dev.Flags&IFF_LOOPBACK == 0 {
		return
	}
	ifa := inetAllocIfa(in)
	if ifa == nil {
		return
	}
	ifa.local, ifa.address = 0x7f000001, 0x7f000001
	ifa.prefixlen = 8
	ifa.mask = inetMakeMask(8)
	ifa.scope = unix.RT_SCOPE_HOST
	ifa.label = dev.name
	setIfaLifetime(ifa, infinityLifeTime, infinityLifeTime)
	_ = inetInsertIfa(ifa, nil, 0, nil)
}

// inetdevChangename is inetdev_changename: the labels follow the new
// name, aliases keeping their ":suffix", each announced.
func inetdevChangename(in *inDevice) {
	name := in.dev.name
	for i, ifa := range in.ifaList {
		old := ifa.label
		ifa.label = name
		if i > 0 {
			dot := ""
			if j := strings.IndexByte(old, ':'); j >= 0 {
				dot = old[j:]
			} else {
				dot = ":" + strconv.Itoa(i+1)
			}
			if len(dot)+len(name) < IFNAMSIZ {
				ifa.label = name + dot
			} else {
				ifa.label = name[:IFNAMSIZ-len(dot)-1] + dot
			}
		}
		rtmsgIfa(RTM_NEWADDR, ifa, nil, 0)
	}
}

// checkLifetimeSoon is the cancel_delayed_work / queue_delayed_work(..., 0)
// of addr_chk_work: check_lifetime runs at once (on the system call's way
// out). RTNL is held.
func checkLifetimeSoon(n *Net) {
	w := &n.inet.addrChkWork
	if w.fn == nil {
		w.fn = func() { checkLifetime(n) }
	}
	modDelayedWork(n.k, w, 0)
}

// checkLifetime is check_lifetime: addresses whose valid lifetime is over
// go, those whose preferred lifetime is over become IFA_F_DEPRECATED
// (RTM_NEWADDR), and the check runs again when the next lifetime ends,
// at most two minutes later. The kernel rounds that time up to a whole
// second of its jiffies when within a quarter second (round_jiffies_up);
// the model's clock has no such phase, so it runs on time. RTNL is held.
func checkLifetime(n *Net) {
	k := n.k
	now := k.addrconfWq.now(k)
	next := now + addrCheckFrequency
	finite := false
restart:
	for _, idx := range n.devOrder {
		in := n.devByIndex[idx].inDev
		if in == nil {
			continue
		}
		for i, ifa := range in.ifaList {
			if ifa.flags&unix.IFA_F_PERMANENT != 0 {
				continue
			}
			finite = true
			age := uint32((now - ifa.tstamp + addrconfTimerFuzzMinus) / time.Second)
			valid := ifa.tstamp + time.Duration(ifa.validLft)*time.Second
			switch {
			case ifa.validLft != infinityLifeTime && age >= ifa.validLft:
				inetDelIfa(in, i, nil, 0, false)
				goto restart
			case ifa.preferredLft == infinityLifeTime:
			case age >= ifa.preferredLft:
				next = min(next, valid)
				if ifa.flags&unix.IFA_F_DEPRECATED == 0 {
					ifa.flags |= unix.IFA_F_DEPRECATED
					rtmsgIfa(RTM_NEWADDR, ifa, nil, 0)
				}
			default:
				next = min(next, ifa.tstamp+time.Duration(ifa.preferredLft)*time.Second)
			}
		}
	}
	if !finite {
		// Nothing can expire: the two-minute check would find nothing.
		cancelDelayedWork(k, &n.inet.addrChkWork)
		return
	}
	modDelayedWork(k, &n.inet.addrChkWork, max(next, now+addrconfTimerFuzzMax)-now)
}

// inetCheckInvariants checks the namespace's IPv4 addresses: each on a
// registered device of the namespace that has its in_device, primaries
// before secondaries of the same scope order, no address twice.
func inetCheckInvariants(n *Net) []error {
	var errs []error
	for _, idx := range n.devOrder {
		dev := n.devByIndex[idx]
		in := dev.inDev
		if in == nil {
			continue
		}
		if in.dev != dev {
			errs = append(errs, fmt.Errorf("netns#%d: %s: in_device of another device", n.id, dev.name))
		}
		seen := make(map[[2]inAddr]bool)
		for _, ifa := range in.ifaList {
			if ifa.inDev != in {
				errs = append(errs, fmt.Errorf("netns#%d: %s: address %v of another in_device", n.id, dev.name, ifa.local))
			}
			key := [2]inAddr{ifa.local, ifa.address & ifa.mask}
			if seen[key] {
				errs = append(errs, fmt.Errorf("netns#%d: %s: address %v/%d listed twice", n.id, dev.name, ifa.local, ifa.prefixlen))
			}
			seen[key] = true
			if ifa.flags&unix.IFA_F_SECONDARY != 0 && inetIfaByprefix(in, ifa.address&ifa.mask, ifa.mask) == ifa {
				errs = append(errs, fmt.Errorf("netns#%d: %s: secondary %v/%d has no primary before it", n.id, dev.name, ifa.local, ifa.prefixlen))
			}
		}
	}
	return errs
}
