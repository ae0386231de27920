package core

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Netlink taps (net/netlink/af_netlink.c, include/linux/netlink.h): every
// message a namespace's netlink sockets exchange is copied to each tap
// device's transmit path.

// NetlinkTap mirrors struct netlink_tap: the device whose transmit path
// receives copies, and the module that stays referenced while it is added.
type NetlinkTap struct {
	Dev    *NetDevice
	Module *Module
}

// tapList is struct netlink_tap_net: one namespace's taps. Readers load the
// list without a lock, as under rcu_read_lock; rcu's read side is held for
// a whole delivery so that remove can wait for deliveries in flight, the
// guarantee synchronize_net gives.
type tapList struct {
	lock sync.Mutex                    // netlink_tap_lock: serialises writers
	list atomic.Pointer[[]*NetlinkTap] // newest first, as list_add_rcu leaves it
	rcu  sync.RWMutex
}

// NetlinkAddTap is netlink_add_tap: EINVAL unless the device is
// ARPHRD_NETLINK; otherwise the tap goes to the head of its namespace's list
// and takes a reference on its module.
func NetlinkAddTap(nt *NetlinkTap) error {
	if nt.Dev.Type != ARPHRD_NETLINK {
		return unix.EINVAL
	}
	tl := &nt.Dev.net.taps
	tl.lock.Lock()
	defer tl.lock.Unlock()
	var old []*NetlinkTap
	if p := tl.list.Load(); p != nil {
		old = *p
	}
	nl := make([]*NetlinkTap, 0, len(old)+1)
	nl = append(nl, nt)
	nl = append(nl, old...)
	tl.list.Store(&nl)
	nt.Module.get()
	return nil
}

// NetlinkRemoveTap is netlink_remove_tap: ENODEV when the tap is not on its
// namespace's list. Found or not, it returns only once no delivery that
// could see the tap is still running (synchronize_net).
func NetlinkRemoveTap(nt *NetlinkTap) error {
	tl := &nt.Dev.net.taps
	tl.lock.Lock()
	found := false
	if p := tl.list.Load(); p != nil {
		old := *p
		for i, t := range old {
			if t == nt {
				nl := make([]*NetlinkTap, 0, len(old)-1)
				nl = append(nl, old[:i]...)
				nl = append(nl, old[i+1:]...)
				tl.list.Store(&nl)
				found = true
				break
			}
		}
	}
	tl.lock.Unlock()
	if found {
		nt.Module.put()
	}
	// synchronize_net: wait for readers that may still see the old list.
	tl.rcu.Lock()
	//lint:ignore SA2001 the empty critical section waits out the readers
	tl.rcu.Unlock()
	if !found {
		return unix.ENODEV
	}
	return nil
}

// Taps returns the namespace's taps, newest first.
func (n *Net) Taps() []*NetlinkTap {
	if p := n.taps.list.Load(); p != nil {
		return append([]*NetlinkTap(nil), *p...)
	}
	return nil
}

// netlinkFilterTap is netlink_filter_tap: only these protocols are tapped.
func netlinkFilterTap(protocol int) bool {
	switch protocol {
	case NETLINK_ROUTE, NETLINK_USERSOCK, NETLINK_SOCK_DIAG, NETLINK_NFLOG,
		NETLINK_XFRM, NETLINK_FIB_LOOKUP, NETLINK_NETFILTER, NETLINK_GENERIC:
		return true
	}
	return false
}

// netlinkDeliverTap is netlink_deliver_tap for skb, whose sk is the socket
// it is being delivered to.
func (n *Net) netlinkDeliverTap(skb *SkBuff) {
	p := n.taps.list.Load()
	if p == nil || len(*p) == 0 {
		return
	}
	n.taps.rcu.RLock()
	defer n.taps.rcu.RUnlock()
	if !netlinkFilterTap(skb.sk.protocol) {
		return
	}
	for _, nt := range *n.taps.list.Load() {
		if netlinkDeliverTapSkb(skb, nt.Dev) != 0 {
			break
		}
	}
}

// netlinkDeliverTapSkb is __netlink_deliver_tap_skb: one copy to one tap
// device, its return the transmit result as an errno (0 on success).
func netlinkDeliverTapSkb(skb *SkBuff, dev *NetDevice) int {
	sk := skb.sk
	if dev.net != sk.net {
		return 0
	}
	// dev_hold/dev_put are implied: the device cannot be freed while its
	// tap is listed, and NetlinkRemoveTap waits for this delivery.
	if dev.net.k.fail(FailSkbClone) != nil {
		return -int(unix.ENOMEM)
	}
	// skb_clone: the copy shares the data and is freed when the transmit
	// path is done with it.
	nskb := skb.tapClone()
	nskb.Data, nskb.Dev, nskb.Protocol, nskb.truesize = skb.Data, dev, uint16(sk.protocol), skb.truesize
	if sk.IsKernel() {
		nskb.PktType = PACKET_KERNEL
	} else {
		nskb.PktType = PACKET_USER
	}
	ret := DevQueueXmit(nskb)
	if ret > 0 {
		ret = netXmitErrno(ret)
	}
	return ret
}
