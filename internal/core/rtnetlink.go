package core

import (
	"encoding/binary"
	"errors"
	"sync"

	"golang.org/x/sys/unix"
)

// This file models net/core/rtnetlink.c: the message handler registry
// (rtnl_register), the link-type registry, the RTM_{NEW,DEL,GET,SET}LINK
// doit handlers and the RTNLGRP_LINK notifications. The link dumps are in
// rtnetlink_dump.go, rtnl_fill_ifinfo in rtnetlink_fill.go.

// RTNL_MAX_TYPE bounds a link kind's IFLA_INFO_DATA attribute types.
const RTNL_MAX_TYPE = 50

// RtnlLinkOps mirrors struct rtnl_link_ops: a link kind drivers register.
type RtnlLinkOps struct {
	Kind string
	// NewPriv returns the zeroed private area of a new device (priv_size).
	NewPriv func() any
	// Setup is the setup callback alloc_netdev_mqs runs.
	Setup func(dev *NetDevice)
	// MaxType and Policy describe IFLA_INFO_DATA (maxtype, policy): the
	// core parses it with them before Validate.
	MaxType int
	Policy  []NlaPolicy
	// PeerType is peer_type: the IFLA_INFO_DATA attribute that holds the
	// peer's ifinfomsg and attributes (VETH_INFO_PEER); the core parses
	// and validates them and resolves the peer's namespace.
	PeerType int
	// Validate checks a request naming this kind, before any device lookup.
	// tb is the IFLA_* table, data the parsed IFLA_INFO_DATA (nil without
	// a policy or without the attribute).
	Validate func(tb []Attr, data []Attr, extack *ExtAck) error
	// Newlink is newlink: it registers dev (and whatever else the kind
	// creates); nil means register_netdevice(dev).
	Newlink func(dev *NetDevice, params *NewlinkParams, extack *ExtAck) error
	// Changelink is changelink, for IFLA_INFO_DATA on an existing device.
	Changelink func(dev *NetDevice, tb, data []Attr, extack *ExtAck) error
	// Dellink queues a device for deletion; nil means unregister_netdevice_queue.
	Dellink func(dev *NetDevice, kill *[]*NetDevice)
	// GetSize and FillInfo are get_size / fill_info: the attributes of
	// IFLA_INFO_DATA in replies.
	GetSize  func(dev *NetDevice) int
	FillInfo func(w *AttrWriter, dev *NetDevice) error
	// GetLinkNet is get_link_net: the namespace of the device IFLA_LINK
	// names (a veth peer's), reported as IFLA_LINK_NETNSID when it is not
	// the device's own.
	GetLinkNet func(dev *NetDevice) *Net
	// GetNumTxQueues and GetNumRxQueues are get_num_tx_queues /
	// get_num_rx_queues: the queue counts without IFLA_NUM_*_QUEUES.
	GetNumTxQueues func() uint32
	GetNumRxQueues func() uint32
	// Owner is the module that registered the kind.
	Owner *Module

	srcu sync.RWMutex // readers: requests using the ops; unregister waits for them
}

// NewlinkParams mirrors struct rtnl_newlink_params.
type NewlinkParams struct {
	SrcNet  *Net // the requester's namespace
	LinkNet *Net // IFLA_LINK_NETNSID's namespace, or nil
	PeerNet *Net // the peer's IFLA_NET_NS_PID/FD namespace, or nil
	Tb      []Attr
	Data    []Attr
}

// LinkNetOrSrc is rtnl_newlink_link_net.
func (p *NewlinkParams) LinkNetOrSrc() *Net {
	if p.LinkNet != nil {
		return p.LinkNet
	}
	return p.SrcNet
}

// PeerNetOrLink is rtnl_newlink_peer_net.
func (p *NewlinkParams) PeerNetOrLink() *Net {
	if p.PeerNet != nil {
		return p.PeerNet
	}
	return p.LinkNetOrSrc()
}

// RtnlLinkRegister is rtnl_link_register: EINVAL for a maxtype above
// RTNL_MAX_TYPE, EEXIST for a kind already registered.
func (k *Kernel) RtnlLinkRegister(ops *RtnlLinkOps) error {
	if ops == nil || ops.Kind == "" || ops.MaxType > RTNL_MAX_TYPE || ops.MaxType < 0 ||
		(ops.MaxType > 0 && len(ops.Policy) != ops.MaxType+1) || ops.PeerType > ops.MaxType {
		return unix.EINVAL
	}
	k.linkOpsMu.Lock()
	defer k.linkOpsMu.Unlock()
	for _, o := range k.linkOps {
		if o.Kind == ops.Kind {
			return unix.EEXIST
		}
	}
	k.linkOps = append(k.linkOps, ops)
	return nil
}

// RtnlLinkUnregister is rtnl_link_unregister: the kind goes away, and every
// device of it in every namespace is deleted through its dellink (closed
// first if up).
func (k *Kernel) RtnlLinkUnregister(ops *RtnlLinkOps) {
	k.linkOpsMu.Lock()
	for i, o := range k.linkOps {
		if o == ops {
			k.linkOps = append(k.linkOps[:i:i], k.linkOps[i+1:]...)
			break
		}
	}
	k.linkOpsMu.Unlock()
	// synchronize_srcu: requests that found the ops have finished.
	ops.srcu.Lock()
	//lint:ignore SA2001 the empty critical section waits out the readers
	ops.srcu.Unlock()
	k.rtnl.Lock()
	for _, n := range k.Nets() {
		// __rtnl_kill_links
		var kill []*NetDevice
		for _, idx := range append([]int(nil), n.devOrder...) {
			if dev := n.devByIndex[idx]; dev != nil && dev.rtnlLinkOps == ops && dev.regState == NETREG_REGISTERED {
				rtnlDellinkQueue(dev, &kill)
			}
		}
		UnregisterNetdeviceMany(kill, 0, nil)
	}
	k.rtnl.Unlock()
	k.runDueWork()
}

// rtnlDellinkQueue queues dev through its kind's dellink, or
// unregister_netdevice_queue when it has none.
func rtnlDellinkQueue(dev *NetDevice, kill *[]*NetDevice) {
	if ops := dev.rtnlLinkOps; ops != nil && ops.Dellink != nil {
		ops.Dellink(dev, kill)
		return
	}
	UnregisterNetdeviceQueue(dev, kill)
}

// rtnlLinkOpsGet is rtnl_link_ops_get: the registered ops for kind, held
// against unregistration until rtnlLinkOpsPut.
func (k *Kernel) rtnlLinkOpsGet(kind string) *RtnlLinkOps {
	k.linkOpsMu.Lock()
	defer k.linkOpsMu.Unlock()
	for _, o := range k.linkOps {
		if o.Kind == kind {
			o.srcu.RLock()
			return o
		}
	}
	return nil
}

func rtnlLinkOpsPut(ops *RtnlLinkOps) {
	if ops != nil {
		ops.srcu.RUnlock()
	}
}

// LinkOps returns the registered kinds.
func (k *Kernel) LinkOps() []*RtnlLinkOps {
	k.linkOpsMu.Lock()
	defer k.linkOpsMu.Unlock()
	return append([]*RtnlLinkOps(nil), k.linkOps...)
}

