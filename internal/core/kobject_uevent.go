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
