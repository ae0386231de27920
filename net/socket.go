package net

import (
	"encoding/binary"
	"errors"
	"iter"
	"os"
	"time"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// DialConfig configures a netlink socket. The zero value is a socket of a
// process with CAP_NET_ADMIN, auto-bound, in no multicast group.
type DialConfig struct {
	// Groups is the bind-time multicast group bitmask (sockaddr_nl.nl_groups).
	Groups uint32
	// PID binds the socket to this port id; 0 lets the kernel choose.
	PID uint32
	// Unprivileged opens the socket without CAP_NET_ADMIN.
	Unprivileged bool
}

// Socket is a netlink socket at the byte level: what socket(AF_NETLINK,
// SOCK_RAW, protocol) gives a C program. It is safe for concurrent use.
type Socket struct {
	s  *core.Sock
	ns *Namespace
}

// Socket opens a netlink socket of protocol (unix.NETLINK_ROUTE,
// NETLINK_GENERIC, NETLINK_USERSOCK, NETLINK_KOBJECT_UEVENT) in the
// namespace and binds it. An unmodelled protocol fails with
// EPROTONOSUPPORT.
func (ns *Namespace) Socket(protocol int, cfg *DialConfig) (*Socket, error) {
	if cfg == nil {
		cfg = &DialConfig{}
	}
	s, err := ns.n.NetlinkCreate(protocol, !cfg.Unprivileged)
	if err != nil {
		return nil, wrapErr("socket", err)
	}
	if err := s.Bind(cfg.PID, cfg.Groups); err != nil {
		s.Close()
		return nil, wrapErr("bind", err)
	}
	return &Socket{s: s, ns: ns}, nil
}

// PortID is the socket's port id (nl_pid from getsockname).
func (s *Socket) PortID() uint32 { return s.s.Portid() }

// Send sends one datagram to the kernel (port 0).
func (s *Socket) Send(b []byte) error { return s.SendTo(b, 0, 0) }

// SendTo sends one datagram to a port id and, when groups is non-zero, to
// the lowest multicast group in that mask (sendto with a sockaddr_nl).
func (s *Socket) SendTo(b []byte, portid, groups uint32) error {
	return wrapErr("sendmsg", s.s.Sendmsg(b, portid, groups))
}

// Addr is the sender of a received datagram (sockaddr_nl).
type Addr struct {
	PortID uint32
	Groups uint32 // the group bitmask the datagram was multicast to
}

// Recv flags, as for recvmsg(2).
const (
	MsgPeek     = unix.MSG_PEEK
	MsgTrunc    = unix.MSG_TRUNC
	MsgDontwait = unix.MSG_DONTWAIT
)

// Recv receives one datagram into b, blocking until one arrives or the
// read deadline passes (os.ErrDeadlineExceeded). It returns the number of
// bytes copied.
func (s *Socket) Recv(b []byte) (int, Addr, error) {
	n, from, _, err := s.RecvMsg(b, 0)
	if n > len(b) {
		n = len(b)
	}
	return n, from, err
}

// RecvMsg is recvmsg(2) with flags MsgPeek, MsgTrunc (return the real
// length even when b is shorter) and MsgDontwait. truncated reports that
// the datagram did not fit in b (MSG_TRUNC in msg_flags).
func (s *Socket) RecvMsg(b []byte, flags int) (n int, from Addr, truncated bool, err error) {
	n, src, group, trunc, err := s.s.Recvmsg(b, flags&MsgPeek != 0, flags&MsgDontwait == 0)
	if err != nil {
		if errors.Is(err, unix.EAGAIN) && flags&MsgDontwait != 0 {
			return 0, Addr{}, false, os.NewSyscallError("recvmsg", unix.EAGAIN)
		}
		return 0, Addr{}, false, wrapErr("recvmsg", err)
	}
	from = Addr{PortID: src}
	if group != 0 {
		from.Groups = 1 << (group - 1)
	}
	if flags&MsgTrunc == 0 && n > len(b) {
		n = len(b)
	}
	return n, from, trunc, nil
}

// Pending reports how many datagrams wait in the receive queue.
func (s *Socket) Pending() int { return s.s.Pending() }

// JoinGroup is NETLINK_ADD_MEMBERSHIP.
func (s *Socket) JoinGroup(group uint32) error {
	return wrapErr("setsockopt", s.s.SetMembership(group, true))
}

// LeaveGroup is NETLINK_DROP_MEMBERSHIP.
func (s *Socket) LeaveGroup(group uint32) error {
	return wrapErr("setsockopt", s.s.SetMembership(group, false))
}

// Groups is NETLINK_LIST_MEMBERSHIPS: the joined groups.
func (s *Socket) Groups() []uint32 { return s.s.Memberships() }

// SetOption sets a boolean SOL_NETLINK option (unix.NETLINK_CAP_ACK,
// NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_NO_ENOBUFS,
// NETLINK_BROADCAST_ERROR, NETLINK_PKTINFO, NETLINK_LISTEN_ALL_NSID).
func (s *Socket) SetOption(option int, on bool) error {
	return wrapErr("setsockopt", s.s.SetOption(option, on))
}

// Option reads a boolean SOL_NETLINK option.
func (s *Socket) Option(option int) (bool, error) {
	v, err := s.s.Option(option)
	return v, wrapErr("getsockopt", err)
}

// SetReadBuffer is SO_RCVBUF: the kernel doubles the value, within
// net.core.rmem_max.
func (s *Socket) SetReadBuffer(bytes int) error { s.s.SetRcvbuf(bytes); return nil }

// ReadBuffer is SO_RCVBUF as getsockopt reports it.
func (s *Socket) ReadBuffer() (int, error) { return s.s.Rcvbuf(), nil }

// SetWriteBuffer is SO_SNDBUF.
func (s *Socket) SetWriteBuffer(bytes int) error { s.s.SetSndbuf(bytes); return nil }

// WriteBuffer is SO_SNDBUF as getsockopt reports it.
func (s *Socket) WriteBuffer() (int, error) { return s.s.Sndbuf(), nil }

// Drops is the number of datagrams lost to a full receive buffer.
func (s *Socket) Drops() uint64 { return s.s.Drops() }

// SetReadDeadline bounds blocking receives; the zero time removes it.
func (s *Socket) SetReadDeadline(t time.Time) error { s.s.SetReadDeadline(t); return nil }

// SetWriteDeadline is accepted for symmetry: sends never block.
func (s *Socket) SetWriteDeadline(t time.Time) error { s.s.SetWriteDeadline(t); return nil }

// SetDeadline sets both deadlines.
func (s *Socket) SetDeadline(t time.Time) error {
	s.s.SetReadDeadline(t)
	s.s.SetWriteDeadline(t)
	return nil
}

// Close closes the socket; a blocked receive returns.
func (s *Socket) Close() error { return wrapErr("close", s.s.Close()) }

// Dial opens a netlink socket of protocol in the namespace and returns it
// as a *netlink.Conn of github.com/mdlayher/netlink, so existing netlink
// clients run unchanged against the model. The Conn supports JoinGroup,
// LeaveGroup, SetOption, deadlines and buffer sizes; SetBPF is not
// modelled.
func (ns *Namespace) Dial(protocol int, cfg *DialConfig) (*netlink.Conn, error) {
	s, err := ns.Socket(protocol, cfg)
	if err != nil {
		return nil, err
	}
	return netlink.NewConn(&connSocket{s: s}, s.PortID()), nil
}

// connSocket adapts a Socket to the netlink.Socket interface and the
// optional capabilities netlink.Conn looks for.
type connSocket struct{ s *Socket }

func (c *connSocket) Close() error { return c.s.Close() }

func (c *connSocket) Send(m netlink.Message) error {
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return c.s.Send(b)
}

func (c *connSocket) SendMessages(ms []netlink.Message) error {
	var buf []byte
	for _, m := range ms {
		b, err := m.MarshalBinary()
		if err != nil {
			return err
		}
		buf = append(buf, b...)
	}
	return c.s.Send(buf)
}

func (c *connSocket) Receive() ([]netlink.Message, error) {
	var out []netlink.Message
	for m, err := range c.ReceiveIter() {
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReceiveIter yields the messages of one datagram, as the Linux Conn does.
func (c *connSocket) ReceiveIter() iter.Seq2[netlink.Message, error] {
	return func(yield func(netlink.Message, error) bool) {
		b, _, _, err := c.s.s.RecvDatagram(true)
		if err != nil {
			yield(netlink.Message{}, wrapErr("recvmsg", err))
			return
		}
		for len(b) >= unix.NLMSG_HDRLEN {
			l := int(binary.NativeEndian.Uint32(b))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				yield(netlink.Message{}, errors.New("netlink message length mismatch"))
				return
			}
			m := netlink.Message{
				Header: netlink.Header{
					Length:   uint32(l),
					Type:     netlink.HeaderType(binary.NativeEndian.Uint16(b[4:])),
					Flags:    netlink.HeaderFlags(binary.NativeEndian.Uint16(b[6:])),
					Sequence: binary.NativeEndian.Uint32(b[8:]),
					PID:      binary.NativeEndian.Uint32(b[12:]),
				},
				Data: b[unix.NLMSG_HDRLEN:l:l],
			}
			if !yield(m, nil) {
				return
			}
			adv := (l + 3) &^ 3
			if adv > len(b) {
				adv = len(b)
			}
			b = b[adv:]
		}
	}
}

func (c *connSocket) JoinGroup(group uint32) error  { return c.s.JoinGroup(group) }
func (c *connSocket) LeaveGroup(group uint32) error { return c.s.LeaveGroup(group) }

func (c *connSocket) SetDeadline(t time.Time) error      { return c.s.SetDeadline(t) }
func (c *connSocket) SetReadDeadline(t time.Time) error  { return c.s.SetReadDeadline(t) }
func (c *connSocket) SetWriteDeadline(t time.Time) error { return c.s.SetWriteDeadline(t) }

func (c *connSocket) SetReadBuffer(n int) error  { return c.s.SetReadBuffer(n) }
func (c *connSocket) SetWriteBuffer(n int) error { return c.s.SetWriteBuffer(n) }
func (c *connSocket) ReadBuffer() (int, error)   { return c.s.ReadBuffer() }
func (c *connSocket) WriteBuffer() (int, error)  { return c.s.WriteBuffer() }

// SetOption maps mdlayher's ConnOption to the SOL_NETLINK option.
func (c *connSocket) SetOption(option netlink.ConnOption, enable bool) error {
	var o int
	switch option {
	case netlink.PacketInfo:
		o = unix.NETLINK_PKTINFO
	case netlink.BroadcastError:
		o = unix.NETLINK_BROADCAST_ERROR
	case netlink.NoENOBUFS:
		o = unix.NETLINK_NO_ENOBUFS
	case netlink.ListenAllNSID:
		o = unix.NETLINK_LISTEN_ALL_NSID
	case netlink.CapAcknowledge:
		o = unix.NETLINK_CAP_ACK
	case netlink.ExtendedAcknowledge:
		o = unix.NETLINK_EXT_ACK
	case netlink.GetStrictCheck:
		o = unix.NETLINK_GET_STRICT_CHK
	default:
		return os.NewSyscallError("setsockopt", unix.ENOPROTOOPT)
	}
	return c.s.SetOption(o, enable)
}
