package conformance

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Normalize returns a copy of r with the values that legitimately differ
// between two kernels, or two runs of one, replaced. It is the whole of
// the normalisation; everything else is compared byte for byte.
//
//   - Port ids become 1, 2, ... in order of first appearance in each
//     namespace (a port id means something only within its namespace):
//     the sockets' own ids (open events), nlmsg_pid of every message,
//     nlmsg_pid of the request an NLMSG_ERROR echoes, and the sender of
//     every received datagram. 0, the kernel, stays 0. Autobind gives the
//     first socket the process id and later ones random negative ids.
//   - Interface indexes other than 1 become 2, 3, ... in order of first
//     appearance in each namespace; 1 is LOOPBACK_IFINDEX, lo's index in
//     every namespace by definition, and stays. They are found in: ifi_index of RTM_{NEW,DEL,GET,SET}LINK (also in the
//     request an NLMSG_ERROR echoes), the u32 attributes IFLA_LINK,
//     IFLA_MASTER and IFLA_NEW_IFINDEX at the top level of those
//     messages, and sll_ifindex of captured frames. 0 stays 0.
//   - Sequence numbers become 1, 2, ... in order of first appearance:
//     nlmsg_seq of every message and of the echoed request. The scenario
//     chooses them, so this maps the requests' numbers onto themselves in
//     send order and only shows a wrong echo as a new number.
//   - IFLA_INET6_CACHEINFO's tstamp (jiffies at creation) and
//     reachable_time (randomised) in RTM_NEWLINK and RTM_DELLINK are
//     zeroed, in IFLA_AF_SPEC and, in PF_INET6 messages, IFLA_PROTINFO.
//
// Messages are found in datagrams and frames by walking nlmsg_len; a
// message whose nlmsg_len runs past the datagram is normalised as far as
// its bytes go.
func Normalize(r *Result) *Result {
	n := &normalizer{ports: map[nsVal]uint32{}, ifidx: map[nsVal]uint32{},
		nextPort: map[string]uint32{}, nextIf: map[string]uint32{}, seqs: map[uint32]uint32{}}
	out := *r
	out.Events = make([]Event, len(r.Events))
	for i, ev := range r.Events {
		ev.Data = append(Hex(nil), ev.Data...)
		switch ev.Kind {
		case EvOpen, EvRecv, EvStats, EvSend:
			ev.Port = n.port(ev.NS, ev.Port)
		case EvFrame:
			ev.Ifindex = int32(n.index(ev.NS, uint32(ev.Ifindex)))
		}
		if len(ev.Data) > 0 {
			n.msgs(ev.NS, ev.Proto, ev.Data)
		}
		out.Events[i] = ev
	}
	return &out
}

type nsVal struct {
	ns string
	v  uint32
}

type normalizer struct {
	ports, ifidx     map[nsVal]uint32
	nextPort, nextIf map[string]uint32
	seqs             map[uint32]uint32
}

// ordinal maps k.v to the next number of k.ns if it has none yet.
func ordinal(m map[nsVal]uint32, next map[string]uint32, k nsVal) uint32 {
	if v, ok := m[k]; ok {
		return v
	}
	next[k.ns]++
	m[k] = next[k.ns]
	return m[k]
}

func (n *normalizer) port(ns string, v uint32) uint32 {
	if v == 0 {
		return 0
	}
	return ordinal(n.ports, n.nextPort, nsVal{ns, v})
}

// index maps an ifindex. 1 is LOOPBACK_IFINDEX, lo's fixed index in every
// namespace, so it stays 1; the others count from 2.
func (n *normalizer) index(ns string, v uint32) uint32 {
	if v == 0 || v == 1 {
		return v
	}
	if n.nextIf[ns] == 0 {
		n.nextIf[ns] = 1
	}
	return ordinal(n.ifidx, n.nextIf, nsVal{ns, v})
}

func (n *normalizer) seq(v uint32) uint32 {
	if v == 0 {
		return 0
	}
	if s, ok := n.seqs[v]; ok {
		return s
	}
	n.seqs[v] = uint32(len(n.seqs) + 1)
	return n.seqs[v]
}

