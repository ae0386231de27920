package rtnl

import (
	"encoding/binary"

	"github.com/knetlab/knet/internal/core"
)

// LinkAttr selects a link-level attribute of an RTM_NEWLINK request: an
// IFLA_* type of include/uapi/linux/if_link.h, the Rust rtnl::LinkAttr.
type LinkAttr uint16

// Link attributes a driver can inspect.
const (
	// LinkAttrAddress is IFLA_ADDRESS, the hardware address.
	LinkAttrAddress LinkAttr = core.IFLA_ADDRESS
	// LinkAttrBroadcast is IFLA_BROADCAST.
	LinkAttrBroadcast LinkAttr = core.IFLA_BROADCAST
	// LinkAttrIfname is IFLA_IFNAME, the device name.
	LinkAttrIfname LinkAttr = core.IFLA_IFNAME
	// LinkAttrMTU is IFLA_MTU (u32).
	LinkAttrMTU LinkAttr = core.IFLA_MTU
	// LinkAttrLink is IFLA_LINK, the lower device's ifindex (u32).
	LinkAttrLink LinkAttr = core.IFLA_LINK
	// LinkAttrMaster is IFLA_MASTER (u32).
	LinkAttrMaster LinkAttr = core.IFLA_MASTER
	// LinkAttrTxQueueLen is IFLA_TXQLEN (u32).
	LinkAttrTxQueueLen LinkAttr = core.IFLA_TXQLEN
	// LinkAttrOperstate is IFLA_OPERSTATE (u8).
	LinkAttrOperstate LinkAttr = core.IFLA_OPERSTATE
	// LinkAttrLinkmode is IFLA_LINKMODE (u8).
	LinkAttrLinkmode LinkAttr = core.IFLA_LINKMODE
	// LinkAttrLinkinfo is IFLA_LINKINFO, the nest holding the InfoAttr
	// attributes.
	LinkAttrLinkinfo LinkAttr = core.IFLA_LINKINFO
	// LinkAttrNetNsPid and LinkAttrNetNsFd are IFLA_NET_NS_PID and
	// IFLA_NET_NS_FD (u32): the namespace the device is to be in.
	LinkAttrNetNsPid LinkAttr = core.IFLA_NET_NS_PID
	LinkAttrNetNsFd  LinkAttr = core.IFLA_NET_NS_FD
	// LinkAttrIfalias is IFLA_IFALIAS.
	LinkAttrIfalias LinkAttr = core.IFLA_IFALIAS
	// LinkAttrGroup is IFLA_GROUP (u32).
	LinkAttrGroup LinkAttr = core.IFLA_GROUP
	// LinkAttrNumTxQueues is IFLA_NUM_TX_QUEUES (u32).
	LinkAttrNumTxQueues LinkAttr = core.IFLA_NUM_TX_QUEUES
	// LinkAttrNumRxQueues is IFLA_NUM_RX_QUEUES (u32).
	LinkAttrNumRxQueues LinkAttr = core.IFLA_NUM_RX_QUEUES
	// LinkAttrCarrier is IFLA_CARRIER (u8).
	LinkAttrCarrier LinkAttr = core.IFLA_CARRIER
	// LinkAttrGSOMaxSegs is IFLA_GSO_MAX_SEGS (u32).
	LinkAttrGSOMaxSegs LinkAttr = core.IFLA_GSO_MAX_SEGS
	// LinkAttrGSOMaxSize is IFLA_GSO_MAX_SIZE (u32).
	LinkAttrGSOMaxSize LinkAttr = core.IFLA_GSO_MAX_SIZE
	// LinkAttrGROMaxSize is IFLA_GRO_MAX_SIZE (u32).
	LinkAttrGROMaxSize LinkAttr = core.IFLA_GRO_MAX_SIZE
	// LinkAttrAltIfname is IFLA_ALT_IFNAME.
	LinkAttrAltIfname LinkAttr = core.IFLA_ALT_IFNAME
)

// InfoAttr selects an attribute nested in IFLA_LINKINFO: an IFLA_INFO_*
// type, the Rust rtnl::InfoAttr.
type InfoAttr uint16

