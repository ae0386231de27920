package conformance

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon/decode"
)

// Text renders a result's events as lines: one header line per event,
// then its messages decoded with attribute names. Diffs of results are
// diffs of these lines.
func Text(r *Result) []string {
	var out []string
	for i, ev := range r.Events {
		out = append(out, eventHeader(i, ev))
		if len(ev.Data) > 0 {
			d := &decoder{proto: ev.Proto}
			d.event(ev, "  ")
			out = append(out, d.lines...)
		}
	}
	if r.NSIDs != nil {
		out = append(out, "netns ids at the end: "+nsidsText(r.NSIDs))
	}
	return out
}

// nsidsText renders a result's NSIDs: "a: b=0; b: a=0".
func nsidsText(m map[string]map[string]int32) string {
	if m == nil {
		return "none"
	}
	var xs []string
	for x := range m {
		xs = append(xs, x)
	}
	sort.Strings(xs)
	var parts []string
	for _, x := range xs {
		var ys []string
		for y := range m[x] {
			ys = append(ys, y)
		}
		sort.Strings(ys)
		var ids []string
		for _, y := range ys {
			ids = append(ids, fmt.Sprintf("%s=%d", y, m[x][y]))
		}
		parts = append(parts, x+": "+strings.Join(ids, " "))
	}
	return strings.Join(parts, "; ")
}

// event decodes an event's bytes by what they are: a kernel uevent, an
// Ethernet frame (sent, or captured on an Ethernet device), or netlink
// messages (datagrams, and frames captured on nlmon).
func (d *decoder) event(ev Event, indent string) {
	switch {
	case isKernelUevent(ev):
		d.uevent(ev.Data, indent)
	case ev.Kind == EvSendFrame || ev.Kind == EvFrame && ev.Hatype == unix.ARPHRD_ETHER:
		d.ethernet(ev.Data, indent)
	case ev.Kind == EvFrame && ev.Hatype != unix.ARPHRD_NETLINK:
		d.mark(0, len(ev.Data), "frame")()
		d.hexLines(indent, ev.Data)
	default:
		d.msgs(ev.Data, 0, indent)
	}
}

// ethernet decodes an Ethernet frame: its header and payload bytes.
func (d *decoder) ethernet(f []byte, indent string) {
	if len(f) < 14 {
		d.mark(0, len(f), "short frame")()
		d.line(indent, "short frame (%d bytes): %x", len(f), f)
		return
	}
	d.mark(0, 6, "ethernet destination")()
	d.mark(6, 12, "ethernet source")()
	d.mark(12, 14, "ethertype")()
	d.line(indent, "ethernet dst=%s src=%s type=%#04x payload=%d bytes", macString(f[0:6]), macString(f[6:12]),
		uint16(f[12])<<8|uint16(f[13]), len(f)-14)
	if len(f) > 14 {
		d.mark(14, len(f), "payload")()
		p := f[14:]
		if len(p) > 64 && allSame(p[64:], p[63]) {
			d.hexLines(indent+"  ", p[:64])
			d.line(indent+"  ", "... %d more bytes %02x", len(p)-64, p[63])
			return
		}
		d.hexLines(indent+"  ", p)
	}
}

// withInfoData is tab with IFLA_INFO_DATA decoded by data.
func withInfoData(tab, data attrTable) attrTable {
	out := attrTable{}
	for k, v := range tab {
		out[k] = v
	}
	out[unix.IFLA_INFO_DATA] = attrSpec{"IFLA_INFO_DATA", kNest, data}
	return out
}

// ifinfo renders a struct ifinfomsg at p (offset base in the datagram)
// and the link attributes after it.
func (d *decoder) ifinfo(p []byte, base int, indent string) {
	func() {
		defer d.mark(base, base+16, "ifinfomsg")()
		d.line(indent, "ifinfomsg family=%d type=%d index=%d flags=%s change=%#x",
			p[0], ne.Uint16(p[2:]), int32(ne.Uint32(p[4:])), ifFlags(ne.Uint32(p[8:])), ne.Uint32(p[12:]))
		if p[1] != 0 {
			d.line(indent, "ifinfomsg pad byte %#x", p[1])
		}
	}()
	d.attrs(p[16:], base+16, indent, iflaAttrs)
}

func allSame(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}

