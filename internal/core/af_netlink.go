package core

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// This file models net/netlink/af_netlink.c: netlink sockets, port ids,
// multicast groups, unicast and broadcast delivery with receive-buffer
// accounting, netlink_rcv_skb and netlink_ack, dumps, and netlink taps.

// Socket-wide defaults: net.core.{r,w}mem_default and rmem_max.
const (
	sysctlRmemDefault = 212992
	sysctlWmemDefault = 212992
	sysctlRmemMax     = 212992
	sysctlWmemMax     = 212992
	sockMinRcvbuf     = 2048 + 256 // SOCK_MIN_RCVBUF = TCP_SKB_MIN_TRUESIZE
	sockMinSndbuf     = 2 * (2048 + 256)
	// NLMSG_GOODSIZE on x86_64 with 4 KiB pages: SKB_WITH_OVERHEAD(4096).
	NLMSG_GOODSIZE = 4096 - 320
	// nlDumpMaxRecvmsgLen caps max_recvmsg_len: SKB_WITH_OVERHEAD(32 KiB).
	nlDumpMaxRecvmsgLen = 32*1024 - 320
)

// Netlink socket flags (NETLINK_F_* bits of nlk->flags).
const (
	nlfKernelSocket = 1 << iota
	nlfRecvPktinfo
	nlfBroadcastSendError
	nlfRecvNoENOBUFS
	nlfListenAllNSID
	nlfCapAck
	nlfExtAck
	nlfStrictChk
)

// Per-protocol configuration flags (NL_CFG_F_*).
const (
	nlCfgNonrootRecv = 1 << 0
	nlCfgNonrootSend = 1 << 1
)

// nlTable is one protocol's entry of nl_table, per namespace: the sockets
// bound to port ids, the multicast listeners and the kernel socket.
type nlTable struct {
	mu sync.RWMutex
	// ports maps port ids to sockets; reads take no lock, writes hold mu.
	ports   sync.Map // uint32 -> *Sock
	mcList  []*Sock  // sockets with any group, guarded by mu
	kernel  *Sock
	groups  uint32 // number of multicast groups
	cfgFlag int
}

// Sock mirrors struct netlink_sock for user and kernel sockets.
type Sock struct {
	net      *Net
	protocol int
	// input is the kernel socket's netlink_rcv; nil for user sockets.
	input func(skb *SkBuff)
	// capNetAdmin is whether the socket's opener had CAP_NET_ADMIN in the
	// namespace's user namespace (the file credentials netlink_capable checks).
	capNetAdmin bool

	portid   atomic.Uint32
	bound    atomic.Bool
	flags    atomic.Uint32
	groupSet []uint64 // guarded by the table's mu

	mu            sync.Mutex // the receive queue lock
	queue         []*SkBuff  // queue[qhead:] is the receive queue
	qhead         int
	rmemAlloc     int
	rcvbuf        int
	sndbuf        int
	sockErr       unix.Errno
	congested     bool
	drops         uint64
	wake          chan struct{}
	waiters       int
	closed        bool
	closeCh       chan struct{}
	readDeadline  time.Time
	writeDeadline time.Time
	maxRecvmsgLen int

	rtnlShard uint32 // the RTNL read shard this socket's requests take

	cbMu      sync.Mutex // nlk->cb_mutex
	cb        *netlinkCallback
	doneErrno int
}

// IsKernel is netlink_is_kernel.
func (s *Sock) IsKernel() bool { return s.flags.Load()&nlfKernelSocket != 0 }

// Portid is the socket's bound port id (0 until bound).
func (s *Sock) Portid() uint32 { return s.portid.Load() }

// Protocol is sk->sk_protocol.
func (s *Sock) Protocol() int { return s.protocol }

// Net is sock_net(sk).
func (s *Sock) Net() *Net { return s.net }

func (s *Sock) table() *nlTable { return s.net.nl[s.protocol] }

func (s *Sock) hasFlag(f uint32) bool { return s.flags.Load()&f != 0 }

func (s *Sock) setFlag(f uint32, on bool) {
	for {
		old := s.flags.Load()
		n := old &^ f
		if on {
			n |= f
		}
		if s.flags.CompareAndSwap(old, n) {
			return
		}
	}
}

// netlinkKernelCreate is netlink_kernel_create: the kernel's end of a
// protocol in a namespace.
func (n *Net) netlinkKernelCreate(protocol int, groups uint32, cfgFlags int, input func(*SkBuff)) {
	t := &nlTable{groups: groups, cfgFlag: cfgFlags}
	if groups < 32 {
		t.groups = 32
	}
	ks := &Sock{net: n, protocol: protocol, input: input, capNetAdmin: true}
	ks.flags.Store(nlfKernelSocket)
	ks.bound.Store(true)
	t.kernel = ks
	t.ports.Store(uint32(0), ks)
	n.nl[protocol] = t
}