// Link-info attributes a validate callback can inspect.
const (
	// InfoAttrKind is IFLA_INFO_KIND, the kind's name. It is always
	// present when a kind's Validate runs, since the kind is how the
	// request reached it.
	InfoAttrKind InfoAttr = core.IFLA_INFO_KIND
	// InfoAttrData is IFLA_INFO_DATA, the kind-specific nest.
	InfoAttrData InfoAttr = core.IFLA_INFO_DATA
	// InfoAttrSlaveKind is IFLA_INFO_SLAVE_KIND.
	InfoAttrSlaveKind InfoAttr = core.IFLA_INFO_SLAVE_KIND
	// InfoAttrSlaveData is IFLA_INFO_SLAVE_DATA.
	InfoAttrSlaveData InfoAttr = core.IFLA_INFO_SLAVE_DATA
)

// DataAttr is an attribute type of a kind's IFLA_INFO_DATA nest, such as
// veth's VETH_INFO_PEER; the kind's Policy says what each may hold.
type DataAttr uint16

// LinkAttrs is a request's parsed IFLA_* table (tb), or a peer's, read
// with typed accessors. Reads return copies: the request's bytes stay
// the core's. It is valid only during the callback that got it.
type LinkAttrs struct {
	tb []core.Attr
}

func (a *LinkAttrs) get(attr LinkAttr) *core.Attr {
	if a == nil {
		return nil
	}
	return lookup(a.tb, uint16(attr))
}

// Has reports whether the table carries the attribute (tb[attr] != NULL).
func (a *LinkAttrs) Has(attr LinkAttr) bool { return a.get(attr) != nil }

// U8 returns a u8 attribute (nla_get_u8); ok is false if it is absent or
// empty.
func (a *LinkAttrs) U8(attr LinkAttr) (v uint8, ok bool) { return attrU8(a.get(attr)) }

// U32 returns a u32 attribute (nla_get_u32); ok is false if it is absent
// or shorter than four bytes.
func (a *LinkAttrs) U32(attr LinkAttr) (v uint32, ok bool) { return attrU32(a.get(attr)) }

// String returns a string attribute up to its first NUL, as nla_strscpy
// copies it; ok is false if it is absent.
func (a *LinkAttrs) String(attr LinkAttr) (s string, ok bool) { return attrString(a.get(attr)) }

// Bytes returns a copy of an attribute's payload; ok is false if it is
// absent.
func (a *LinkAttrs) Bytes(attr LinkAttr) (b []byte, ok bool) { return attrBytes(a.get(attr)) }

// DataAttrs is a request's parsed IFLA_INFO_DATA, checked against the
// kind's Policy by the core, read with typed accessors. It is valid only
// during the callback that got it.
type DataAttrs struct {
	tb []core.Attr
}

func (a *DataAttrs) get(attr DataAttr) *core.Attr {
	if a == nil {
		return nil
	}
	return lookup(a.tb, uint16(attr))
}

// Has reports whether IFLA_INFO_DATA carries the attribute (data[attr]).
func (a *DataAttrs) Has(attr DataAttr) bool { return a.get(attr) != nil }

// U8, U16, U32 and U64 return integer attributes (nla_get_u8 ..
// nla_get_u64); ok is false if the attribute is absent or too short.
func (a *DataAttrs) U8(attr DataAttr) (uint8, bool)   { return attrU8(a.get(attr)) }
func (a *DataAttrs) U16(attr DataAttr) (uint16, bool) { return attrU16(a.get(attr)) }
func (a *DataAttrs) U32(attr DataAttr) (uint32, bool) { return attrU32(a.get(attr)) }
func (a *DataAttrs) U64(attr DataAttr) (uint64, bool) { return attrU64(a.get(attr)) }

// String returns a string attribute up to its first NUL.
func (a *DataAttrs) String(attr DataAttr) (string, bool) { return attrString(a.get(attr)) }

// Bytes returns a copy of an attribute's payload.
func (a *DataAttrs) Bytes(attr DataAttr) ([]byte, bool) { return attrBytes(a.get(attr)) }

// Flag reports an NLA_FLAG attribute.
func (a *DataAttrs) Flag(attr DataAttr) bool { return a.Has(attr) }

// lookup returns tb[attr], or nil if the table does not carry it (type 0
// is never an attribute).
func lookup(tb []core.Attr, attr uint16) *core.Attr {
	if attr == 0 || int(attr) >= len(tb) || !tb[attr].Present() {
		return nil
	}
	return &tb[attr]
}