// rtnlDoit and rtnlDumpit are the handler types of rtnl_register.
type (
	rtnlDoit   func(skb *SkBuff, nlh []byte, extack *ExtAck) error
	rtnlDumpit func(cb *netlinkCallback, m *nlBuf) int
)

// Handler flags (RTNL_FLAG_*).
const (
	rtnlFlagDumpSplitNlmDone = 1 << 0 // RTNL_FLAG_DUMP_SPLIT_NLM_DONE
	rtnlFlagBulkDelSupported = 1 << 1 // RTNL_FLAG_BULK_DEL_SUPPORTED
)

// rtnlLink is struct rtnl_link: the handlers of one message type of one
// family.
type rtnlLink struct {
	doit   rtnlDoit
	dumpit rtnlDumpit
	flags  int
}

// rtnlMsgHandlers is the rtnl_msg_handlers table, filled at init by the
// files that own the handlers, as net/ipv4 and net/ipv6 register theirs
// with the core (rtnl_register).
// Like the kernel's, it is indexed by family and by the message type's
// offset from RTM_BASE.
var rtnlMsgHandlers [rtnlFamilyMax + 1]*[rtmNrMsgtypes]*rtnlLink

const (
	rtnlFamilyMax = 129                    // RTNL_FAMILY_MAX
	rtmNrMsgtypes = RTM_MAX + 1 - RTM_BASE // RTM_NR_MSGTYPES
)

// rtnlRegister is rtnl_register.
func rtnlRegister(family, msgtype int, doit rtnlDoit, dumpit rtnlDumpit, flags int) {
	tab := rtnlMsgHandlers[family]
	if tab == nil {
		tab = new([rtmNrMsgtypes]*rtnlLink)
		rtnlMsgHandlers[family] = tab
	}
	if tab[msgtype-RTM_BASE] != nil {
		panic("rtnl_register: handler registered twice")
	}
	tab[msgtype-RTM_BASE] = &rtnlLink{doit: doit, dumpit: dumpit, flags: flags}
}

// rtnlGetLink is rtnl_get_link.
func rtnlGetLink(family, msgtype int) *rtnlLink {
	if family < 0 || family > rtnlFamilyMax || msgtype < RTM_BASE || msgtype > RTM_MAX {
		return nil
	}
	tab := rtnlMsgHandlers[family]
	if tab == nil {
		return nil
	}
	return tab[msgtype-RTM_BASE]
}

// rtnlGetHandler is rtnetlink_rcv_msg's look-up: the family's handlers
// of msgtype when they have the one the request needs (dumpit for a dump,
// else doit), else PF_UNSPEC's; nil when neither has it.
func rtnlGetHandler(family, msgtype int, dump bool) *rtnlLink {
	if link := rtnlGetLink(family, msgtype); link.handles(dump) {
		return link
	}
	if link := rtnlGetLink(AF_UNSPEC, msgtype); link.handles(dump) {
		return link
	}
	return nil
}

// handles reports whether link (nil for none) has the dumpit, with dump,
// or else the doit.
func (link *rtnlLink) handles(dump bool) bool {
	if link == nil {
		return false
	}
	if dump {
		return link.dumpit != nil
	}
	return link.doit != nil
}

func init() {
	rtnlRegister(AF_UNSPEC, RTM_GETLINK, rtnlGetlink, rtnlDumpIfinfo, rtnlFlagDumpSplitNlmDone)
	rtnlRegister(AF_UNSPEC, RTM_SETLINK, rtnlSetlink, nil, 0)
	rtnlRegister(AF_UNSPEC, RTM_NEWLINK, rtnlNewlink, nil, 0)
	rtnlRegister(AF_UNSPEC, RTM_DELLINK, rtnlDellink, nil, 0)
	rtnlRegister(unix.AF_BRIDGE, RTM_GETLINK, nil, rtnlBridgeGetlink, 0)
	rtnlRegister(unix.AF_BRIDGE, RTM_DELLINK, rtnlBridgeSetlink, nil, 0)
	rtnlRegister(unix.AF_BRIDGE, RTM_SETLINK, rtnlBridgeSetlink, nil, 0)
}

// rtnetlinkRcv is rtnetlink_rcv, the NETLINK_ROUTE kernel socket's input.
func rtnetlinkRcv(skb *SkBuff) { netlinkRcvSkb(skb, rtnetlinkRcvMsg) }

// nlmsgHdr accessors.
func nlmsgType(nlh []byte) uint16  { return binary.NativeEndian.Uint16(nlh[4:]) }
func nlmsgFlags(nlh []byte) uint16 { return binary.NativeEndian.Uint16(nlh[6:]) }
func nlmsgSeq(nlh []byte) uint32   { return binary.NativeEndian.Uint32(nlh[8:]) }
func nlmsgPayload(nlh []byte) []byte {
	return nlh[NLMSG_HDRLEN:binary.NativeEndian.Uint32(nlh)]
}

// Ifinfomsg is struct ifinfomsg, decoded.
type Ifinfomsg struct {
	Family uint8
	Pad    uint8
	Type   uint16
	Index  int32
	Flags  uint32
	Change uint32
}

// ParseIfinfomsg decodes struct ifinfomsg; a short one reads as zeros
// beyond its end, as nlmsg_data of a short message reads what follows.
func ParseIfinfomsg(p []byte) Ifinfomsg {
	var b [sizeofIfinfomsg]byte
	copy(b[:], p)
	return Ifinfomsg{
		Family: b[0], Pad: b[1],
		Type:   binary.NativeEndian.Uint16(b[2:]),
		Index:  int32(binary.NativeEndian.Uint32(b[4:])),
		Flags:  binary.NativeEndian.Uint32(b[8:]),
		Change: binary.NativeEndian.Uint32(b[12:]),
	}
}

// rtnetlinkRcvMsg is rtnetlink_rcv_msg: the capability check, then the
// handler of the message's family (PF_UNSPEC's when the family has none).
func rtnetlinkRcvMsg(skb *SkBuff, nlh []byte, extack *ExtAck) int {
	typ := nlmsgType(nlh)
	if typ > RTM_MAX {
		return -int(unix.EOPNOTSUPP)
	}
	payload := nlmsgPayload(nlh)
	if len(payload) < sizeofRtgenmsg {
		return 0
	}
	family := int(payload[0])
	kind := (typ - RTM_BASE) & 3
	sk := skb.sk
	if kind != 2 && !sk.capNetAdmin {
		return -int(unix.EPERM)
	}
	isDump := kind == 2 && nlmsgFlags(nlh)&NLM_F_DUMP != 0
	link := rtnlGetHandler(family, int(typ), isDump)
	if link == nil {
		return -int(unix.EOPNOTSUPP)
	}
	if isDump {
		dump := link.dumpit
		if link.flags&rtnlFlagDumpSplitNlmDone != 0 {
			dump = rtnlDumpitSplitDone(dump)
		}
		return sk.netlinkDumpStart(nlh, skb.portid, dump, nil)
	}
	if kind == 1 && nlmsgFlags(nlh)&NLM_F_BULK != 0 && link.flags&rtnlFlagBulkDelSupported == 0 {
		extack.setMsg("Bulk delete is not supported")
		return -int(unix.EOPNOTSUPP)
	}
	return errnoOf(link.doit(skb, nlh, extack))
}