// NetlinkCreate is netlink_create: a new user socket of protocol in the
// namespace. capNetAdmin records the opener's capability.
func (n *Net) NetlinkCreate(protocol int, capNetAdmin bool) (*Sock, error) {
	if protocol < 0 || protocol >= MAX_LINKS {
		return nil, unix.EPROTONOSUPPORT
	}
	if n.dead.Load() {
		return nil, unix.EPROTONOSUPPORT
	}
	t := n.nl[protocol]
	if t == nil {
		return nil, unix.EPROTONOSUPPORT
	}
	s := &Sock{
		net:         n,
		protocol:    protocol,
		capNetAdmin: capNetAdmin,
		rcvbuf:      sysctlRmemDefault,
		sndbuf:      sysctlWmemDefault,
		wake:        make(chan struct{}),
		closeCh:     make(chan struct{}),
		rtnlShard:   n.k.rtnl.nextShard(),
	}
	n.socksMu.Lock()
	if n.dead.Load() {
		n.socksMu.Unlock()
		return nil, unix.EPROTONOSUPPORT
	}
	n.socks[s] = struct{}{}
	n.socksMu.Unlock()
	n.liveSocks.Add(1)
	return s, nil
}

// netlinkAllowed is netlink_allowed: whether the protocol lets
// unprivileged sockets do what flag names, or the socket has CAP_NET_ADMIN.
func (s *Sock) netlinkAllowed(flag int) bool {
	return s.table().cfgFlag&flag != 0 || s.capNetAdmin
}

// Bind is netlink_bind: it binds the socket to portid (0 = autobind) and
// sets its multicast groups to the bitmask groups.
func (s *Sock) Bind(portid uint32, groups uint32) error {
	if s.isClosed() {
		return unix.EBADF
	}
	if groups != 0 && !s.netlinkAllowed(nlCfgNonrootRecv) {
		return unix.EPERM
	}
	if s.bound.Load() {
		if portid != 0 && portid != s.portid.Load() {
			return unix.EINVAL
		}
	} else {
		var err error
		if portid != 0 {
			err = s.netlinkInsert(portid)
		} else {
			err = s.netlinkAutobind()
		}
		if err != nil {
			return err
		}
	}
	t := s.table()
	t.mu.Lock()
	defer t.mu.Unlock()
	if groups == 0 && len(s.groupSet) == 0 {
		return nil
	}
	if err := t.bindCheck(s, groups); err != nil {
		return err
	}
	s.ensureGroupsLocked(t)
	s.groupSet[0] = s.groupSet[0]&^0xffffffff | uint64(groups)
	s.updateListenersLocked(t)
	return nil
}

func (s *Sock) netlinkInsert(portid uint32) error {
	t := s.table()
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.isClosed() {
		return unix.EBADF
	}
	if s.bound.Load() {
		if s.portid.Load() == portid {
			return nil
		}
		return unix.EBUSY
	}
	if _, ok := t.ports.Load(portid); ok {
		return unix.EADDRINUSE
	}
	t.ports.Store(portid, s)
	s.portid.Store(portid)
	s.bound.Store(true)
	return nil
}

// netlinkAutobind is netlink_autobind: the first socket of a process gets
// the process id; later ones get negative ids from a randomised rover.
func (s *Sock) netlinkAutobind() error {
	k := s.net.k
	portid := k.pid
	for {
		err := s.netlinkInsert(portid)
		if err != unix.EADDRINUSE {
			return err
		}
		portid = k.nextRover()
	}
}

func (s *Sock) ensureGroupsLocked(t *nlTable) {
	need := int((t.groups + 63) / 64)
	if len(s.groupSet) < need {
		g := make([]uint64, need)
		copy(g, s.groupSet)
		s.groupSet = g
	}
}

func (s *Sock) updateListenersLocked(t *nlTable) {
	any := false
	for _, w := range s.groupSet {
		if w != 0 {
			any = true
			break
		}
	}
	idx := -1
	for i, l := range t.mcList {
		if l == s {
			idx = i
			break
		}
	}
	switch {
	case any && idx < 0:
		t.mcList = append(t.mcList[:len(t.mcList):len(t.mcList)], s)
	case !any && idx >= 0:
		nl := make([]*Sock, 0, len(t.mcList)-1)
		nl = append(nl, t.mcList[:idx]...)
		t.mcList = append(nl, t.mcList[idx+1:]...)
	}
}

