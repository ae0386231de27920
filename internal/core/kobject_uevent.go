package core

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// This file models the input side of lib/kobject_uevent.c: since Linux
// 4.18 the NETLINK_KOBJECT_UEVENT kernel socket accepts messages from
// user space (uevent_net_rcv) and rebroadcasts them to the namespace's
// uevent listeners, for senders with CAP_SYS_ADMIN.

const (
	ueventGroup      = 1    // the multicast group uevents go to
	ueventBufferSize = 2048 // UEVENT_BUFFER_SIZE
)

// ueventNetRcv is uevent_net_rcv.
func ueventNetRcv(skb *SkBuff) {
	netlinkRcvSkb(skb, func(skb *SkBuff, nlh []byte, extack *ExtAck) int {
		// uevent_net_rcv_skb: the model's privileged sockets stand for
		// CAP_SYS_ADMIN in the namespace's user namespace.
		if !skb.sk.capNetAdmin {
			extack.setMsg("missing CAP_SYS_ADMIN capability")
			return -int(unix.EPERM)
		}
		return ueventNetBroadcast(skb, extack)
	})
}

// ueventNetBroadcast is uevent_net_broadcast: the rest of the datagram
// from the current message on, without its netlink header, followed by
// "SEQNUM=<n>", goes to group 1 from port 0.
func ueventNetBroadcast(skb *SkBuff, extack *ExtAck) int {
	n := skb.sk.net
	seq := "SEQNUM=" + strconv.FormatUint(n.k.ueventSeqnum.Add(1), 10) + "\x00"
	rest := skb.Data[skb.cur:]
	if len(rest)+len(seq) > ueventBufferSize {
		extack.setMsg("uevent message too big")
		return -int(unix.EINVAL)
	}
	data := make([]byte, 0, len(rest)+len(seq)-NLMSG_HDRLEN)
	data = append(data, rest[NLMSG_HDRLEN:]...)
	data = append(data, seq...)
	t := n.nl[NETLINK_KOBJECT_UEVENT]
	n.netlinkBroadcast(t.kernel, &SkBuff{Data: data, dstGroup: ueventGroup, truesize: skbTruesize(len(data))}, 0, ueventGroup)
	return 0
}

// The output side of lib/kobject_uevent.c for network devices
// (net/core/net-sysfs.c): a device's kobject and its queues' announce
// themselves when they appear, move or go, to the uevent listeners (group
// 1) of the device's own namespace, a network device's kobject being
// tagged with it (kobject_uevent_net_broadcast). Every uevent takes the
// next SEQNUM, heard or not; a dying namespace's devices send none.

// Kobject actions (enum kobject_action).
type kobjAction uint8

const (
	kobjAdd kobjAction = iota
	kobjRemove
	kobjMove
)

func (a kobjAction) String() string { return [...]string{"add", "remove", "move"}[a] }

// netdevDevpath is the sysfs path of a network device without a parent,
// named name.
func netdevDevpath(name string) string { return "/devices/virtual/net/" + name }

// netdevUevent is kobject_uevent for the device's kobject: ACTION,
// DEVPATH, SUBSYSTEM, then the extra variables, then netdev_uevent's
// INTERFACE and IFINDEX.
func netdevUevent(dev *NetDevice, action kobjAction, extra ...string) {
	vars := append([]string{"SUBSYSTEM=net"}, extra...)
	vars = append(vars, "INTERFACE="+dev.name, "IFINDEX="+strconv.Itoa(dev.ifindex))
	kobjectUevent(dev.net, action, netdevDevpath(dev.name), vars)
}

// queueUevent is kobject_uevent for one of the device's queue kobjects
// (kind "rx" or "tx"): its kset, "queues", names the subsystem.
func queueUevent(dev *NetDevice, kind string, i uint32, action kobjAction) {
	path := netdevDevpath(dev.name) + "/queues/" + kind + "-" + strconv.FormatUint(uint64(i), 10)
	kobjectUevent(dev.net, action, path, []string{"SUBSYSTEM=queues"})
}

// updateQueueKobjects is netdev_queue_update_kobjects /
// net_rx_queue_update_kobjects: the device's kind ("rx" or "tx") of queue
// kobjects go from old to n, new ones added in order, surplus ones
// removed highest first.
func updateQueueKobjects(dev *NetDevice, kind string, old, n uint32) {
	for i := old; i < n; i++ {
		queueUevent(dev, kind, i, kobjAdd)
	}
	for i := old; i > n; i-- {
		queueUevent(dev, kind, i-1, kobjRemove)
	}
}

// registerQueueKobjects is register_queue_kobjects: rx-N then tx-N.
func registerQueueKobjects(dev *NetDevice) {
	updateQueueKobjects(dev, "rx", 0, dev.realNumRxQueues)
	updateQueueKobjects(dev, "tx", 0, dev.realNumTxQueues)
}

// netdevUnregisterKobject is netdev_unregister_kobject: the queues go,
// highest first, then the device.
func netdevUnregisterKobject(dev *NetDevice) {
	updateQueueKobjects(dev, "rx", dev.realNumRxQueues, 0)
	updateQueueKobjects(dev, "tx", dev.realNumTxQueues, 0)
	netdevUevent(dev, kobjRemove)
}

// netdevRenameUevent is the uevent of device_rename: "move" at the new
// path, with the old one.
func netdevRenameUevent(dev *NetDevice, oldName string) {
	netdevUevent(dev, kobjMove, "DEVPATH_OLD="+netdevDevpath(oldName))
}

// kobjectUevent is kobject_uevent_env and uevent_net_broadcast_tagged:
// "ACTION@DEVPATH", then ACTION, DEVPATH, vars and SEQNUM, each
// NUL-terminated, to n's uevent listeners.
func kobjectUevent(n *Net, action kobjAction, devpath string, vars []string) {
	if n.dead.Load() {
		return // !check_net: the kobject's uevents are suppressed
	}
	k := n.k
	seq := k.ueventSeqnum.Add(1)
	if !n.HasListeners(NETLINK_KOBJECT_UEVENT, ueventGroup) {
		return
	}
	if k.fail(FailSkbAlloc) != nil {
		return // alloc_uevent_skb failed: -ENOMEM, nobody told
	}
	a := action.String()
	b := make([]byte, 0, 128)
	b = append(b, a...)
	b = append(b, '@')
	b = append(b, devpath...)
	b = append(b, 0)
	b = append(b, "ACTION="+a+"\x00DEVPATH="+devpath+"\x00"...)
	for _, v := range vars {
		b = append(b, v...)
		b = append(b, 0)
	}
	b = append(b, "SEQNUM="+strconv.FormatUint(seq, 10)+"\x00"...)
	t := n.nl[NETLINK_KOBJECT_UEVENT]
	n.netlinkBroadcast(t.kernel, &SkBuff{Data: b, dstGroup: ueventGroup, truesize: skbTruesize(len(b))}, 0, ueventGroup)
}
