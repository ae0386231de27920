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
	// Protocol is sll_protocol in host order. On an nlmon device it is the
	// netlink protocol of the message (0 for NETLINK_ROUTE).
	Protocol uint16
	PktType  uint8  // sll_pkttype: 4 (PACKET_OUTGOING) on the transmit path
	Hatype   uint16 // sll_hatype: the device type, 824 for nlmon
	Ifindex  int    // sll_ifindex
	Halen    uint8  // sll_halen
	Time     time.Time
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