// uevent decodes a kernel uevent: ACTION@DEVPATH, then KEY=VALUE strings,
// each NUL-terminated.
func (d *decoder) uevent(b []byte, indent string) {
	d.mark(0, len(b), "uevent")()
	off := 0
	for off < len(b) {
		end := off
		for end < len(b) && b[end] != 0 {
			end++
		}
		term := ""
		if end == len(b) {
			term = " (no NUL)"
		}
		d.mark(off, min(end+1, len(b)), fmt.Sprintf("uevent %q", b[off:end]))()
		d.line(indent, "%q%s", b[off:end], term)
		off = end + 1
	}
}

// locateEvent names the field of an event's bytes at offset off.
func locateEvent(ev Event, off int) string {
	d := &decoder{proto: ev.Proto, spans: true}
	d.event(ev, "")
	return d.locate(off)
}

func eventHeader(i int, ev Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d step %d %s", i, ev.Step, ev.Kind)
	if ev.Sock != "" {
		fmt.Fprintf(&b, " %s", ev.Sock)
	}
	fmt.Fprintf(&b, " ns=%s", ev.NS)
	switch ev.Kind {
	case EvOpen:
		fmt.Fprintf(&b, " proto=%d port=%d", ev.Proto, ev.Port)
	case EvSend:
		fmt.Fprintf(&b, " to port=%d groups=%#x len=%d", ev.Port, ev.Groups, ev.Len)
	case EvRecv, EvStats:
		fmt.Fprintf(&b, " from port=%d groups=%#x len=%d", ev.Port, ev.Groups, ev.Len)
	case EvFrame:
		fmt.Fprintf(&b, " len=%d protocol=%d pkttype=%d hatype=%d ifindex=%d halen=%d",
			ev.Len, ev.Proto, ev.PktType, ev.Hatype, ev.Ifindex, ev.Halen)
	case EvSendFrame:
		fmt.Fprintf(&b, " len=%d", ev.Len)
	}
	if ev.Op != "" {
		fmt.Fprintf(&b, " op=%q", ev.Op)
	}
	if ev.Errno != "" || ev.Kind == EvUnload || ev.Kind == EvError || ev.Kind == EvSend || ev.Kind == EvSendFrame {
		e := ev.Errno
		if e == "" {
			e = "ok"
		}
		fmt.Fprintf(&b, " result=%s", e)
	}
	if ev.Len > len(ev.Data) && len(ev.Data) > 0 {
		fmt.Fprintf(&b, " (truncated to %d)", len(ev.Data))
	}
	return b.String()
}

// Locate names the field of a datagram at byte offset off, for byte-level
// difference reports: "msg 0 RTM_NEWLINK > IFLA_AF_SPEC > AF_INET6 >
// IFLA_INET6_CONF [+12]".
func Locate(proto int, data []byte, off int) string {
	d := &decoder{proto: proto, spans: true}
	d.msgs(data, 0, "")
	return d.locate(off)
}

func (d *decoder) locate(off int) string {
	best := -1
	for i, s := range d.span {
		if off >= s.start && off < s.end && (best < 0 || s.end-s.start <= d.span[best].end-d.span[best].start) {
			best = i
		}
	}
	if best < 0 {
		return fmt.Sprintf("offset %d (outside any message)", off)
	}
	s := d.span[best]
	return fmt.Sprintf("%s [+%d]", s.path, off-s.start)
}

type span struct {
	start, end int
	path       string
}

type decoder struct {
	proto int
	lines []string
	spans bool
	span  []span
	path  []string
}

func (d *decoder) line(indent, format string, a ...any) {
	d.lines = append(d.lines, indent+fmt.Sprintf(format, a...))
}

func (d *decoder) mark(start, end int, name string) func() {
	d.path = append(d.path, name)
	if d.spans {
		d.span = append(d.span, span{start, end, strings.Join(d.path, " > ")})
	}
	return func() { d.path = d.path[:len(d.path)-1] }
}

var nlmsgTypes = map[uint16]string{
	unix.NLMSG_NOOP: "NLMSG_NOOP", unix.NLMSG_ERROR: "NLMSG_ERROR", unix.NLMSG_DONE: "NLMSG_DONE",
	unix.NLMSG_OVERRUN: "NLMSG_OVERRUN",
}

