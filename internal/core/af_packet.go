package core

import (
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// This file models the AF_PACKET side of capture: net/core/dev.c
// dev_queue_xmit_nit and net/packet/af_packet.c packet_rcv for ETH_P_ALL
// sockets, which are the only ones that see a device's transmit path.

// PacketFrame is one captured frame with the sockaddr_ll a packet socket's
// recvfrom reports.
type PacketFrame struct {
	Data []byte
	// Protocol is sll_protocol in host order: for an nlmon device, the
	// netlink protocol of the captured message.
	Protocol uint16
	PktType  uint8   // sll_pkttype: PACKET_OUTGOING on the transmit path
	Hatype   uint16  // sll_hatype: dev->type
	Ifindex  int     // sll_ifindex
	Halen    uint8   // sll_halen: 0 for devices without header_ops
	Addr     [8]byte // sll_addr: the source address, for Ethernet devices
	Time     time.Time
}

// PacketSock mirrors struct packet_sock for a SOCK_RAW socket of protocol
// ETH_P_ALL, bound to one device or to all.
type PacketSock struct {
	net *Net
	// ifindex is the bound device: 0 = all devices; -1 after the device
	// went away. Read on transmit without a lock.
	ifindex atomic.Int64
	running bool // PACKET_SOCK_RUNNING, guarded by the table's mu

	mu      sync.Mutex
	queue   []*PacketFrame
	rmem    int
	rcvbuf  int
	drops   uint64
	packets uint64
	sockErr unix.Errno
	wake    chan struct{}
	waiters int
	closed  bool
	closeCh chan struct{}
	rdl     time.Time
}

// packetTable is one namespace's ETH_P_ALL sockets (net->ptype_all and the
// per-device lists), read locklessly on transmit.
type packetTable struct {
	mu      sync.Mutex
	socks   []*PacketSock // all sockets, guarded by mu
	running atomic.Pointer[[]*PacketSock]
}

func (t *packetTable) publishLocked() {
	var r []*PacketSock
	for _, ps := range t.socks {
		if ps.running {
			r = append(r, ps)
		}
	}
	t.running.Store(&r)
}

// PacketCreate is packet_create + packet_do_bind for ETH_P_ALL: ifindex 0
// captures on every device. Without CAP_NET_RAW it fails with EPERM; an
// unknown device gives ENODEV. A socket bound to a device that is down
// starts with ENETDOWN pending and receives from NETDEV_UP on.
func (n *Net) PacketCreate(ifindex int, capNetRaw bool) (*PacketSock, error) {
	if !capNetRaw {
		return nil, unix.EPERM
	}
	ps := &PacketSock{net: n, rcvbuf: sysctlRmemDefault, wake: make(chan struct{}), closeCh: make(chan struct{})}
	ps.ifindex.Store(int64(ifindex))
	n.k.rtnl.RLock(0)
	defer n.k.rtnl.RUnlock(0)
	if n.dead.Load() {
		return nil, unix.ENODEV
	}
	if ifindex != 0 {
		dev := n.devByIndex[ifindex]
		if dev == nil {
			return nil, unix.ENODEV
		}
		if dev.Flags&IFF_UP != 0 {
			ps.running = true
		} else {
			ps.sockErr = unix.ENETDOWN
		}
	} else {
		ps.running = true
	}
	n.packet.mu.Lock()
	n.packet.socks = append(n.packet.socks, ps)
	n.packet.publishLocked()
	n.packet.mu.Unlock()
	return ps, nil
}

// packetNotifier is packet_notifier for NETDEV_UP, NETDEV_DOWN and
// NETDEV_UNREGISTER: the device's sockets start, stop with ENETDOWN, or
// lose their binding.
func packetNotifier(info *netdevNotifierInfo) error {
	var up, unregister bool
	switch info.event {
	case NETDEV_UP:
		up = true
	case NETDEV_DOWN:
	case NETDEV_UNREGISTER:
		unregister = true
	default:
		return nil
	}
	dev := info.dev
	t := &dev.net.packet
	t.mu.Lock()
	defer t.mu.Unlock()
	changed := false
	for _, ps := range t.socks {
		if ps.ifindex.Load() != int64(dev.ifindex) {
			continue
		}
		switch {
		case up && !ps.running:
			ps.running = true
			changed = true
		case !up && ps.running:
			ps.running = false
			changed = true
			ps.mu.Lock()
			ps.sockErr = unix.ENETDOWN
			ps.wakeLocked()
			ps.mu.Unlock()
		}
		if unregister {
			ps.ifindex.Store(-1)
		}
	}
	if changed {
		t.publishLocked()
	}
	return nil
}

func (t *packetTable) closeAll() {
	t.mu.Lock()
	socks := append([]*PacketSock(nil), t.socks...)
	t.mu.Unlock()
	for _, ps := range socks {
		ps.Close()
	}
}

// devQueueXmitNit is dev_queue_xmit_nit: every running ETH_P_ALL socket of
// the device's namespace bound to it (or to all) gets a copy marked
// PACKET_OUTGOING, except the socket that sent the frame.
func devQueueXmitNit(skb *SkBuff, dev *NetDevice) {
	devDeliverTaps(skb, dev, PACKET_OUTGOING)
}

// devDeliverTaps delivers skb to the namespace's running ETH_P_ALL
// sockets bound to dev or to every device, with pkttype, skipping the
// socket the frame came from (skb_loop_sk). It reports whether any socket
// was a candidate (pt_prev in __netif_receive_skb_core), which decides
// whether an unhandled frame counts as dropped.
func devDeliverTaps(skb *SkBuff, dev *NetDevice, pkttype uint8) bool {
	p := dev.net.packet.running.Load()
	if p == nil {
		return false
	}
	any := false
	ifindex := int64(dev.Snapshot().Ifindex)
	for _, ps := range *p {
		if i := ps.ifindex.Load(); i != 0 && i != ifindex {
			continue
		}
		if ps == skb.psk {
			continue
		}
		any = true
		ps.packetRcv(skb, dev, int(ifindex), pkttype)
	}
	return any
}

// packetRcv is packet_rcv for SOCK_RAW: drop when the receive buffer is
// full, else queue a copy with its sockaddr_ll. ifindex is dev's, as
// devDeliverTaps read it.
func (ps *PacketSock) packetRcv(skb *SkBuff, dev *NetDevice, ifindex int, pkttype uint8) {
	truesize := skbTruesize(len(skb.Data))
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return
	}
	if ps.rmem >= ps.rcvbuf {
		ps.drops++
		return
	}
	data := make([]byte, len(skb.Data))
	copy(data, skb.Data)
	f := &PacketFrame{
		Data:     data,
		Protocol: skb.Protocol,
		PktType:  pkttype,
		Hatype:   dev.Type,
		Ifindex:  ifindex,
		Time:     dev.net.k.wallTime(),
	}
	if dev.HeaderOps == HeaderOpsEth && len(data) >= ETH_HLEN {
		// dev_parse_header: eth_header_parse gives the source address.
		f.Halen = ETH_ALEN
		copy(f.Addr[:], data[ETH_ALEN:2*ETH_ALEN])
	}
	ps.queue = append(ps.queue, f)
	ps.rmem += truesize
	ps.packets++
	ps.wakeLocked()
}

