package conformance

import (
	"golang.org/x/sys/unix"
)

// The policy-rule scenarios: RTM_GETRULE dumps of the default rules
// (net/core/fib_rules.c). Adding and deleting rules is not modelled yet.

func ruleScenarios() []*Scenario {
	return []*Scenario{
		sc("rule-dump-defaults", "the default rules of a fresh namespace: AF_INET (0 local, 32766 main, 32767 default), AF_INET6 (0 local, 32766 main), PF_UNSPEC over every family",
			openS(), dumpAll("S", 1), send("S", dumpRules(3, unix.AF_UNSPEC)), drain("S")),
		sc("rule-dump-strict", "strict RTM_GETRULE dumps: a clean header, a non-zero header field, an attribute after the header, a short header, an unsupported family",
			openStrict("S"),
			send("S", dumpRules(1, unix.AF_INET)), drain("S"),
			send("S", ruleMsg(unix.RTM_GETRULE, fReq|fDump, 2, Frh{Family: unix.AF_INET, Table: 1})), drain("S"),
			send("S", ruleMsg(unix.RTM_GETRULE, fReq|fDump, 3, Frh{Family: unix.AF_INET, Action: 1})), drain("S"),
			send("S", ruleMsg(unix.RTM_GETRULE, fReq|fDump, 4, Frh{Family: unix.AF_INET}, rulePrio(5))), drain("S"),
			send("S", Msg{Type: unix.RTM_GETRULE, Flags: fReq | fDump, Seq: 5, Body: []byte{unix.AF_INET, 0, 0, 0}}), drain("S"),
			send("S", dumpRules(6, unix.AF_BRIDGE)), drain("S"),
			send("S", dumpRules(7, unix.AF_UNSPEC)), drain("S")),
		sc("rule-dump-lax", "non-strict RTM_GETRULE dumps ignore header fields and attributes; an unsupported family is EAFNOSUPPORT",
			openS(),
			send("S", ruleMsg(unix.RTM_GETRULE, fReq|fDump, 1, Frh{Family: unix.AF_INET6, Table: 9, Flags: 7}, rulePrio(5))), drain("S"),
			send("S", dumpRules(2, unix.AF_BRIDGE)), drain("S")),
	}
}
