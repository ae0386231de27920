package conformance

import (
	"bytes"
	"fmt"

	"golang.org/x/sys/unix"
)

// Namespace references in requests.
//
// IFLA_NET_NS_FD and NETNSA_FD name a namespace by a file descriptor of
// the sender, IFLA_NET_NS_PID and NETNSA_PID by a task living in it. The
// values differ between backends and between runs, so a scenario puts a
// sentinel in the attribute ([NetnsFD], [NetnsPID]) and the runner
// substitutes the backend's value when it sends the datagram (the model's
// Namespace.FD and PID; in the kernel an open /proc/thread-self/ns/net
// and the thread id of a thread parked in the namespace). Every datagram
// and captured netlink frame the runner records is mapped back, real
// value to sentinel, in the same attributes only (see forNSRefs), so the
// recorded results of both backends carry the sentinels and compare equal.
// A value that is not a sentinel ([BadNetnsFD], [NoSuchPID]) is sent as
// it is.

const (
	nsRefMagic = 0x4e530000 // "NS" in the top half
	nsRefFD    = 'F'
	nsRefPID   = 'P'
)

// BadNetnsFD is a file descriptor the sender never has open: the kernel's
// get_net_ns_by_fd fails with EBADF.
const BadNetnsFD = 9999

// NoSuchPID is a process id above PID_MAX_LIMIT (4194304), so no task has
// it: get_net_ns_by_pid fails with ESRCH.
const NoSuchPID = 999999999

// nsRefValue is the sentinel naming namespace ns (one letter) by fd or by
// pid.
func nsRefValue(ns string, pid bool) uint32 {
	if len(ns) != 1 || ns[0] < 'a' || ns[0] > 'z' {
		panic(fmt.Sprintf("conformance: namespace reference to %q: namespaces are named by one letter", ns))
	}
	k := uint32(nsRefFD)
	if pid {
		k = nsRefPID
	}
	return nsRefMagic | k<<8 | uint32(ns[0])
}

// parseNSRef reports which namespace a sentinel names.
func parseNSRef(v uint32) (ns string, pid, ok bool) {
	if v&0xffff0000 != nsRefMagic {
		return "", false, false
	}
	c := byte(v)
	if c < 'a' || c > 'z' {
		return "", false, false
	}
	switch (v >> 8) & 0xff {
	case nsRefFD:
		return string(c), false, true
	case nsRefPID:
		return string(c), true, true
	}
	return "", false, false
}

// NetnsFD is the payload of IFLA_NET_NS_FD or NETNSA_FD naming namespace
// ns: a sentinel the runner replaces by a file descriptor of ns.
func NetnsFD(ns string) []byte { return U32(nsRefValue(ns, false)) }

// NetnsPID is the payload of IFLA_NET_NS_PID or NETNSA_PID naming
// namespace ns: a sentinel the runner replaces by the id of a task in ns.
func NetnsPID(ns string) []byte { return U32(nsRefValue(ns, true)) }

// nsRefString renders a namespace reference value for the decoder.
func nsRefString(v uint32) string {
	ns, pid, ok := parseNSRef(v)
	switch {
	case !ok:
		return fmt.Sprint(v)
	case pid:
		return fmt.Sprintf("pid of namespace %s", ns)
	default:
		return fmt.Sprintf("fd of namespace %s", ns)
	}
}

// VETH_INFO_PEER (include/uapi/linux/veth.h).
const vethInfoPeer = 1

// NETNSA_* (include/uapi/linux/net_namespace.h).
const (
	netnsaNSID        = 1
	netnsaPID         = 2
	netnsaFD          = 3
	netnsaTargetNSID  = 4
	netnsaCurrentNSID = 5
)

func isNSIDMsg(typ uint16) bool { return typ >= unix.RTM_NEWNSID && typ <= unix.RTM_GETNSID }

// forNSRefs calls f with the 4-byte payload of every namespace reference
// of the NETLINK_ROUTE datagram b, in place: IFLA_NET_NS_PID and
// IFLA_NET_NS_FD at the top level of link messages and among the peer's
// attributes in a veth's IFLA_INFO_DATA > VETH_INFO_PEER, NETNSA_PID and
// NETNSA_FD at the top level of RTM_{NEW,DEL,GET}NSID, and the same
// inside the request an NLMSG_ERROR echoes. Attributes of other lengths
// and other places are not touched.
func forNSRefs(b []byte, f func(pid bool, v []byte)) {
	forMsgs(b, func(m []byte) { nsRefsInMsg(m, f) })
}

func nsRefsInMsg(m []byte, f func(pid bool, v []byte)) {
	typ := ne.Uint16(m[4:])
	switch {
	case typ == unix.NLMSG_ERROR && len(m) >= 36:
		if ne.Uint16(m[6:])&unix.NLM_F_CAPPED != 0 {
			return
		}
		e := m[20:]
		l := int(ne.Uint32(e))
		if l < unix.NLMSG_HDRLEN {
			return
		}
		nsRefsInMsg(e[:min(l, len(e))], f)
	case isLinkMsg(typ) && len(m) >= 32:
		linkNSRefs(m[32:], f)
	case isNSIDMsg(typ) && len(m) >= 20:
		forAttrs(m[20:], func(t uint16, a []byte) {
			if len(a) == 8 && (t == netnsaPID || t == netnsaFD) {
				f(t == netnsaPID, a[4:8])
			}
		})
	}
}

// linkNSRefs finds the namespace references among link attributes.
func linkNSRefs(attrs []byte, f func(pid bool, v []byte)) {
	forAttrs(attrs, func(t uint16, a []byte) {
		switch t {
		case unix.IFLA_NET_NS_PID, unix.IFLA_NET_NS_FD:
			if len(a) == 8 {
				f(t == unix.IFLA_NET_NS_PID, a[4:8])
			}
		case unix.IFLA_LINKINFO:
			forVethPeer(a, func(peer []byte) { linkNSRefs(peer[4+16:], f) })
		}
	})
}

// forVethPeer calls fn with the VETH_INFO_PEER attribute (header,
// ifinfomsg, then the peer's link attributes) of linkinfo, an
// IFLA_LINKINFO attribute, if it is a veth's and carries one.
func forVethPeer(linkinfo []byte, fn func(peer []byte)) {
	if linkinfoKind(linkinfo[4:]) != "veth" {
		return
	}
	forAttrs(linkinfo[4:], func(t uint16, d []byte) {
		if t != unix.IFLA_INFO_DATA {
			return
		}
		forAttrs(d[4:], func(t uint16, p []byte) {
			if t == vethInfoPeer && len(p) >= 4+16 {
				fn(p)
			}
		})
	})
}

// linkinfoKind returns IFLA_INFO_KIND among the IFLA_LINKINFO attributes b.
func linkinfoKind(b []byte) string {
	kind := ""
	forAttrs(b, func(t uint16, a []byte) {
		if t == unix.IFLA_INFO_KIND {
			k := a[4:]
			if i := bytes.IndexByte(k, 0); i >= 0 {
				k = k[:i]
			}
			kind = string(k)
		}
	})
	return kind
}