// Groups whose membership needs CAP_NET_ADMIN (rtnetlink_bind).
const (
	rtnlgrpIPv4MrouteR = 30
	rtnlgrpIPv6MrouteR = 31
)

// bindCheck is the protocol's bind callback (rtnetlink_bind for
// NETLINK_ROUTE): the multicast-routing report groups are privileged.
func (t *nlTable) bindCheck(s *Sock, groups uint32) error {
	if s.protocol != NETLINK_ROUTE || s.capNetAdmin {
		return nil
	}
	if groups&(1<<(rtnlgrpIPv4MrouteR-1)|1<<(rtnlgrpIPv6MrouteR-1)) != 0 {
		return unix.EPERM
	}
	return nil
}

// inGroup reports membership of group (1-based); the table lock must be held.
func (s *Sock) inGroup(group uint32) bool {
	g := group - 1
	w := int(g / 64)
	return w < len(s.groupSet) && s.groupSet[w]&(1<<(g%64)) != 0
}

// SetMembership is NETLINK_ADD_MEMBERSHIP / NETLINK_DROP_MEMBERSHIP.
func (s *Sock) SetMembership(group uint32, join bool) error {
	if s.isClosed() {
		return unix.EBADF
	}
	if !s.netlinkAllowed(nlCfgNonrootRecv) {
		return unix.EPERM
	}
	if !s.bound.Load() {
		if err := s.netlinkAutobind(); err != nil {
			return err
		}
	}
	t := s.table()
	if group == 0 || group > t.groups {
		return unix.EINVAL
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.isClosed() {
		return unix.EBADF // closed while we waited: stay out of the list
	}
	if join && group <= 32 {
		if err := t.bindCheck(s, 1<<(group-1)); err != nil {
			return err
		}
	}
	s.ensureGroupsLocked(t)
	g := group - 1
	if join {
		s.groupSet[g/64] |= 1 << (g % 64)
	} else {
		s.groupSet[g/64] &^= 1 << (g % 64)
	}
	s.updateListenersLocked(t)
	return nil
}

// Memberships is NETLINK_LIST_MEMBERSHIPS: the joined groups, 1-based.
func (s *Sock) Memberships() []uint32 {
	t := s.table()
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []uint32
	for w, word := range s.groupSet {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			out = append(out, uint32(w*64+b+1))
			word &^= 1 << b
		}
	}
	return out
}

// SetOption sets one of the boolean SOL_NETLINK options.
func (s *Sock) SetOption(opt int, on bool) error {
	var f uint32
	switch opt {
	case NETLINK_PKTINFO:
		f = nlfRecvPktinfo
	case NETLINK_BROADCAST_ERROR:
		f = nlfBroadcastSendError
	case NETLINK_NO_ENOBUFS:
		f = nlfRecvNoENOBUFS
		if on {
			s.mu.Lock()
			s.congested = false
			s.mu.Unlock()
		}
	case NETLINK_LISTEN_ALL_NSID:
		if !s.capNetAdmin {
			return unix.EPERM
		}
		f = nlfListenAllNSID
	case NETLINK_CAP_ACK:
		f = nlfCapAck
	case NETLINK_EXT_ACK:
		f = nlfExtAck
	case NETLINK_GET_STRICT_CHK:
		f = nlfStrictChk
	case NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP:
		return unix.EINVAL
	default:
		return unix.ENOPROTOOPT
	}
	s.setFlag(f, on)
	return nil
}

// Option reports a boolean SOL_NETLINK option, as getsockopt does.
func (s *Sock) Option(opt int) (bool, error) {
	var f uint32
	switch opt {
	case NETLINK_PKTINFO:
		f = nlfRecvPktinfo
	case NETLINK_BROADCAST_ERROR:
		f = nlfBroadcastSendError
	case NETLINK_NO_ENOBUFS:
		f = nlfRecvNoENOBUFS
	case NETLINK_LISTEN_ALL_NSID:
		f = nlfListenAllNSID
	case NETLINK_CAP_ACK:
		f = nlfCapAck
	case NETLINK_EXT_ACK:
		f = nlfExtAck
	case NETLINK_GET_STRICT_CHK:
		f = nlfStrictChk
	default:
		return false, unix.ENOPROTOOPT
	}
	return s.hasFlag(f), nil
}

// SetRcvbuf is SO_RCVBUF: the value is clamped to rmem_max and doubled.
func (s *Sock) SetRcvbuf(v int) {
	v = min(max(v, 0), sysctlRmemMax)
	s.mu.Lock()
	s.rcvbuf = max(2*v, sockMinRcvbuf)
	s.mu.Unlock()
}

