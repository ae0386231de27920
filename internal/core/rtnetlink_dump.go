package core

import (
	"encoding/binary"
	"sort"

	"golang.org/x/sys/unix"
)

// This file models the link dumps of net/core/rtnetlink.c: rtnl_dump_ifinfo
// with its filters, rtnl_dumpit's RTNL_FLAG_DUMP_SPLIT_NLM_DONE, and the
// PF_BRIDGE handlers, which no modelled device answers.

// linkDump is the state of one rtnl_dump_ifinfo dump (cb->ctx).
type linkDump struct {
	ifindex int
	prevSeq uint64
}

// rtnlDumpitSplitDone is rtnl_dumpit for a handler with
// RTNL_FLAG_DUMP_SPLIT_NLM_DONE (RTM_GETLINK): NLMSG_DONE comes in a
// datagram of its own.
func rtnlDumpitSplitDone(dump rtnlDumpit) rtnlDumpit {
	return func(cb *netlinkCallback, m *nlBuf) int {
		if cb.finished {
			return 0
		}
		err := dump(cb, m)
		if err < 0 && err != -int(unix.EMSGSIZE) {
			return err
		}
		if err == 0 {
			cb.finished = true
		}
		return m.len()
	}
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
	tgt := n
	netnsid := -1
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
				id := int(tb[i].S32())
				t, err := rtnlGetNetNsCapable(cb.sk, id)
				if err != nil {
					cb.extack.setMsg("Invalid target network namespace id")
					return errnoOf(err)
				}
				tgt, netnsid = t, id
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
	for _, idx := range tgt.devOrder[sort.SearchInts(tgt.devOrder, ctx.ifindex):] {
		dev := tgt.devByIndex[idx]
		ctx.ifindex = idx
		if masterIdx != 0 && masterIdx != ^uint32(0) {
			continue // no modelled device has a master
		}
		if kindOps != nil && dev.rtnlLinkOps != kindOps {
			continue
		}
		if !rtnlFillIfinfo(m, dev, fillArgs{typ: RTM_NEWLINK, portid: cb.portid, seq: cb.seq, flags: flags,
			extMask: extMask, srcNet: n, tgtNetnsid: netnsid}) {
			ret = -int(unix.EMSGSIZE)
			break
		}
	}
	if ret == 0 {
		ctx.ifindex = 1 << 62
	}
	// nl_dump_check_consistent
	seq := tgt.devSeq
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
		ifm := ParseIfinfomsg(p)
		if ifm.Pad != 0 || ifm.Type != 0 || ifm.Flags != 0 || ifm.Change != 0 {
			extack.setMsg("Invalid values in header for link dump request")
			return unix.EINVAL
		}
		if ifm.Index != 0 {
			extack.setMsg("Filter by device index not supported for link dumps")
			return unix.EINVAL
		}
		return nlmsgParseDeprecated(nlh, sizeofIfinfomsg, tb, IFLA_MAX, iflaPolicy, nlValidateDeprecatedStrict, extack)
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
	ifm := ParseIfinfomsg(p)
	if ifm.Pad != 0 || ifm.Type != 0 || ifm.Flags != 0 || ifm.Change != 0 || ifm.Index != 0 {
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

// rtnlBridgeSetlink is rtnl_bridge_setlink and rtnl_bridge_dellink: with
// no bridge master and no ndo_bridge_setlink anywhere, every existing
// device answers EOPNOTSUPP.
func rtnlBridgeSetlink(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	p := nlmsgPayload(nlh)
	if len(p) < sizeofIfinfomsg {
		return unix.EINVAL
	}
	ifm := ParseIfinfomsg(p)
	n := skb.sk.net
	n.k.rtnl.Lock()
	defer n.k.rtnl.Unlock()
	if n.devByIndex[int(ifm.Index)] == nil {
		extack.setMsg("unknown ifindex")
		return unix.ENODEV
	}
	return unix.EOPNOTSUPP
}

// rtnlDumpAll is rtnl_dump_all, the PF_UNSPEC dump of RTM_GETADDR and
// RTM_GETROUTE (and of RTM_GETNETCONF, which is not modelled: the
// families have no netconf dumps yet): each family's dumpit in family order
// (PF_PACKET skipped), each starting afresh. Once anything is written,
// the datagram goes and NLMSG_DONE follows in one of its own.
func rtnlDumpAll(cb *netlinkCallback, m *nlBuf) int {
	typ := int(nlmsgType(cb.nlh))
	sIdx := max(cb.family, 1)
	ret := 0
	idx := 1
	for ; idx <= rtnlFamilyMax; idx++ {
		if idx < sIdx || idx == unix.AF_PACKET {
			continue
		}
		link := rtnlGetLink(idx, typ)
		if link == nil || link.dumpit == nil {
			continue
		}
		if idx > sIdx {
			cb.data = nil
		}
		if ret = link.dumpit(cb, m); ret != 0 {
			break
		}
	}
	cb.family = idx
	if m.len() > 0 {
		return m.len()
	}
	return ret
}

func init() {
	rtnlRegister(AF_UNSPEC, RTM_GETADDR, nil, rtnlDumpAll, 0)
	rtnlRegister(AF_UNSPEC, RTM_GETROUTE, nil, rtnlDumpAll, 0)
}
