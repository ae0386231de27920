package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models the part of net/core/fib_rules.c a client meets first:
// the rules_ops of each family a namespace has (IPv4, IPv4 multicast
// routing, IPv6 multicast routing, IPv6, in the order the kernel lists
// them) with their default rules, and RTM_GETRULE dumps. Adding and
// deleting rules (fib_nl_newrule, fib_nl_delrule) and policy routing
// lookups are not modelled yet.

// fibRule is struct fib_rule, as far as the default rules need it.
type fibRule struct {
	pref   uint32
	table  uint32
	action uint8
	flags  uint32
	proto  uint8
	// suppressPrefixlen is suppress_prefixlen (-1 when unset), and
	// suppressIfgroup suppress_ifgroup.
	suppressPrefixlen int32
	suppressIfgroup   int32
}

// fibRulesOps is struct fib_rules_ops: one family's rules.
type fibRulesOps struct {
	family uint8
	rules  []*fibRule // rules_list, in priority order
}

// fibRulesNet is the namespace's rules_ops list (net->rules_ops).
type fibRulesNet struct {
	ops []*fibRulesOps
}

// The rtnetlink families of the multicast routing rules (RTNL_FAMILY_*).
const (
	rtnlFamilyIPMR  = 128
	rtnlFamilyIP6MR = 129
)

// FR_ACT_TO_TBL and RT_TABLE_COMPAT (include/uapi/linux/fib_rules.h,
// rtnetlink.h).
const (
	frActToTbl    = unix.FR_ACT_TO_TBL
	rtTableCompat = unix.RT_TABLE_COMPAT
)

// fibDefaultRule is fib_default_rule_add: pref, table, no selector,
// protocol kernel.
func fibDefaultRule(pref, table uint32) *fibRule {
	return &fibRule{pref: pref, table: table, action: frActToTbl, proto: unix.RTPROT_KERNEL,
		suppressPrefixlen: -1, suppressIfgroup: -1}
}

// fibRulesNetInit registers each family's rules_ops with its default
// rules, in the order the namespace's set-up registers them:
// fib4_rules_init (local 0, main 32766, default 32767), ipmr_rules_init
// (default table 32767), ip6mr_rules_init (main 32767) and
// fib6_rules_net_init (local 0, main 32766).
func fibRulesNetInit(n *Net) error {
	n.rules.ops = []*fibRulesOps{
		{family: unix.AF_INET, rules: []*fibRule{
			fibDefaultRule(0, unix.RT_TABLE_LOCAL), fibDefaultRule(0x7ffe, unix.RT_TABLE_MAIN), fibDefaultRule(0x7fff, unix.RT_TABLE_DEFAULT)}},
		{family: rtnlFamilyIPMR, rules: []*fibRule{fibDefaultRule(0x7fff, unix.RT_TABLE_DEFAULT)}},
		{family: rtnlFamilyIP6MR, rules: []*fibRule{fibDefaultRule(0x7fff, unix.RT_TABLE_MAIN)}},
		{family: unix.AF_INET6, rules: []*fibRule{
			fibDefaultRule(0, unix.RT_TABLE_LOCAL), fibDefaultRule(0x7ffe, unix.RT_TABLE_MAIN)}},
	}
	return nil
}

func init() {
	registerPernetSubsys(&pernetOperations{name: "fib_rules", order: pernetOrderFibRules, init: fibRulesNetInit,
		exit: func(n *Net) { n.rules = fibRulesNet{} }})
	rtnlRegister(AF_UNSPEC, RTM_GETRULE, nil, fibNlDumprule, 0)
}

// lookupRulesOps is lookup_rules_ops.
func (r *fibRulesNet) lookupRulesOps(family uint8) *fibRulesOps {
	for _, ops := range r.ops {
		if ops.family == family {
			return ops
		}
	}
	return nil
}

// fibNlFillRule is fib_nl_fill_rule with the per-family fill of a rule
// without selectors (fib4_rule_fill, fib6_rule_fill add nothing then).
func fibNlFillRule(m *nlBuf, rule *fibRule, portid, seq uint32, typ, flags uint16, ops *fibRulesOps) bool {
	start := m.putHeader(typ, flags, seq, portid, sizeofFibRule)
	h := m.b[start+NLMSG_HDRLEN:]
	h[0] = ops.family
	h[4] = uint8(rtTableCompat)
	if rule.table < 256 {
		h[4] = uint8(rule.table)
	}
	m.putU32(unix.FRA_TABLE, rule.table)
	m.putU32(unix.FRA_SUPPRESS_PREFIXLEN, uint32(rule.suppressPrefixlen))
	h = m.b[start+NLMSG_HDRLEN:]
	h[7] = rule.action
	binary.NativeEndian.PutUint32(h[8:], rule.flags)
	m.putU8(unix.FRA_PROTOCOL, rule.proto)
	if rule.pref != 0 {
		m.putU32(unix.FRA_PRIORITY, rule.pref)
	}
	if rule.suppressIfgroup != -1 {
		m.putU32(unix.FRA_SUPPRESS_IFGROUP, uint32(rule.suppressIfgroup))
	}
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// ruleDump is fib_nl_dumprule's cb->args: the rules_ops and the rule
// within it to resume at.
type ruleDump struct{ ops, rule int }

// dumpRules is dump_rules.
func dumpRules(cb *netlinkCallback, m *nlBuf, ops *fibRulesOps, ctx *ruleDump) int {
	for i := ctx.rule; i < len(ops.rules); i++ {
		if !fibNlFillRule(m, ops.rules[i], cb.portid, cb.seq, RTM_NEWRULE, NLM_F_MULTI, ops) {
			ctx.rule = i
			return -int(unix.EMSGSIZE)
		}
	}
	ctx.rule = len(ops.rules)
	return 0
}

// fibValidDumpruleReq is fib_valid_dumprule_req.
func fibValidDumpruleReq(cb *netlinkCallback) error {
	p := nlmsgPayload(cb.nlh)
	if len(p) < sizeofFibRule {
		cb.extack.setMsg("Invalid header for fib rule dump request")
		return unix.EINVAL
	}
	for _, b := range p[1:sizeofFibRule] {
		if b != 0 {
			cb.extack.setMsg("Invalid values in header for fib rule dump request")
			return unix.EINVAL
		}
	}
	if len(p) > sizeofFibRule {
		cb.extack.setMsg("Invalid data after header in fib rule dump request")
		return unix.EINVAL
	}
	return nil
}

// fibNlDumprule is fib_nl_dumprule: one family's rules, or with
// PF_UNSPEC every family's in the namespace's order.
func fibNlDumprule(cb *netlinkCallback, m *nlBuf) int {
	if cb.strictCheck {
		if err := fibValidDumpruleReq(cb); err != nil {
			return errnoOf(err)
		}
	}
	ctx, _ := cb.data.(*ruleDump)
	if ctx == nil {
		ctx = &ruleDump{}
		cb.data = ctx
	}
	n := cb.net
	n.k.rtnl.RLock(cb.rtnlShard)
	defer n.k.rtnl.RUnlock(cb.rtnlShard)
	if family := nlmsgPayload(cb.nlh)[0]; family != AF_UNSPEC {
		ops := n.rules.lookupRulesOps(family)
		if ops == nil {
			return -int(unix.EAFNOSUPPORT)
		}
		return dumpRules(cb, m, ops, ctx)
	}
	for ; ctx.ops < len(n.rules.ops); ctx.ops++ {
		if err := dumpRules(cb, m, n.rules.ops[ctx.ops], ctx); err < 0 {
			return err
		}
		ctx.rule = 0
	}
	return 0
}