var rtmTypes = map[uint16]string{
	unix.RTM_NEWLINK: "RTM_NEWLINK", unix.RTM_DELLINK: "RTM_DELLINK", unix.RTM_GETLINK: "RTM_GETLINK",
	unix.RTM_SETLINK: "RTM_SETLINK", unix.RTM_NEWADDR: "RTM_NEWADDR", unix.RTM_DELADDR: "RTM_DELADDR",
	unix.RTM_GETADDR: "RTM_GETADDR", unix.RTM_NEWROUTE: "RTM_NEWROUTE", unix.RTM_GETROUTE: "RTM_GETROUTE",
	unix.RTM_NEWNETCONF: "RTM_NEWNETCONF", unix.RTM_DELNETCONF: "RTM_DELNETCONF", unix.RTM_NEWCHAIN: "RTM_NEWCHAIN",
	unix.RTM_NEWNSID: "RTM_NEWNSID", unix.RTM_DELNSID: "RTM_DELNSID", unix.RTM_GETNSID: "RTM_GETNSID",
}

func typeName(proto int, t uint16) string {
	if n, ok := nlmsgTypes[t]; ok {
		return n
	}
	if proto == unix.NETLINK_ROUTE {
		if n, ok := rtmTypes[t]; ok {
			return n
		}
	}
	if proto == unix.NETLINK_GENERIC && t == unix.GENL_ID_CTRL {
		return "GENL_ID_CTRL"
	}
	return fmt.Sprintf("type %d", t)
}

func flagNames(proto int, t, f uint16) string {
	var n []string
	add := func(bit uint16, name string) {
		if f&bit != 0 {
			n = append(n, name)
			f &^= bit
		}
	}
	add(unix.NLM_F_REQUEST, "REQUEST")
	add(unix.NLM_F_MULTI, "MULTI")
	add(unix.NLM_F_ACK, "ACK")
	add(unix.NLM_F_ECHO, "ECHO")
	add(unix.NLM_F_DUMP_INTR, "DUMP_INTR")
	add(unix.NLM_F_DUMP_FILTERED, "DUMP_FILTERED")
	switch {
	case t == unix.NLMSG_ERROR || t == unix.NLMSG_DONE:
		add(unix.NLM_F_CAPPED, "CAPPED")
		add(unix.NLM_F_ACK_TLVS, "ACK_TLVS")
	case proto == unix.NETLINK_ROUTE && t >= unix.RTM_BASE && t&3 == 2: // GET
		add(unix.NLM_F_ROOT, "ROOT")
		add(unix.NLM_F_MATCH, "MATCH")
		add(unix.NLM_F_ATOMIC, "ATOMIC")
	case proto == unix.NETLINK_ROUTE && t >= unix.RTM_BASE && t&3 == 0: // NEW
		add(unix.NLM_F_REPLACE, "REPLACE")
		add(unix.NLM_F_EXCL, "EXCL")
		add(unix.NLM_F_CREATE, "CREATE")
		add(unix.NLM_F_APPEND, "APPEND")
	case proto == unix.NETLINK_ROUTE && t >= unix.RTM_BASE && t&3 == 1: // DEL
		add(0x100, "NONREC")
		add(0x200, "BULK")
	}
	if f != 0 {
		n = append(n, fmt.Sprintf("%#x", f))
	}
	if len(n) == 0 {
		return "0"
	}
	return strings.Join(n, "|")
}

func errnoText(e int32) string {
	if e == 0 {
		return "0"
	}
	if e < 0 && e > -4096 {
		return fmt.Sprintf("%d %s", e, errnoName(unix.Errno(-e)))
	}
	return fmt.Sprint(e)
}

// msgs decodes the messages of b; base is b's offset in the datagram.
func (d *decoder) msgs(b []byte, base int, indent string) {
	off := 0
	for i := 0; off < len(b); i++ {
		if len(b)-off < unix.NLMSG_HDRLEN {
			d.line(indent, "trailing %d bytes: %x", len(b)-off, b[off:])
			d.mark(base+off, base+len(b), "trailing bytes")()
			return
		}
		l := int(ne.Uint32(b[off:]))
		if l < unix.NLMSG_HDRLEN {
			d.line(indent, "bad nlmsg_len %d: %x", l, b[off:])
			d.mark(base+off, base+len(b), "bad message")()
			return
		}
		end := min(off+l, len(b))
		d.msg(b[off:end], l, base+off, i, indent)
		off += (l + 3) &^ 3
	}
}

