package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// Policy is a kind's IFLA_INFO_DATA policy: rtnl_link_ops.maxtype and the
// nla_policy table. Attrs is indexed by DataAttr; types it does not reach
// are NLA_UNSPEC, accepted as they come.
type Policy struct {
	MaxType DataAttr
	Attrs   []AttrPolicy
}

// AttrType is an attribute's policy type (NLA_U8, NLA_STRING, ...).
type AttrType uint8

// The policy types.
const (
	AttrUnspec    AttrType = AttrType(core.NLA_UNSPEC)
	AttrU8        AttrType = AttrType(core.NLA_U8)
	AttrU16       AttrType = AttrType(core.NLA_U16)
	AttrU32       AttrType = AttrType(core.NLA_U32)
	AttrU64       AttrType = AttrType(core.NLA_U64)
	AttrString    AttrType = AttrType(core.NLA_STRING)
	AttrFlag      AttrType = AttrType(core.NLA_FLAG)
	AttrNested    AttrType = AttrType(core.NLA_NESTED)
	AttrNulString AttrType = AttrType(core.NLA_NUL_STRING)
	AttrBinary    AttrType = AttrType(core.NLA_BINARY)
	AttrS8        AttrType = AttrType(core.NLA_S8)
	AttrS16       AttrType = AttrType(core.NLA_S16)
	AttrS32       AttrType = AttrType(core.NLA_S32)
	AttrS64       AttrType = AttrType(core.NLA_S64)
	AttrBE16      AttrType = AttrType(core.NLA_BE16)
	AttrBE32      AttrType = AttrType(core.NLA_BE32)
	AttrReject    AttrType = AttrType(core.NLA_REJECT)
)

// AttrPolicy is one attribute's struct nla_policy.
type AttrPolicy struct {
	Type AttrType
	// Len is .len: the maximum length of a string or binary, the minimum
	// of the other types (veth's VETH_INFO_PEER: sizeof(struct ifinfomsg)).
	Len int
	// Min and Max are NLA_POLICY_MIN / _MAX / _RANGE bounds, when HasMin /
	// HasMax say so.
	Min, Max       int64
	HasMin, HasMax bool
	// RejectMessage is NLA_POLICY_REJECT's message (Type AttrReject).
	RejectMessage string
}

// core converts the policy to the core's table, checking it as
// rtnl_link_register does.
func (p Policy) core() ([]core.NlaPolicy, error) {
	if p.MaxType == 0 {
		if len(p.Attrs) > 1 {
			return nil, unix.EINVAL
		}
		return nil, nil
	}
	if int(p.MaxType) > core.RTNL_MAX_TYPE || len(p.Attrs) > int(p.MaxType)+1 {
		return nil, unix.EINVAL
	}
	out := make([]core.NlaPolicy, int(p.MaxType)+1)
	for i, a := range p.Attrs {
		pol := core.MakePolicy(core.NlaType(a.Type), a.Len)
		if a.HasMin {
			pol = pol.WithMin(a.Min)
		}
		if a.HasMax {
			pol = pol.WithMax(a.Max)
		}
		if a.Type == AttrReject && a.RejectMessage != "" {
			pol = pol.WithReject(a.RejectMessage)
		}
		out[i] = pol
	}
	return out, nil
}