// SetSndbuf is SO_SNDBUF.
func (s *Sock) SetSndbuf(v int) {
	v = min(max(v, 0), sysctlWmemMax)
	s.mu.Lock()
	s.sndbuf = max(2*v, sockMinSndbuf)
	s.mu.Unlock()
}

// Rcvbuf and Sndbuf are SO_RCVBUF / SO_SNDBUF as getsockopt reports them.
func (s *Sock) Rcvbuf() int { s.mu.Lock(); defer s.mu.Unlock(); return s.rcvbuf }
func (s *Sock) Sndbuf() int { s.mu.Lock(); defer s.mu.Unlock(); return s.sndbuf }

// Drops is sk_drops: datagrams lost to a full receive buffer.
func (s *Sock) Drops() uint64 { s.mu.Lock(); defer s.mu.Unlock(); return s.drops }

// SetDeadlines sets the receive and send deadlines (SO_RCVTIMEO/SNDTIMEO as
// absolute times); the zero time means none.
func (s *Sock) SetReadDeadline(t time.Time) {
	s.mu.Lock()
	s.readDeadline = t
	s.wakeLocked()
	s.mu.Unlock()
}

func (s *Sock) SetWriteDeadline(t time.Time) {
	s.mu.Lock()
	s.writeDeadline = t
	s.mu.Unlock()
}

// Sendmsg is netlink_sendmsg: b is one datagram, sent to dstPortid and, when
// dstGroups is non-zero, to the lowest group in that mask.
func (s *Sock) Sendmsg(b []byte, dstPortid uint32, dstGroups uint32) error {
	s.mu.Lock()
	closed, sndbuf := s.closed, s.sndbuf
	s.mu.Unlock()
	if closed {
		return unix.EBADF
	}
	if len(b) == 0 {
		return unix.ENODATA // "Zero length message leads to an empty skb"
	}
	var dstGroup uint32
	if dstGroups != 0 {
		dstGroup = uint32(bits.TrailingZeros32(dstGroups)) + 1
	}
	if (dstGroup != 0 || dstPortid != 0) && !s.netlinkAllowed(nlCfgNonrootSend) {
		return unix.EPERM
	}
	if !s.bound.Load() {
		if err := s.netlinkAutobind(); err != nil {
			return err
		}
	}
	if len(b) > sndbuf-32 {
		return unix.EMSGSIZE
	}
	if err := s.net.k.fail(FailSkbAlloc); err != nil {
		return unix.ENOBUFS
	}
	// A request to the kernel is handled before sendmsg returns, so it
	// can be read where it lies; anything that is queued gets a copy.
	var skb *SkBuff
	if dstGroup != 0 || dstPortid != 0 {
		data := make([]byte, len(b))
		copy(data, b)
		skb = &SkBuff{Data: data}
	} else {
		skb = getSkb(&requestSkbs, false)
		skb.Data = b
	}
	skb.portid, skb.dstGroup, skb.truesize = s.portid.Load(), dstGroup, skbTruesize(len(b))
	if dstGroup != 0 {
		bskb := &SkBuff{Data: skb.Data, portid: skb.portid, dstGroup: dstGroup, truesize: skb.truesize}
		s.net.netlinkBroadcast(s, bskb, dstPortid, dstGroup)
	}
	err := s.net.netlinkUnicast(s, skb, dstPortid, false)
	if dstPortid == 0 {
		skb.release() // the kernel has handled it
		// Work the request queued with no delay (a linkwatch event) has
		// run by the time user space looks again.
		s.net.k.runDueWork()
	}
	return err
}

// netlinkUnicast is netlink_unicast from ssk to the socket bound to portid.
func (n *Net) netlinkUnicast(ssk *Sock, skb *SkBuff, portid uint32, fromKernel bool) error {
	t := n.nl[ssk.protocol]
	if portid == 0 && t.kernel != nil {
		// Port 0 is the kernel socket's for as long as the table lives.
		return n.netlinkUnicastKernel(t.kernel, skb, ssk)
	}
	v, ok := t.ports.Load(portid)
	if !ok {
		return unix.ECONNREFUSED
	}
	sk := v.(*Sock)
	if sk.IsKernel() {
		return n.netlinkUnicastKernel(sk, skb, ssk)
	}
	return sk.attachAndSend(skb, ssk)
}

// netlinkUnicastKernel is netlink_unicast_kernel: the tap sees the request
// before the kernel's input function handles it.
func (n *Net) netlinkUnicastKernel(sk *Sock, skb *SkBuff, ssk *Sock) error {
	if sk.input == nil {
		return unix.ECONNREFUSED
	}
	skb.sk = sk
	if !ssk.IsKernel() {
		n.netlinkDeliverTap(skb)
	}
	// NETLINK_CB(skb).sk: the input function sees the sending socket.
	skb.sk = ssk
	sk.input(skb)
	return nil
}

