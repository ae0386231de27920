package net

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// Frame is one frame a device transmitted, as an AF_PACKET socket
// receives it with the sockaddr_ll of recvfrom.
type Frame struct {
	Data []byte
	// Protocol is sll_protocol in host order: the Ethernet type of an
	// Ethernet frame; on an nlmon device the netlink protocol of the
	// message (0 for NETLINK_ROUTE).
	Protocol uint16
	// PktType is sll_pkttype: PACKET_OUTGOING (4) on the transmit path;
	// on receive PACKET_HOST (0), PACKET_BROADCAST (1), PACKET_MULTICAST
	// (2) or PACKET_OTHERHOST (3), from the destination address.
	PktType uint8
	Hatype  uint16 // sll_hatype: the device type, 824 for nlmon
	Ifindex int    // sll_ifindex
	Halen   uint8  // sll_halen: 6 on an Ethernet device, 0 on nlmon
	// Addr is sll_addr: the frame's source address on an Ethernet device.
	Addr [8]byte
	Time time.Time
}

// Capture is a packet socket (AF_PACKET, SOCK_RAW, ETH_P_ALL) bound to one
// device. It is safe for concurrent use.
type Capture struct{ ps *core.PacketSock }

// Capture opens a capture on the named device. Like a real packet socket
// bound to a device that is down, it starts with ENETDOWN pending (returned
// by the first Read) and receives from the moment the device comes up; each
// time the device goes down, Read returns ENETDOWN once.
func (ns *Namespace) Capture(ifname string) (*Capture, error) {
	return ns.capture(ifname, true)
}

func (ns *Namespace) capture(ifname string, capNetRaw bool) (*Capture, error) {
	idx := 0
	if ifname != "" {
		if idx = ns.n.IfindexByName(ifname); idx == 0 {
			return nil, wrapErr("bind", unix.ENODEV)
		}
	}
	ps, err := ns.n.PacketCreate(idx, capNetRaw)
	if err != nil {
		return nil, wrapErr("bind", err)
	}
	return &Capture{ps: ps}, nil
}

// Read returns the next frame, blocking until one arrives or the read
// deadline passes (os.ErrDeadlineExceeded).
func (c *Capture) Read() (Frame, error) {
	f, err := c.ps.Recv(true)
	if err != nil {
		return Frame{}, wrapErr("recvfrom", err)
	}
	return Frame(*f), nil
}

// TryRead returns the next queued frame without blocking; ok is false when
// none is queued. A pending socket error is returned as err.
func (c *Capture) TryRead() (f Frame, ok bool, err error) {
	pf, err := c.ps.Recv(false)
	if err != nil {
		if errors.Is(err, unix.EAGAIN) {
			return Frame{}, false, nil
		}
		return Frame{}, false, wrapErr("recvfrom", err)
	}
	return Frame(*pf), true, nil
}

// SetReadDeadline bounds blocking reads; the zero time removes it.
func (c *Capture) SetReadDeadline(t time.Time) error { c.ps.SetReadDeadline(t); return nil }

// SetReadBuffer is SO_RCVBUF: frames beyond it are dropped and counted.
func (c *Capture) SetReadBuffer(bytes int) error { c.ps.SetRcvbuf(bytes); return nil }

// Stats is PACKET_STATISTICS: frames received and dropped.
func (c *Capture) Stats() (received, dropped uint64) { return c.ps.Stats() }

// Close closes the capture.
func (c *Capture) Close() error { return wrapErr("close", c.ps.Close()) }

// Send transmits frame on the device the capture is bound to, as sendto(2)
// on a SOCK_RAW AF_PACKET socket does (packet_sendmsg, then
// dev_queue_xmit): frame is the whole link-layer frame, Ethernet header
// included. It fails with ENETDOWN when the device is down, EMSGSIZE when
// the frame exceeds the device's MTU plus its link-layer header, and
// ENOBUFS when the device dropped it. The sending socket does not see its
// own frame; other captures on the device do, as PACKET_OUTGOING.
func (c *Capture) Send(frame []byte) error {
	return wrapErr("sendto", c.ps.Sendmsg(frame))
}
