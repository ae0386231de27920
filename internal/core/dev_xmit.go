package core

import "golang.org/x/sys/unix"

// This file models the transmit path of net/core/dev.c: __dev_queue_xmit
// over the device's transmit queue (noop_qdisc while the device is down
// or without carrier, noqueue for IFF_NO_QUEUE devices, otherwise a real
// qdisc, which the model dequeues at once), dev_hard_start_xmit with the
// packet taps (dev_queue_xmit_nit) and ndo_start_xmit.

// Transmit return codes (enum netdev_tx, NET_XMIT_*).
const (
	NETDEV_TX_OK     = 0x00
	NETDEV_TX_BUSY   = 0x10
	NET_XMIT_SUCCESS = 0x00
	NET_XMIT_DROP    = 0x01
	NET_XMIT_CN      = 0x02
	NET_XMIT_MASK    = 0x0f
)

// DevQueueXmit is __dev_queue_xmit. It returns a NET_XMIT_* code or a
// negative errno; skb is the core's afterwards either way.
func DevQueueXmit(skb *SkBuff) int {
	dev := skb.Dev
	if !dev.txActive.Load() {
		// noop_enqueue
		DevCoreStatsTxDroppedInc(dev)
		skb.dropReason(dropQdiscDrop)
		return NET_XMIT_CN
	}
	if dev.qdisc() != qdiscNoqueue {
		// __dev_xmit_skb: enqueued, then dequeued and transmitted by
		// qdisc_run; the sender learns only that it was queued.
		if devHardStartXmit(skb, dev) >= NET_XMIT_MASK { // !dev_xmit_complete
			// dev_requeue_skb keeps it for the next qdisc run; the
			// model has no queue to keep it in, and drops it.
			skb.dropReason(dropQdiscDrop)
		}
		return NET_XMIT_SUCCESS
	}
	// The noqueue path checks IFF_UP: the queue runs only while the
	// device is up (__dev_close_many deactivates it first).
	rc := devHardStartXmit(skb, dev)
	if rc < NET_XMIT_MASK { // dev_xmit_complete
		return rc
	}
	// "Virtual device %s asks to queue packet!"
	DevCoreStatsTxDroppedInc(dev)
	skb.dropReason(dropRecursionLimit)
	return -int(unix.ENETDOWN)
}

// devHardStartXmit is dev_hard_start_xmit / xmit_one: the taps see the
// frame, then ndo_start_xmit, whose result it returns. A result of
// NET_XMIT_MASK or more (NETDEV_TX_BUSY) means the skb came back to the
// core.
func devHardStartXmit(skb *SkBuff, dev *NetDevice) int {
	devQueueXmitNit(skb, dev)
	if dev.Ops != nil && dev.Ops.StartXmit != nil {
		return dev.Ops.StartXmit(skb, dev)
	}
	skb.consume()
	return NETDEV_TX_OK
}

// netXmitErrno is net_xmit_errno.
func netXmitErrno(e int) int {
	if e != NET_XMIT_CN {
		return -int(unix.ENOBUFS)
	}
	return 0
}