func (d *decoder) msg(m []byte, l, base, i int, indent string) {
	t, f := ne.Uint16(m[4:]), ne.Uint16(m[6:])
	name := typeName(d.proto, t)
	defer d.mark(base, base+len(m), fmt.Sprintf("msg %d %s", i, name))()
	d.mark(base, base+16, "nlmsghdr")()
	short := ""
	if l > len(m) {
		short = fmt.Sprintf(" (only %d bytes present)", len(m))
	}
	d.line(indent, "%s len=%d flags=%s seq=%d pid=%d%s", name, l, flagNames(d.proto, t, f), ne.Uint32(m[8:]), ne.Uint32(m[12:]), short)
	p := m[16:]
	in := indent + "  "
	switch {
	case t == unix.NLMSG_ERROR:
		d.nlerr(p, f, base+16, in)
	case t == unix.NLMSG_DONE:
		if len(p) >= 4 {
			d.mark(base+16, base+20, "error")()
			d.line(in, "error %s", errnoText(int32(ne.Uint32(p))))
			if len(p) > 4 {
				d.attrs(p[4:], base+20, in, extackAttrs)
			}
		} else if len(p) > 0 {
			d.line(in, "payload %x", p)
		}
	case d.proto == unix.NETLINK_ROUTE && isLinkMsg(t):
		if len(p) < 16 {
			d.mark(base+16, base+len(m), "rtgenmsg")()
			d.line(in, "rtgenmsg %x", p)
			return
		}
		d.ifinfo(p, base+16, in)
	case d.proto == unix.NETLINK_ROUTE && isNSIDMsg(t):
		if len(p) < 4 {
			d.mark(base+16, base+len(m), "rtgenmsg")()
			d.line(in, "rtgenmsg %x", p)
			return
		}
		func() {
			defer d.mark(base+16, base+20, "rtgenmsg")()
			d.line(in, "rtgenmsg family=%d pad=%x", p[0], p[1:4])
		}()
		d.attrs(p[4:], base+20, in, netnsaAttrs)
	case d.proto == unix.NETLINK_GENERIC && len(p) >= 4:
		d.mark(base+16, base+20, "genlmsghdr")()
		d.line(in, "genlmsghdr cmd=%d version=%d reserved=%d", p[0], p[1], ne.Uint16(p[2:]))
		d.attrs(p[4:], base+20, in, nil)
	default:
		if len(p) > 0 {
			d.mark(base+16, base+len(m), "payload")()
			d.hexLines(in, p)
		}
	}
}

func (d *decoder) hexLines(indent string, p []byte) {
	for o := 0; o < len(p); o += 32 {
		d.line(indent, "%04x: %s", o, hex.EncodeToString(p[o:min(o+32, len(p))]))
	}
}

// nlerr decodes struct nlmsgerr and its extack TLVs.
func (d *decoder) nlerr(p []byte, flags uint16, base int, in string) {
	if len(p) < 4 {
		d.line(in, "short nlmsgerr %x", p)
		return
	}
	func() {
		defer d.mark(base, base+4, "error")()
		d.line(in, "error %s", errnoText(int32(ne.Uint32(p))))
	}()
	e := p[4:]
	if len(e) < 16 {
		if len(e) > 0 {
			d.line(in, "short echoed header %x", e)
		}
		return
	}
	el := int(ne.Uint32(e))
	echo := 16
	if flags&unix.NLM_F_CAPPED == 0 {
		echo = min(max((el+3)&^3, 16), len(e))
	}
	func() {
		defer d.mark(base+4, base+4+echo, "echoed request")()
		sub := &decoder{proto: d.proto, spans: d.spans, path: append([]string(nil), d.path...)}
		if flags&unix.NLM_F_CAPPED != 0 {
			d.line(in, "echoed header %s len=%d flags=%s seq=%d pid=%d", typeName(d.proto, ne.Uint16(e[4:])),
				el, flagNames(d.proto, ne.Uint16(e[4:]), ne.Uint16(e[6:])), ne.Uint32(e[8:]), ne.Uint32(e[12:]))
			return
		}
		d.line(in, "echoed request:")
		m := e[:echo]
		if el <= len(m) && el >= 16 {
			m = m[:el]
		}
		sub.msg(m, el, base+4, 0, in+"  ")
		d.lines = append(d.lines, sub.lines...)
		d.span = append(d.span, sub.span...)
	}()
	if rest := e[echo:]; len(rest) > 0 {
		d.attrs(rest, base+4+echo, in, extackAttrs)
	}
}

func ifFlags(f uint32) string {
	if f == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x<%s>", f, strings.Join(decode.IfFlagNames(f), ","))
}

// Attribute kinds for the decoder.
type kind int

