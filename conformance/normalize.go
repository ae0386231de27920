package conformance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

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
//     request an NLMSG_ERROR echoes) and of the peer's ifinfomsg in a
//     veth's VETH_INFO_PEER (there too), the u32 attributes IFLA_LINK,
//     IFLA_MASTER and IFLA_NEW_IFINDEX at the top level of those
//     messages, sll_ifindex of captured frames and IFINDEX of uevents.
//     0 stays 0. An index of another namespace goes through that
//     namespace's table: IFLA_LINK beside IFLA_LINK_NETNSID (a veth whose
//     peer is elsewhere), IFLA_NEW_IFINDEX beside IFLA_NEW_NETNSID (a
//     device moving away) or, in a request, beside the IFLA_NET_NS_FD,
//     IFLA_NET_NS_PID or IFLA_TARGET_NETNSID of the move, and the peer's
//     ifi_index of a veth whose VETH_INFO_PEER names a namespace. Netns
//     ids are resolved with the result's NSIDs (what each namespace
//     answered to RTM_GETNSID for each other one after the last step).
//   - Sequence numbers become 1, 2, ... in order of first appearance:
//     nlmsg_seq of every message and of the echoed request. The scenario
//     chooses them, so this maps the requests' numbers onto themselves in
//     send order and only shows a wrong echo as a new number.
//   - IFLA_INET6_CACHEINFO's tstamp (jiffies at creation) and
//     reachable_time (randomised) in RTM_NEWLINK and RTM_DELLINK are
//     zeroed, in IFLA_AF_SPEC and, in PF_INET6 messages, IFLA_PROTINFO.
//   - AF_INET and AF_INET6 RTM_NEWADDR and RTM_DELADDR (and the RTM_GETMULTICAST
//     and RTM_GETANYCAST replies of group dumps): ifa_index is mapped as
//     ifi_index is; IFA_CACHEINFO's cstamp and tstamp (hundredths of a
//     second since boot) are zeroed, and so is the random interface
//     identifier of IFA_F_STABLE_PRIVACY addresses (addrgenmode random)
//     becomes its order of first appearance (fe80::1, fe80::2, ...).
//   - Random hardware addresses: dummy, ifb and veth devices created
//     without IFLA_ADDRESS get one from eth_hw_addr_random
//     (eth_random_addr: random bytes, then the multicast bit of byte 0
//     cleared and the locally-administered bit set). A 6-byte
//     IFLA_ADDRESS or IFLA_PERM_ADDRESS at the top level of a link
//     message whose value no request of the scenario carried (no
//     IFLA_ADDRESS, IFLA_BROADCAST or IFLA_PERM_ADDRESS of a sent link
//     message or veth peer, by its first six bytes, and no address of a
//     sent frame) becomes
//     f?:00:00:00:NN:NN, NNNN its order of first appearance in the
//     result (addresses are global, not per namespace) and ? the two low
//     bits of the original byte 0, so that a random address that is not
//     unicast and locally administered still shows. The destination and
//     source of Ethernet frames (captured or sent) are mapped the same
//     way where they are such an address, and only then. Requested
//     addresses stay as they are.
//   - Kernel uevents (NETLINK_KOBJECT_UEVENT datagrams from port 0 in
//     the "ACTION@DEVPATH\0KEY=VALUE\0..." form): SEQNUM, the global
//     uevent_seqnum, becomes its rank among the result's SEQNUMs (1 for
//     the lowest), which keeps the order the kernel sent them in, and
//     IFINDEX goes through the interface index mapping of the
//     receiver's namespace; the datagram length changes with the digits.
//   - Namespace references (IFLA_NET_NS_FD, IFLA_NET_NS_PID, NETNSA_FD,
//     NETNSA_PID) are not normalised here: the runner records them as
//     the scenario's sentinels already (nsref.go).
//
// Messages are found in datagrams and netlink frames by walking
// nlmsg_len; a message whose nlmsg_len runs past the datagram is
// normalised as far as its bytes go. Only frames of netlink devices
// (sll_hatype ARPHRD_NETLINK, nlmon) are read as netlink messages;
// Ethernet frames are read as Ethernet headers.
func Normalize(r *Result) *Result {
	n := &normalizer{ports: map[nsVal]uint32{}, ifidx: map[nsVal]uint32{},
		nextPort: map[string]uint32{}, nextIf: map[string]uint32{}, seqs: map[uint32]uint32{},
		requested: requestedMACs(r), macs: map[[6]byte][6]byte{}, iids: map[[8]byte]uint64{}, useqs: ueventSeqnums(r), nsids: r.NSIDs}
	out := *r
	out.Events = make([]Event, len(r.Events))
	for i, ev := range r.Events {
		ev.Data = append(Hex(nil), ev.Data...)
		uevent := isKernelUevent(ev)
		switch ev.Kind {
		case EvOpen, EvRecv, EvStats, EvSend:
			ev.Port = n.port(ev.NS, ev.Port)
		case EvFrame:
			ev.Ifindex = int32(n.index(ev.NS, uint32(ev.Ifindex)))
		}
		switch {
		case len(ev.Data) == 0:
		case uevent:
			d := n.uevent(ev.NS, ev.Data)
			ev.Len += len(d) - len(ev.Data)
			ev.Data = d
		case ev.Kind == EvSendFrame || ev.Kind == EvFrame && ev.Hatype != unix.ARPHRD_NETLINK:
			if ev.Hatype == unix.ARPHRD_ETHER || ev.Kind == EvSendFrame {
				n.ethernet(ev.Data)
			}
		default:
			n.msgs(ev.NS, ev.Proto, ev.Data)
		}
		out.Events[i] = ev
	}
	return &out
}