// errnoOf turns an error from the model into the negative errno netlink
// reports.
func errnoOf(err error) int {
	if err == nil {
		return 0
	}
	if e, ok := err.(unix.Errno); ok {
		return -int(e)
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return -int(e)
	}
	return -int(unix.EINVAL)
}

// nlmsgParseDeprecated is nlmsg_parse_deprecated.
func nlmsgParseDeprecated(nlh []byte, hdrlen int, tb []Attr, maxtype int, policy []nlaPolicy, validate int, extack *ExtAck) error {
	if int(binary.NativeEndian.Uint32(nlh)) < NLMSG_HDRLEN+hdrlen {
		extack.setMsg("Invalid header length")
		return unix.EINVAL
	}
	off := NLMSG_HDRLEN + nlmsgAlign(hdrlen)
	end := len(nlh)
	if off > end {
		off = end
	}
	return nlaParse(tb, maxtype, nlh[off:end], off, policy, validate, extack)
}

// nlaParseNested is nla_parse_nested_deprecated over attribute a.
func nlaParseNested(tb []Attr, maxtype int, a *Attr, policy []nlaPolicy, extack *ExtAck) error {
	return nlaParse(tb, maxtype, a.Data, int(a.Off)+NLA_HDRLEN, policy, nlValidateLiberal, extack)
}

// rtnlDevGet is rtnl_dev_get: by IFLA_IFNAME, else IFLA_ALT_IFNAME.
func rtnlDevGet(n *Net, tb []Attr) *NetDevice {
	switch {
	case tb[IFLA_IFNAME].ok:
		return n.devByName[nlaStrscpy(&tb[IFLA_IFNAME], IFNAMSIZ)]
	case tb[IFLA_ALT_IFNAME].ok:
		return n.devByName[nlaStrscpy(&tb[IFLA_ALT_IFNAME], ALTIFNAMSIZ)]
	}
	return nil
}

// nlaStrscpy is nla_strscpy into a buffer of size bytes.
func nlaStrscpy(a *Attr, size int) string {
	s := a.Str()
	if len(s) > size-1 {
		s = s[:size-1]
	}
	return s
}

// rtnlEnsureUniqueNetns is rtnl_ensure_unique_netns.
func rtnlEnsureUniqueNetns(tb []Attr, extack *ExtAck, netnsIDOnly bool) error {
	pid, fd, id := tb[IFLA_NET_NS_PID].ok, tb[IFLA_NET_NS_FD].ok, tb[IFLA_TARGET_NETNSID].ok
	if netnsIDOnly {
		if !pid && !fd {
			return nil
		}
		extack.setMsg("specified netns attribute not supported")
		return unix.EOPNOTSUPP
	}
	if id && (pid || fd) || pid && fd {
		extack.setMsg("multiple netns identifying attributes specified")
		return unix.EINVAL
	}
	return nil
}

// rtnlLinkGetNetIfla is rtnl_link_get_net_ifla: the namespace IFLA_NET_NS_PID
// or IFLA_NET_NS_FD names, nil without either.
func rtnlLinkGetNetIfla(k *Kernel, tb []Attr) (*Net, error) {
	switch {
	case tb[IFLA_NET_NS_PID].ok:
		return k.getNetNsByPid(tb[IFLA_NET_NS_PID].U32())
	case tb[IFLA_NET_NS_FD].ok:
		return k.getNetNsByFd(tb[IFLA_NET_NS_FD].U32())
	}
	return nil, nil
}

// rtnlLinkGetNetCapable is rtnl_link_get_net_capable: the target
// namespace of a request (IFLA_NET_NS_PID, IFLA_NET_NS_FD, then
// IFLA_TARGET_NETNSID), which the requester must administer.
func rtnlLinkGetNetCapable(sk *Sock, tb []Attr) (*Net, error) {
	var n *Net
	switch {
	case tb[IFLA_NET_NS_PID].ok || tb[IFLA_NET_NS_FD].ok:
		var err error
		if n, err = rtnlLinkGetNetIfla(sk.net.k, tb); err != nil {
			return nil, err
		}
	case tb[IFLA_TARGET_NETNSID].ok:
		if n = getNetNsByID(sk.net, int(tb[IFLA_TARGET_NETNSID].S32())); n == nil {
			return nil, unix.EINVAL
		}
	default:
		n = sk.net
	}
	if !sk.capNetAdmin {
		return nil, unix.EPERM
	}
	return n, nil
}

// RtnlNlaParseIfinfomsg is rtnl_nla_parse_ifinfomsg: a peer attribute
// (VETH_INFO_PEER) holds an ifinfomsg followed by IFLA_* attributes,
// parsed into tb with ifla_policy.
func RtnlNlaParseIfinfomsg(tb []Attr, peer *Attr, extack *ExtAck) (Ifinfomsg, error) {
	ifm := ParseIfinfomsg(peer.Data)
	if ifm.Index < 0 {
		extack.setMsgAttr(peer, "ifindex can't be negative")
		return ifm, unix.EINVAL
	}
	attrs := peer.Data[min(sizeofIfinfomsg, len(peer.Data)):]
	return ifm, nlaParse(tb, IFLA_MAX, attrs, int(peer.Off)+NLA_HDRLEN+sizeofIfinfomsg, iflaPolicy, nlValidateLiberal, extack)
}

// rtnlGetPeerNet is rtnl_get_peer_net: the peer's attributes are parsed
// and validated, and the namespace they name resolved (nil when they name
// none).
func rtnlGetPeerNet(skb *SkBuff, ops *RtnlLinkOps, tb, data []Attr, extack *ExtAck) (*Net, error) {
	attrs := tb
	if data != nil && data[ops.PeerType].ok {
		var ptb [IFLA_MAX + 1]Attr
		if _, err := RtnlNlaParseIfinfomsg(ptb[:], &data[ops.PeerType], extack); err != nil {
			return nil, err
		}
		if ops.Validate != nil {
			if err := ops.Validate(ptb[:], nil, extack); err != nil {
				return nil, err
			}
		}
		attrs = ptb[:]
	}
	n, err := rtnlLinkGetNetIfla(skb.sk.net.k, attrs)
	if err != nil || n == nil {
		return nil, err
	}
	if !skb.sk.capNetAdmin {
		return nil, unix.EPERM
	}
	return n, nil
}

// rtnlNewlinkTbs is struct rtnl_newlink_tbs.
type rtnlNewlinkTbs struct {
	tb       [IFLA_MAX + 1]Attr
	linkinfo [IFLA_INFO_MAX + 1]Attr
	attr     [RTNL_MAX_TYPE + 1]Attr
}