func attrU8(a *core.Attr) (uint8, bool) {
	if a == nil || len(a.Data) < 1 {
		return 0, false
	}
	return a.Data[0], true
}

func attrU16(a *core.Attr) (uint16, bool) {
	if a == nil || len(a.Data) < 2 {
		return 0, false
	}
	return binary.NativeEndian.Uint16(a.Data), true
}

func attrU32(a *core.Attr) (uint32, bool) {
	if a == nil || len(a.Data) < 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(a.Data), true
}

func attrU64(a *core.Attr) (uint64, bool) {
	if a == nil || len(a.Data) < 8 {
		return 0, false
	}
	return binary.NativeEndian.Uint64(a.Data), true
}

func attrString(a *core.Attr) (string, bool) {
	if a == nil {
		return "", false
	}
	return a.Str(), true
}

func attrBytes(a *core.Attr) ([]byte, bool) {
	if a == nil {
		return nil, false
	}
	return append([]byte{}, a.Data...), true
}

// ValidateContext is what rtnl_link_ops.validate (and changelink)
// receives, typed: the request's parsed IFLA_* table (tb), its
// IFLA_LINKINFO nest, its IFLA_INFO_DATA parsed with the kind's policy
// (data), and the extended ack. It is valid only during the call.
type ValidateContext struct {
	link     LinkAttrs
	data     *DataAttrs
	linkinfo [core.IFLA_INFO_MAX + 1]*core.Attr
	extack   *ExtAck
}

func newValidateContext(tb, data []core.Attr, extack *core.ExtAck) *ValidateContext {
	ctx := &ValidateContext{link: LinkAttrs{tb: tb}}
	if data != nil {
		ctx.data = &DataAttrs{tb: data}
	}
	if a := ctx.link.get(LinkAttrLinkinfo); a != nil {
		parseNested(ctx.linkinfo[:], a)
	}
	if extack != nil {
		ctx.extack = &ExtAck{e: extack, ctx: ctx}
	}
	return ctx
}

// parseNested fills tb from the attributes nested in a, keeping their
// offsets from the nlmsghdr, as nla_parse_nested_deprecated does with
// ifla_info_policy (the last of a type wins).
func parseNested(tb []*core.Attr, a *core.Attr) {
	b := a.Data
	base := int(a.Off) + core.NLA_HDRLEN
	for off := 0; off+core.NLA_HDRLEN <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if l < core.NLA_HDRLEN || off+l > len(b) {
			return
		}
		typ := binary.NativeEndian.Uint16(b[off+2:])
		if t := int(typ & core.NLA_TYPE_MASK); t > 0 && t < len(tb) {
			tb[t] = &core.Attr{Type: typ, Data: b[off+core.NLA_HDRLEN : off+l], Off: int32(base + off)}
		}
		off += (l + core.NLA_ALIGNTO - 1) &^ (core.NLA_ALIGNTO - 1)
	}
}

// info returns the IFLA_LINKINFO member attr if present.
func (c *ValidateContext) info(attr InfoAttr) *core.Attr {
	if int(attr) <= 0 || int(attr) >= len(c.linkinfo) {
		return nil
	}
	return c.linkinfo[attr]
}

// Link returns the request's link attributes (tb).
func (c *ValidateContext) Link() *LinkAttrs { return &c.link }

// Data returns the request's IFLA_INFO_DATA, parsed with the kind's
// policy; nil when the kind has no policy or the request no
// IFLA_INFO_DATA (data == NULL). For a veth peer's attributes it is nil.
func (c *ValidateContext) Data() *DataAttrs { return c.data }

// HasLinkAttr reports whether the request carries the link attribute
// (tb[attr] != NULL).
func (c *ValidateContext) HasLinkAttr(attr LinkAttr) bool { return c.link.Has(attr) }

// HasInfoAttr reports whether the request's IFLA_LINKINFO nest carries the
// attribute.
func (c *ValidateContext) HasInfoAttr(attr InfoAttr) bool { return c.info(attr) != nil }

// HasDataAttr reports whether the request's IFLA_INFO_DATA carries the
// attribute (data && data[attr]).
func (c *ValidateContext) HasDataAttr(attr DataAttr) bool { return c.data.Has(attr) }