func (ps *PacketSock) wakeLocked() {
	if ps.waiters > 0 {
		close(ps.wake)
		ps.wake = make(chan struct{})
	}
}

// SetRcvbuf is SO_RCVBUF.
func (ps *PacketSock) SetRcvbuf(v int) {
	v = min(max(v, 0), sysctlRmemMax)
	ps.mu.Lock()
	ps.rcvbuf = max(2*v, sockMinRcvbuf)
	ps.mu.Unlock()
}

// SetReadDeadline bounds blocking reads; the zero time means none.
func (ps *PacketSock) SetReadDeadline(t time.Time) {
	ps.mu.Lock()
	ps.rdl = t
	ps.wakeLocked()
	ps.mu.Unlock()
}

// Recv is packet_recvmsg: the next frame, a pending socket error first
// (ENETDOWN when the device went down), EAGAIN at the deadline.
func (ps *PacketSock) Recv(block bool) (*PacketFrame, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for {
		if ps.sockErr != 0 {
			e := ps.sockErr
			ps.sockErr = 0
			return nil, e
		}
		if len(ps.queue) > 0 {
			f := ps.queue[0]
			ps.queue[0] = nil
			ps.queue = ps.queue[1:]
			ps.rmem -= skbTruesize(len(f.Data))
			return f, nil
		}
		if ps.closed {
			return nil, unix.EBADF
		}
		if !block {
			return nil, unix.EAGAIN
		}
		var timeout <-chan time.Time
		if !ps.rdl.IsZero() {
			d := time.Until(ps.rdl)
			if d <= 0 {
				return nil, unix.EAGAIN
			}
			t := time.NewTimer(d)
			timeout = t.C
			defer t.Stop()
		}
		ch := ps.wake
		ps.waiters++
		ps.mu.Unlock()
		var err error
		select {
		case <-ch:
		case <-ps.closeCh:
		case <-timeout:
			err = unix.EAGAIN
		}
		ps.mu.Lock()
		ps.waiters--
		if err != nil {
			return nil, err
		}
	}
}