// rtnlNewlink is rtnl_newlink.
func rtnlNewlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	tbs := new(rtnlNewlinkTbs)
	tb := tbs.tb[:]
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateLiberal, extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb, extack, false); err != nil {
		return err
	}
	linkinfo := tbs.linkinfo[:]
	if tb[IFLA_LINKINFO].ok {
		if err := nlaParseNested(linkinfo, IFLA_INFO_MAX, &tb[IFLA_LINKINFO], iflaInfoPolicy, nil); err != nil {
			return err
		}
	}
	k := skb.sk.net.k
	var ops *RtnlLinkOps
	if linkinfo[IFLA_INFO_KIND].ok {
		kind := nlaStrscpy(&linkinfo[IFLA_INFO_KIND], MODULE_NAME_LEN)
		ops = k.rtnlLinkOpsGet(kind)
		if ops == nil {
			_ = k.RequestModule("rtnl-link-" + kind)
			ops = k.rtnlLinkOpsGet(kind)
		}
	}
	defer rtnlLinkOpsPut(ops)
	var data []Attr
	var peerNet *Net
	if ops != nil {
		if ops.MaxType > 0 && linkinfo[IFLA_INFO_DATA].ok {
			data = tbs.attr[:ops.MaxType+1]
			if err := nlaParseNested(data, ops.MaxType, &linkinfo[IFLA_INFO_DATA], ops.Policy, extack); err != nil {
				return err
			}
		}
		if ops.Validate != nil {
			if err := ops.Validate(tb, data, extack); err != nil {
				return err
			}
		}
		if ops.PeerType != 0 {
			var err error
			if peerNet, err = rtnlGetPeerNet(skb, ops, tb, data, extack); err != nil {
				return err
			}
		}
	}
	tgt, err := rtnlLinkGetNetCapable(skb.sk, tb)
	if err != nil {
		return err
	}
	var linkNet *Net
	if tb[IFLA_LINK_NETNSID].ok {
		if linkNet = getNetNsByID(tgt, int(tb[IFLA_LINK_NETNSID].S32())); linkNet == nil {
			extack.setMsg("Unknown network namespace id")
			return unix.EINVAL
		}
	}
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	for _, n := range []*Net{tgt, linkNet, peerNet} {
		if n != nil && n.dead.Load() {
			return unix.ENODEV
		}
	}
	return rtnlNewlinkLocked(skb, nlh, ops, tgt, linkNet, peerNet, tbs, data, extack)
}

// rtnlNewlinkLocked is __rtnl_newlink.
func rtnlNewlinkLocked(skb *SkBuff, nlh []byte, ops *RtnlLinkOps, tgt, linkNet, peerNet *Net, tbs *rtnlNewlinkTbs, data []Attr, extack *ExtAck) error {
	tb := tbs.tb[:]
	n := skb.sk.net
	flags := nlmsgFlags(nlh)
	devNet := n
	if flags&NLM_F_CREATE != 0 && flags&NLM_F_EXCL != 0 {
		devNet = tgt
	}
	ifm := ParseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	linkSpecified := false
	switch {
	case ifm.Index > 0:
		linkSpecified = true
		dev = devNet.devByIndex[int(ifm.Index)]
	case ifm.Index < 0:
		extack.setMsg("ifindex can't be negative")
		return unix.EINVAL
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		linkSpecified = true
		dev = rtnlDevGet(devNet, tb)
	}
	if dev != nil {
		return rtnlChangelink(skb, nlh, ifm, ops, dev, tgt, tbs, data, extack)
	}
	if flags&NLM_F_CREATE == 0 {
		if linkSpecified || !tb[IFLA_GROUP].ok {
			return unix.ENODEV
		}
		return rtnlGroupChangelink(skb, n, tgt, tb[IFLA_GROUP].U32(), ifm, tb, extack)
	}
	if tb[IFLA_MAP].ok || tb[IFLA_PROTINFO].ok {
		return unix.EOPNOTSUPP
	}
	if ops == nil {
		extack.setMsg("Unknown device type")
		return unix.EOPNOTSUPP
	}
	return rtnlNewlinkCreate(skb, ifm, ops, tgt, linkNet, peerNet, nlh, tb, data, extack)
}

// rtnlChangelink is rtnl_changelink.
func rtnlChangelink(skb *SkBuff, nlh []byte, ifm Ifinfomsg, ops *RtnlLinkOps, dev *NetDevice, tgt *Net, tbs *rtnlNewlinkTbs, data []Attr, extack *ExtAck) error {
	flags := nlmsgFlags(nlh)
	if flags&NLM_F_EXCL != 0 {
		return unix.EEXIST
	}
	if flags&NLM_F_REPLACE != 0 {
		return unix.EOPNOTSUPP
	}
	status := 0
	if tbs.linkinfo[IFLA_INFO_DATA].ok {
		if ops == nil || ops != dev.rtnlLinkOps || ops.Changelink == nil {
			return unix.EOPNOTSUPP
		}
		if err := ops.Changelink(dev, tbs.tb[:], data, extack); err != nil {
			return err
		}
		status |= doSetlinkNotify
	}
	if tbs.linkinfo[IFLA_INFO_SLAVE_DATA].ok {
		// No modelled device has a master with slave_changelink.
		return unix.EOPNOTSUPP
	}
	return doSetlink(skb, dev, tgt, ifm, tbs.tb[:], extack, status)
}

// rtnlGroupChangelink is rtnl_group_changelink.
func rtnlGroupChangelink(skb *SkBuff, n, tgt *Net, group uint32, ifm Ifinfomsg, tb []Attr, extack *ExtAck) error {
	for _, idx := range append([]int(nil), n.devOrder...) {
		dev := n.devByIndex[idx]
		if dev == nil || dev.group != group {
			continue
		}
		if err := doSetlink(skb, dev, tgt, ifm, tb, extack, 0); err != nil {
			return err
		}
	}
	return nil
}

// rtnlNewlinkCreate is rtnl_newlink_create.
func rtnlNewlinkCreate(skb *SkBuff, ifm Ifinfomsg, ops *RtnlLinkOps, tgt, linkNet, peerNet *Net, nlh []byte, tb, data []Attr, extack *ExtAck) error {
	if ops.Setup == nil {
		return unix.EOPNOTSUPP
	}
	assign := uint8(NET_NAME_USER)
	var ifname string
	if tb[IFLA_IFNAME].ok {
		ifname = nlaStrscpy(&tb[IFLA_IFNAME], IFNAMSIZ)
	} else {
		ifname = ops.Kind + "%d"
		if len(ifname) > IFNAMSIZ-1 {
			ifname = ifname[:IFNAMSIZ-1]
		}
		assign = NET_NAME_ENUM
	}
	dev, err := RtnlCreateLink(tgt, ifname, assign, ops, tb, extack)
	if err != nil {
		return err
	}
	dev.ifindex = int(ifm.Index)
	if ops.Newlink != nil {
		params := &NewlinkParams{SrcNet: skb.sk.net, LinkNet: linkNet, PeerNet: peerNet, Tb: tb, Data: data}
		err = ops.Newlink(dev, params, extack)
	} else {
		err = tgt.RegisterNetdevice(dev)
	}
	if err != nil {
		FreeNetdev(dev)
		return err
	}
	unregister := func() {
		var kill []*NetDevice
		rtnlDellinkQueue(dev, &kill)
		UnregisterNetdeviceMany(kill, 0, nil)
	}
	if err := RtnlConfigureLink(dev, &ifm, skb.portid, nlh); err != nil {
		unregister()
		return err
	}
	if tb[IFLA_MASTER].ok {
		if err := doSetMaster(dev, tb[IFLA_MASTER].U32()); err != nil {
			unregister()
			return err
		}
	}
	return nil
}

