package core

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"
)

// ifNlmsgSizeHint is a capacity that holds a whole RTM_NEWLINK for the
// modelled devices (1468 bytes for lo) without growing.
const ifNlmsgSizeHint = 1536

// rtnlFillIfinfo is rtnl_fill_ifinfo: one RTM_NEWLINK/RTM_DELLINK
// describing dev, its attributes in the kernel's order and sizes. It
// reports false, leaving m as it was, when the message would pass m's
// limit (EMSGSIZE).
func rtnlFillIfinfo(m *nlBuf, dev *NetDevice, typ uint16, portid, seq, change uint32, flags uint16, extMask uint32, event uint32) bool {
	start := m.putHeader(typ, flags, seq, portid, sizeofIfinfomsg)
	ifm := m.b[start+NLMSG_HDRLEN:]
	ifm[0] = AF_UNSPEC
	binary.NativeEndian.PutUint16(ifm[2:], dev.Type)
	binary.NativeEndian.PutUint32(ifm[4:], uint32(dev.ifindex))
	binary.NativeEndian.PutUint32(ifm[8:], devGetFlags(dev))
	binary.NativeEndian.PutUint32(ifm[12:], change)

	m.putString(IFLA_IFNAME, dev.name)
	oper := uint8(IF_OPER_DOWN)
	if dev.start {
		oper = dev.operstate
	}
	// The fixed run from IFLA_TXQLEN to IFLA_CARRIER, then (without an
	// alias) to IFLA_PROTO_DOWN: one copy of the pre-encoded headers, then
	// the values written in place.
	off := m.len()
	m.putBytes(ifinfoFixedA[:])
	b := m.b[off:]
	put32 := func(slot int, v uint32) { binary.NativeEndian.PutUint32(b[slot:], v) }
	put32(4, dev.TxQueueLen)
	b[12] = oper
	b[20] = dev.linkMode
	b[28] = b2u8(dev.NetnsImmutable)
	put32(36, dev.MTU)
	put32(44, dev.MinMTU)
	put32(52, dev.MaxMTU)
	put32(60, dev.group)
	put32(68, dev.promiscuity)
	put32(76, dev.allmulti)
	put32(84, dev.numTxQueues)
	put32(92, dev.gsoMaxSegs)
	put32(100, dev.gsoMaxSize)
	put32(108, dev.groMaxSize)
	put32(116, dev.gsoIPv4MaxSize)
	put32(124, dev.groIPv4MaxSize)
	put32(132, dev.TSOMaxSize)
	put32(140, dev.tsoMaxSegs)
	put32(156, dev.numRxQueues)
	b[164] = b2u8(!dev.noCarrier)
	if dev.ifalias != "" {
		m.putString(IFLA_IFALIAS, dev.ifalias)
	}
	off = m.len()
	m.putBytes(ifinfoFixedB[:])
	b = m.b[off:]
	binary.NativeEndian.PutUint32(b[4:], dev.carrierUp+dev.carrierDown)
	binary.NativeEndian.PutUint32(b[12:], dev.carrierUp)
	binary.NativeEndian.PutUint32(b[20:], dev.carrierDown)
	if event != IFLA_EVENT_NONE {
		m.putU32(IFLA_EVENT, event)
	}
	if dev.AddrLen != 0 {
		m.putAttr(IFLA_ADDRESS, dev.DevAddr[:dev.AddrLen])
		m.putAttr(IFLA_BROADCAST, dev.Broadcast[:dev.AddrLen])
	}
	if extMask&RTEXT_FILTER_SKIP_STATS == 0 {
		rtnlFillStats(m, dev)
	}
	xdp := m.nestStart(IFLA_XDP)
	m.putU8(IFLA_XDP_ATTACHED, 0)
	m.nestEnd(xdp)
	if ops := dev.rtnlLinkOps; ops != nil {
		li := m.nestStart(IFLA_LINKINFO)
		m.putString(IFLA_INFO_KIND, ops.Kind)
		m.nestEnd(li)
	}
	m.putString(IFLA_QDISC, dev.Qdisc())
	rtnlFillLinkAF(m, dev, extMask)
	m.reserve(IFLA_MAP, 32)
	m.nestEnd(m.nestStart(IFLA_DEVLINK_PORT | NLA_F_NESTED))
	m.nestEnd(m.nestStart(IFLA_DPLL_PIN | NLA_F_NESTED))
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// ifinfoFixedA and ifinfoFixedB are the attribute headers (values zero) of
// rtnl_fill_ifinfo's fixed-size runs: IFLA_TXQLEN through IFLA_CARRIER,
// and IFLA_CARRIER_CHANGES through IFLA_PROTO_DOWN.
var ifinfoFixedA, ifinfoFixedB = func() (a [168]byte, b [48]byte) {
	var m nlBuf
	m.putU32(IFLA_TXQLEN, 0)
	m.putU8(IFLA_OPERSTATE, 0)
	m.putU8(IFLA_LINKMODE, 0)
	m.putU8(IFLA_NETNS_IMMUTABLE, 0)
	for _, t := range []uint16{IFLA_MTU, IFLA_MIN_MTU, IFLA_MAX_MTU, IFLA_GROUP, IFLA_PROMISCUITY,
		IFLA_ALLMULTI, IFLA_NUM_TX_QUEUES, IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE,
		IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE, IFLA_TSO_MAX_SIZE, IFLA_TSO_MAX_SEGS,
		IFLA_MAX_PACING_OFFLOAD_HORIZON, IFLA_NUM_RX_QUEUES} {
		m.putU32(t, 0)
	}
	m.putU8(IFLA_CARRIER, 0)
	if copy(a[:], m.b) != len(a) || len(m.b) != len(a) {
		panic("ifinfoFixedA size")
	}
	m = nlBuf{}
	m.putU32(IFLA_CARRIER_CHANGES, 0)
	m.putU32(IFLA_CARRIER_UP_COUNT, 0)
	m.putU32(IFLA_CARRIER_DOWN_COUNT, 0)
	m.putU16(IFLA_HEADROOM, 0)
	m.putU16(IFLA_TAILROOM, 0)
	m.putU8(IFLA_PROTO_DOWN, 0)
	if copy(b[:], m.b) != len(b) || len(m.b) != len(b) {
		panic("ifinfoFixedB size")
	}
	return a, b
}()

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// rtnlFillStats is rtnl_fill_stats: IFLA_STATS64 then the 32-bit IFLA_STATS,
// both from dev_get_stats. No IFLA_PAD on architectures with efficient
// unaligned access.
func rtnlFillStats(m *nlBuf, dev *NetDevice) {
	st := statsPool.Get().(*RtnlLinkStats64)
	devGetStats(dev, st)
	f := statsFields(st)
	statsPool.Put(st)
	off := m.reserveRaw(IFLA_STATS64, 8*len(f))
	for i, v := range f {
		binary.NativeEndian.PutUint64(m.b[off+8*i:], v)
	}
	off = m.reserveRaw(IFLA_STATS, 4*(len(f)-1))
	for i, v := range f[:len(f)-1] {
		binary.NativeEndian.PutUint32(m.b[off+4*i:], uint32(v))
	}
}

func statsFields(s *RtnlLinkStats64) [25]uint64 {
	return [25]uint64{
		s.RxPackets, s.TxPackets, s.RxBytes, s.TxBytes, s.RxErrors, s.TxErrors,
		s.RxDropped, s.TxDropped, s.Multicast, s.Collisions,
		s.RxLengthErrors, s.RxOverErrors, s.RxCrcErrors, s.RxFrameErrors,
		s.RxFifoErrors, s.RxMissedErrors, s.TxAbortedErrors, s.TxCarrierErrors,
		s.TxFifoErrors, s.TxHeartbeatErrors, s.TxWindowErrors,
		s.RxCompressed, s.TxCompressed, s.RxNohandler, s.RxOtherhostDropped,
	}
}

// IPv4 and IPv6 per-device configuration as a new device gets it on the
// modelled kernel (inet_fill_link_af / inet6_fill_link_af). The model has no
// IP layer; it reports the defaults the kernel reports for devices that
// carry no traffic.
var inetDevconfDefaults = [33]uint32{0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1}

var inet6DevconfDefaults = [60]uint32{0, 64, 0, 1, 1, 1, 1, 4294967295, 4000, 1000, 0, 172800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0, 0, 0, 0, 0, 4294967295, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0, 0, 0, 1024, 0, 65535, 4294967295, 1, 0, 0, 0}

// Indexes into those arrays (IPV4_DEVCONF_* - 1, DEVCONF_*).
const (
	ipv4DevconfNoXfrm    = 14
	ipv4DevconfNoPolicy  = 15
	devconfMTU6          = 2
	devconfUseTempaddr   = 10
	inet6IfReady         = 0x80000000
	ipstatsMibMax        = 38
	icmp6MibMax          = 7
	ipv6MaxPlen          = 65535
	ipv6RetransTimeMsecs = 1000
)

// Pre-encoded parts of IFLA_AF_SPEC that do not change from device to
// device: the IPv4 devconf (two variants: lo has NOXFRM and NOPOLICY set),
// the IPv6 devconf template (mtu6 and, for lo, use_tempaddr patched in),
// the zero IPv6 statistics, the token and the address generation mode.
var (
	inetConfAttr     [2][]byte // [0] other devices, [1] lo
	inet6ConfAttr    []byte
	inet6StatsAttrs  []byte
	inet6TrailerAttr []byte
)

func init() {
	for i, lo := range []bool{false, true} {
		var m nlBuf
		conf := inetDevconfDefaults
		if lo {
			conf[ipv4DevconfNoXfrm], conf[ipv4DevconfNoPolicy] = 1, 1
		}
		off := m.reserve(unix.IFLA_INET_CONF, 4*len(conf))
		for j, v := range conf {
			binary.NativeEndian.PutUint32(m.b[off+4*j:], v)
		}
		inetConfAttr[i] = m.b
	}
	var m nlBuf
	off := m.reserve(unix.IFLA_INET6_CONF, 4*len(inet6DevconfDefaults))
	for j, v := range inet6DevconfDefaults {
		binary.NativeEndian.PutUint32(m.b[off+4*j:], v)
	}
	inet6ConfAttr = m.b
	m = nlBuf{}
	off = m.reserve(unix.IFLA_INET6_STATS, 8*ipstatsMibMax)
	binary.NativeEndian.PutUint64(m.b[off:], ipstatsMibMax)
	off = m.reserve(unix.IFLA_INET6_ICMP6STATS, 8*icmp6MibMax)
	binary.NativeEndian.PutUint64(m.b[off:], icmp6MibMax)
	inet6StatsAttrs = m.b
	m = nlBuf{}
	m.reserve(unix.IFLA_INET6_TOKEN, 16)
	m.putU8(unix.IFLA_INET6_ADDR_GEN_MODE, 0)
	inet6TrailerAttr = m.b
}

// rtnlFillLinkAF is rtnl_fill_link_af: AF_INET while the device has an
// in_device (MTU >= 68), then AF_INET6 while it has an inet6_dev (MTU >=
// 1280).
func rtnlFillLinkAF(m *nlBuf, dev *NetDevice, extMask uint32) {
	af := m.nestStart(IFLA_AF_SPEC)
	lo := 0
	if dev.Flags&IFF_LOOPBACK != 0 {
		lo = 1
	}
	if dev.inet {
		in := m.nestStart(unix.AF_INET)
		m.putBytes(inetConfAttr[lo])
		m.nestEnd(in)
	}
	if dev.inet6 {
		in6 := m.nestStart(unix.AF_INET6)
		inet6FillIfla6Attrs(m, dev, extMask)
		m.nestEnd(in6)
	}
	m.nestEnd(af)
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
	m.putU32(unix.IFLA_INET6_FLAGS, ifFlags)
	ci := m.reserveRaw(unix.IFLA_INET6_CACHEINFO, 16)
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
	if extMask&RTEXT_FILTER_SKIP_STATS == 0 {
		m.putBytes(inet6StatsAttrs)
	}
	m.putBytes(inet6TrailerAttr)
}

// inet6FillIfinfo is inet6_fill_ifinfo (net/ipv6/addrconf.c): the
// PF_INET6 view of a device, its IPv6 state in IFLA_PROTINFO.
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
	oper := uint8(IF_OPER_DOWN)
	if dev.start {
		oper = dev.operstate
	}
	m.putU8(IFLA_OPERSTATE, oper)
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

// inet6Touch records the inet6_dev time stamp (jiffies as centiseconds
// since boot, cstamp_delta) and draws the randomised reachable time the
// kernel gives each inet6_dev (neigh_rand_reach_time of 30 s).
func inet6Touch(dev *NetDevice, fresh bool) {
	k := dev.net.k
	dev.inet6Tstamp = uint32(time.Since(k.boot) / (10 * time.Millisecond))
	if fresh {
		k.rngMu.Lock()
		dev.inet6Reachable = 15000 + uint32(k.rng.IntN(30000))
		k.rngMu.Unlock()
	}
}