// Stats is PACKET_STATISTICS: frames queued and frames dropped.
func (ps *PacketSock) Stats() (packets, drops uint64) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.packets, ps.drops
}

// Close is packet_release.
func (ps *PacketSock) Close() error {
	ps.mu.Lock()
	if ps.closed {
		ps.mu.Unlock()
		return unix.EBADF
	}
	ps.closed = true
	close(ps.closeCh)
	ps.queue = nil
	ps.mu.Unlock()
	t := &ps.net.packet
	t.mu.Lock()
	for i, s := range t.socks {
		if s == ps {
			t.socks = append(t.socks[:i:i], t.socks[i+1:]...)
			break
		}
	}
	ps.running = false
	t.publishLocked()
	t.mu.Unlock()
	return nil
}

// Sendmsg is packet_sendmsg (packet_snd) for a SOCK_RAW socket sending
// on the device it is bound to: frame is the whole link-layer frame. The
// checks come in the kernel's order: ENXIO without a device, ENETDOWN when
// it is down, EMSGSIZE above MTU plus link-layer header (plus a VLAN tag's
// room), EINVAL for a frame shorter than the link-layer header; then
// dev_queue_xmit, whose drops are ENOBUFS.
func (ps *PacketSock) Sendmsg(frame []byte) error {
	n := ps.net
	k := n.k
	defer k.runDueWork()
	ps.mu.Lock()
	closed := ps.closed
	ps.mu.Unlock()
	if closed {
		return unix.EBADF
	}
	idx := ps.ifindex.Load()
	k.rtnl.RLock(0)
	dev := n.devByIndex[int(idx)]
	if idx <= 0 || dev == nil {
		k.rtnl.RUnlock(0)
		return unix.ENXIO
	}
	up, mtu, hlen, typ := dev.Flags&IFF_UP != 0, int(dev.MTU), int(dev.HardHeaderLen), dev.Type
	k.rtnl.RUnlock(0)
	if !up {
		return unix.ENETDOWN
	}
	if len(frame) > mtu+hlen+VLAN_HLEN {
		return unix.EMSGSIZE
	}
	if k.fail(FailSkbAlloc) != nil {
		return unix.ENOBUFS
	}
	// dev_validate_header: shorter than the link-layer header is invalid,
	// since no modelled header_ops has a validate callback.
	if len(frame) == 0 || len(frame) < hlen {
		return unix.EINVAL
	}
	if len(frame) > mtu+hlen && !(typ == ARPHRD_ETHER && ethHeaderParseProtocol(frame) == ETH_P_8021Q) {
		return unix.EMSGSIZE // packet_extra_vlan_len_allowed
	}
	data := make([]byte, len(frame))
	copy(data, frame)
	skb := &SkBuff{Data: data, Dev: dev, psk: ps, truesize: skbTruesize(len(data))}
	if dev.HeaderOps == HeaderOpsEth {
		skb.Protocol = ethHeaderParseProtocol(data) // packet_parse_headers
	}
	rc := DevQueueXmit(skb)
	if rc > 0 {
		rc = netXmitErrno(rc)
	}
	if rc < 0 {
		return unix.Errno(-rc)
	}
	return nil
}