const (
	kBin kind = iota
	kU8
	kU16
	kU32
	kS32
	kU64
	kUint // u32 or u64 by length
	kStr
	kMAC
	kNest
	kS32s
	kU64s
	kStats64
	kStats32
	kIfmap
	kCacheinfo
	kHex32
	kPolicyType
	kNSRef    // a namespace reference: u32, rendered by nsRefString
	kLinkinfo // IFLA_LINKINFO: IFLA_INFO_DATA decoded by IFLA_INFO_KIND
	kIfinfo   // struct ifinfomsg, then IFLA_* attributes (VETH_INFO_PEER)
)

type attrSpec struct {
	name string
	kind kind
	sub  attrTable // for kNest
}

type attrTable map[uint16]attrSpec

var (
	linkinfoAttrs = attrTable{
		1: {"IFLA_INFO_KIND", kStr, nil}, 2: {"IFLA_INFO_DATA", kBin, nil}, 3: {"IFLA_INFO_XSTATS", kBin, nil},
		4: {"IFLA_INFO_SLAVE_KIND", kStr, nil}, 5: {"IFLA_INFO_SLAVE_DATA", kBin, nil},
	}
	xdpAttrs = attrTable{
		1: {"IFLA_XDP_FD", kS32, nil}, 2: {"IFLA_XDP_ATTACHED", kU8, nil}, 3: {"IFLA_XDP_FLAGS", kU32, nil},
		4: {"IFLA_XDP_PROG_ID", kU32, nil}, 5: {"IFLA_XDP_DRV_PROG_ID", kU32, nil},
		6: {"IFLA_XDP_SKB_PROG_ID", kU32, nil}, 7: {"IFLA_XDP_HW_PROG_ID", kU32, nil},
		8: {"IFLA_XDP_EXPECTED_FD", kS32, nil},
	}
	inetAttrs  = attrTable{1: {"IFLA_INET_CONF", kS32s, nil}}
	inet6Attrs = attrTable{
		1: {"IFLA_INET6_FLAGS", kHex32, nil}, 2: {"IFLA_INET6_CONF", kS32s, nil}, 3: {"IFLA_INET6_STATS", kU64s, nil},
		4: {"IFLA_INET6_MCAST", kBin, nil}, 5: {"IFLA_INET6_CACHEINFO", kCacheinfo, nil},
		6: {"IFLA_INET6_ICMP6STATS", kU64s, nil}, 7: {"IFLA_INET6_TOKEN", kBin, nil},
		8: {"IFLA_INET6_ADDR_GEN_MODE", kU8, nil}, 9: {"IFLA_INET6_RA_MTU", kU32, nil},
	}
	afspecAttrs = attrTable{
		unix.AF_INET: {"AF_INET", kNest, inetAttrs}, unix.AF_INET6: {"AF_INET6", kNest, inet6Attrs},
	}
	propAttrs = attrTable{unix.IFLA_ALT_IFNAME: {"IFLA_ALT_IFNAME", kStr, nil}}
	iflaAttrs = attrTable{
		1: {"IFLA_ADDRESS", kMAC, nil}, 2: {"IFLA_BROADCAST", kMAC, nil}, 3: {"IFLA_IFNAME", kStr, nil},
		4: {"IFLA_MTU", kU32, nil}, 5: {"IFLA_LINK", kU32, nil}, 6: {"IFLA_QDISC", kStr, nil},
		7: {"IFLA_STATS", kStats32, nil}, 8: {"IFLA_COST", kBin, nil}, 9: {"IFLA_PRIORITY", kBin, nil},
		10: {"IFLA_MASTER", kU32, nil}, 11: {"IFLA_WIRELESS", kBin, nil}, 12: {"IFLA_PROTINFO", kBin, nil},
		13: {"IFLA_TXQLEN", kU32, nil}, 14: {"IFLA_MAP", kIfmap, nil}, 15: {"IFLA_WEIGHT", kU32, nil},
		16: {"IFLA_OPERSTATE", kU8, nil}, 17: {"IFLA_LINKMODE", kU8, nil},
		18: {"IFLA_LINKINFO", kLinkinfo, linkinfoAttrs}, 19: {"IFLA_NET_NS_PID", kNSRef, nil},
		20: {"IFLA_IFALIAS", kStr, nil}, 21: {"IFLA_NUM_VF", kU32, nil}, 22: {"IFLA_VFINFO_LIST", kBin, nil},
		23: {"IFLA_STATS64", kStats64, nil}, 24: {"IFLA_VF_PORTS", kBin, nil}, 25: {"IFLA_PORT_SELF", kBin, nil},
		26: {"IFLA_AF_SPEC", kNest, afspecAttrs}, 27: {"IFLA_GROUP", kU32, nil}, 28: {"IFLA_NET_NS_FD", kNSRef, nil},
		29: {"IFLA_EXT_MASK", kHex32, nil}, 30: {"IFLA_PROMISCUITY", kU32, nil},
		31: {"IFLA_NUM_TX_QUEUES", kU32, nil}, 32: {"IFLA_NUM_RX_QUEUES", kU32, nil},
		33: {"IFLA_CARRIER", kU8, nil}, 34: {"IFLA_PHYS_PORT_ID", kBin, nil},
		35: {"IFLA_CARRIER_CHANGES", kU32, nil}, 36: {"IFLA_PHYS_SWITCH_ID", kBin, nil},
		37: {"IFLA_LINK_NETNSID", kS32, nil}, 38: {"IFLA_PHYS_PORT_NAME", kStr, nil},
		39: {"IFLA_PROTO_DOWN", kU8, nil}, 40: {"IFLA_GSO_MAX_SEGS", kU32, nil},
		41: {"IFLA_GSO_MAX_SIZE", kU32, nil}, 42: {"IFLA_PAD", kBin, nil}, 43: {"IFLA_XDP", kNest, xdpAttrs},
		44: {"IFLA_EVENT", kU32, nil}, 45: {"IFLA_NEW_NETNSID", kS32, nil}, 46: {"IFLA_TARGET_NETNSID", kS32, nil},
		47: {"IFLA_CARRIER_UP_COUNT", kU32, nil}, 48: {"IFLA_CARRIER_DOWN_COUNT", kU32, nil},
		49: {"IFLA_NEW_IFINDEX", kS32, nil}, 50: {"IFLA_MIN_MTU", kU32, nil}, 51: {"IFLA_MAX_MTU", kU32, nil},
		52: {"IFLA_PROP_LIST", kNest, propAttrs}, 53: {"IFLA_ALT_IFNAME", kStr, nil},
		54: {"IFLA_PERM_ADDRESS", kMAC, nil}, 55: {"IFLA_PROTO_DOWN_REASON", kBin, nil},
		56: {"IFLA_PARENT_DEV_NAME", kStr, nil}, 57: {"IFLA_PARENT_DEV_BUS_NAME", kStr, nil},
		58: {"IFLA_GRO_MAX_SIZE", kU32, nil}, 59: {"IFLA_TSO_MAX_SIZE", kU32, nil},
		60: {"IFLA_TSO_MAX_SEGS", kU32, nil}, 61: {"IFLA_ALLMULTI", kU32, nil},
		62: {"IFLA_DEVLINK_PORT", kBin, nil}, 63: {"IFLA_GSO_IPV4_MAX_SIZE", kU32, nil},
		64: {"IFLA_GRO_IPV4_MAX_SIZE", kU32, nil}, 65: {"IFLA_DPLL_PIN", kBin, nil},
		66: {"IFLA_MAX_PACING_OFFLOAD_HORIZON", kUint, nil}, 67: {"IFLA_NETNS_IMMUTABLE", kU8, nil},
		68: {"IFLA_HEADROOM", kU16, nil}, 69: {"IFLA_TAILROOM", kU16, nil},
	}
	netnsaAttrs = attrTable{
		netnsaNSID: {"NETNSA_NSID", kS32, nil}, netnsaPID: {"NETNSA_PID", kNSRef, nil},
		netnsaFD: {"NETNSA_FD", kNSRef, nil}, netnsaTargetNSID: {"NETNSA_TARGET_NSID", kS32, nil},
		netnsaCurrentNSID: {"NETNSA_CURRENT_NSID", kS32, nil},
	}
	// vethAttrs is IFLA_INFO_DATA of kind veth; its VETH_INFO_PEER holds
	// the peer's ifinfomsg and link attributes.
	vethAttrs = attrTable{vethInfoPeer: {"VETH_INFO_PEER", kIfinfo, nil}}
	// linkinfoKindAttrs is IFLA_LINKINFO of the kinds whose
	// IFLA_INFO_DATA the decoder knows.
	linkinfoKindAttrs = map[string]attrTable{"veth": withInfoData(linkinfoAttrs, vethAttrs)}
	policyAttrs       = attrTable{
		1: {"NL_POLICY_TYPE_ATTR_TYPE", kPolicyType, nil}, 2: {"NL_POLICY_TYPE_ATTR_MIN_VALUE_S", kU64, nil},
		3: {"NL_POLICY_TYPE_ATTR_MAX_VALUE_S", kU64, nil}, 4: {"NL_POLICY_TYPE_ATTR_MIN_VALUE_U", kU64, nil},
		5: {"NL_POLICY_TYPE_ATTR_MAX_VALUE_U", kU64, nil}, 6: {"NL_POLICY_TYPE_ATTR_MIN_LENGTH", kU32, nil},
		7: {"NL_POLICY_TYPE_ATTR_MAX_LENGTH", kU32, nil}, 8: {"NL_POLICY_TYPE_ATTR_POLICY_IDX", kU32, nil},
		9: {"NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE", kU32, nil}, 10: {"NL_POLICY_TYPE_ATTR_BITFIELD32_MASK", kHex32, nil},
		11: {"NL_POLICY_TYPE_ATTR_PAD", kBin, nil}, 12: {"NL_POLICY_TYPE_ATTR_MASK", kU64, nil},
	}
	extackAttrs = attrTable{
		1: {"NLMSGERR_ATTR_MSG", kStr, nil}, 2: {"NLMSGERR_ATTR_OFFS", kU32, nil}, 3: {"NLMSGERR_ATTR_COOKIE", kBin, nil},
		4: {"NLMSGERR_ATTR_POLICY", kNest, policyAttrs}, 5: {"NLMSGERR_ATTR_MISS_TYPE", kU32, nil},
		6: {"NLMSGERR_ATTR_MISS_NEST", kU32, nil},
	}
)