// attachAndSend is netlink_attachskb followed by netlink_sendskb for a
// unicast delivery to this user socket.
func (s *Sock) attachAndSend(skb *SkBuff, ssk *Sock) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return unix.ECONNREFUSED
	}
	if !s.admitLocked(skb) {
		if ssk == nil || ssk.IsKernel() {
			s.overrunLocked()
		}
		s.mu.Unlock()
		skb.release()
		return unix.EAGAIN
	}
	s.mu.Unlock()
	s.netlinkSendskb(skb)
	return nil
}

// admitLocked charges skb to the receive buffer if it fits, the check of
// netlink_attachskb and netlink_broadcast_deliver.
func (s *Sock) admitLocked(skb *SkBuff) bool {
	rmem := s.rmemAlloc + skb.truesize
	if (rmem == skb.truesize || rmem <= s.rcvbuf) && !s.congested {
		s.rmemAlloc = rmem
		skb.sk = s
		return true
	}
	return false
}

// overrunLocked is netlink_overrun.
func (s *Sock) overrunLocked() {
	if !s.hasFlag(nlfRecvNoENOBUFS) {
		if !s.congested {
			s.congested = true
			s.sockErr = unix.ENOBUFS
			s.wakeLocked()
		}
	}
	s.drops++
}

// netlinkSendskb is __netlink_sendskb: every delivery to a user socket's
// queue passes the namespace's taps first.
func (s *Sock) netlinkSendskb(skb *SkBuff) {
	s.net.netlinkDeliverTap(skb)
	s.mu.Lock()
	if s.closed {
		s.rmemAlloc -= skb.truesize
		s.mu.Unlock()
		skb.release()
		return
	}
	if s.qhead == len(s.queue) {
		s.queue, s.qhead = s.queue[:0], 0
	}
	s.queue = append(s.queue, skb)
	s.wakeLocked()
	s.mu.Unlock()
}

func (s *Sock) wakeLocked() {
	if s.waiters > 0 {
		close(s.wake)
		s.wake = make(chan struct{})
	}
}

// netlinkBroadcast is netlink_broadcast: a copy to every member of group
// except the sender (ssk) and excludePortid.
func (n *Net) netlinkBroadcast(ssk *Sock, skb *SkBuff, excludePortid uint32, group uint32) {
	t := n.nl[ssk.protocol]
	t.mu.RLock()
	var targets []*Sock
	var buf [8]*Sock
	targets = buf[:0]
	for _, sk := range t.mcList {
		if sk == ssk || sk.portid.Load() == excludePortid || group-1 >= t.groups || !sk.inGroup(group) {
			continue
		}
		targets = append(targets, sk)
	}
	t.mu.RUnlock()
	failure := false // p->failure: after a failed clone, every later listener overruns
	for _, sk := range targets {
		copySkb := &SkBuff{Data: skb.Data, portid: skb.portid, dstGroup: group, truesize: skb.truesize}
		sk.mu.Lock()
		if sk.closed {
			sk.mu.Unlock()
			continue
		}
		if failure || n.k.fail(FailSkbClone) != nil {
			failure = true
			sk.overrunLocked()
			sk.mu.Unlock()
			continue
		}
		ok := sk.admitLocked(copySkb)
		if !ok {
			sk.overrunLocked()
		}
		sk.mu.Unlock()
		if ok {
			sk.netlinkSendskb(copySkb)
		}
	}
}

// Recvmsg is netlink_recvmsg. It copies the next datagram into buf and
// returns its full length, the sender's port id and group, and whether it
// was truncated. peek leaves the datagram queued. block waits for data
// until the read deadline.
func (s *Sock) Recvmsg(buf []byte, peek, block bool) (n int, src uint32, group uint32, trunc bool, err error) {
	var c int
	skb, err := s.recv(len(buf), peek, block, func(skb *SkBuff) {
		// Under the queue lock: a peeked skb stays the queue's and may be
		// dequeued and recycled by another reader once the lock is gone.
		c = copy(buf, skb.Data)
		n, src, group = len(skb.Data), skb.portid, skb.dstGroup
	})
	if err != nil {
		return 0, 0, 0, false, err
	}
	if !peek {
		skb.release()
	}
	return n, src, group, c < n, nil
}

// RecvDatagram receives the next datagram whole, as a client that peeks
// its size first and then reads it with a buffer of exactly that size does
// (mdlayher/netlink's Conn). The returned bytes are the caller's.
func (s *Sock) RecvDatagram(block bool) (data []byte, src uint32, group uint32, err error) {
	skb, err := s.recv(-1, false, block, nil)
	if err != nil {
		return nil, 0, 0, err
	}
	data = make([]byte, len(skb.Data))
	copy(data, skb.Data)
	src, group = skb.portid, skb.dstGroup
	skb.release()
	return data, src, group, nil
}