// requestedMACs collects the hardware addresses the scenario's requests
// carried: 6-byte IFLA_ADDRESS, IFLA_BROADCAST and IFLA_PERM_ADDRESS of
// sent link messages (veth peers included) and both addresses of sent
// Ethernet frames.
func requestedMACs(r *Result) map[[6]byte]bool {
	req := map[[6]byte]bool{}
	// A longer address attribute counts by its first six bytes: the
	// kernel takes dev->addr_len bytes of it (do_setlink).
	add := func(b []byte) {
		if len(b) >= 6 {
			req[[6]byte(b[:6])] = true
		}
	}
	var fromLink func(attrs []byte)
	fromLink = func(attrs []byte) {
		forAttrs(attrs, func(t uint16, a []byte) {
			switch t {
			case unix.IFLA_ADDRESS, unix.IFLA_BROADCAST, unix.IFLA_PERM_ADDRESS:
				add(a[4:])
			case unix.IFLA_LINKINFO:
				forVethPeer(a, func(peer []byte) { fromLink(peer[4+16:]) })
			}
		})
	}
	for _, ev := range r.Events {
		switch {
		case ev.Kind == EvSend && ev.Proto == unix.NETLINK_ROUTE:
			forMsgs(ev.Data, func(m []byte) {
				if isLinkMsg(ne.Uint16(m[4:])) && len(m) >= 32 {
					fromLink(m[32:])
				}
			})
		case ev.Kind == EvSendFrame && len(ev.Data) >= 12:
			add(ev.Data[0:6])
			add(ev.Data[6:12])
		}
	}
	return req
}

// mac maps a hardware address no request carried to its ordinal form.
func (n *normalizer) mac(b []byte) {
	if len(b) != 6 || n.requested[[6]byte(b)] {
		return
	}
	k := [6]byte(b)
	v, ok := n.macs[k]
	if !ok {
		o := len(n.macs) + 1
		v = [6]byte{0xf0 | k[0]&0x03, 0, 0, 0, byte(o >> 8), byte(o)}
		n.macs[k] = v
	}
	copy(b, v[:])
}

// ethernet maps the destination and source of an Ethernet frame where
// they are random device addresses already met in link messages.
func (n *normalizer) ethernet(f []byte) {
	for _, off := range []int{0, 6} {
		if len(f) < off+6 {
			return
		}
		if v, ok := n.macs[[6]byte(f[off:off+6])]; ok {
			copy(f[off:], v[:])
		}
	}
}

// ueventSeqnums ranks the SEQNUM values of the result's kernel uevents:
// the lowest becomes 1. uevent_seqnum is one counter for all namespaces,
// so the ranks keep the order in which the kernel sent the events, also
// between sockets that the runner drains one after the other.
func ueventSeqnums(r *Result) map[string]int {
	var vals []uint64
	seen := map[string]bool{}
	for _, ev := range r.Events {
		if !isKernelUevent(ev) {
			continue
		}
		for _, p := range bytes.Split(ev.Data, []byte{0}) {
			k, v, ok := bytes.Cut(p, []byte("="))
			if !ok || string(k) != "SEQNUM" || seen[string(v)] {
				continue
			}
			if x, err := strconv.ParseUint(string(v), 10, 64); err == nil {
				seen[string(v)] = true
				vals = append(vals, x)
			}
		}
	}
	slices.Sort(vals)
	out := make(map[string]int, len(vals))
	for i, x := range vals {
		out[strconv.FormatUint(x, 10)] = i + 1
	}
	return out
}