var policyTypes = []string{"NL_ATTR_TYPE_INVALID", "FLAG", "U8", "U16", "U32", "U64", "S8", "S16", "S32", "S64",
	"BINARY", "STRING", "NUL_STRING", "NESTED", "NESTED_ARRAY", "BITFIELD32", "SINT", "UINT"}

var stats64Names = []string{"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
	"rx_dropped", "tx_dropped", "multicast", "collisions", "rx_length_errors", "rx_over_errors",
	"rx_crc_errors", "rx_frame_errors", "rx_fifo_errors", "rx_missed_errors", "tx_aborted_errors",
	"tx_carrier_errors", "tx_fifo_errors", "tx_heartbeat_errors", "tx_window_errors", "rx_compressed",
	"tx_compressed", "rx_nohandler", "rx_otherhost_dropped"}

// attrs decodes an attribute stream; base is its offset in the datagram.
func (d *decoder) attrs(b []byte, base int, indent string, tab attrTable) {
	off := 0
	for off < len(b) {
		if len(b)-off < 4 {
			d.mark(base+off, base+len(b), "trailing bytes")()
			d.line(indent, "trailing %d bytes: %x", len(b)-off, b[off:])
			return
		}
		l := int(ne.Uint16(b[off:]))
		rawType := ne.Uint16(b[off+2:])
		t := rawType & nlaTypeMask
		spec, ok := tab[t]
		if !ok {
			spec = attrSpec{name: fmt.Sprintf("attr %d", t), kind: kBin}
		}
		if l < 4 || off+l > len(b) {
			d.mark(base+off, base+len(b), spec.name+" (bad nla_len)")()
			d.line(indent, "bad attribute nla_len=%d type=%d: %x", l, rawType, b[off:])
			return
		}
		flags := ""
		if rawType&unix.NLA_F_NESTED != 0 {
			flags += " NESTED"
		}
		if rawType&unix.NLA_F_NET_BYTEORDER != 0 {
			flags += " NET_BYTEORDER"
		}
		func() {
			defer d.mark(base+off, base+off+((l+3)&^3), spec.name)()
			d.attr(spec, fmt.Sprintf("%s len=%d%s", spec.name, l, flags), b[off+4:off+l], base+off+4, indent)
			if pad := b[off+l : min(off+((l+3)&^3), len(b))]; len(pad) > 0 && !allSame(pad, 0) {
				d.line(indent+"  ", "padding %x", pad)
			}
		}()
		off += (l + 3) &^ 3
	}
}

