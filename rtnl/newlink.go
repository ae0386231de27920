package rtnl

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
)

// IfInfo is struct ifinfomsg: the header of an RTM_NEWLINK, and of a
// peer's attributes (VETH_INFO_PEER).
type IfInfo struct {
	Family uint8
	Type   uint16
	Index  int32
	Flags  uint32
	Change uint32
}

func (i *IfInfo) core() *core.Ifinfomsg {
	if i == nil {
		return nil
	}
	return &core.Ifinfomsg{Family: i.Family, Type: i.Type, Index: i.Index, Flags: i.Flags, Change: i.Change}
}

// NewLinkContext is what rtnl_link_ops.newlink receives, typed: struct
// rtnl_newlink_params (the request's attributes, its IFLA_INFO_DATA, the
// namespaces it names) and the extended ack, with the core operations a
// newlink uses (rtnl_create_link, register_netdevice, rtnl_configure_link,
// unregister_netdevice, free_netdev). It is valid only during the call,
// which runs under RTNL.
type NewLinkContext[P any] struct {
	r      *core.RtnlLinkOps
	params *core.NewlinkParams
	extack *core.ExtAck
	ctx    *ValidateContext
}

// Attrs returns the request's link attributes (tb).
func (c *NewLinkContext[P]) Attrs() *LinkAttrs { return c.ctx.Link() }

// Data returns the request's IFLA_INFO_DATA parsed with the kind's policy,
// or nil.
func (c *NewLinkContext[P]) Data() *DataAttrs { return c.ctx.Data() }

// ExtAck returns the request's extended ack (safe on nil).
func (c *NewLinkContext[P]) ExtAck() *ExtAck { return c.ctx.ExtAck() }

// Peer returns the peer's ifinfomsg and attributes from the kind's
// PeerType attribute of IFLA_INFO_DATA (rtnl_nla_parse_ifinfomsg), which
// the core has already parsed and validated; ok is false when the
// request carries none.
func (c *NewLinkContext[P]) Peer() (ifm IfInfo, attrs *LinkAttrs, ok bool) {
	if c.r.PeerType == 0 || c.params.Data == nil || !c.params.Data[c.r.PeerType].Present() {
		return IfInfo{}, nil, false
	}
	tb := make([]core.Attr, core.IFLA_MAX+1)
	m, _ := core.RtnlNlaParseIfinfomsg(tb, &c.params.Data[c.r.PeerType], nil)
	return IfInfo{Family: m.Family, Type: m.Type, Index: m.Index, Flags: m.Flags, Change: m.Change}, &LinkAttrs{tb: tb}, true
}

// CreatePeer is rtnl_create_link for a second device of the kind: it is
// allocated in the peer's namespace (the one the peer's attributes name,
// else the link namespace, else the requester's), set up, and given
// attrs (MTU, address, queue length, ...), but not registered. It
// returns the device and its private area. The caller registers it
// (Register) or frees it (Free).
func (c *NewLinkContext[P]) CreatePeer(name string, assign netdevice.NameAssign, attrs *LinkAttrs) (*netdevice.Device, *P, error) {
	var tb []core.Attr
	if attrs != nil {
		tb = attrs.tb
	} else {
		tb = make([]core.Attr, core.IFLA_MAX+1)
	}
	cdev, err := core.RtnlCreateLink(c.params.PeerNetOrLink(), name, uint8(assign), c.r, tb, c.extack)
	if err != nil {
		return nil, nil, err
	}
	pa := cdev.Priv.(*privArea[P])
	return pa.dev, &pa.priv, nil
}

// Register is register_netdevice for a device this newlink created (the
// new device itself, or a peer), in its namespace.
func (c *NewLinkContext[P]) Register(dev *netdevice.Device) error {
	cdev := binding.Device.Core(dev)
	return cdev.Net().RegisterNetdevice(cdev)
}

// Free is free_netdev for a device this newlink created and did not
// register (or whose registration failed).
func (c *NewLinkContext[P]) Free(dev *netdevice.Device) { core.FreeNetdev(binding.Device.Core(dev)) }

// Unregister is unregister_netdevice for a device this newlink registered
// before a later step failed.
func (c *NewLinkContext[P]) Unregister(dev *netdevice.Device) {
	core.UnregisterNetdevice(binding.Device.Core(dev))
}

// ConfigureLink is rtnl_configure_link(dev, ifm, 0, NULL): the flags of
// ifm (nil: none) are applied and the device, new until now, is
// announced with RTM_NEWLINK.
func (c *NewLinkContext[P]) ConfigureLink(dev *netdevice.Device, ifm *IfInfo) error {
	return core.RtnlConfigureLink(binding.Device.Core(dev), ifm.core(), 0, nil)
}

// InfoWriter writes the attributes of a kind's IFLA_INFO_DATA
// (fill_info's nla_put_* calls).
type InfoWriter struct{ w *core.AttrWriter }

// PutU8, PutU16, PutU32 and PutU64 are nla_put_u8 .. nla_put_u64_64bit.
func (w *InfoWriter) PutU8(attr DataAttr, v uint8)   { w.w.PutU8(uint16(attr), v) }
func (w *InfoWriter) PutU16(attr DataAttr, v uint16) { w.w.PutU16(uint16(attr), v) }
func (w *InfoWriter) PutU32(attr DataAttr, v uint32) { w.w.PutU32(uint16(attr), v) }
func (w *InfoWriter) PutU64(attr DataAttr, v uint64) { w.w.PutU64(uint16(attr), v) }

// PutString is nla_put_string.
func (w *InfoWriter) PutString(attr DataAttr, s string) { w.w.PutString(uint16(attr), s) }

// PutBytes is nla_put.
func (w *InfoWriter) PutBytes(attr DataAttr, b []byte) { w.w.PutBytes(uint16(attr), b) }

// PutFlag is nla_put_flag.
func (w *InfoWriter) PutFlag(attr DataAttr) { w.w.PutFlag(uint16(attr)) }

// Nest writes a nested attribute whose members fill writes
// (nla_nest_start_noflag ... nla_nest_end).
func (w *InfoWriter) Nest(attr DataAttr, fill func(*InfoWriter) error) error {
	start := w.w.NestStart(uint16(attr))
	err := fill(w)
	w.w.NestEnd(start)
	return err
}