// doSetMaster is do_set_master: no modelled device can be a master, so
// enslaving fails (EINVAL for an unknown master, EOPNOTSUPP otherwise).
func doSetMaster(dev *NetDevice, master uint32) error {
	if master == 0 {
		return nil
	}
	if dev.net.devByIndex[int(master)] == nil {
		return unix.EINVAL
	}
	return unix.EOPNOTSUPP
}

// RtnlCreateLink is rtnl_create_link: a device of the kind, allocated in
// n with the request's attributes applied, not yet registered.
func RtnlCreateLink(n *Net, ifname string, assign uint8, ops *RtnlLinkOps, tb []Attr, extack *ExtAck) (*NetDevice, error) {
	txq, rxq := uint32(1), uint32(1)
	if tb[IFLA_NUM_TX_QUEUES].ok {
		txq = tb[IFLA_NUM_TX_QUEUES].U32()
	} else if ops.GetNumTxQueues != nil {
		txq = ops.GetNumTxQueues()
	}
	if tb[IFLA_NUM_RX_QUEUES].ok {
		rxq = tb[IFLA_NUM_RX_QUEUES].U32()
	} else if ops.GetNumRxQueues != nil {
		rxq = ops.GetNumRxQueues()
	}
	if txq < 1 || txq > 4096 {
		extack.setMsg("Invalid number of transmit queues")
		return nil, unix.EINVAL
	}
	if rxq < 1 || rxq > 4096 {
		extack.setMsg("Invalid number of receive queues")
		return nil, unix.EINVAL
	}
	var priv any
	if ops.NewPriv != nil {
		priv = ops.NewPriv()
	}
	dev, err := AllocNetdev(n.k, priv, ifname, assign, ops.Setup, txq, rxq)
	if err != nil {
		return nil, err
	}
	if err := validateLinkmsg(dev, tb, extack); err != nil {
		FreeNetdev(dev)
		return nil, err
	}
	dev.net = n
	dev.rtnlLinkOps = ops
	dev.initializing = true
	if tb[IFLA_MTU].ok {
		mtu := tb[IFLA_MTU].U32()
		if err := devValidateMTU(dev, int64(int32(mtu)), extack); err != nil {
			FreeNetdev(dev)
			return nil, err
		}
		dev.MTU = mtu
	}
	if tb[IFLA_ADDRESS].ok {
		copy(dev.DevAddr[:], tb[IFLA_ADDRESS].Data)
		dev.AddrAssignType = NET_ADDR_SET
	}
	if tb[IFLA_BROADCAST].ok {
		copy(dev.Broadcast[:], tb[IFLA_BROADCAST].Data)
	}
	if tb[IFLA_TXQLEN].ok {
		dev.TxQueueLen = tb[IFLA_TXQLEN].U32()
	}
	if tb[IFLA_OPERSTATE].ok {
		setOperstate(dev, tb[IFLA_OPERSTATE].U8())
	}
	if tb[IFLA_LINKMODE].ok {
		dev.linkMode = tb[IFLA_LINKMODE].U8()
	}
	if tb[IFLA_GROUP].ok {
		dev.group = tb[IFLA_GROUP].U32()
	}
	if tb[IFLA_GSO_MAX_SIZE].ok {
		setGSOMaxSize(dev, tb[IFLA_GSO_MAX_SIZE].U32())
	}
	if tb[IFLA_GSO_MAX_SEGS].ok {
		dev.gsoMaxSegs = tb[IFLA_GSO_MAX_SEGS].U32()
	}
	if tb[IFLA_GRO_MAX_SIZE].ok {
		setGROMaxSize(dev, tb[IFLA_GRO_MAX_SIZE].U32())
	}
	if tb[IFLA_GSO_IPV4_MAX_SIZE].ok {
		dev.gsoIPv4MaxSize = tb[IFLA_GSO_IPV4_MAX_SIZE].U32()
	}
	if tb[IFLA_GRO_IPV4_MAX_SIZE].ok {
		dev.groIPv4MaxSize = tb[IFLA_GRO_IPV4_MAX_SIZE].U32()
	}
	return dev, nil
}

// setGSOMaxSize is netif_set_gso_max_size: sizes within the legacy limit
// apply to IPv4 too.
func setGSOMaxSize(dev *NetDevice, size uint32) {
	dev.gsoMaxSize = size
	if size <= GSO_LEGACY_MAX_SIZE {
		dev.gsoIPv4MaxSize = size
	}
}

// setGROMaxSize is netif_set_gro_max_size.
func setGROMaxSize(dev *NetDevice, size uint32) {
	dev.groMaxSize = size
	if size <= GRO_LEGACY_MAX_SIZE {
		dev.groIPv4MaxSize = size
	}
}

// GRO_MAX_SIZE is 8 * 65535.
const groMaxSize = 8 * 65535