// LinkAttrU32 returns a u32 link attribute (nla_get_u32); ok is false if
// it is absent or shorter than four bytes.
func (c *ValidateContext) LinkAttrU32(attr LinkAttr) (v uint32, ok bool) { return c.link.U32(attr) }

// LinkAttrU8 returns a u8 link attribute (nla_get_u8); ok is false if it
// is absent or empty.
func (c *ValidateContext) LinkAttrU8(attr LinkAttr) (v uint8, ok bool) { return c.link.U8(attr) }

// LinkAttrString returns a string link attribute up to its first NUL, as
// nla_strscpy copies it; ok is false if it is absent.
func (c *ValidateContext) LinkAttrString(attr LinkAttr) (s string, ok bool) {
	return c.link.String(attr)
}

// LinkAttrBytes returns a copy of a link attribute's payload; ok is false
// if it is absent.
func (c *ValidateContext) LinkAttrBytes(attr LinkAttr) (b []byte, ok bool) {
	return c.link.Bytes(attr)
}

// InfoAttrString returns a string attribute of the IFLA_LINKINFO nest,
// such as InfoAttrKind; ok is false if it is absent.
func (c *ValidateContext) InfoAttrString(attr InfoAttr) (s string, ok bool) {
	return attrString(c.info(attr))
}

// InfoAttrBytes returns a copy of an IFLA_LINKINFO member's payload, such
// as the raw IFLA_INFO_DATA nest; ok is false if it is absent.
func (c *ValidateContext) InfoAttrBytes(attr InfoAttr) (b []byte, ok bool) {
	return attrBytes(c.info(attr))
}

// ExtAck returns the request's extended ack, or nil when the core passed
// none (the Rust Option<&mut ExtAck>). Its methods are safe on nil.
func (c *ValidateContext) ExtAck() *ExtAck { return c.extack }

// ExtAck mirrors struct netlink_ext_ack (include/linux/netlink.h): the
// extended error report sent back with NLMSG_ERROR to a requester that set
// NETLINK_EXT_ACK. A message appears as NLMSGERR_ATTR_MSG; a bad
// attribute's position as NLMSGERR_ATTR_OFFS, its offset from the start of
// the request's nlmsghdr. The methods do nothing on a nil *ExtAck.
type ExtAck struct {
	e   *core.ExtAck
	ctx *ValidateContext // the request whose attributes SetBad* name
}

// SetMessage is NL_SET_ERR_MSG: the text the requester reads, such as
// iproute2's "Error: ...".
func (x *ExtAck) SetMessage(msg string) {
	if x != nil {
		x.e.SetMsg(msg)
	}
}

func (x *ExtAck) setBad(a *core.Attr) {
	if x != nil && a != nil {
		x.e.SetBadAttr(a)
	}
}

// SetBadAttr is NL_SET_BAD_ATTR: the request's link attribute that caused
// the error. It does nothing if the request does not carry attr.
func (x *ExtAck) SetBadAttr(attr LinkAttr) {
	if x != nil {
		x.setBad(x.ctx.link.get(attr))
	}
}

// SetBadInfoAttr is NL_SET_BAD_ATTR for an attribute of the IFLA_LINKINFO
// nest. It does nothing if the request does not carry attr.
func (x *ExtAck) SetBadInfoAttr(attr InfoAttr) {
	if x != nil {
		x.setBad(x.ctx.info(attr))
	}
}

// SetBadDataAttr is NL_SET_BAD_ATTR for an attribute of IFLA_INFO_DATA. It
// does nothing if the request does not carry attr.
func (x *ExtAck) SetBadDataAttr(attr DataAttr) {
	if x != nil {
		x.setBad(x.ctx.data.get(attr))
	}
}

// SetMessageAttr is NL_SET_ERR_MSG_ATTR: a message and the link attribute
// it is about.
func (x *ExtAck) SetMessageAttr(attr LinkAttr, msg string) {
	x.SetMessage(msg)
	x.SetBadAttr(attr)
}

// SetMessageDataAttr is NL_SET_ERR_MSG_ATTR for an IFLA_INFO_DATA
// attribute.
func (x *ExtAck) SetMessageDataAttr(attr DataAttr, msg string) {
	x.SetMessage(msg)
	x.SetBadDataAttr(attr)
}
