package rtnl

import (
	"encoding/binary"

	"github.com/knetlab/knet/internal/core"
)

// LinkAttr selects a link-level attribute of an RTM_NEWLINK request: an
// IFLA_* type of include/uapi/linux/if_link.h, the Rust rtnl::LinkAttr.
type LinkAttr uint16

// Link attributes a validate callback can inspect.
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

// ValidateContext is what rtnl_link_ops.validate receives, typed: the
// request's parsed IFLA_* table (tb), its IFLA_LINKINFO nest, and the
// extended ack. It is valid only during the Validate call. Reads return
// copies: the request's bytes stay the core's.
type ValidateContext struct {
	tb       []core.Attr
	linkinfo [core.IFLA_INFO_MAX + 1]*core.Attr
	extack   *ExtAck
}

func newValidateContext(tb, _ []core.Attr, extack *core.ExtAck) *ValidateContext {
	ctx := &ValidateContext{tb: tb}
	if extack != nil {
		ctx.extack = &ExtAck{e: extack, ctx: ctx}
	}
	if a := ctx.link(LinkAttrLinkinfo); a != nil {
		parseNested(ctx.linkinfo[:], a)
	}
	return ctx
}

// parseNested fills tb from the attributes nested in a, keeping their
// offsets from the nlmsghdr, as nla_parse_nested_deprecated does with
// ifla_info_policy (the last of a type wins).
func parseNested(tb []*core.Attr, a *core.Attr) {
	b := a.Data
	base := a.Off + core.NLA_HDRLEN
	for off := 0; off+core.NLA_HDRLEN <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if l < core.NLA_HDRLEN || off+l > len(b) {
			return
		}
		typ := binary.NativeEndian.Uint16(b[off+2:])
		if t := int(typ & core.NLA_TYPE_MASK); t > 0 && t < len(tb) {
			tb[t] = &core.Attr{Type: typ, Data: b[off+core.NLA_HDRLEN : off+l], Off: base + off}
		}
		off += (l + core.NLA_ALIGNTO - 1) &^ (core.NLA_ALIGNTO - 1)
	}
}

// link returns tb[attr] if present.
func (c *ValidateContext) link(attr LinkAttr) *core.Attr {
	if int(attr) <= 0 || int(attr) >= len(c.tb) || !c.tb[attr].Present() {
		return nil
	}
	return &c.tb[attr]
}

// info returns the IFLA_LINKINFO member attr if present.
func (c *ValidateContext) info(attr InfoAttr) *core.Attr {
	if int(attr) <= 0 || int(attr) >= len(c.linkinfo) {
		return nil
	}
	return c.linkinfo[attr]
}

// HasLinkAttr reports whether the request carries the link attribute
// (tb[attr] != NULL).
func (c *ValidateContext) HasLinkAttr(attr LinkAttr) bool { return c.link(attr) != nil }

// HasInfoAttr reports whether the request's IFLA_LINKINFO nest carries the
// attribute.
func (c *ValidateContext) HasInfoAttr(attr InfoAttr) bool { return c.info(attr) != nil }

// LinkAttrU32 returns a u32 link attribute (nla_get_u32); ok is false if
// it is absent or shorter than four bytes.
func (c *ValidateContext) LinkAttrU32(attr LinkAttr) (v uint32, ok bool) {
	a := c.link(attr)
	if a == nil || len(a.Data) < 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(a.Data), true
}

// LinkAttrU8 returns a u8 link attribute (nla_get_u8); ok is false if it
// is absent or empty.
func (c *ValidateContext) LinkAttrU8(attr LinkAttr) (v uint8, ok bool) {
	a := c.link(attr)
	if a == nil || len(a.Data) < 1 {
		return 0, false
	}
	return a.Data[0], true
}

// LinkAttrString returns a string link attribute up to its first NUL, as
// nla_strscpy copies it; ok is false if it is absent.
func (c *ValidateContext) LinkAttrString(attr LinkAttr) (s string, ok bool) {
	a := c.link(attr)
	if a == nil {
		return "", false
	}
	return cString(a.Data), true
}

// LinkAttrBytes returns a copy of a link attribute's payload; ok is false
// if it is absent.
func (c *ValidateContext) LinkAttrBytes(attr LinkAttr) (b []byte, ok bool) {
	a := c.link(attr)
	if a == nil {
		return nil, false
	}
	return append([]byte{}, a.Data...), true
}

// InfoAttrString returns a string attribute of the IFLA_LINKINFO nest,
// such as InfoAttrKind; ok is false if it is absent.
func (c *ValidateContext) InfoAttrString(attr InfoAttr) (s string, ok bool) {
	a := c.info(attr)
	if a == nil {
		return "", false
	}
	return cString(a.Data), true
}

// InfoAttrBytes returns a copy of an IFLA_LINKINFO member's payload, such
// as the raw IFLA_INFO_DATA nest; ok is false if it is absent.
func (c *ValidateContext) InfoAttrBytes(attr InfoAttr) (b []byte, ok bool) {
	a := c.info(attr)
	if a == nil {
		return nil, false
	}
	return append([]byte{}, a.Data...), true
}

// ExtAck returns the request's extended ack, or nil when the core passed
// none (the Rust Option<&mut ExtAck>). Its methods are safe on nil.
func (c *ValidateContext) ExtAck() *ExtAck { return c.extack }

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// ExtAck mirrors struct netlink_ext_ack (include/linux/netlink.h): the
// extended error report sent back with NLMSG_ERROR to a requester that set
// NETLINK_EXT_ACK. A message appears as NLMSGERR_ATTR_MSG; a bad
// attribute's position as NLMSGERR_ATTR_OFFS, its offset from the start of
// the request's nlmsghdr. The methods do nothing on a nil *ExtAck.
type ExtAck struct {
	e   *core.ExtAck
	ctx *ValidateContext
}

// SetMessage is NL_SET_ERR_MSG: the text the requester reads, such as
// iproute2's "Error: ...".
func (x *ExtAck) SetMessage(msg string) {
	if x != nil {
		x.e.Msg = msg
	}
}

// SetBadAttr is NL_SET_BAD_ATTR: the request's link attribute that caused
// the error. It does nothing if the request does not carry attr.
func (x *ExtAck) SetBadAttr(attr LinkAttr) {
	if x == nil {
		return
	}
	if a := x.ctx.link(attr); a != nil {
		x.e.BadAttr = a.Off
	}
}

// SetBadInfoAttr is NL_SET_BAD_ATTR for an attribute of the IFLA_LINKINFO
// nest. It does nothing if the request does not carry attr.
func (x *ExtAck) SetBadInfoAttr(attr InfoAttr) {
	if x == nil {
		return
	}
	if a := x.ctx.info(attr); a != nil {
		x.e.BadAttr = a.Off
	}
}

// SetMessageAttr is NL_SET_ERR_MSG_ATTR: a message and the link attribute
// it is about.
func (x *ExtAck) SetMessageAttr(attr LinkAttr, msg string) {
	x.SetMessage(msg)
	x.SetBadAttr(attr)
}
