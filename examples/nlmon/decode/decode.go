// Package decode turns the frames an nlmon device captures into
// netlink messages described for people: direction, family, message type
// and flag names, sequence number, port id, and for rtnetlink links and
// errors their essentials (interface name, index, MTU, kind; errno and
// extended ack).
//
// It is a pure decoder over bytes, with no I/O, so that it can be fuzzed:
// any input yields messages or an error, never a panic. Netlink messages
// are in host byte order, as an nlmon capture carries them.
package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Direction says which way a captured message travelled.
type Direction uint8

// Directions. nlmon's frames do not carry the tap's PACKET_KERNEL /
// PACKET_USER mark (AF_PACKET reports PACKET_OUTGOING), so the direction
// is derived from the message: requests carry NLM_F_REQUEST; replies,
// acks, errors, dump parts and notifications never do.
const (
	ToKernel Direction = iota + 1 // a request, user space to the kernel
	ToUser                        // a reply or notification, to user space
)

// String returns "user->kernel" or "kernel->user".
func (d Direction) String() string {
	switch d {
	case ToKernel:
		return "user->kernel"
	case ToUser:
		return "kernel->user"
	}
	return "?"
}

// MarshalText encodes the direction as its String.
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes what MarshalText encodes.
func (d *Direction) UnmarshalText(b []byte) error {
	switch string(b) {
	case "user->kernel":
		*d = ToKernel
	case "kernel->user":
		*d = ToUser
	default:
		return fmt.Errorf("decode: unknown direction %q", b)
	}
	return nil
}

// Message is one decoded netlink message.
type Message struct {
	Direction Direction `json:"direction"`
	// Family names the netlink protocol ("route", "generic", ...).
	Family   string `json:"family"`
	Protocol uint16 `json:"protocol"`
	// Type names nlmsg_type ("RTM_NEWLINK", "NLMSG_ERROR", ...).
	Type    string `json:"type"`
	TypeNum uint16 `json:"type_num"`
	// Flags names the nlmsg_flags bits, with the meaning the message type
	// gives them; bits without a name appear in hex.
	Flags    []string `json:"flags,omitempty"`
	FlagBits uint16   `json:"flag_bits"`
	Seq      uint32   `json:"seq"`
	PortID   uint32   `json:"port_id"`
	Len      uint32   `json:"len"`

	Link  *Link  `json:"link,omitempty"`
	Error *Error `json:"error,omitempty"`
	Done  *Done  `json:"done,omitempty"`
	Genl  *Genl  `json:"genl,omitempty"`
}

// Link is the essentials of an RTM_{NEW,DEL,GET,SET}LINK message: its
// struct ifinfomsg and the attributes people look at.
type Link struct {
	Index    int32    `json:"ifindex"`
	DevType  uint16   `json:"dev_type"`
	Flags    []string `json:"ifi_flags,omitempty"`
	FlagBits uint32   `json:"ifi_flag_bits"`
	Change   uint32   `json:"ifi_change"`
	Name     string   `json:"ifname,omitempty"`
	MTU      *uint32  `json:"mtu,omitempty"`
	Kind     string   `json:"kind,omitempty"`
	Address  string   `json:"address,omitempty"`
}

// Error is an NLMSG_ERROR: an error or, with errno 0, an ack.
type Error struct {
	// Errno is the positive errno, 0 for an ack.
	Errno int32 `json:"errno"`
	// Name is the errno's name, such as "EINVAL"; empty for an ack.
	Name string `json:"name,omitempty"`
	// Request is the type of the request answered.
	Request    string `json:"request"`
	RequestSeq uint32 `json:"request_seq"`
	// Message is the extended ack text (NLMSGERR_ATTR_MSG).
	Message string `json:"extack_msg,omitempty"`
	// Offset is NLMSGERR_ATTR_OFFS: where in the request the bad
	// attribute starts.
	Offset *uint32 `json:"extack_offset,omitempty"`
}

// Done is an NLMSG_DONE ending a dump.
type Done struct {
	// Errno is the dump's final status as a positive errno, 0 on success.
	Errno int32  `json:"errno"`
	Name  string `json:"name,omitempty"`
}

// Genl is the struct genlmsghdr of a generic netlink message.
type Genl struct {
	Cmd     uint8 `json:"cmd"`
	Version uint8 `json:"version"`
}

// ErrTruncated reports bytes that do not form a whole netlink message.
var ErrTruncated = errors.New("decode: truncated netlink message")

const (
	hdrLen     = 16
	ifinfoLen  = 16
	nlaHdrLen  = 4
	genlHdrLen = 4
	// nlaTypeMask clears NLA_F_NESTED and NLA_F_NET_BYTEORDER.
	nlaTypeMask = 0x3fff
)

func align4(n int) int { return (n + 3) &^ 3 }

// Frame decodes the netlink messages of one captured frame of the given
// netlink protocol (sll_protocol). If the frame ends in bytes that do not
// form a message, the messages before them are returned with
// ErrTruncated.
func Frame(protocol uint16, b []byte) ([]Message, error) {
	var out []Message
	for len(b) > 0 {
		if len(b) < hdrLen {
			return out, ErrTruncated
		}
		l := int(binary.NativeEndian.Uint32(b))
		if l < hdrLen || l > len(b) {
			return out, ErrTruncated
		}
		out = append(out, message(protocol, b[:l]))
		adv := align4(l)
		if adv > len(b) {
			adv = len(b)
		}
		b = b[adv:]
	}
	return out, nil
}

