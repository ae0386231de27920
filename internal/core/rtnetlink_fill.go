package core

import (
	"encoding/binary"
	"unsafe"
)

// ifNlmsgSizeHint is a capacity that holds a whole RTM_NEWLINK for the
// modelled devices (1468 bytes for lo) without growing.
const ifNlmsgSizeHint = 1536

// fillArgs are the arguments of rtnl_fill_ifinfo beyond the device.
type fillArgs struct {
	typ        uint16
	flags      uint16
	portid     uint32
	seq        uint32
	change     uint32
	extMask    uint32
	event      uint32
	srcNet     *Net // the namespace the message goes to (src_net)
	newNsid    *int // IFLA_NEW_NETNSID, for a device leaving its namespace
	newIfindex int  // IFLA_NEW_IFINDEX, likewise
	tgtNetnsid int  // IFLA_TARGET_NETNSID of the request, or -1
}

// rtnlFillIfinfo is rtnl_fill_ifinfo: one RTM_NEWLINK/RTM_DELLINK
// describing dev, its attributes in the kernel's order and sizes. It
// reports false, leaving m as it was, when the message would pass m's
// limit (EMSGSIZE).
func rtnlFillIfinfo(m *nlBuf, dev *NetDevice, a fillArgs) bool {
	start := m.putHeader(a.typ, a.flags, a.seq, a.portid, sizeofIfinfomsg)
	ifm := m.b[start+NLMSG_HDRLEN:]
	ifm[0] = AF_UNSPEC
	binary.NativeEndian.PutUint16(ifm[2:], dev.Type)
	binary.NativeEndian.PutUint32(ifm[4:], uint32(dev.ifindex))
	binary.NativeEndian.PutUint32(ifm[8:], devGetFlags(dev))
	binary.NativeEndian.PutUint32(ifm[12:], a.change)

	m.putString(IFLA_IFNAME, dev.name)
	if a.extMask&RTEXT_FILTER_NAME_ONLY == 0 && !rtnlFillIfinfoAttrs(m, dev, &a) {
		m.cancel(start)
		return false
	}
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// rtnlFillIfinfoAttrs is the part of rtnl_fill_ifinfo after IFLA_IFNAME,
// which RTEXT_FILTER_NAME_ONLY leaves out. It reports false when the
// kind's fill_info failed.
func rtnlFillIfinfoAttrs(m *nlBuf, dev *NetDevice, a *fillArgs) bool {
	if a.tgtNetnsid >= 0 {
		m.putU32(IFLA_TARGET_NETNSID, uint32(int32(a.tgtNetnsid)))
	}
	// The fixed run from IFLA_TXQLEN to IFLA_CARRIER, then (without an
	// alias) to IFLA_PROTO_DOWN: one copy of the pre-encoded headers, then
	// the values written in place.
	off := m.len()
	m.putBytes(ifinfoFixedA[:])
	b := m.b[off:]
	put32 := func(slot int, v uint32) { binary.NativeEndian.PutUint32(b[slot:], v) }
	put32(4, dev.TxQueueLen)
	b[12] = dev.ReportedOperstate()
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
	b[164] = b2u8(dev.carrierOK())
	if dev.ifalias != "" {
		m.putString(IFLA_IFALIAS, dev.ifalias)
	}
	off = m.len()
	m.putBytes(ifinfoFixedB[:])
	b = m.b[off:]
	up, down := dev.carrierUp.Load(), dev.carrierDown.Load()
	binary.NativeEndian.PutUint32(b[4:], up+down)
	binary.NativeEndian.PutUint32(b[12:], up)
	binary.NativeEndian.PutUint32(b[20:], down)
	binary.NativeEndian.PutUint16(b[28:], dev.NeededHeadroom)
	binary.NativeEndian.PutUint16(b[36:], dev.NeededTailroom)
	if a.event != IFLA_EVENT_NONE {
		m.putU32(IFLA_EVENT, a.event)
	}
	if dev.AddrLen != 0 {
		m.putAttr(IFLA_ADDRESS, dev.DevAddr[:dev.AddrLen])
		m.putAttr(IFLA_BROADCAST, dev.Broadcast[:dev.AddrLen])
	}
	if a.extMask&RTEXT_FILTER_SKIP_STATS == 0 {
		rtnlFillStats(m, dev)
	}
	xdp := m.nestStart(IFLA_XDP)
	m.putU8(IFLA_XDP_ATTACHED, 0)
	m.nestEnd(xdp)
	if ops := dev.rtnlLinkOps; ops != nil && !rtnlLinkFill(m, dev, ops) {
		return false
	}
	if a.newNsid != nil {
		m.putU32(IFLA_NEW_NETNSID, uint32(int32(*a.newNsid)))
	}
	if a.newIfindex != 0 {
		m.putU32(IFLA_NEW_IFINDEX, uint32(int32(a.newIfindex)))
	}
	if perm := dev.permAddr[:dev.AddrLen]; !allZero(perm) { // memchr_inv(perm_addr, 0, addr_len)
		m.putAttr(IFLA_PERM_ADDRESS, perm)
	}
	rtnlFillLinkNetnsid(m, dev, a.srcNet)
	m.putString(IFLA_QDISC, dev.Qdisc())
	rtnlFillLinkAF(m, dev, a.extMask)
	m.reserve(IFLA_MAP, 32)
	m.nestEnd(m.nestStart(IFLA_DEVLINK_PORT | NLA_F_NESTED))
	m.nestEnd(m.nestStart(IFLA_DPLL_PIN | NLA_F_NESTED))
	return true
}

// ReportedOperstate is the IFLA_OPERSTATE a link message reports:
// IF_OPER_DOWN unless the device is running (netif_running), else its
// operstate.
func (dev *NetDevice) ReportedOperstate() uint8 {
	if !dev.running() {
		return IF_OPER_DOWN
	}
	return dev.operstate
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
	// RtnlLinkStats64 is struct rtnl_link_stats64 field for field, so its
	// memory is the attribute's native-endian payload.
	f := st.counters()
	off := m.reserveRaw(IFLA_STATS64, int(unsafe.Sizeof(*st)))
	copy(m.b[off:], unsafe.Slice((*byte)(unsafe.Pointer(st)), unsafe.Sizeof(*st)))
	// struct rtnl_link_stats: the same counters but the last, in 32 bits.
	off = m.reserveRaw(IFLA_STATS, 4*(rtnlLinkStats64Fields-1))
	out := m.b[off : off+4*(rtnlLinkStats64Fields-1)]
	for i := range rtnlLinkStats64Fields - 1 {
		binary.NativeEndian.PutUint32(out[4*i:], uint32(f[i]))
	}
	statsPool.Put(st)
}

// rtnlLinkStats64Fields is the number of counters in struct
// rtnl_link_stats64; the array type below fails to compile if
// RtnlLinkStats64 gains padding or a field of another size.
const rtnlLinkStats64Fields = 25

var _ [unsafe.Sizeof(RtnlLinkStats64{})]byte = [8 * rtnlLinkStats64Fields]byte{}

// rtnlLinkFill is rtnl_link_fill: IFLA_LINKINFO with the kind and, when
// the kind has fill_info, IFLA_INFO_DATA. It reports false when
// fill_info failed (the whole message is then cancelled, as the kernel's
// -EMSGSIZE path does).
func rtnlLinkFill(m *nlBuf, dev *NetDevice, ops *RtnlLinkOps) bool {
	li := m.nestStart(IFLA_LINKINFO)
	m.putString(IFLA_INFO_KIND, ops.Kind)
	if ops.FillInfo != nil {
		data := m.nestStart(IFLA_INFO_DATA)
		// The kind writes into a copy of the buffer, so that m itself
		// does not escape to the heap on every fill.
		w := &AttrWriter{m: &nlBuf{b: m.b, limit: m.limit}}
		err := ops.FillInfo(w, dev)
		m.b = w.m.b
		if err != nil {
			m.nestCancel(li)
			return false
		}
		m.nestEnd(data)
	}
	m.nestEnd(li)
	return true
}

// rtnlFillLinkNetnsid is rtnl_fill_link_netnsid: a device whose link is
// in another namespace (a veth peer's) reports that namespace's id, as
// srcNet knows it, and IFLA_LINK unconditionally; otherwise IFLA_LINK only
// when it names another device.
func rtnlFillLinkNetnsid(m *nlBuf, dev *NetDevice, srcNet *Net) {
	id, foreign := rtnlLinkNetnsid(dev, srcNet)
	if foreign {
		m.putU32(IFLA_LINK_NETNSID, uint32(int32(id)))
	}
	if iflink := devGetIflink(dev); foreign || iflink != dev.ifindex {
		m.putU32(IFLA_LINK, uint32(iflink))
	}
}

// rtnlLinkNetnsid is the id rtnl_fill_link_netnsid reports: srcNet's id
// for the namespace of dev's link (allocated and announced if it had
// none), when that namespace is not dev's own (foreign).
func rtnlLinkNetnsid(dev *NetDevice, srcNet *Net) (id int, foreign bool) {
	ops := dev.rtnlLinkOps
	if ops == nil || ops.GetLinkNet == nil {
		return 0, false
	}
	linkNet := ops.GetLinkNet(dev)
	if linkNet == dev.net {
		return 0, false
	}
	return peernet2idAlloc(srcNet, linkNet), true
}

// rtnlFillLinkAF is rtnl_fill_link_af: each registered family's part.
func rtnlFillLinkAF(m *nlBuf, dev *NetDevice, extMask uint32) {
	af := m.nestStart(IFLA_AF_SPEC)
	for _, ops := range rtnlAfOpsList {
		nest := m.nestStart(uint16(ops.family))
		var ok bool
		if *m, ok = ops.fillLinkAF(*m, dev, extMask); !ok {
			m.nestCancel(nest)
			continue
		}
		m.nestEnd(nest)
	}
	m.nestEnd(af)
}

// AttrWriter appends netlink attributes to a message being built, for a
// kind's fill_info (the nla_put_* helpers of include/net/netlink.h).
type AttrWriter struct{ m *nlBuf }

// PutU8, PutU16, PutU32 and PutU64 are nla_put_u8 .. nla_put_u64_64bit.
func (w *AttrWriter) PutU8(typ uint16, v uint8)   { w.m.putU8(typ, v) }
func (w *AttrWriter) PutU16(typ uint16, v uint16) { w.m.putU16(typ, v) }
func (w *AttrWriter) PutU32(typ uint16, v uint32) { w.m.putU32(typ, v) }
func (w *AttrWriter) PutU64(typ uint16, v uint64) { w.m.putU64(typ, v) }

// PutString is nla_put_string.
func (w *AttrWriter) PutString(typ uint16, s string) { w.m.putString(typ, s) }

// PutBytes is nla_put.
func (w *AttrWriter) PutBytes(typ uint16, b []byte) { w.m.putAttr(typ, b) }

// PutFlag is nla_put_flag.
func (w *AttrWriter) PutFlag(typ uint16) { w.m.putAttr(typ, nil) }

// NestStart and NestEnd are nla_nest_start_noflag / nla_nest_end.
func (w *AttrWriter) NestStart(typ uint16) int { return w.m.nestStart(typ) }
func (w *AttrWriter) NestEnd(start int)        { w.m.nestEnd(start) }

// allZero reports whether every byte of b is zero.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
