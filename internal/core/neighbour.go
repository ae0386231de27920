package core

import "golang.org/x/sys/unix"

// This file models the part of net/core/neighbour.c a client meets first:
// the neighbour dumps (neigh_dump_info) over the tables of arp_tbl and
// nd_tbl. No entry can exist yet: the model resolves nothing (there is no
// IP datagram path) and RTM_NEWNEIGH is not modelled, so every table is
// empty and a dump answers as the kernel's does in a namespace that has
// sent no IP traffic.

// The neighbour attributes golang.org/x/sys/unix does not have, and
// NDA_MAX of the kernels the model follows (include/uapi/linux/neighbour.h).
const (
	NDA_PROTOCOL       = 12
	NDA_NH_ID          = 13
	NDA_FDB_EXT_ATTRS  = 14
	NDA_FLAGS_EXT      = 15
	NDA_NDM_STATE_MASK = 16
	NDA_NDM_FLAGS_MASK = 17
	NDA_MAX            = 17

	sizeofNdaCacheinfo = 16 // struct nda_cacheinfo
)

// ndaPolicy is nda_policy. NDA_FLAGS_EXT's NLA_POLICY_MASK is checked as
// a plain u32.
var ndaPolicy = func() []nlaPolicy {
	p := make([]nlaPolicy, NDA_MAX+1)
	p[unix.NDA_UNSPEC] = nlaPolicy{strictStart: NDA_NH_ID}
	p[unix.NDA_DST] = nlaPolicy{typ: nlaBinary, len: MAX_ADDR_LEN}
	p[unix.NDA_LLADDR] = nlaPolicy{typ: nlaBinary, len: MAX_ADDR_LEN}
	p[unix.NDA_CACHEINFO] = nlaPolicy{len: sizeofNdaCacheinfo}
	p[unix.NDA_PROBES] = nlaPolicy{typ: nlaU32}
	p[unix.NDA_VLAN] = nlaPolicy{typ: nlaU16}
	p[unix.NDA_PORT] = nlaPolicy{typ: nlaU16}
	p[unix.NDA_VNI] = nlaPolicy{typ: nlaU32}
	p[unix.NDA_IFINDEX] = nlaPolicy{typ: nlaU32}
	p[unix.NDA_MASTER] = nlaPolicy{typ: nlaU32}
	p[NDA_PROTOCOL] = nlaPolicy{typ: nlaU8}
	p[NDA_NH_ID] = nlaPolicy{typ: nlaU32}
	p[NDA_FLAGS_EXT] = nlaPolicy{typ: nlaU32}
	p[NDA_FDB_EXT_ATTRS] = nlaPolicy{typ: nlaNested}
	return p
}()

// neighValidDumpReq is neigh_valid_dump_req: in strict mode the header
// must be bare (NTF_PROXY aside) and only NDA_IFINDEX and NDA_MASTER may
// follow; without it, what does not parse is ignored.
func neighValidDumpReq(cb *netlinkCallback) error {
	extack := &cb.extack
	validate := nlValidateLiberal
	if cb.strictCheck {
		p := nlmsgPayload(cb.nlh)
		if len(p) < sizeofNdmsg {
			extack.setMsg("Invalid header for neighbor dump request")
			return unix.EINVAL
		}
		// struct ndmsg: family, pad1, pad2, ifindex, state, flags, type.
		if p[1] != 0 || p[2] != 0 || p[3] != 0 || p[4] != 0 || p[5] != 0 || p[6] != 0 || p[7] != 0 ||
			p[8] != 0 || p[9] != 0 || p[11] != 0 {
			extack.setMsg("Invalid values in header for neighbor dump request")
			return unix.EINVAL
		}
		if p[10]&^unix.NTF_PROXY != 0 {
			extack.setMsg("Invalid flags in header for neighbor dump request")
			return unix.EINVAL
		}
		validate = nlValidateDeprecatedStrict
	}
	var tb [NDA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(cb.nlh, sizeofNdmsg, tb[:], NDA_MAX, ndaPolicy, validate, extack); err != nil {
		return err
	}
	for i := range tb {
		if !tb[i].ok || i == unix.NDA_IFINDEX || i == unix.NDA_MASTER {
			continue
		}
		if cb.strictCheck {
			extack.setMsg("Unsupported attribute in neighbor dump request")
			return unix.EINVAL
		}
	}
	return nil
}

// neighDumpInfo is neigh_dump_info: the entries (or, with NTF_PROXY, the
// proxy entries) of each table of the family, or of every table. The
// tables hold none.
func neighDumpInfo(cb *netlinkCallback, m *nlBuf) int {
	if err := neighValidDumpReq(cb); err != nil && cb.strictCheck {
		return errnoOf(err)
	}
	return 0
}

func init() {
	rtnlRegister(AF_UNSPEC, RTM_GETNEIGH, nil, neighDumpInfo, 0)
}
