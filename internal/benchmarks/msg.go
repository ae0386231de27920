package benchmarks

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// This file builds the requests the workloads send and reads the replies,
// the same bytes on the model and on the host kernel.

// nlmsg is one netlink message: header and payload, length aligned.
func nlmsg(typ, flags uint16, seq uint32, payload ...[]byte) []byte {
	l := unix.NLMSG_HDRLEN
	for _, p := range payload {
		l += len(p)
	}
	b := make([]byte, unix.NLMSG_HDRLEN, align4(l))
	binary.NativeEndian.PutUint32(b[0:], uint32(l))
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], seq)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b[:align4(len(b))]
}

func align4(n int) int { return (n + 3) &^ 3 }

// ifinfomsg is struct ifinfomsg with AF_UNSPEC.
func ifinfomsg(index int32, flags, change uint32) []byte {
	b := make([]byte, unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	binary.NativeEndian.PutUint32(b[8:], flags)
	binary.NativeEndian.PutUint32(b[12:], change)
	return b
}

// attr is one netlink attribute, padded to 4 bytes.
func attr(typ uint16, data ...[]byte) []byte {
	l := unix.NLA_HDRLEN
	for _, d := range data {
		l += len(d)
	}
	b := make([]byte, 4, align4(l))
	binary.NativeEndian.PutUint16(b[0:], uint16(l))
	binary.NativeEndian.PutUint16(b[2:], typ)
	for _, d := range data {
		b = append(b, d...)
	}
	return b[:align4(len(b))]
}

func cstr(s string) []byte { return append([]byte(s), 0) }

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

// GetlinkReq is `ip link show dev <index>` as a bare RTM_GETLINK: the
// request the unicast workloads send.
func GetlinkReq(index int32) []byte {
	return nlmsg(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, ifinfomsg(index, 0, 0))
}

// GetlinkByNameReq is `ip link show dev NAME`. rtnl_getlink runs the
// device's pending linkwatch event first (linkwatch_sync_dev), so a reply
// means its carrier and qdisc state have settled.
func GetlinkByNameReq(name string) []byte {
	return nlmsg(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 6, ifinfomsg(0, 0, 0), attr(unix.IFLA_IFNAME, cstr(name)))
}

// DumpReq is a link dump request (RTM_GETLINK with NLM_F_DUMP).
func DumpReq() []byte {
	return nlmsg(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 2, ifinfomsg(0, 0, 0))
}

// vethInfoPeer is VETH_INFO_PEER.
const vethInfoPeer = 1

// NewlinkReq is `ip link add NAME [group G] type KIND` with NLM_F_ACK.
// For veth, the peer is NAME+"p".
func NewlinkReq(name, kind string, group uint32) []byte {
	info := [][]byte{attr(unix.IFLA_INFO_KIND, cstr(kind))}
	if kind == "veth" {
		peer := attr(vethInfoPeer, ifinfomsg(0, 0, 0), attr(unix.IFLA_IFNAME, cstr(name+"p")))
		info = append(info, attr(unix.IFLA_INFO_DATA, peer))
	}
	attrs := [][]byte{ifinfomsg(0, 0, 0), attr(unix.IFLA_IFNAME, cstr(name))}
	if group != 0 {
		attrs = append(attrs, attr(unix.IFLA_GROUP, u32(group)))
	}
	attrs = append(attrs, attr(unix.IFLA_LINKINFO, info...))
	return nlmsg(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, 3, attrs...)
}

// SetUpReq is `ip link set NAME up` with NLM_F_ACK.
func SetUpReq(name string) []byte {
	return nlmsg(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 4,
		ifinfomsg(0, unix.IFF_UP, unix.IFF_UP), attr(unix.IFLA_IFNAME, cstr(name)))
}

// DellinkReq is `ip link del NAME` with NLM_F_ACK.
func DellinkReq(name string) []byte {
	return nlmsg(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 5, ifinfomsg(0, 0, 0), attr(unix.IFLA_IFNAME, cstr(name)))
}

// DelGroupReq is `ip link del group G` with NLM_F_ACK: one batch
// unregistration of every device in the group.
func DelGroupReq(group uint32) []byte {
	return nlmsg(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 6, ifinfomsg(0, 0, 0), attr(unix.IFLA_GROUP, u32(group)))
}

// forEachMsg calls fn with the type and payload of each message of a
// datagram.
func forEachMsg(b []byte, fn func(typ uint16, payload []byte) error) error {
	for len(b) >= unix.NLMSG_HDRLEN {
		l := int(binary.NativeEndian.Uint32(b))
		if l < unix.NLMSG_HDRLEN || l > len(b) {
			return fmt.Errorf("malformed datagram: nlmsg_len %d of %d bytes", l, len(b))
		}
		if err := fn(binary.NativeEndian.Uint16(b[4:]), b[unix.NLMSG_HDRLEN:l]); err != nil {
			return err
		}
		b = b[min(align4(l), len(b)):]
	}
	return nil
}

// errnoOf decodes an NLMSG_ERROR payload: nil for an ack.
func errnoOf(payload []byte) error {
	if len(payload) < 4 {
		return fmt.Errorf("short NLMSG_ERROR")
	}
	if e := int32(binary.NativeEndian.Uint32(payload)); e != 0 {
		return unix.Errno(-e)
	}
	return nil
}

// checkNewlink checks that a unicast GETLINK reply is one RTM_NEWLINK.
func checkNewlink(b []byte) error {
	if len(b) < unix.NLMSG_HDRLEN {
		return fmt.Errorf("short reply: %d bytes", len(b))
	}
	switch typ := binary.NativeEndian.Uint16(b[4:]); typ {
	case unix.RTM_NEWLINK:
		return nil
	case unix.NLMSG_ERROR:
		return fmt.Errorf("RTM_GETLINK: %w", errnoOf(b[unix.NLMSG_HDRLEN:]))
	default:
		return fmt.Errorf("RTM_GETLINK: unexpected reply type %d", typ)
	}
}
