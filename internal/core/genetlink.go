package core

import "golang.org/x/sys/unix"

// This file models the entry of net/netlink/genetlink.c: the NETLINK_GENERIC
// kernel socket. The model registers no generic netlink family, so every
// request names an unknown family, which genl_rcv_msg answers with ENOENT;
// the protocol exists so that taps and capture can be shown on it.

// genlRcv is genl_rcv.
func genlRcv(skb *SkBuff) {
	netlinkRcvSkb(skb, func(skb *SkBuff, nlh []byte, extack *ExtAck) int {
		// genl_rcv_msg: family lookup by nlmsg_type fails.
		return -int(unix.ENOENT)
	})
}