// validateLinkmsg is validate_linkmsg. dev is the device the request
// changes, or the one it creates, not yet registered.
func validateLinkmsg(dev *NetDevice, tb []Attr, extack *ExtAck) error {
	if tb[IFLA_ADDRESS].ok && len(tb[IFLA_ADDRESS].Data) < int(dev.AddrLen) {
		return unix.EINVAL
	}
	if tb[IFLA_BROADCAST].ok && len(tb[IFLA_BROADCAST].Data) < int(dev.AddrLen) {
		return unix.EINVAL
	}
	if tb[IFLA_GSO_MAX_SIZE].ok && tb[IFLA_GSO_MAX_SIZE].U32() > dev.TSOMaxSize {
		extack.setMsg("too big gso_max_size")
		return unix.EINVAL
	}
	if tb[IFLA_GSO_MAX_SEGS].ok && (tb[IFLA_GSO_MAX_SEGS].U32() > GSO_MAX_SEGS || tb[IFLA_GSO_MAX_SEGS].U32() > dev.tsoMaxSegs) {
		extack.setMsg("too big gso_max_segs")
		return unix.EINVAL
	}
	if tb[IFLA_GRO_MAX_SIZE].ok && tb[IFLA_GRO_MAX_SIZE].U32() > groMaxSize {
		extack.setMsg("too big gro_max_size")
		return unix.EINVAL
	}
	if tb[IFLA_GSO_IPV4_MAX_SIZE].ok && tb[IFLA_GSO_IPV4_MAX_SIZE].U32() > dev.TSOMaxSize {
		extack.setMsg("too big gso_ipv4_max_size")
		return unix.EINVAL
	}
	if tb[IFLA_GRO_IPV4_MAX_SIZE].ok && tb[IFLA_GRO_IPV4_MAX_SIZE].U32() > groMaxSize {
		extack.setMsg("too big gro_ipv4_max_size")
		return unix.EINVAL
	}
	if tb[IFLA_AF_SPEC].ok {
		var err error
		forEachNested(&tb[IFLA_AF_SPEC], func(af *Attr) bool {
			ops := rtnlAfLookup(int(af.Type & NLA_TYPE_MASK))
			switch {
			case ops == nil:
				err = unix.EAFNOSUPPORT
			case ops.setLinkAF == nil:
				err = unix.EOPNOTSUPP
			case ops.validateLinkAF != nil:
				err = ops.validateLinkAF(dev, af, extack)
			}
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// forEachNested is nla_for_each_nested: fn sees each attribute nested in
// a, with its offset from the message, until it returns false.
func forEachNested(a *Attr, fn func(*Attr) bool) {
	nlaForEach(a.Data, int(a.Off)+NLA_HDRLEN, func(na Attr) bool { return fn(&na) })
}

// setOperstate is set_operstate for the states user space may request.
func setOperstate(dev *NetDevice, transition uint8) {
	op := dev.operstate
	operUp := op == IF_OPER_UP || op == IF_OPER_UNKNOWN
	switch transition {
	case IF_OPER_UP:
		// The kernel also wants !netif_dormant and !netif_testing; the
		// model has neither state.
		if op == IF_OPER_DORMANT || op == IF_OPER_TESTING || op == IF_OPER_UNKNOWN {
			op = IF_OPER_UP
		}
	case IF_OPER_TESTING:
		if operUp {
			op = IF_OPER_TESTING
		}
	case IF_OPER_DORMANT:
		if operUp {
			op = IF_OPER_DORMANT
		}
	}
	// netif_set_operstate
	if op != dev.operstate {
		dev.operstate = op
		netdevStateChange(dev)
	}
}

// rtnlDevCombineFlags is rtnl_dev_combine_flags.
func rtnlDevCombineFlags(dev *NetDevice, ifm *Ifinfomsg) uint32 {
	flags := ifm.Flags
	if ifm.Change != 0 {
		flags = flags&ifm.Change | devGetFlags(dev)&^ifm.Change
	}
	return flags
}

// RtnlConfigureLink is rtnl_configure_link: the flags of ifm (nil for
// none) are applied, and a device being created is announced.
func RtnlConfigureLink(dev *NetDevice, ifm *Ifinfomsg, portid uint32, nlh []byte) error {
	old := dev.Flags
	if ifm != nil && (ifm.Flags != 0 || ifm.Change != 0) {
		if err := devChangeFlags(dev, rtnlDevCombineFlags(dev, ifm), nil); err != nil {
			return err
		}
	}
	changed := old ^ dev.Flags
	if dev.initializing {
		dev.initializing = false
		changed = ^uint32(0)
	}
	devNotifyFlags(dev, old, changed, portid, nlh)
	return nil
}

// Status bits of do_setlink.
const (
	doSetlinkModified = 0x01
	doSetlinkNotify   = 0x03
)

// doSetlink is do_setlink, in the kernel's order of changes: each that
// fails ends the request with the ones before it already made.
func doSetlink(skb *SkBuff, dev *NetDevice, tgt *Net, ifm Ifinfomsg, tb []Attr, extack *ExtAck, status int) (err error) {
	if err := validateLinkmsg(dev, tb, extack); err != nil {
		return err
	}
	var ifname string
	if tb[IFLA_IFNAME].ok {
		ifname = nlaStrscpy(&tb[IFLA_IFNAME], IFNAMSIZ)
	}
	if tgt != dev.net {
		newIfindex := 0
		if tb[IFLA_NEW_IFINDEX].ok {
			newIfindex = int(tb[IFLA_NEW_IFINDEX].S32())
		}
		if err := DevChangeNetNamespace(dev, tgt, ifname, newIfindex, extack); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	defer func() {
		if status&doSetlinkModified != 0 && status&doSetlinkNotify == doSetlinkNotify {
			netdevStateChange(dev)
		}
	}()
	if tb[IFLA_MAP].ok {
		return unix.EOPNOTSUPP
	}
	if tb[IFLA_ADDRESS].ok {
		if err := devSetMACAddress(dev, tb[IFLA_ADDRESS].Data[:dev.AddrLen]); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_MTU].ok {
		if err := DevSetMTU(dev, int64(int32(tb[IFLA_MTU].U32())), extack); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_GROUP].ok {
		dev.group = tb[IFLA_GROUP].U32()
		status |= doSetlinkNotify
	}
	if ifm.Index > 0 && ifname != "" {
		if err := devChangeName(dev, ifname); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_IFALIAS].ok {
		a := tb[IFLA_IFALIAS].Data
		if i := indexByte(a, 0); i >= 0 {
			a = a[:i]
		}
		dev.ifalias = string(a)
		status |= doSetlinkNotify
	}
	if tb[IFLA_BROADCAST].ok {
		copy(dev.Broadcast[:dev.AddrLen], tb[IFLA_BROADCAST].Data)
		dev.publish()
		_ = callNetdeviceNotifiers(NETDEV_CHANGEADDR, dev)
	}
	if ifm.Flags != 0 || ifm.Change != 0 {
		if err := DevChangeFlags(dev, rtnlDevCombineFlags(dev, &ifm), extack); err != nil {
			return err
		}
	}
	if tb[IFLA_MASTER].ok {
		if err := doSetMaster(dev, tb[IFLA_MASTER].U32()); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_CARRIER].ok {
		if err := devChangeCarrier(dev, tb[IFLA_CARRIER].U8() != 0); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_TXQLEN].ok {
		if err := devChangeTxQueueLen(dev, tb[IFLA_TXQLEN].U32()); err != nil {
			return err
		}
		status |= doSetlinkModified
	}
	setIf := func(a *Attr, cur uint32, set func(uint32)) {
		if a.ok && a.U32() != cur {
			set(a.U32())
			status |= doSetlinkModified
		}
	}
	setIf(&tb[IFLA_GSO_MAX_SIZE], dev.gsoMaxSize, func(v uint32) { setGSOMaxSize(dev, v) })
	setIf(&tb[IFLA_GSO_MAX_SEGS], dev.gsoMaxSegs, func(v uint32) { dev.gsoMaxSegs = v })
	setIf(&tb[IFLA_GRO_MAX_SIZE], dev.groMaxSize, func(v uint32) { setGROMaxSize(dev, v) })
	setIf(&tb[IFLA_GSO_IPV4_MAX_SIZE], dev.gsoIPv4MaxSize, func(v uint32) { dev.gsoIPv4MaxSize = v })
	setIf(&tb[IFLA_GRO_IPV4_MAX_SIZE], dev.groIPv4MaxSize, func(v uint32) { dev.groIPv4MaxSize = v })
	if tb[IFLA_OPERSTATE].ok {
		setOperstate(dev, tb[IFLA_OPERSTATE].U8())
	}
	if tb[IFLA_LINKMODE].ok {
		if v := tb[IFLA_LINKMODE].U8(); v != dev.linkMode {
			dev.linkMode = v
			status |= doSetlinkNotify
		}
	}
	if tb[IFLA_VFINFO_LIST].ok || tb[IFLA_VF_PORTS].ok || tb[IFLA_PORT_SELF].ok {
		return unix.EOPNOTSUPP
	}
	if tb[IFLA_AF_SPEC].ok {
		forEachNested(&tb[IFLA_AF_SPEC], func(af *Attr) bool {
			ops := rtnlAfLookup(int(af.Type & NLA_TYPE_MASK))
			if ops == nil {
				err = unix.EAFNOSUPPORT
				return false
			}
			if err = ops.setLinkAF(dev, af, extack); err != nil {
				return false
			}
			status |= doSetlinkNotify
			return true
		})
		if err != nil {
			return err
		}
	}
	if tb[IFLA_PROTO_DOWN].ok || tb[IFLA_PROTO_DOWN_REASON].ok {
		extack.setMsg("Protodown not supported by device")
		return unix.EOPNOTSUPP
	}
	if tb[IFLA_XDP].ok {
		return unix.EOPNOTSUPP
	}
	return nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// rtnlSetlink is rtnl_setlink.
func rtnlSetlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFLA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb[:], IFLA_MAX, iflaPolicy, nlValidateLiberal, extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb[:], extack, false); err != nil {
		return err
	}
	tgt, err := rtnlLinkGetNetCapable(skb.sk, tb[:])
	if err != nil {
		return err
	}
	n := skb.sk.net
	k := n.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	if tgt.dead.Load() {
		return unix.ENODEV
	}
	ifm := ParseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	switch {
	case ifm.Index > 0:
		dev = n.devByIndex[int(ifm.Index)]
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		dev = rtnlDevGet(n, tb[:])
	default:
		return unix.EINVAL
	}
	if dev == nil {
		return unix.ENODEV
	}
	return doSetlink(skb, dev, tgt, ifm, tb[:], extack, 0)
}

// rtnlTargetNet is the IFLA_TARGET_NETNSID handling of the link doit and
// dump handlers: rtnl_get_net_ns_capable, or the socket's namespace.
func rtnlTargetNet(sk *Sock, tb []Attr) (*Net, int, error) {
	if !tb[IFLA_TARGET_NETNSID].ok {
		return sk.net, -1, nil
	}
	id := int(tb[IFLA_TARGET_NETNSID].S32())
	n, err := rtnlGetNetNsCapable(sk, id)
	return n, id, err
}

// rtnlDellink is rtnl_dellink.
func rtnlDellink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFLA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb[:], IFLA_MAX, iflaPolicy, nlValidateLiberal, extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb[:], extack, true); err != nil {
		return err
	}
	tgt, _, err := rtnlTargetNet(skb.sk, tb[:])
	if err != nil {
		return err
	}
	k := tgt.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	ifm := ParseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	switch {
	case ifm.Index > 0:
		dev = tgt.devByIndex[int(ifm.Index)]
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		dev = rtnlDevGet(tgt, tb[:])
	}
	if dev != nil {
		return RtnlDeleteLink(dev, skb.portid, nlh)
	}
	if ifm.Index > 0 || tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok {
		return unix.ENODEV
	}
	if tb[IFLA_GROUP].ok {
		return rtnlGroupDellink(tgt, tb[IFLA_GROUP].U32())
	}
	return unix.EINVAL
}

// RtnlDeleteLink is rtnl_delete_link: dellink, then
// unregister_netdevice_many_notify. RTNL must be held.
func RtnlDeleteLink(dev *NetDevice, portid uint32, nlh []byte) error {
	if dev.rtnlLinkOps == nil {
		return unix.EOPNOTSUPP
	}
	var kill []*NetDevice
	rtnlDellinkQueue(dev, &kill)
	UnregisterNetdeviceMany(kill, portid, nlh)
	return nil
}

// rtnlGroupDellink is rtnl_group_dellink.
func rtnlGroupDellink(n *Net, group uint32) error {
	if group == 0 {
		return unix.EPERM
	}
	found := false
	for _, idx := range n.devOrder {
		if dev := n.devByIndex[idx]; dev.group == group {
			found = true
			if dev.rtnlLinkOps == nil {
				return unix.EOPNOTSUPP
			}
		}
	}
	if !found {
		return unix.ENODEV
	}
	var kill []*NetDevice
	for _, idx := range append([]int(nil), n.devOrder...) {
		if dev := n.devByIndex[idx]; dev != nil && dev.group == group {
			rtnlDellinkQueue(dev, &kill)
		}
	}
	UnregisterNetdeviceMany(kill, 0, nil)
	return nil
}

// rtnlGetlink is rtnl_getlink. The kernel takes RTNL to settle a pending
// linkwatch event first (linkwatch_sync_dev); the model reads under the
// shared side of RTNL and takes it whole only when one is pending.
func rtnlGetlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	if len(nlmsgPayload(nlh)) == sizeofIfinfomsg {
		// The common request by index alone: its parse finds nothing to
		// put in the table, so a shared empty one saves zeroing 2 KB.
		return rtnlGetlinkParse(skb, nlh, noLinkAttrs[:], extack)
	}
	var tb [IFLA_MAX + 1]Attr
	return rtnlGetlinkParse(skb, nlh, tb[:], extack)
}

// noLinkAttrs is the attribute table of a link request without
// attributes. Nothing writes it: nlaParse fills only the slots of the
// attributes it finds.
var noLinkAttrs [IFLA_MAX + 1]Attr

func rtnlGetlinkParse(skb *SkBuff, nlh []byte, tb []Attr, extack *ExtAck) error {
	if err := rtnlValidGetlinkReq(skb, nlh, tb, extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb, extack, true); err != nil {
		return err
	}
	tgt, netnsid, err := rtnlTargetNet(skb.sk, tb)
	if err != nil {
		return err
	}
	var extMask uint32
	if tb[IFLA_EXT_MASK].ok {
		extMask = tb[IFLA_EXT_MASK].U32()
	}
	n := skb.sk.net
	k := n.k
	ifm := ParseIfinfomsg(nlmsgPayload(nlh))
	if ifm.Index <= 0 && !tb[IFLA_IFNAME].ok && !tb[IFLA_ALT_IFNAME].ok {
		return unix.EINVAL
	}
	args := fillArgs{typ: RTM_NEWLINK, portid: skb.portid, seq: nlmsgSeq(nlh),
		extMask: extMask, srcNet: n, tgtNetnsid: netnsid}
	var reply *SkBuff
	shard := skb.sk.rtnlShard
	k.rtnl.RLock(shard)
	dev := getlinkLookup(tgt, ifm.Index, tb)
	if dev != nil && extMask&RTEXT_FILTER_NAME_ONLY == 0 && dev.linkwatchPending() {
		// linkwatch_sync_dev needs RTNL whole: look the device up again
		// under it, and fill the reply before letting go.
		k.rtnl.RUnlock(shard)
		k.rtnl.Lock()
		if dev = getlinkLookup(tgt, ifm.Index, tb); dev != nil {
			linkwatchSyncDev(dev)
		}
		reply, err = rtnlGetlinkReply(k, dev, args)
		k.rtnl.Unlock()
	} else {
		reply, err = rtnlGetlinkReply(k, dev, args)
		k.rtnl.RUnlock(shard)
	}
	if err != nil {
		return err
	}
	return n.nlmsgUnicastSkb(skb.sk, reply, skb.portid)
}

// rtnlGetlinkReply fills the reply to a GETLINK for dev (ENODEV when it
// is nil). RTNL is held, shared or whole.
func rtnlGetlinkReply(k *Kernel, dev *NetDevice, args fillArgs) (*SkBuff, error) {
	if dev == nil {
		return nil, unix.ENODEV
	}
	if k.fail(FailSkbAlloc) != nil {
		return nil, unix.ENOBUFS
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	rtnlFillIfinfo(&m, dev, args)
	reply.Data = m.b
	return reply, nil
}

// getlinkLookup finds the device of a GETLINK: by index, else by name.
func getlinkLookup(n *Net, index int32, tb []Attr) *NetDevice {
	if index > 0 {
		return n.devByIndex[int(index)]
	}
	return rtnlDevGet(n, tb)
}

// rtnlValidGetlinkReq is rtnl_valid_getlink_req.
func rtnlValidGetlinkReq(skb *SkBuff, nlh []byte, tb []Attr, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if len(p) < sizeofIfinfomsg {
		extack.setMsg("Invalid header for get link")
		return unix.EINVAL
	}
	if !skb.sk.hasFlag(nlfStrictChk) {
		return nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateLiberal, extack)
	}
	ifm := ParseIfinfomsg(p)
	if ifm.Pad != 0 || ifm.Type != 0 || ifm.Flags != 0 || ifm.Change != 0 {
		extack.setMsg("Invalid values in header for get link request")
		return unix.EINVAL
	}
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateDeprecatedStrict, extack); err != nil {
		return err
	}
	for i := range tb {
		if !tb[i].ok {
			continue
		}
		switch i {
		case IFLA_IFNAME, IFLA_ALT_IFNAME, IFLA_EXT_MASK, IFLA_TARGET_NETNSID:
		default:
			extack.setMsg("Unsupported attribute in get link request")
			return unix.EINVAL
		}
	}
	return nil
}