// message decodes one whole message; b holds exactly nlmsg_len bytes.
func message(protocol uint16, b []byte) Message {
	typ := binary.NativeEndian.Uint16(b[4:])
	flags := binary.NativeEndian.Uint16(b[6:])
	m := Message{
		Direction: ToUser,
		Family:    FamilyName(protocol),
		Protocol:  protocol,
		Type:      TypeName(protocol, typ),
		TypeNum:   typ,
		Flags:     FlagNames(protocol, typ, flags),
		FlagBits:  flags,
		Seq:       binary.NativeEndian.Uint32(b[8:]),
		PortID:    binary.NativeEndian.Uint32(b[12:]),
		Len:       uint32(len(b)),
	}
	if flags&unix.NLM_F_REQUEST != 0 {
		m.Direction = ToKernel
	}
	payload := b[hdrLen:]
	switch {
	case typ == unix.NLMSG_ERROR:
		m.Error = decodeError(protocol, flags, payload)
	case typ == unix.NLMSG_DONE:
		m.Done = decodeDone(flags, payload)
	case typ < unix.NLMSG_MIN_TYPE:
	case protocol == unix.NETLINK_ROUTE && typ >= unix.RTM_NEWLINK && typ <= unix.RTM_SETLINK:
		m.Link = decodeLink(payload)
	case protocol == unix.NETLINK_GENERIC && len(payload) >= genlHdrLen:
		m.Genl = &Genl{Cmd: payload[0], Version: payload[1]}
	}
	return m
}

// attrs calls fn for each well-formed attribute of b.
func attrs(b []byte, fn func(typ uint16, data []byte)) {
	for len(b) >= nlaHdrLen {
		l := int(binary.NativeEndian.Uint16(b))
		if l < nlaHdrLen || l > len(b) {
			return
		}
		fn(binary.NativeEndian.Uint16(b[2:])&nlaTypeMask, b[nlaHdrLen:l])
		adv := align4(l)
		if adv > len(b) {
			return
		}
		b = b[adv:]
	}
}

func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func decodeLink(p []byte) *Link {
	if len(p) < ifinfoLen {
		// A legacy dump request carries a 1-byte rtgenmsg only.
		return nil
	}
	l := &Link{
		DevType:  binary.NativeEndian.Uint16(p[2:]),
		Index:    int32(binary.NativeEndian.Uint32(p[4:])),
		FlagBits: binary.NativeEndian.Uint32(p[8:]),
		Change:   binary.NativeEndian.Uint32(p[12:]),
	}
	l.Flags = IfFlagNames(l.FlagBits)
	attrs(p[ifinfoLen:], func(typ uint16, data []byte) {
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = cString(data)
		case unix.IFLA_MTU:
			if len(data) >= 4 {
				v := binary.NativeEndian.Uint32(data)
				l.MTU = &v
			}
		case unix.IFLA_ADDRESS:
			l.Address = hwaddr(data)
		case unix.IFLA_LINKINFO:
			attrs(data, func(typ uint16, data []byte) {
				if typ == unix.IFLA_INFO_KIND {
					l.Kind = cString(data)
				}
			})
		}
	})
	return l
}

func hwaddr(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

func errnoName(e int32) string {
	if e == 0 {
		return ""
	}
	if n := unix.ErrnoName(unix.Errno(e)); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", e)
}

// extack fills the extended ack TLVs of b into e.
func extack(b []byte, e *Error) {
	attrs(b, func(typ uint16, data []byte) {
		switch typ {
		case unix.NLMSGERR_ATTR_MSG:
			e.Message = cString(data)
		case unix.NLMSGERR_ATTR_OFFS:
			if len(data) >= 4 {
				v := binary.NativeEndian.Uint32(data)
				e.Offset = &v
			}
		}
	})
}

func decodeError(protocol uint16, flags uint16, p []byte) *Error {
	if len(p) < 4+hdrLen {
		if len(p) >= 4 {
			e := -int32(binary.NativeEndian.Uint32(p))
			return &Error{Errno: e, Name: errnoName(e)}
		}
		return nil
	}
	e := &Error{Errno: -int32(binary.NativeEndian.Uint32(p))}
	e.Name = errnoName(e.Errno)
	req := p[4 : 4+hdrLen]
	e.Request = TypeName(protocol, binary.NativeEndian.Uint16(req[4:]))
	e.RequestSeq = binary.NativeEndian.Uint32(req[8:])
	if flags&unix.NLM_F_ACK_TLVS != 0 {
		off := 4 + hdrLen
		if flags&unix.NLM_F_CAPPED == 0 {
			// The request's payload is echoed before the TLVs.
			rl := int(binary.NativeEndian.Uint32(req))
			if rl > hdrLen {
				off += align4(rl - hdrLen)
			}
		}
		if off <= len(p) {
			extack(p[off:], e)
		}
	}
	return e
}

func decodeDone(flags uint16, p []byte) *Done {
	d := &Done{}
	if len(p) >= 4 {
		d.Errno = -int32(binary.NativeEndian.Uint32(p))
		d.Name = errnoName(d.Errno)
	}
	return d
}
