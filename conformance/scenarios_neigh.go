package conformance

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// The neighbour scenarios: RTM_GETNEIGH dumps of a namespace that has
// sent no IP traffic (net/core/neighbour.c neigh_dump_info).

// ndmsg is a struct ndmsg.
func ndmsg(family uint8, ifindex int32, state uint16, flags, typ uint8) []byte {
	b := make([]byte, 12)
	b[0], b[10], b[11] = family, flags, typ
	binary.NativeEndian.PutUint32(b[4:], uint32(ifindex))
	binary.NativeEndian.PutUint16(b[8:], state)
	return b
}

// dumpNeigh is `ip neigh show`: an RTM_GETNEIGH dump.
func dumpNeigh(seq uint32, hdr []byte, attrs ...[]byte) Msg {
	return Msg{Type: unix.RTM_GETNEIGH, Flags: fReq | fDump, Seq: seq, Body: Cat(append([][]byte{hdr}, attrs...)...)}
}

func neighScenarios() []*Scenario {
	return []*Scenario{
		sc("neigh-dump-fresh", "neighbour dumps of a fresh namespace with lo and an up dummy: PF_UNSPEC, AF_INET, AF_INET6, proxy entries, a device filter, without strict checking (header values and attributes ignored)",
			openS(), send("S", dummy(1, "d0", 1)), ethUp("S", 2, "d0"), drain("S"),
			send("S", dumpNeigh(4, ndmsg(unix.AF_UNSPEC, 0, 0, 0, 0))), drain("S"),
			send("S", dumpNeigh(5, ndmsg(unix.AF_INET, 0, 0, 0, 0))), drain("S"),
			send("S", dumpNeigh(6, ndmsg(unix.AF_INET6, 0, 0, 0, 0))), drain("S"),
			send("S", dumpNeigh(7, ndmsg(unix.AF_INET, 0, 0, unix.NTF_PROXY, 0))), drain("S"),
			send("S", dumpNeigh(8, ndmsg(unix.AF_INET, 0, 0, 0, 0), A(unix.NDA_IFINDEX, U32(2)))), drain("S"),
			send("S", dumpNeigh(9, ndmsg(unix.AF_INET, 3, 2, 0, 1), A(unix.NDA_DST, in4("10.0.0.1")))), drain("S"),
			send("S", Msg{Type: unix.RTM_GETNEIGH, Flags: fReq | fDump, Seq: 10, Body: []byte{unix.AF_INET, 0, 0, 0}}), drain("S")),
		sc("neigh-dump-strict", "strict neighbour dumps: a bare header, the device and master filters, non-zero header fields, flags other than NTF_PROXY, a short header, an unsupported attribute, a malformed NDA_IFINDEX",
			openStrict("S"),
			send("S", dumpNeigh(1, ndmsg(unix.AF_UNSPEC, 0, 0, 0, 0))), drain("S"),
			send("S", dumpNeigh(2, ndmsg(unix.AF_INET, 0, 0, 0, 0), A(unix.NDA_IFINDEX, U32(1)), A(unix.NDA_MASTER, U32(7)))), drain("S"),
			send("S", dumpNeigh(3, ndmsg(unix.AF_INET, 1, 0, 0, 0))), drain("S"),
			send("S", dumpNeigh(4, ndmsg(unix.AF_INET, 0, unix.NUD_PERMANENT, 0, 0))), drain("S"),
			send("S", dumpNeigh(5, ndmsg(unix.AF_INET6, 0, 0, 0, 1))), drain("S"),
			send("S", dumpNeigh(6, ndmsg(unix.AF_INET, 0, 0, unix.NTF_ROUTER, 0))), drain("S"),
			send("S", dumpNeigh(7, ndmsg(unix.AF_INET6, 0, 0, unix.NTF_PROXY, 0))), drain("S"),
			send("S", Msg{Type: unix.RTM_GETNEIGH, Flags: fReq | fDump, Seq: 8, Body: []byte{unix.AF_INET, 0, 0, 0}}), drain("S"),
			send("S", dumpNeigh(9, ndmsg(unix.AF_INET, 0, 0, 0, 0), A(unix.NDA_DST, in4("10.0.0.1")))), drain("S"),
			send("S", dumpNeigh(10, ndmsg(unix.AF_INET, 0, 0, 0, 0), A(unix.NDA_IFINDEX, U16(1)))), drain("S")),
	}
}