func (d *decoder) attr(spec attrSpec, head string, p []byte, base int, indent string) {
	bad := func() { d.line(indent, "%s %x", head, p) }
	switch spec.kind {
	case kU8:
		if len(p) != 1 {
			bad()
			return
		}
		d.line(indent, "%s %d", head, p[0])
	case kU16:
		if len(p) != 2 {
			bad()
			return
		}
		d.line(indent, "%s %d", head, ne.Uint16(p))
	case kU32, kS32, kHex32:
		if len(p) != 4 {
			bad()
			return
		}
		switch spec.kind {
		case kU32:
			d.line(indent, "%s %d", head, ne.Uint32(p))
		case kS32:
			d.line(indent, "%s %d", head, int32(ne.Uint32(p)))
		default:
			d.line(indent, "%s %#x", head, ne.Uint32(p))
		}
	case kU64:
		if len(p) != 8 {
			bad()
			return
		}
		d.line(indent, "%s %d", head, ne.Uint64(p))
	case kUint:
		switch len(p) {
		case 4:
			d.line(indent, "%s %d (u32)", head, ne.Uint32(p))
		case 8:
			d.line(indent, "%s %d (u64)", head, ne.Uint64(p))
		default:
			bad()
		}
	case kPolicyType:
		if len(p) != 4 {
			bad()
			return
		}
		v := ne.Uint32(p)
		n := "?"
		if int(v) < len(policyTypes) {
			n = policyTypes[v]
		}
		d.line(indent, "%s %d (%s)", head, v, n)
	case kStr:
		s := string(p)
		term := ""
		if i := strings.IndexByte(s, 0); i >= 0 {
			if i != len(s)-1 {
				term = fmt.Sprintf(" (NUL at %d of %d)", i, len(s))
			}
			s = s[:i]
		} else {
			term = " (no NUL)"
		}
		d.line(indent, "%s %q%s", head, s, term)
	case kMAC:
		d.line(indent, "%s %s", head, macString(p))
	case kNSRef:
		if len(p) != 4 {
			bad()
			return
		}
		d.line(indent, "%s %s", head, nsRefString(ne.Uint32(p)))
	case kLinkinfo:
		d.line(indent, "%s", head)
		tab := spec.sub
		if kt, ok := linkinfoKindAttrs[linkinfoKind(p)]; ok {
			tab = kt
		}
		d.attrs(p, base, indent+"  ", tab)
	case kIfinfo:
		if len(p) < 16 {
			bad()
			return
		}
		d.line(indent, "%s", head)
		d.ifinfo(p, base, indent+"  ")
	case kNest:
		d.line(indent, "%s", head)
		d.attrs(p, base, indent+"  ", spec.sub)
	case kS32s, kU64s:
		w := 4
		if spec.kind == kU64s {
			w = 8
		}
		if len(p)%w != 0 {
			bad()
			return
		}
		d.line(indent, "%s (%d values)", head, len(p)/w)
		for i := 0; i < len(p)/w; i += 8 {
			var vs []string
			for j := i; j < min(i+8, len(p)/w); j++ {
				if w == 4 {
					vs = append(vs, fmt.Sprint(int32(ne.Uint32(p[j*4:]))))
				} else {
					vs = append(vs, fmt.Sprint(ne.Uint64(p[j*8:])))
				}
			}
			d.line(indent+"  ", "[%d] %s", i, strings.Join(vs, " "))
		}
	case kStats64, kStats32:
		w, n := 8, 25
		if spec.kind == kStats32 {
			w, n = 4, 24
		}
		if len(p) != w*n {
			bad()
			return
		}
		d.line(indent, "%s", head)
		zero := 0
		for i := range n {
			var v uint64
			if w == 8 {
				v = ne.Uint64(p[i*8:])
			} else {
				v = uint64(ne.Uint32(p[i*4:]))
			}
			if v == 0 {
				zero++
				continue
			}
			d.line(indent+"  ", "%s=%d", stats64Names[i], v)
		}
		d.line(indent+"  ", "(%d counters zero)", zero)
	case kIfmap:
		if len(p) != 32 {
			bad()
			return
		}
		d.line(indent, "%s mem_start=%#x mem_end=%#x base_addr=%#x irq=%d dma=%d port=%d pad=%x", head,
			ne.Uint64(p), ne.Uint64(p[8:]), ne.Uint64(p[16:]), ne.Uint16(p[24:]), p[26], p[27], p[28:])
	case kCacheinfo:
		if len(p) != 16 {
			bad()
			return
		}
		d.line(indent, "%s max_reasm_len=%d tstamp=%d reachable_time=%d retrans_time=%d", head,
			ne.Uint32(p), ne.Uint32(p[4:]), ne.Uint32(p[8:]), ne.Uint32(p[12:]))
	default:
		if len(p) <= 32 {
			d.line(indent, "%s %x", head, p)
			return
		}
		d.line(indent, "%s", head)
		d.hexLines(indent+"  ", p)
	}
}

func macString(b []byte) string {
	s := make([]string, len(b))
	for i, c := range b {
		s[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(s, ":")
}