// rtmsgIfinfo is rtmsg_ifinfo: an RTM_NEWLINK/RTM_DELLINK to RTNLGRP_LINK.
func rtmsgIfinfo(typ uint16, dev *NetDevice, change uint32, portid uint32, nlh []byte) {
	rtmsgIfinfoEvent(typ, dev, change, IFLA_EVENT_NONE, portid, nlh)
}

// rtmsgIfinfoEvent is rtmsg_ifinfo_event: build, then send.
func rtmsgIfinfoEvent(typ uint16, dev *NetDevice, change uint32, event uint32, portid uint32, nlh []byte) {
	if typ != RTM_DELLINK && dev.regState != NETREG_REGISTERED {
		return
	}
	if msg := rtmsgIfinfoBuild(typ, dev, change, event, portid, nlh, nil, 0); msg != nil {
		rtmsgIfinfoSend(dev.net, msg, portid, nlh)
	}
}

// rtmsgIfinfoBuild is rtmsg_ifinfo_build_skb: the notification for dev as
// it is now, or nil when nobody would get it or the allocation fails (the
// listeners then see ENOBUFS). The requester's port id and sequence
// appear only with NLM_F_ECHO. newNsid and newIfindex are the target's
// nsid and the device's index there when it is moving.
func rtmsgIfinfoBuild(typ uint16, dev *NetDevice, change, event uint32, portid uint32, nlh []byte, newNsid *int, newIfindex int) []byte {
	n := dev.net
	report := nlh != nil && nlmsgFlags(nlh)&NLM_F_ECHO != 0
	var seq uint32
	if report {
		seq = nlmsgSeq(nlh)
	} else {
		portid = 0
	}
	if !report && !n.HasListeners(NETLINK_ROUTE, RTNLGRP_LINK) {
		// The kernel builds the message anyway, and filling it gives the
		// link's namespace an id (rtnl_fill_link_netnsid): keep that.
		rtnlLinkNetnsid(dev, n)
		return nil
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_LINK, unix.ENOBUFS)
		return nil
	}
	m := nlBuf{b: make([]byte, 0, ifNlmsgSizeHint)}
	rtnlFillIfinfo(&m, dev, fillArgs{typ: typ, portid: portid, seq: seq, change: change, event: event,
		srcNet: n, newNsid: newNsid, newIfindex: newIfindex, tgtNetnsid: -1})
	return m.b
}

