package core

import "golang.org/x/sys/unix"

// This file models the input side of lib/kobject_uevent.c: since Linux
// 4.18 the NETLINK_KOBJECT_UEVENT kernel socket accepts messages from
// user space (uevent_net_rcv) and rebroadcasts them to the namespace's
// uevent listeners, for senders with CAP_SYS_ADMIN.

// ueventGroup is the multicast group uevents go to (1).
const ueventGroup = 1

// ueventNetRcv is uevent_net_rcv.
func ueventNetRcv(skb *SkBuff) {
	netlinkRcvSkb(skb, func(skb *SkBuff, nlh []byte, extack *ExtAck) int {
		// uevent_net_rcv_skb: the model's privileged sockets stand for
		// CAP_SYS_ADMIN in the namespace's user namespace.
		if !skb.sk.capNetAdmin {
			extack.setMsg("missing CAP_SYS_ADMIN capability")
			return -int(unix.EPERM)
		}
		n := skb.sk.net
		t := n.nl[NETLINK_KOBJECT_UEVENT]
		data := append([]byte(nil), skb.Data...)
		n.netlinkBroadcast(t.kernel, &SkBuff{Data: data, truesize: skbTruesize(len(data))}, 0, ueventGroup)
		return 0
	})
}