// recv dequeues (or, with peek, looks at) the next datagram; bufLen is the
// reader's buffer length for max_recvmsg_len, -1 for "the datagram's own".
// read, when set, runs on the skb with the queue lock held.
func (s *Sock) recv(bufLen int, peek, block bool, read func(*SkBuff)) (*SkBuff, error) {
	s.mu.Lock()
	for {
		if s.sockErr != 0 {
			e := s.sockErr
			s.sockErr = 0
			s.rcvWakeLocked()
			s.mu.Unlock()
			return nil, e
		}
		if s.qhead < len(s.queue) {
			break
		}
		if s.closed {
			s.mu.Unlock()
			return nil, unix.EBADF
		}
		if !block {
			s.rcvWakeLocked()
			s.mu.Unlock()
			return nil, unix.EAGAIN
		}
		if err := s.waitLocked(); err != nil {
			s.rcvWakeLocked()
			s.mu.Unlock()
			return nil, err
		}
	}
	skb := s.queue[s.qhead]
	if !peek {
		s.queue[s.qhead] = nil
		s.qhead++
		s.rmemAlloc -= skb.truesize
	}
	if read != nil {
		read(skb)
	}
	if bufLen < 0 {
		bufLen = len(skb.Data)
	}
	s.maxRecvmsgLen = min(max(s.maxRecvmsgLen, bufLen), nlDumpMaxRecvmsgLen)
	resume := s.rmemAlloc <= s.rcvbuf/2
	s.mu.Unlock()

	if resume {
		s.cbMu.Lock()
		running := s.cb != nil
		s.cbMu.Unlock()
		if running {
			if e := s.netlinkDump(); e != 0 {
				s.mu.Lock()
				s.sockErr = e
				s.mu.Unlock()
			}
		}
	}
	s.mu.Lock()
	s.rcvWakeLocked()
	s.mu.Unlock()
	return skb, nil
}

// rcvWakeLocked is netlink_rcv_wake: an empty queue ends congestion.
func (s *Sock) rcvWakeLocked() {
	if s.qhead == len(s.queue) {
		s.congested = false
	}
}

// waitLocked blocks until the queue changes, the socket closes or the read
// deadline passes. s.mu is held on entry and exit.
func (s *Sock) waitLocked() error {
	var timeout <-chan time.Time
	if !s.readDeadline.IsZero() {
		d := time.Until(s.readDeadline)
		if d <= 0 {
			return unix.EAGAIN
		}
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	ch := s.wake
	s.waiters++
	s.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-s.closeCh:
	case <-timeout:
		err = unix.EAGAIN
	}
	s.mu.Lock()
	s.waiters--
	return err
}

// Pending reports the number of queued datagrams.
func (s *Sock) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue) - s.qhead
}

func (s *Sock) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close is netlink_release: the socket leaves its port and groups, a
// running dump is finished, and blocked readers wake up.
func (s *Sock) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return unix.EBADF
	}
	s.closed = true
	close(s.closeCh)
	for _, skb := range s.queue[s.qhead:] {
		s.rmemAlloc -= skb.truesize
		skb.release()
	}
	s.queue, s.qhead = nil, 0
	s.mu.Unlock()

	s.cbMu.Lock()
	if cb := s.cb; cb != nil {
		if cb.done != nil {
			cb.done(cb)
		}
		s.cb = nil
	}
	s.cbMu.Unlock()

	t := s.table()
	t.mu.Lock()
	if s.bound.Load() {
		t.ports.CompareAndDelete(s.portid.Load(), s)
	}
	for i := range s.groupSet {
		s.groupSet[i] = 0
	}
	s.updateListenersLocked(t)
	t.mu.Unlock()
	s.net.socksMu.Lock()
	delete(s.net.socks, s)
	s.net.socksMu.Unlock()
	s.net.liveSocks.Add(-1)
	return nil
}

// netlinkCallback mirrors struct netlink_callback: the state of one dump.
type netlinkCallback struct {
	net         *Net
	sk          *Sock // the dumping socket
	dump        func(cb *netlinkCallback, m *nlBuf) int
	done        func(cb *netlinkCallback)
	nlh         []byte // the request message, header included
	portid      uint32
	seq         uint32
	strictCheck bool
	rtnlShard   uint32
	extack      ExtAck
	answerFlags uint16
	finished    bool // rtnl_dumpit cleared cb->data
	family      int  // cb->family: rtnl_dump_all's family being dumped
	data        any
}

