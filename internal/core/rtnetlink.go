package core

import (
	"encoding/binary"
	"errors"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// This file models net/core/rtnetlink.c for links: the link-type registry,
// the RTM_{NEW,DEL,GET,SET}LINK handlers, rtnl_fill_ifinfo and the
// RTNLGRP_LINK notifications.

// RtnlLinkOps mirrors struct rtnl_link_ops: a link kind drivers register.
type RtnlLinkOps struct {
	Kind string
	// NewPriv returns the zeroed private area of a new device (priv_size).
	NewPriv func() any
	// Setup is the setup callback alloc_netdev_mqs runs.
	Setup func(dev *NetDevice)
	// Validate checks a request naming this kind, before any device lookup.
	// tb is the IFLA_* table, data the parsed IFLA_INFO_DATA (nil without
	// a policy).
	Validate func(tb []Attr, data []Attr, extack *ExtAck) error
	// Dellink queues a device for deletion; nil means unregister_netdevice_queue.
	Dellink func(dev *NetDevice, kill *[]*NetDevice)
	// Owner is the module that registered the kind.
	Owner *Module

	srcu sync.RWMutex // readers: requests using the ops; unregister waits for them
}

// RtnlLinkRegister is rtnl_link_register: EEXIST for a kind already
// registered.
func (k *Kernel) RtnlLinkRegister(ops *RtnlLinkOps) error {
	if ops == nil || ops.Kind == "" {
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
// device of it in every namespace is deleted (closed first if up).
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
	defer k.rtnl.Unlock()
	for _, n := range k.Nets() {
		var kill []*NetDevice
		for _, idx := range n.devOrder {
			if dev := n.devByIndex[idx]; dev.rtnlLinkOps == ops {
				kill = append(kill, dev)
			}
		}
		if len(kill) > 0 {
			UnregisterNetdeviceMany(kill, 0, nil)
		}
	}
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

// rtnetlinkRcv is rtnetlink_rcv, the NETLINK_ROUTE kernel socket's input.
func rtnetlinkRcv(skb *SkBuff) { netlinkRcvSkb(skb, rtnetlinkRcvMsg) }

// nlmsgHdr accessors.
func nlmsgType(nlh []byte) uint16  { return binary.NativeEndian.Uint16(nlh[4:]) }
func nlmsgFlags(nlh []byte) uint16 { return binary.NativeEndian.Uint16(nlh[6:]) }
func nlmsgSeq(nlh []byte) uint32   { return binary.NativeEndian.Uint32(nlh[8:]) }
func nlmsgPayload(nlh []byte) []byte {
	return nlh[NLMSG_HDRLEN:binary.NativeEndian.Uint32(nlh)]
}

// ifinfomsg is struct ifinfomsg, decoded.
type ifinfomsg struct {
	family uint8
	pad    uint8
	typ    uint16
	index  int32
	flags  uint32
	change uint32
}

func parseIfinfomsg(p []byte) ifinfomsg {
	var b [sizeofIfinfomsg]byte
	copy(b[:], p) // nlmsg_data of a short message reads what follows: zeros here
	return ifinfomsg{
		family: b[0], pad: b[1],
		typ:    binary.NativeEndian.Uint16(b[2:]),
		index:  int32(binary.NativeEndian.Uint32(b[4:])),
		flags:  binary.NativeEndian.Uint32(b[8:]),
		change: binary.NativeEndian.Uint32(b[12:]),
	}
}

// rtnetlinkRcvMsg is rtnetlink_rcv_msg: dispatch by type with the
// capability check first.
func rtnetlinkRcvMsg(skb *SkBuff, nlh []byte, extack *ExtAck) int {
	typ := nlmsgType(nlh)
	if typ > RTM_MAX {
		return -int(unix.EOPNOTSUPP)
	}
	payload := nlmsgPayload(nlh)
	if len(payload) < sizeofRtgenmsg {
		return 0
	}
	kind := (typ - RTM_BASE) & 3
	sk := skb.sk
	if kind != 2 && !sk.capNetAdmin {
		return -int(unix.EPERM)
	}
	if kind == 1 && nlmsgFlags(nlh)&NLM_F_BULK != 0 {
		// No modelled DEL handler has RTNL_FLAG_BULK_DEL_SUPPORTED.
		if typ != RTM_DELLINK {
			return -int(unix.EOPNOTSUPP)
		}
		extack.setMsg("Bulk delete is not supported")
		return -int(unix.EOPNOTSUPP)
	}
	family := payload[0]
	if kind == 2 && nlmsgFlags(nlh)&NLM_F_DUMP != 0 {
		if typ != RTM_GETLINK {
			return -int(unix.EOPNOTSUPP)
		}
		switch family {
		case unix.AF_BRIDGE:
			return sk.netlinkDumpStart(nlh, skb.portid, rtnlBridgeGetlink, nil)
		case unix.AF_INET6:
			return sk.netlinkDumpStart(nlh, skb.portid, inet6DumpIfinfo, nil)
		}
		return sk.netlinkDumpStart(nlh, skb.portid, rtnlDumpitSplitDone, nil)
	}
	if family == unix.AF_BRIDGE && (typ == RTM_SETLINK || typ == RTM_DELLINK) {
		return errnoOf(rtnlBridgeSetlink(skb, nlh, extack))
	}
	var err error
	switch typ {
	case RTM_NEWLINK:
		err = rtnlNewlink(skb, nlh, extack)
	case RTM_DELLINK:
		err = rtnlDellink(skb, nlh, extack)
	case RTM_GETLINK:
		err = rtnlGetlink(skb, nlh, extack)
	case RTM_SETLINK:
		err = rtnlSetlink(skb, nlh, extack)
	default:
		return -int(unix.EOPNOTSUPP)
	}
	return errnoOf(err)
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
	return nlaParse(tb, maxtype, a.Data, a.Off+NLA_HDRLEN, policy, nlValidateLiberal, extack)
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

// rtnlLinkGetNetCapable is rtnl_link_get_net_capable. Moving links between
// namespaces is not modelled: a namespace named by pid, fd or id is not
// found.
func rtnlLinkGetNetCapable(sk *Sock, tb []Attr) (*Net, error) {
	switch {
	case tb[IFLA_NET_NS_PID].ok:
		return nil, unix.ESRCH
	case tb[IFLA_NET_NS_FD].ok:
		return nil, unix.EBADF
	case tb[IFLA_TARGET_NETNSID].ok:
		return nil, unix.EINVAL
	}
	return sk.net, nil
}

// rtnlNewlink is rtnl_newlink.
func rtnlNewlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFLA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb[:], IFLA_MAX, iflaPolicy, nlValidateLiberal, extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb[:], extack, false); err != nil {
		return err
	}
	var linkinfo [IFLA_INFO_MAX + 1]Attr
	if tb[IFLA_LINKINFO].ok {
		if err := nlaParseNested(linkinfo[:], IFLA_INFO_MAX, &tb[IFLA_LINKINFO], iflaInfoPolicy, nil); err != nil {
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
	if ops != nil && ops.Validate != nil {
		if err := ops.Validate(tb[:], nil, extack); err != nil {
			return err
		}
	}
	tgt, err := rtnlLinkGetNetCapable(skb.sk, tb[:])
	if err != nil {
		return err
	}
	if tb[IFLA_LINK_NETNSID].ok {
		extack.setMsg("Unknown network namespace id")
		return unix.EINVAL
	}
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	if tgt.dead.Load() {
		return unix.ENODEV
	}
	return rtnlNewlinkLocked(skb, nlh, ops, tgt, tb[:], linkinfo[:], extack)
}

// rtnlNewlinkLocked is __rtnl_newlink.
func rtnlNewlinkLocked(skb *SkBuff, nlh []byte, ops *RtnlLinkOps, tgt *Net, tb, linkinfo []Attr, extack *ExtAck) error {
	n := skb.sk.net
	flags := nlmsgFlags(nlh)
	devNet := n
	if flags&NLM_F_CREATE != 0 && flags&NLM_F_EXCL != 0 {
		devNet = tgt
	}
	ifm := parseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	linkSpecified := false
	switch {
	case ifm.index > 0:
		linkSpecified = true
		dev = devNet.devByIndex[int(ifm.index)]
	case ifm.index < 0:
		extack.setMsg("ifindex can't be negative")
		return unix.EINVAL
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		linkSpecified = true
		dev = rtnlDevGet(devNet, tb)
	}
	if dev != nil {
		return rtnlChangelink(skb, nlh, ops, dev, tb, linkinfo, ifm, extack)
	}
	if flags&NLM_F_CREATE == 0 {
		if linkSpecified || !tb[IFLA_GROUP].ok {
			return unix.ENODEV
		}
		return rtnlGroupChangelink(skb, n, tb[IFLA_GROUP].U32(), ifm, tb, extack)
	}
	if tb[IFLA_MAP].ok || tb[IFLA_PROTINFO].ok {
		return unix.EOPNOTSUPP
	}
	if ops == nil {
		extack.setMsg("Unknown device type")
		return unix.EOPNOTSUPP
	}
	return rtnlNewlinkCreate(skb, ifm, ops, tgt, nlh, tb, extack)
}

// rtnlChangelink is rtnl_changelink.
func rtnlChangelink(skb *SkBuff, nlh []byte, ops *RtnlLinkOps, dev *NetDevice, tb, linkinfo []Attr, ifm ifinfomsg, extack *ExtAck) error {
	flags := nlmsgFlags(nlh)
	if flags&NLM_F_EXCL != 0 {
		return unix.EEXIST
	}
	if flags&NLM_F_REPLACE != 0 {
		return unix.EOPNOTSUPP
	}
	if linkinfo[IFLA_INFO_DATA].ok {
		// No modelled kind has changelink.
		return unix.EOPNOTSUPP
	}
	if linkinfo[IFLA_INFO_SLAVE_DATA].ok {
		return unix.EOPNOTSUPP
	}
	return doSetlink(skb, dev, ifm, tb, extack, 0)
}

// rtnlGroupChangelink is rtnl_group_changelink.
func rtnlGroupChangelink(skb *SkBuff, n *Net, group uint32, ifm ifinfomsg, tb []Attr, extack *ExtAck) error {
	for _, idx := range append([]int(nil), n.devOrder...) {
		dev := n.devByIndex[idx]
		if dev == nil || dev.group != group {
			continue
		}
		if err := doSetlink(skb, dev, ifm, tb, extack, 0); err != nil {
			return err
		}
	}
	return nil
}

// rtnlNewlinkCreate is rtnl_newlink_create.
func rtnlNewlinkCreate(skb *SkBuff, ifm ifinfomsg, ops *RtnlLinkOps, tgt *Net, nlh []byte, tb []Attr, extack *ExtAck) error {
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
	dev, err := rtnlCreateLink(tgt, ifname, assign, ops, tb, extack)
	if err != nil {
		return err
	}
	dev.ifindex = int(ifm.index)
	if err := tgt.RegisterNetdevice(dev); err != nil {
		return err
	}
	if err := rtnlConfigureLink(dev, &ifm, skb.portid, nlh); err != nil {
		UnregisterNetdevice(dev)
		return err
	}
	if tb[IFLA_MASTER].ok {
		// do_set_master: no modelled device can enslave another.
		if m := tb[IFLA_MASTER].U32(); m != 0 {
			err := error(unix.EOPNOTSUPP)
			if tgt.devByIndex[int(m)] == nil {
				err = unix.EINVAL
			}
			UnregisterNetdevice(dev)
			return err
		}
	}
	return nil
}

// rtnlCreateLink is rtnl_create_link.
func rtnlCreateLink(n *Net, ifname string, assign uint8, ops *RtnlLinkOps, tb []Attr, extack *ExtAck) (*NetDevice, error) {
	txq, rxq := uint32(1), uint32(1)
	if tb[IFLA_NUM_TX_QUEUES].ok {
		txq = tb[IFLA_NUM_TX_QUEUES].U32()
	}
	if tb[IFLA_NUM_RX_QUEUES].ok {
		rxq = tb[IFLA_NUM_RX_QUEUES].U32()
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
		return nil, err
	}
	dev.net = n
	dev.rtnlLinkOps = ops
	dev.initializing = true
	if tb[IFLA_MTU].ok {
		mtu := tb[IFLA_MTU].U32()
		if err := devValidateMTU(dev, int64(int32(mtu)), extack); err != nil {
			return nil, err
		}
		dev.MTU = mtu
	}
	if tb[IFLA_ADDRESS].ok {
		copy(dev.DevAddr[:], tb[IFLA_ADDRESS].Data)
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

// validateLinkmsg is validate_linkmsg.
func validateLinkmsg(dev *NetDevice, tb []Attr, extack *ExtAck) error {
	if dev != nil {
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
	}
	if tb[IFLA_AF_SPEC].ok {
		var af [256]Attr
		_ = nlaParse(af[:], 255, tb[IFLA_AF_SPEC].Data, tb[IFLA_AF_SPEC].Off+NLA_HDRLEN, nil, nlValidateLiberal, nil)
		for i := range af {
			if af[i].ok && i != unix.AF_INET && i != unix.AF_INET6 {
				return unix.EAFNOSUPPORT
			}
		}
	}
	return nil
}

// setOperstate is set_operstate for the states user space may request.
func setOperstate(dev *NetDevice, state uint8) {
	op := dev.operstate
	switch state {
	case IF_OPER_UP:
		if op == IF_OPER_DORMANT || op == IF_OPER_TESTING || op == IF_OPER_UNKNOWN {
			dev.operstate = state
		}
	case IF_OPER_TESTING, IF_OPER_DORMANT:
		if op == IF_OPER_UNKNOWN || op == IF_OPER_UP {
			dev.operstate = state
		}
	}
	if dev.operstate != op {
		netdevStateChange(dev)
	}
}

// rtnlDevCombineFlags is rtnl_dev_combine_flags.
func rtnlDevCombineFlags(dev *NetDevice, ifm *ifinfomsg) uint32 {
	flags := ifm.flags
	if ifm.change != 0 {
		flags = flags&ifm.change | devGetFlags(dev)&^ifm.change
	}
	return flags
}

// rtnlConfigureLink is rtnl_configure_link.
func rtnlConfigureLink(dev *NetDevice, ifm *ifinfomsg, portid uint32, nlh []byte) error {
	old := dev.Flags
	if ifm != nil && (ifm.flags != 0 || ifm.change != 0) {
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

// doSetlink is do_setlink.
func doSetlink(skb *SkBuff, dev *NetDevice, ifm ifinfomsg, tb []Attr, extack *ExtAck, status int) (err error) {
	if err := validateLinkmsg(dev, tb, extack); err != nil {
		return err
	}
	var ifname string
	if tb[IFLA_IFNAME].ok {
		ifname = nlaStrscpy(&tb[IFLA_IFNAME], IFNAMSIZ)
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
		if err := devSetMACAddress(dev, tb[IFLA_ADDRESS].Data); err != nil {
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
	if ifm.index > 0 && ifname != "" {
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
		netdevNotify(dev, netdevChangeAddr)
	}
	if ifm.flags != 0 || ifm.change != 0 {
		if err := DevChangeFlags(dev, rtnlDevCombineFlags(dev, &ifm), extack); err != nil {
			return err
		}
	}
	if tb[IFLA_MASTER].ok {
		if m := tb[IFLA_MASTER].U32(); m != 0 {
			if dev.net.devByIndex[int(m)] == nil {
				return unix.EINVAL
			}
			return unix.EOPNOTSUPP
		}
		status |= doSetlinkModified
	}
	if tb[IFLA_CARRIER].ok {
		return unix.EOPNOTSUPP
	}
	if tb[IFLA_TXQLEN].ok {
		if v := tb[IFLA_TXQLEN].U32(); v != dev.TxQueueLen {
			dev.TxQueueLen = v
			netdevNotify(dev, netdevChangeTxQueueLen)
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
		status |= doSetlinkNotify
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

// devSetMACAddress is netif_set_mac_address.
func devSetMACAddress(dev *NetDevice, addr []byte) error {
	if dev.Ops == nil || dev.Ops.SetMACAddress == nil {
		return unix.EOPNOTSUPP
	}
	n := int(dev.AddrLen)
	var want [MAX_ADDR_LEN]byte
	copy(want[:n], addr)
	if want != dev.DevAddr {
		if err := dev.Ops.SetMACAddress(dev, want[:n]); err != nil {
			return err
		}
	}
	netdevNotify(dev, netdevChangeAddr)
	return nil
}

// devChangeName is netif_change_name.
func devChangeName(dev *NetDevice, newname string) error {
	if newname == dev.name {
		return nil
	}
	n := dev.net
	name, err := n.devPrepValidName(newname, unix.EEXIST)
	if err != nil {
		return err
	}
	delete(n.devByName, dev.name)
	dev.name = name
	n.devByName[name] = dev
	dev.publish()
	netdevNotify(dev, netdevChangeName)
	return nil
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
	if _, err := rtnlLinkGetNetCapable(skb.sk, tb[:]); err != nil {
		return err
	}
	n := skb.sk.net
	k := n.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	ifm := parseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	switch {
	case ifm.index > 0:
		dev = n.devByIndex[int(ifm.index)]
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		dev = rtnlDevGet(n, tb[:])
	default:
		return unix.EINVAL
	}
	if dev == nil {
		return unix.ENODEV
	}
	return doSetlink(skb, dev, ifm, tb[:], extack, 0)
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
	if tb[IFLA_TARGET_NETNSID].ok {
		return unix.EINVAL
	}
	n := skb.sk.net
	k := n.k
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	ifm := parseIfinfomsg(nlmsgPayload(nlh))
	var dev *NetDevice
	switch {
	case ifm.index > 0:
		dev = n.devByIndex[int(ifm.index)]
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		dev = rtnlDevGet(n, tb[:])
	}
	if dev != nil {
		return rtnlDeleteLink(dev, skb.portid, nlh)
	}
	if ifm.index > 0 || tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok {
		return unix.ENODEV
	}
	if tb[IFLA_GROUP].ok {
		return rtnlGroupDellink(n, tb[IFLA_GROUP].U32())
	}
	return unix.EINVAL
}

// rtnlDeleteLink is rtnl_delete_link.
func rtnlDeleteLink(dev *NetDevice, portid uint32, nlh []byte) error {
	ops := dev.rtnlLinkOps
	if ops == nil {
		return unix.EOPNOTSUPP
	}
	var kill []*NetDevice
	if ops.Dellink != nil {
		ops.Dellink(dev, &kill)
	} else {
		kill = append(kill, dev)
	}
	UnregisterNetdeviceMany(kill, portid, nlh)
	return nil
}

// rtnlGroupDellink is rtnl_group_dellink.
func rtnlGroupDellink(n *Net, group uint32) error {
	if group == 0 {
		return unix.EPERM
	}
	var kill []*NetDevice
	for _, idx := range n.devOrder {
		dev := n.devByIndex[idx]
		if dev.group != group {
			continue
		}
		if dev.rtnlLinkOps == nil {
			return unix.EOPNOTSUPP
		}
		kill = append(kill, dev)
	}
	if len(kill) == 0 {
		return unix.ENODEV
	}
	UnregisterNetdeviceMany(kill, 0, nil)
	return nil
}

// rtnlGetlink is rtnl_getlink.
func rtnlGetlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [IFLA_MAX + 1]Attr
	if err := rtnlValidGetlinkReq(skb, nlh, tb[:], extack); err != nil {
		return err
	}
	if err := rtnlEnsureUniqueNetns(tb[:], extack, true); err != nil {
		return err
	}
	if tb[IFLA_TARGET_NETNSID].ok {
		return unix.EINVAL
	}
	var extMask uint32
	if tb[IFLA_EXT_MASK].ok {
		extMask = tb[IFLA_EXT_MASK].U32()
	}
	n := skb.sk.net
	k := n.k
	ifm := parseIfinfomsg(nlmsgPayload(nlh))
	shard := skb.sk.rtnlShard
	k.rtnl.RLock(shard)
	var dev *NetDevice
	switch {
	case ifm.index > 0:
		dev = n.devByIndex[int(ifm.index)]
	case tb[IFLA_IFNAME].ok || tb[IFLA_ALT_IFNAME].ok:
		dev = rtnlDevGet(n, tb[:])
	default:
		k.rtnl.RUnlock(shard)
		return unix.EINVAL
	}
	if dev == nil {
		k.rtnl.RUnlock(shard)
		return unix.ENODEV
	}
	if k.fail(FailSkbAlloc) != nil {
		k.rtnl.RUnlock(shard)
		return unix.ENOBUFS
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	rtnlFillIfinfo(&m, dev, RTM_NEWLINK, skb.portid, nlmsgSeq(nlh), 0, 0, extMask, 0)
	k.rtnl.RUnlock(shard)
	reply.Data = m.b
	return n.nlmsgUnicastSkb(skb.sk, reply, skb.portid)
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
	ifm := parseIfinfomsg(p)
	if ifm.pad != 0 || ifm.typ != 0 || ifm.flags != 0 || ifm.change != 0 {
		extack.setMsg("Invalid values in header for get link request")
		return unix.EINVAL
	}
	if err := nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateTrailing|nlValidateMaxtype, extack); err != nil {
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

// linkDump is the state of one rtnl_dump_ifinfo dump (cb->ctx).
type linkDump struct {
	ifindex int
	prevSeq uint64
}

// rtnlBridgeGetlink is rtnl_bridge_getlink, the PF_BRIDGE link dump: only
// bridges and their ports answer it, and the model has none, so the dump
// is NLMSG_DONE alone (in the same datagram: no SPLIT_NLM_DONE here).
func rtnlBridgeGetlink(cb *netlinkCallback, m *nlBuf) int {
	p := nlmsgPayload(cb.nlh)
	if !cb.strictCheck {
		return 0
	}
	// valid_bridge_getlink_req
	if len(p) < sizeofIfinfomsg {
		cb.extack.setMsg("Invalid header for bridge link dump")
		return -int(unix.EINVAL)
	}
	ifm := parseIfinfomsg(p)
	if ifm.pad != 0 || ifm.typ != 0 || ifm.flags != 0 || ifm.change != 0 || ifm.index != 0 {
		cb.extack.setMsg("Invalid values in header for bridge link dump request")
		return -int(unix.EINVAL)
	}
	var tb [IFLA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(cb.nlh, sizeofIfinfomsg, tb[:], IFLA_MAX, iflaPolicy, nlValidateTrailing|nlValidateMaxtype, &cb.extack); err != nil {
		return errnoOf(err)
	}
	for i := range tb {
		if tb[i].ok && i != IFLA_EXT_MASK {
			cb.extack.setMsgAttr(&tb[i], "Unsupported attribute in bridge link dump request")
			return -int(unix.EINVAL)
		}
	}
	return 0
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
		ifm := parseIfinfomsg(p)
		if ifm.pad != 0 || ifm.typ != 0 || ifm.flags != 0 || ifm.change != 0 || ifm.index != 0 {
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

// rtnlBridgeSetlink is rtnl_bridge_setlink and rtnl_bridge_dellink: with
// no bridge master and no ndo_bridge_setlink anywhere, every existing
// device answers EOPNOTSUPP.
func rtnlBridgeSetlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if len(p) < sizeofIfinfomsg {
		return unix.EINVAL
	}
	ifm := parseIfinfomsg(p)
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	if n.devByIndex[int(ifm.index)] == nil {
		extack.setMsg("unknown ifindex")
		return unix.ENODEV
	}
	return unix.EOPNOTSUPP
}

// rtnlDumpitSplitDone is rtnl_dumpit for RTM_GETLINK, which carries
// RTNL_FLAG_DUMP_SPLIT_NLM_DONE: NLMSG_DONE comes in a datagram of its own.
func rtnlDumpitSplitDone(cb *netlinkCallback, m *nlBuf) int {
	if cb.finished {
		return 0
	}
	err := rtnlDumpIfinfo(cb, m)
	if err < 0 && err != -int(unix.EMSGSIZE) {
		return err
	}
	if err == 0 {
		cb.finished = true
	}
	return m.len()
}

// rtnlDumpIfinfo is rtnl_dump_ifinfo: it returns 0 when the walk is
// complete, -EMSGSIZE when the datagram is full, or a negative errno.
func rtnlDumpIfinfo(cb *netlinkCallback, m *nlBuf) int {
	ctx, _ := cb.data.(*linkDump)
	if ctx == nil {
		ctx = &linkDump{}
		cb.data = ctx
	}
	var tb [IFLA_MAX + 1]Attr
	flags := uint16(NLM_F_MULTI)
	var extMask uint32
	var kindOps *RtnlLinkOps
	masterIdx := uint32(0)
	n := cb.net
	err := rtnlValidDumpIfinfoReq(cb.nlh, cb.strictCheck, tb[:], &cb.extack)
	if err != nil {
		if cb.strictCheck {
			return errnoOf(err)
		}
	} else {
		for i := range tb {
			if !tb[i].ok {
				continue
			}
			switch i {
			case IFLA_TARGET_NETNSID:
				cb.extack.setMsg("Invalid target network namespace id")
				return -int(unix.EINVAL)
			case IFLA_EXT_MASK:
				extMask = tb[i].U32()
			case IFLA_MASTER:
				masterIdx = tb[i].U32()
			case IFLA_LINKINFO:
				kindOps = linkinfoToKindOps(n.k, &tb[i])
			default:
				if cb.strictCheck {
					cb.extack.setMsg("Unsupported attribute in link dump request")
					return -int(unix.EINVAL)
				}
			}
		}
		if masterIdx != 0 || kindOps != nil {
			flags |= NLM_F_DUMP_FILTERED
		}
	}
	k := n.k
	k.rtnl.RLock(cb.rtnlShard)
	defer k.rtnl.RUnlock(cb.rtnlShard)
	start := m.len()
	ret := 0
	for _, idx := range n.devOrder[sort.SearchInts(n.devOrder, ctx.ifindex):] {
		dev := n.devByIndex[idx]
		ctx.ifindex = idx
		if masterIdx != 0 && masterIdx != ^uint32(0) {
			continue // no modelled device has a master
		}
		if kindOps != nil && dev.rtnlLinkOps != kindOps {
			continue
		}
		if !rtnlFillIfinfo(m, dev, RTM_NEWLINK, cb.portid, cb.seq, 0, flags, extMask, 0) {
			ret = -int(unix.EMSGSIZE)
			break
		}
	}
	if ret == 0 {
		ctx.ifindex = 1 << 62
	}
	// nl_dump_check_consistent
	seq := n.devSeq
	if ctx.prevSeq != 0 && seq != ctx.prevSeq && m.len() > start {
		f := binary.NativeEndian.Uint16(m.b[start+6:])
		binary.NativeEndian.PutUint16(m.b[start+6:], f|NLM_F_DUMP_INTR)
	}
	ctx.prevSeq = seq
	return ret
}

// rtnlValidDumpIfinfoReq is rtnl_valid_dump_ifinfo_req.
func rtnlValidDumpIfinfoReq(nlh []byte, strict bool, tb []Attr, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if strict {
		if len(p) < sizeofIfinfomsg {
			extack.setMsg("Invalid header for link dump")
			return unix.EINVAL
		}
		ifm := parseIfinfomsg(p)
		if ifm.pad != 0 || ifm.typ != 0 || ifm.flags != 0 || ifm.change != 0 {
			extack.setMsg("Invalid values in header for link dump request")
			return unix.EINVAL
		}
		if ifm.index != 0 {
			extack.setMsg("Filter by device index not supported for link dumps")
			return unix.EINVAL
		}
		return nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateTrailing|nlValidateMaxtype, extack)
	}
	hdrlen := sizeofIfinfomsg
	if len(p) < sizeofIfinfomsg {
		hdrlen = sizeofRtgenmsg
	}
	return nlmsgParseDeprecated(nlh, hdrlen, tb, IFLA_MAX, iflaPolicy, nlValidateLiberal, extack)
}

// linkinfoToKindOps is linkinfo_to_kind_ops: an unknown kind filters nothing.
func linkinfoToKindOps(k *Kernel, a *Attr) *RtnlLinkOps {
	var li [IFLA_INFO_MAX + 1]Attr
	if nlaParseNested(li[:], IFLA_INFO_MAX, a, iflaInfoPolicy, nil) != nil {
		return nil
	}
	if !li[IFLA_INFO_KIND].ok {
		return nil
	}
	ops := k.rtnlLinkOpsGet(nlaStrscpy(&li[IFLA_INFO_KIND], MODULE_NAME_LEN))
	rtnlLinkOpsPut(ops)
	return ops
}

// rtmsgIfinfo is rtmsg_ifinfo: an RTM_NEWLINK/RTM_DELLINK to RTNLGRP_LINK.
func rtmsgIfinfo(typ uint16, dev *NetDevice, change uint32, portid uint32, nlh []byte) {
	rtmsgIfinfoEvent(typ, dev, change, IFLA_EVENT_NONE, portid, nlh)
}

// rtmsgIfinfoEvent is rtmsg_ifinfo_event / rtmsg_ifinfo_build_skb /
// rtnl_notify: the requester's port id and sequence appear only with
// NLM_F_ECHO, which also unicasts a copy to it.
func rtmsgIfinfoEvent(typ uint16, dev *NetDevice, change uint32, event uint32, portid uint32, nlh []byte) {
	if typ != RTM_DELLINK && dev.regState != NETREG_REGISTERED {
		return
	}
	n := dev.net
	report := nlh != nil && nlmsgFlags(nlh)&NLM_F_ECHO != 0
	var seq uint32
	if report {
		seq = nlmsgSeq(nlh)
	} else {
		portid = 0
	}
	if !report && !n.HasListeners(NETLINK_ROUTE, RTNLGRP_LINK) {
		return
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_LINK, unix.ENOBUFS)
		return
	}
	m := nlBuf{b: make([]byte, 0, ifNlmsgSizeHint)}
	rtnlFillIfinfo(&m, dev, typ, portid, seq, change, 0, 0, event)
	n.nlmsgMulticast(NETLINK_ROUTE, m.b, portid, RTNLGRP_LINK)
	if report {
		// nlmsg_notify unicasts the same skb, whose NETLINK_CB still names
		// the group it was multicast to.
		echo := &SkBuff{Data: m.b, dstGroup: RTNLGRP_LINK, truesize: skbTruesize(cap(m.b))}
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
