package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models the per-device side of net/ipv4/devinet.c the link
// layer reaches: a device's in_device configuration as IFLA_AF_SPEC
// reports it (inet_fill_link_af) and sets it (IFLA_INET_CONF:
// inet_validate_link_af, inet_set_link_af with the netconf notifications
// devinet_conf_post_set sends). Addresses themselves are not modelled yet.

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
// dev.inetConf once changed, else the defaults of lo or of other devices.
func inetDevConf(dev *NetDevice) [ipv4DevconfMax]uint32 {
	if dev.inetConf != nil {
		return *dev.inetConf
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
}

// inetFillLinkAF is inet_fill_link_af, with rtnlAfOps.fillLinkAF's
// by-value message. The defaults of inetDevConf go out pre-encoded.
func inetFillLinkAF(m nlBuf, dev *NetDevice, extMask uint32) (nlBuf, bool) {
	if !dev.inet {
		return m, false
	}
	if dev.inetConf == nil {
		m.putBytes(inetConfAttr[b2u8(dev.Flags&IFF_LOOPBACK != 0)])
		return m, true
	}
	encodeInetConf(&m, dev.inetConf)
	return m, true
}

// inetValidateLinkAF is inet_validate_link_af.
func inetValidateLinkAF(dev *NetDevice, nla *Attr, extack *ExtAck) error {
	if !dev.inet || dev.regState != NETREG_REGISTERED {
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
	if !dev.inet {
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
		if dev.inetConf == nil {
			conf := inetDevConf(dev)
			dev.inetConf = &conf
		}
		old := dev.inetConf[typ-1]
		v := a.U32()
		dev.inetConf[typ-1] = v
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