// netlinkDumpStart is __netlink_dump_start for the requester of skb.
func (s *Sock) netlinkDumpStart(nlh []byte, portid uint32, dump func(*netlinkCallback, *nlBuf) int, data any) int {
	s.cbMu.Lock()
	if s.isClosed() {
		s.cbMu.Unlock()
		return -int(unix.EBADF)
	}
	if s.cb != nil {
		s.cbMu.Unlock()
		return -int(unix.EBUSY)
	}
	req := make([]byte, len(nlh))
	copy(req, nlh)
	s.cb = &netlinkCallback{
		net:         s.net,
		sk:          s,
		dump:        dump,
		nlh:         req,
		portid:      portid,
		seq:         binary.NativeEndian.Uint32(nlh[8:]),
		strictCheck: s.hasFlag(nlfStrictChk),
		rtnlShard:   s.rtnlShard,
		extack:      newExtAck(),
		data:        data,
	}
	s.doneErrno = 1 << 30
	s.cbMu.Unlock()
	if e := s.netlinkDump(); e != 0 {
		return -int(e)
	}
	return -int(unix.EINTR)
}

// netlinkDump is netlink_dump: it fills one datagram of the running dump
// and queues it; the final NLMSG_DONE ends the dump.
func (s *Sock) netlinkDump() unix.Errno {
	s.cbMu.Lock()
	cb := s.cb
	if cb == nil {
		s.cbMu.Unlock()
		return unix.EINVAL
	}
	s.mu.Lock()
	maxRecv := s.maxRecvmsgLen
	allocSize := NLMSG_GOODSIZE
	if allocSize < maxRecv {
		allocSize = maxRecv
	}
	// The new skb is charged first: it may exceed the buffer only when
	// nothing else is queued.
	ts := skbTruesize(allocSize)
	rmem := s.rmemAlloc + ts
	full := rmem != ts && rmem >= s.rcvbuf
	s.mu.Unlock()
	if full {
		s.cbMu.Unlock()
		return unix.ENOBUFS
	}
	cb.extack = newExtAck() // a fresh netlink_ext_ack for every call
	if s.net.k.fail(FailSkbAlloc) != nil {
		s.cbMu.Unlock()
		return unix.ENOBUFS
	}
	dskb := getSkb(&dumpSkbs, true)
	m := nlBuf{b: dskb.Data, limit: allocSize}
	if s.doneErrno > 0 {
		s.doneErrno = cb.dump(cb, &m)
		if s.doneErrno == -int(unix.EMSGSIZE) && m.len() > 0 {
			s.doneErrno = m.len()
		}
	}
	if s.doneErrno > 0 || allocSize-m.len() < NLMSG_HDRLEN+4 {
		s.cbMu.Unlock()
		dskb.Data = m.b
		s.queueDumpSkb(dskb, allocSize)
		return 0
	}
	// netlink_dump_done
	h := m.putHeader(NLMSG_DONE, NLM_F_MULTI|cb.answerFlags, cb.seq, cb.portid, 4)
	binary.NativeEndian.PutUint32(m.b[h+NLMSG_HDRLEN:], uint32(int32(s.doneErrno)))
	if cb.extack.Msg != "" && s.hasFlag(nlfExtAck) {
		binary.NativeEndian.PutUint16(m.b[h+6:], NLM_F_MULTI|cb.answerFlags|NLM_F_ACK_TLVS)
		netlinkAckTLVFill(&m, cb.nlh, s.doneErrno, &cb.extack)
		m.endMsg(h)
	}
	if cb.done != nil {
		cb.done(cb)
	}
	s.cb = nil
	s.cbMu.Unlock()
	dskb.Data = m.b
	s.queueDumpSkb(dskb, allocSize)
	return 0
}

// queueDumpSkb queues one dump datagram, charged as an skb of allocSize.
func (s *Sock) queueDumpSkb(skb *SkBuff, allocSize int) {
	skb.truesize = skbTruesize(allocSize)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		skb.release()
		return
	}
	s.rmemAlloc += skb.truesize
	skb.sk = s
	s.mu.Unlock()
	s.netlinkSendskb(skb)
}