// rtmsgIfinfoSend is rtmsg_ifinfo_send: rtnl_notify to RTNLGRP_LINK.
func rtmsgIfinfoSend(n *Net, msg []byte, portid uint32, nlh []byte) {
	n.rtnlNotify(msg, portid, RTNLGRP_LINK, nlh)
}

// rtnlNotify is rtnl_notify / nlmsg_notify: msg goes to group; with
// NLM_F_ECHO in the request, the requester gets a copy by unicast instead.
func (n *Net) rtnlNotify(msg []byte, portid uint32, group uint32, nlh []byte) {
	report := nlh != nil && nlmsgFlags(nlh)&NLM_F_ECHO != 0
	exclude := uint32(0)
	if report {
		exclude = portid
	}
	n.nlmsgMulticast(NETLINK_ROUTE, msg, exclude, group)
	if report {
		// nlmsg_notify unicasts the same skb, whose NETLINK_CB still names
		// the group it was multicast to.
		echo := &SkBuff{Data: msg, dstGroup: group, truesize: skbTruesize(cap(msg))}
		_ = n.netlinkUnicast(n.nl[NETLINK_ROUTE].kernel, echo, portid, true)
	}
}

// rtnlSetSkErr is rtnl_set_sk_err: an error on every listener of group.
func (n *Net) rtnlSetSkErr(group uint32, e unix.Errno) {
	t := n.nl[NETLINK_ROUTE]
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, sk := range t.mcList {
		// netlink_set_err: ENOBUFS spares sockets that set NO_ENOBUFS.
		if sk.inGroup(group) && !(e == unix.ENOBUFS && sk.hasFlag(nlfRecvNoENOBUFS)) {
			sk.mu.Lock()
			sk.sockErr = e
			sk.wakeLocked()
			sk.mu.Unlock()
		}
	}
}

// rtnlAfOps mirrors struct rtnl_af_ops: an address family's part of
// IFLA_AF_SPEC.
type rtnlAfOps struct {
	family int
	// rank orders the families as the kernel's initcalls register them
	// (rtnl_fill_link_af walks them in that order).
	rank int
	// fillLinkAF is fill_link_af; false is -ENODATA (nothing for this
	// device: the nest is dropped). It takes and returns the message by
	// value so that a GETLINK reply can stay on the stack.
	fillLinkAF     func(m nlBuf, dev *NetDevice, extMask uint32) (nlBuf, bool)
	validateLinkAF func(dev *NetDevice, nla *Attr, extack *ExtAck) error
	setLinkAF      func(dev *NetDevice, nla *Attr, extack *ExtAck) error
}

// rtnlAfOpsList is rtnl_af_ops, filled at init.
var rtnlAfOpsList []*rtnlAfOps

// rtnlAfRegister is rtnl_af_register.
func rtnlAfRegister(ops *rtnlAfOps) {
	i := len(rtnlAfOpsList)
	for i > 0 && rtnlAfOpsList[i-1].rank > ops.rank {
		i--
	}
	rtnlAfOpsList = append(rtnlAfOpsList, nil)
	copy(rtnlAfOpsList[i+1:], rtnlAfOpsList[i:])
	rtnlAfOpsList[i] = ops
}

// rtnlAfLookup is rtnl_af_lookup.
func rtnlAfLookup(family int) *rtnlAfOps {
	for _, ops := range rtnlAfOpsList {
		if ops.family == family {
			return ops
		}
	}
	return nil
}
