package conformance

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Building blocks of the policy-rule scenarios (rule-*): struct
// fib_rule_hdr requests.

// Frh is struct fib_rule_hdr.
type Frh struct {
	Family uint8
	DstLen uint8
	SrcLen uint8
	Tos    uint8
	Table  uint8
	Res1   uint8
	Res2   uint8
	Action uint8
	Flags  uint32
}

func (h Frh) bytes() []byte {
	b := []byte{h.Family, h.DstLen, h.SrcLen, h.Tos, h.Table, h.Res1, h.Res2, h.Action}
	return binary.NativeEndian.AppendUint32(b, h.Flags)
}

// ruleMsg is a rule request with header h and attributes.
func ruleMsg(typ, flags uint16, seq uint32, h Frh, attrs ...[]byte) Msg {
	return Msg{Type: typ, Flags: flags, Seq: seq, Body: Cat(h.bytes(), Cat(attrs...))}
}

// dumpRules is `ip rule show` for family.
func dumpRules(seq uint32, family uint8) Msg {
	return ruleMsg(unix.RTM_GETRULE, fReq|fDump, seq, Frh{Family: family})
}

// openStrict opens a requester with NETLINK_GET_STRICT_CHK and extack.
func openStrict(name string) Open {
	return Open{Sock: name, Proto: route, Opts: []int{extAck, strict}}
}

// dumpAll dumps the rules of AF_INET and of AF_INET6 on sock.
func dumpAll(sock string, seq uint32) []Step {
	return []Step{
		send(sock, dumpRules(seq, unix.AF_INET)), drain(sock),
		send(sock, dumpRules(seq+1, unix.AF_INET6)), drain(sock),
	}
}

// rulePrio is FRA_PRIORITY.
func rulePrio(p uint32) []byte { return A(unix.FRA_PRIORITY, U32(p)) }