// netlinkRcvSkb is netlink_rcv_skb: each request in the datagram goes to cb
// and is answered with an error or, on NLM_F_ACK, an ack.
func netlinkRcvSkb(skb *SkBuff, cb func(skb *SkBuff, nlh []byte, extack *ExtAck) int) {
	b := skb.Data
	for len(b) >= NLMSG_HDRLEN {
		skb.cur = len(skb.Data) - len(b)
		l := int(binary.NativeEndian.Uint32(b))
		if l < NLMSG_HDRLEN || len(b) < l {
			return
		}
		nlh := b[:l]
		flags := binary.NativeEndian.Uint16(nlh[6:])
		typ := binary.NativeEndian.Uint16(nlh[4:])
		skb.extack = newExtAck()
		extack := &skb.extack
		err := 0
		if flags&NLM_F_REQUEST != 0 && typ >= NLMSG_MIN_TYPE {
			err = cb(skb, nlh, extack)
		}
		if err != -int(unix.EINTR) && (flags&NLM_F_ACK != 0 || err != 0) {
			netlinkAck(skb, nlh, err, extack)
		}
		adv := nlmsgAlign(l)
		if adv > len(b) {
			adv = len(b)
		}
		b = b[adv:]
	}
}

// netlinkAck is netlink_ack: NLMSG_ERROR carrying err (0 for an ack), the
// request header, the request payload unless capped, and extack TLVs when
// the requester asked for them.
func netlinkAck(in *SkBuff, nlh []byte, err int, extack *ExtAck) {
	ssk := in.sk
	payloadLen := int(binary.NativeEndian.Uint32(nlh)) - NLMSG_HDRLEN
	var flags uint16
	echo := err != 0 && !ssk.hasFlag(nlfCapAck)
	if !echo {
		flags |= NLM_F_CAPPED
	}
	ext := ssk.hasFlag(nlfExtAck) && (extack.Msg != "" || (err != 0 && (extack.BadAttr >= 0 || extack.Policy != nil || extack.MissTyp != 0)))
	if ext {
		flags |= NLM_F_ACK_TLVS
	}
	if ssk.net.k.fail(FailSkbAlloc) != nil {
		ssk.mu.Lock()
		ssk.sockErr = unix.ENOBUFS
		ssk.wakeLocked()
		ssk.mu.Unlock()
		return
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	seq := binary.NativeEndian.Uint32(nlh[8:])
	h := m.putHeader(NLMSG_ERROR, flags, seq, in.portid, sizeofNlmsgerr)
	binary.NativeEndian.PutUint32(m.b[h+NLMSG_HDRLEN:], uint32(int32(err)))
	copy(m.b[h+NLMSG_HDRLEN+4:], nlh[:NLMSG_HDRLEN])
	if echo {
		off := m.zeroed(nlmsgAlign(payloadLen))
		copy(m.b[off:], nlh[NLMSG_HDRLEN:NLMSG_HDRLEN+payloadLen])
	}
	if ext {
		netlinkAckTLVFill(&m, nlh, err, extack)
	}
	m.endMsg(h)
	reply.Data = m.b
	ssk.net.nlmsgUnicastSkb(ssk, reply, in.portid)
}

// netlinkAckTLVFill is netlink_ack_tlv_fill: the message (errors and
// warnings), then for errors the bad attribute's offset, its policy and
// the missing attribute type.
func netlinkAckTLVFill(m *nlBuf, nlh []byte, err int, extack *ExtAck) {
	if extack.Msg != "" {
		m.putString(NLMSGERR_ATTR_MSG, extack.Msg)
	}
	if err == 0 {
		return
	}
	if extack.BadAttr >= 0 && extack.BadAttr < len(nlh) {
		m.putU32(NLMSGERR_ATTR_OFFS, uint32(extack.BadAttr))
	}
	if extack.Policy != nil {
		m.putPolicy(NLMSGERR_ATTR_POLICY, extack.Policy)
	}
	if extack.MissTyp != 0 {
		m.putU32(NLMSGERR_ATTR_MISS_TYPE, extack.MissTyp)
	}
}

// nlmsgUnicastSkb is nlmsg_unicast of a reply built in a pooled skb, which
// returns to its pool once read.
func (n *Net) nlmsgUnicastSkb(ssk *Sock, skb *SkBuff, portid uint32) error {
	t := n.nl[ssk.protocol]
	skb.truesize = skbTruesize(len(skb.Data))
	err := n.netlinkUnicast(t.kernel, skb, portid, true)
	if err == unix.ECONNREFUSED {
		skb.release()
	}
	return err
}

// nlmsgMulticast is nlmsg_notify without NLM_F_ECHO: a broadcast from the
// kernel socket of protocol to group.
func (n *Net) nlmsgMulticast(protocol int, b []byte, excludePortid, group uint32) {
	t := n.nl[protocol]
	n.netlinkBroadcast(t.kernel, &SkBuff{Data: b, truesize: skbTruesize(cap(b))}, excludePortid, group)
}

// HasListeners is netlink_has_listeners.
func (n *Net) HasListeners(protocol int, group uint32) bool {
	t := n.nl[protocol]
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, sk := range t.mcList {
		if sk.inGroup(group) {
			return true
		}
	}
	return false
}