var ne = binary.NativeEndian

func isLinkMsg(typ uint16) bool { return typ >= unix.RTM_NEWLINK && typ <= unix.RTM_SETLINK }

// mapU32 rewrites the u32 at b[off:] through f, if it is there.
func mapU32(b []byte, off int, f func(uint32) uint32) {
	if off+4 <= len(b) {
		ne.PutUint32(b[off:], f(ne.Uint32(b[off:])))
	}
}

// msgs normalises every message of a datagram in place.
func (n *normalizer) msgs(ns string, proto int, b []byte) {
	seq := n.seq
	port := func(v uint32) uint32 { return n.port(ns, v) }
	index := func(v uint32) uint32 { return n.index(ns, v) }
	forMsgs(b, func(m []byte) {
		mapU32(m, 8, seq)
		mapU32(m, 12, port)
		typ := ne.Uint16(m[4:])
		flags := ne.Uint16(m[6:])
		switch {
		case typ == unix.NLMSG_ERROR && len(m) >= 36:
			e := m[20:]
			mapU32(e, 8, seq)
			mapU32(e, 12, port)
			if proto == unix.NETLINK_ROUTE && isLinkMsg(ne.Uint16(e[4:])) && flags&unix.NLM_F_CAPPED == 0 && ne.Uint32(e) >= 32 {
				mapU32(e, 20, index)
			}
		case proto == unix.NETLINK_ROUTE && isLinkMsg(typ) && len(m) >= 32:
			mapU32(m, 20, index)
			withCacheinfo := typ == unix.RTM_NEWLINK || typ == unix.RTM_DELLINK
			forAttrs(m[32:], func(t uint16, a []byte) {
				switch {
				case t == unix.IFLA_LINK || t == unix.IFLA_MASTER || t == unix.IFLA_NEW_IFINDEX:
					if len(a) == 8 {
						mapU32(a, 4, index)
					}
				case t == unix.IFLA_AF_SPEC && withCacheinfo:
					forAttrs(a[4:], func(fam uint16, f []byte) {
						if fam == unix.AF_INET6 {
							clearCacheinfo(f[4:])
						}
					})
				case t == unix.IFLA_PROTINFO && withCacheinfo && m[16] == unix.AF_INET6:
					// A PF_INET6 link message carries the same IPv6 state
					// in IFLA_PROTINFO (inet6_fill_ifinfo).
					clearCacheinfo(a[4:])
				}
			})
		}
	})
}

// clearCacheinfo zeroes the time stamp and randomised reachable time of
// the IFLA_INET6_CACHEINFO among the IPv6 attributes b.
func clearCacheinfo(b []byte) {
	forAttrs(b, func(t uint16, c []byte) {
		if t == unix.IFLA_INET6_CACHEINFO && len(c) >= 20 {
			clear(c[8:16]) // tstamp, reachable_time
		}
	})
}

// forMsgs calls fn with each message of datagram b (header included, as
// far as its bytes go).
func forMsgs(b []byte, fn func(m []byte)) {
	for off := 0; off+unix.NLMSG_HDRLEN <= len(b); {
		l := int(ne.Uint32(b[off:]))
		if l < unix.NLMSG_HDRLEN {
			return
		}
		end := min(off+l, len(b))
		fn(b[off:end])
		off += (l + 3) &^ 3
	}
}

// forAttrs calls fn with each attribute in b, header included; typ has
// the NLA_F_* bits cleared.
func forAttrs(b []byte, fn func(typ uint16, a []byte)) {
	for off := 0; off+4 <= len(b); {
		l := int(ne.Uint16(b[off:]))
		if l < 4 || off+l > len(b) {
			return
		}
		fn(ne.Uint16(b[off+2:])&nlaTypeMask, b[off:off+l])
		off += (l + 3) &^ 3
	}
}

// nlaTypeMask is NLA_TYPE_MASK: the type bits of nla_type.
const nlaTypeMask = ^uint16(unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
