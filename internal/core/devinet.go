package core

import (
	"encoding/binary"

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
	flags        uint32 // IFA_F_*
	rtPriority   uint32 // ifa_rt_priority: the metric of its prefix route
	label        string // ifa_label
	validLft     uint32
	preferredLft uint32
	cstamp       uint64 // jiffies when created
	tstamp       uint64 // jiffies when last changed
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

// inetdevDestroy is inetdev_destroy.
func inetdevDestroy(in *inDevice) {
	dev := in.dev
	netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET)
	dev.inDev = nil
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
type devinetNet struct{}