// isKernelUevent reports whether ev is a uevent the kernel broadcast:
// a NETLINK_KOBJECT_UEVENT datagram from port 0 whose first string is
// ACTION@/DEVPATH. (User sockets' datagrams, and what the kernel's uevent
// socket rebroadcasts of them, are netlink messages and normalised as
// such.)
func isKernelUevent(ev Event) bool {
	return ev.Kind == EvRecv && ev.Proto == unix.NETLINK_KOBJECT_UEVENT && ev.Port == 0 && isUeventText(ev.Data)
}

func isUeventText(b []byte) bool {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		i = len(b)
	}
	head := b[:i]
	at := bytes.IndexByte(head, '@')
	if at < 1 || at+1 >= len(head) || head[at+1] != '/' {
		return false
	}
	for _, c := range head {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// uevent returns the normalised form of a uevent datagram.
func (n *normalizer) uevent(ns string, b []byte) Hex {
	parts := bytes.Split(b, []byte{0})
	for i, p := range parts {
		k, v, ok := bytes.Cut(p, []byte("="))
		if !ok {
			continue
		}
		switch string(k) {
		case "SEQNUM":
			if o, ok := n.useqs[string(v)]; ok {
				parts[i] = fmt.Appendf(nil, "SEQNUM=%d", o)
			}
		case "IFINDEX":
			if x, err := strconv.ParseUint(string(v), 10, 32); err == nil {
				parts[i] = fmt.Appendf(nil, "IFINDEX=%d", n.index(ns, uint32(x)))
			}
		}
	}
	return bytes.Join(parts, []byte{0})
}

type nsVal struct {
	ns string
	v  uint32
}

type normalizer struct {
	ports, ifidx     map[nsVal]uint32
	nextPort, nextIf map[string]uint32
	seqs             map[uint32]uint32
	requested        map[[6]byte]bool    // addresses the requests carried
	macs             map[[6]byte][6]byte // random addresses to their ordinal form
	useqs            map[string]int      // uevent SEQNUM values to their ranks
	nsids            map[string]map[string]int32
	iids             map[[8]byte]uint64 // random IPv6 interface identifiers to their ordinal
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
				if l := min(int(ne.Uint32(e)), len(e)); l > 32 {
					n.peerIndex(ns, e[32:l])
				}
			}
		case proto == unix.NETLINK_ROUTE && isInet6AddrMsg(typ) && len(m) >= 24 && (m[16] == unix.AF_INET6 || m[16] == unix.AF_INET):
			mapU32(m, 20, index)
			n.inet6Addr(m[24:])
		case proto == unix.NETLINK_ROUTE && isLinkMsg(typ) && len(m) >= 32:
			mapU32(m, 20, index)
			n.peerIndex(ns, m[32:])
			linkNS, newNS := n.linkTargets(ns, m[32:])
			withCacheinfo := typ == unix.RTM_NEWLINK || typ == unix.RTM_DELLINK
			forAttrs(m[32:], func(t uint16, a []byte) {
				switch {
				case t == unix.IFLA_MASTER && len(a) == 8:
					mapU32(a, 4, index)
				case t == unix.IFLA_LINK && len(a) == 8:
					mapU32(a, 4, func(v uint32) uint32 { return n.index(linkNS, v) })
				case t == unix.IFLA_NEW_IFINDEX && len(a) == 8:
					mapU32(a, 4, func(v uint32) uint32 { return n.index(newNS, v) })
				case t == unix.IFLA_ADDRESS || t == unix.IFLA_PERM_ADDRESS:
					n.mac(a[4:])
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

// isInet6AddrMsg reports whether typ carries a struct ifaddrmsg: the
// address messages and the multicast and anycast dumps' replies.
func isInet6AddrMsg(typ uint16) bool {
	switch typ {
	case unix.RTM_NEWADDR, unix.RTM_DELADDR, unix.RTM_GETMULTICAST, unix.RTM_GETANYCAST:
		return true
	}
	return false
}

// inet6Addr normalises the attributes of an AF_INET6 address message:
// IFA_CACHEINFO's cstamp and tstamp (jiffies since boot, which differ
// from boot to boot) become 0, and the interface identifier of an
// address flagged IFA_F_STABLE_PRIVACY, which addrgenmode random draws
// at random, becomes its order of first appearance in the result
// (::1, ::2, ...), so that the same identifier stays the same.
func (n *normalizer) inet6Addr(attrs []byte) {
	var flags uint32
	forAttrs(attrs, func(t uint16, a []byte) {
		if t == unix.IFA_FLAGS && len(a) == 8 {
			flags = ne.Uint32(a[4:])
		}
	})
	forAttrs(attrs, func(t uint16, a []byte) {
		switch {
		case t == unix.IFA_CACHEINFO && len(a) == 20:
			clear(a[12:20])
		case (t == unix.IFA_ADDRESS || t == unix.IFA_LOCAL) && len(a) == 20 && flags&unix.IFA_F_STABLE_PRIVACY != 0:
			var id [8]byte
			copy(id[:], a[12:20])
			o, ok := n.iids[id]
			if !ok {
				o = uint64(len(n.iids) + 1)
				n.iids[id] = o
			}
			clear(a[12:20])
			a[19] = byte(o)
			a[18] = byte(o >> 8)
		}
	})
}

// peerIndex maps ifi_index of the peer's ifinfomsg in a veth's
// IFLA_LINKINFO > IFLA_INFO_DATA > VETH_INFO_PEER among the link
// attributes of a message of namespace ns, in the peer's namespace: the
// one its IFLA_NET_NS_FD or IFLA_NET_NS_PID names, else ns (veth creates
// the peer in the requester's namespace unless told otherwise).
func (n *normalizer) peerIndex(ns string, attrs []byte) {
	forAttrs(attrs, func(t uint16, a []byte) {
		if t != unix.IFLA_LINKINFO {
			return
		}
		forVethPeer(a, func(p []byte) {
			peerNS := ns
			forAttrs(p[4+16:], func(t uint16, x []byte) {
				if (t == unix.IFLA_NET_NS_FD || t == unix.IFLA_NET_NS_PID) && len(x) == 8 {
					if name, _, ok := parseNSRef(ne.Uint32(x[4:])); ok {
						peerNS = name
					}
				}
			})
			mapU32(p, 4+4, func(v uint32) uint32 { return n.index(peerNS, v) })
		})
	})
}

// linkTargets returns the namespaces whose interface indexes IFLA_LINK
// and IFLA_NEW_IFINDEX of a link message of namespace ns hold: the one
// IFLA_LINK_NETNSID names for IFLA_LINK; for IFLA_NEW_IFINDEX the one
// IFLA_NEW_NETNSID names (a device moving away), or in a request the
// destination of the move (IFLA_NET_NS_FD, IFLA_NET_NS_PID,
// IFLA_TARGET_NETNSID). Netns ids are resolved through the result's
// NSIDs; anything unresolved stays ns.
func (n *normalizer) linkTargets(ns string, attrs []byte) (linkNS, newNS string) {
	linkNS, newNS = ns, ns
	target := ""
	forAttrs(attrs, func(t uint16, a []byte) {
		if len(a) != 8 {
			return
		}
		v := ne.Uint32(a[4:])
		switch t {
		case unix.IFLA_LINK_NETNSID:
			if x, ok := n.nsByID(ns, int32(v)); ok {
				linkNS = x
			}
		case unix.IFLA_NEW_NETNSID:
			if x, ok := n.nsByID(ns, int32(v)); ok {
				newNS = x
			}
		case unix.IFLA_NET_NS_FD, unix.IFLA_NET_NS_PID:
			if x, _, ok := parseNSRef(v); ok {
				target = x
			}
		case unix.IFLA_TARGET_NETNSID:
			if x, ok := n.nsByID(ns, int32(v)); ok && target == "" {
				target = x
			}
		}
	})
	if newNS == ns && target != "" {
		newNS = target
	}
	return linkNS, newNS
}

// nsByID names the namespace that ns knows by netns id id.
func (n *normalizer) nsByID(ns string, id int32) (string, bool) {
	for y, v := range n.nsids[ns] {
		if v == id {
			return y, true
		}
	}
	return "", false
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
