package core

import (
	"sync"
	"sync/atomic"
)

// SkBuff mirrors the parts of struct sk_buff (include/linux/skbuff.h) the
// model's paths use: the linear data of one datagram or frame, and the
// metadata taps and packet sockets read.
//
// An SkBuff handed to a driver's ndo_start_xmit is owned by the driver until
// it is consumed (dev_kfree_skb) or handed back with NETDEV_TX_BUSY.
type SkBuff struct {
	Data []byte
	// Protocol is skb->protocol in host order: on a netlink tap copy, the
	// netlink protocol of the socket that owns the message.
	Protocol uint16
	// PktType is skb->pkt_type (PACKET_USER or PACKET_KERNEL on tap copies).
	PktType uint8
	Dev     *NetDevice

	sk       *Sock  // skb->sk: the receiving socket once queued
	portid   uint32 // NETLINK_CB(skb).portid: the sender's port id
	dstGroup uint32 // NETLINK_CB(skb).dst_group
	truesize int
	freed    atomic.Bool
	// pool, when set, is where this skb goes back once its last reader is
	// done; keepData says whether its Data buffer goes with it (a reply or
	// dump buffer) or belongs to someone else (a request read in place).
	pool     *sync.Pool
	keepData bool
	// clone is reused for this skb's copies to the taps, one after the
	// other (skb_clone, freed when the tap's transmit returns).
	clone *SkBuff
	// extack is the extended ack of the request being handled, kept here
	// so that netlink_rcv_skb need not allocate one per message.
	extack ExtAck
	// cur is the offset of that request in Data (what skb->data points at
	// after netlink_rcv_skb's pulls).
	cur int
}

// release returns a pooled skb after its last reader is done.
func (skb *SkBuff) release() {
	p := skb.pool
	if p == nil {
		return
	}
	data := skb.Data[:0]
	if !skb.keepData || cap(data) > 2*dumpBufSize {
		data = nil
	}
	*skb = SkBuff{Data: data, clone: skb.clone}
	p.Put(skb)
}

// tapClone returns the skb's clone for one tap delivery, fresh.
func (skb *SkBuff) tapClone() *SkBuff {
	c := skb.clone
	if c == nil {
		c = new(SkBuff)
		skb.clone = c
	} else {
		*c = SkBuff{}
	}
	return c
}

// getSkb takes an skb from p, its Data empty (and, for the buffer pools,
// with room for a reply or a dump datagram).
func getSkb(p *sync.Pool, keepData bool) *SkBuff {
	skb := p.Get().(*SkBuff)
	skb.pool, skb.keepData = p, keepData
	skb.Data = skb.Data[:0]
	return skb
}

// Len is skb->len.
func (skb *SkBuff) Len() int { return len(skb.Data) }

// skbTruesize approximates SKB_TRUESIZE for a linear buffer of size bytes:
// the kmalloc'd data area plus the sk_buff and skb_shared_info overhead that
// socket receive-buffer accounting charges.
func skbTruesize(size int) int {
	const overhead = 256 + 320 // SKB_DATA_ALIGN(sizeof(sk_buff)) + SKB_DATA_ALIGN(sizeof(skb_shared_info))
	return kmallocSize(nlmsgAlign(size)) + overhead
}

// kmallocSize rounds an allocation up to its kmalloc bucket.
func kmallocSize(n int) int {
	switch {
	case n <= 64:
		return 64
	case n <= 96:
		return 96
	case n <= 128:
		return 128
	case n <= 192:
		return 192
	}
	s := 256
	for s < n {
		s <<= 1
	}
	return s
}

// consume is dev_kfree_skb/consume_skb: it marks the buffer freed and
// reports whether it had already been, which would be a double free.
func (skb *SkBuff) consume() bool { return !skb.freed.Swap(true) }
