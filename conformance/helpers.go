package conformance

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Building blocks of the catalogue. They only construct data.

const (
	route   = unix.NETLINK_ROUTE
	extAck  = unix.NETLINK_EXT_ACK
	capAck  = unix.NETLINK_CAP_ACK
	strict  = unix.NETLINK_GET_STRICT_CHK
	fReq    = unix.NLM_F_REQUEST
	fAck    = unix.NLM_F_ACK
	fEcho   = unix.NLM_F_ECHO
	fDump   = unix.NLM_F_DUMP
	fCreate = unix.NLM_F_CREATE
	fExcl   = unix.NLM_F_EXCL
	fRepl   = unix.NLM_F_REPLACE

	linkGroups = 1 << (unix.RTNLGRP_LINK - 1) // bind-time bitmask of RTNLGRP_LINK
)

// sc builds a scenario; steps are Step values or []Step (flattened).
func sc(name, desc string, steps ...any) *Scenario {
	s := &Scenario{Name: name, Desc: desc}
	for _, st := range steps {
		switch st := st.(type) {
		case Step:
			s.Steps = append(s.Steps, st)
		case []Step:
			s.Steps = append(s.Steps, st...)
		default:
			panic(fmt.Sprintf("scenario %s: %T is not a step", name, st))
		}
	}
	return s
}

// steps flattens Step and []Step values into one list, as sc does.
func steps(sts ...any) []Step { return sc("", "", sts...).Steps }

// openS opens the requester "S": NETLINK_ROUTE with NETLINK_EXT_ACK, as
// iproute2 opens its sockets.
func openS() Open { return openSIn("S", "") }

// openL opens a listener bound to RTNLGRP_LINK.
func openL(name string) Open { return openLG(name, "", linkGroups) }

func send(sock string, ms ...Msg) Send { return Send{Sock: sock, Msgs: ms} }

func drain(socks ...string) Drain { return Drain{Socks: socks} }

func ifname(n string) []byte { return A(unix.IFLA_IFNAME, Str(n)) }

func linkKind(k string) []byte { return A(unix.IFLA_LINKINFO, A(unix.IFLA_INFO_KIND, Str(k))) }

func mtu(v uint32) []byte { return A(unix.IFLA_MTU, U32(v)) }

// msg is a request with an ifinfomsg.
func msg(typ, flags uint16, seq uint32, l Ifinfo, attrs ...[]byte) Msg {
	return Msg{Type: typ, Flags: flags, Seq: seq, Link: &l, Body: Cat(attrs...)}
}

// create is `ip link add NAME type nlmon` with an ack: RTM_NEWLINK with
// CREATE|EXCL; name "" leaves IFLA_IFNAME out.
func create(seq uint32, name string, extra ...[]byte) Msg {
	return newLink(seq, name, "nlmon", extra...)
}

// set is `ip link set DEV ...`: RTM_NEWLINK on an existing device by index.
func set(seq uint32, dev string, flags, change uint32, attrs ...[]byte) Msg {
	return msg(unix.RTM_NEWLINK, fReq|fAck, seq, Ifinfo{Dev: dev, Flags: flags, Change: change}, attrs...)
}

func up(seq uint32, dev string) Msg   { return set(seq, dev, unix.IFF_UP, unix.IFF_UP) }
func down(seq uint32, dev string) Msg { return set(seq, dev, 0, unix.IFF_UP) }

// get is RTM_GETLINK of a device by index, without ack.
func get(seq uint32, dev string) Msg {
	return msg(unix.RTM_GETLINK, fReq, seq, Ifinfo{Dev: dev})
}

// dump is RTM_GETLINK with NLM_F_DUMP.
func dump(seq uint32, attrs ...[]byte) Msg {
	return msg(unix.RTM_GETLINK, fReq|fDump, seq, Ifinfo{}, attrs...)
}

// del is RTM_DELLINK of a device by index, with ack.
func del(seq uint32, dev string) Msg {
	return msg(unix.RTM_DELLINK, fReq|fAck, seq, Ifinfo{Dev: dev})
}

// withNlmon opens S and creates name (down), draining S.
func withNlmon(name string) []Step {
	return []Step{openS(), send("S", create(1, name)), drain("S")}
}

// withNlmonUp opens S and creates name and brings it up, draining S.
func withNlmonUp(name string) []Step {
	return []Step{openS(), send("S", create(1, name)), send("S", up(2, name)), drain("S")}
}

// manyNlmon creates n nlmon devices m0..m<n-1> without acks, in one
// datagram.
func manyNlmon(sock string, seq uint32, n int) Send {
	s := Send{Sock: sock}
	for i := range n {
		m := create(seq+uint32(i), fmt.Sprintf("m%d", i))
		m.Flags &^= fAck
		s.Msgs = append(s.Msgs, m)
	}
	return s
}

// IFLA_EXT_MASK bits (include/uapi/linux/rtnetlink.h).
const (
	rtextFilterVF        = 1 << 0
	rtextFilterSkipStats = 1 << 3
)
