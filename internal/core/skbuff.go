package core

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
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

	sk       *Sock       // skb->sk: the receiving socket once queued
	psk      *PacketSock // skb->sk of a frame a packet socket sent
	portid   uint32      // NETLINK_CB(skb).portid: the sender's port id
	dstGroup uint32      // NETLINK_CB(skb).dst_group
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
// reports whether it had not been already (a second free is a bug).
func (skb *SkBuff) consume() bool { return !skb.freed.Swap(true) }

// Consume is consume_skb for an skb a driver is done with.
func (skb *SkBuff) Consume() { skb.consume() }

// Drop is kfree_skb: the skb is freed as dropped, counted in the kernel's
// drop statistics (SKB_DROP_REASON_NOT_SPECIFIED).
func (skb *SkBuff) Drop() { skb.dropReason(dropNotSpecified) }

// dropReason is kfree_skb_reason: free skb as a drop of that reason,
// which the kernel's drop statistics count (what the skb:kfree_skb
// tracepoint and drop_monitor report).
func (skb *SkBuff) dropReason(r DropReason) {
	if skb.consume() && skb.Dev != nil {
		skb.Dev.net.k.drops[r].Add(1)
	}
}

// DropReason is enum skb_drop_reason, for the reasons the model gives.
type DropReason uint8

const (
	dropNotSpecified   DropReason = iota // SKB_DROP_REASON_NOT_SPECIFIED
	dropUnhandledProto                   // SKB_DROP_REASON_UNHANDLED_PROTO
	dropOtherhost                        // SKB_DROP_REASON_OTHERHOST
	dropQdiscDrop                        // SKB_DROP_REASON_QDISC_DROP
	dropRecursionLimit                   // SKB_DROP_REASON_RECURSION_LIMIT
	numDropReasons
)

// String is the reason's name without its SKB_DROP_REASON_ prefix, as
// drop_monitor and the tracepoint print it.
func (r DropReason) String() string {
	return [...]string{"NOT_SPECIFIED", "UNHANDLED_PROTO", "OTHERHOST", "QDISC_DROP", "RECURSION_LIMIT"}[r]
}

// Drops returns how many skbs the kernel dropped, by reason.
func (k *Kernel) Drops() map[DropReason]uint64 {
	out := make(map[DropReason]uint64)
	for r := range numDropReasons {
		if v := k.drops[r].Load(); v != 0 {
			out[r] = v
		}
	}
	return out
}

// NewSkb is alloc_skb + skb_put_data for a frame a driver builds itself
// (netdev_alloc_skb): a copy of data, ENOMEM when the allocation fails.
func NewSkb(dev *NetDevice, data []byte) (*SkBuff, error) {
	if dev.net.k.fail(FailSkbAlloc) != nil {
		return nil, unix.ENOMEM
	}
	b := make([]byte, len(data))
	copy(b, data)
	return &SkBuff{Data: b, Dev: dev, truesize: skbTruesize(len(b))}, nil
}

// Clone is skb_clone: a second skb over the same bytes, ENOMEM when the
// allocation fails. The bytes are shared: neither may change them.
func (skb *SkBuff) Clone() (*SkBuff, error) {
	if skb.Dev != nil && skb.Dev.net.k.fail(FailSkbClone) != nil {
		return nil, unix.ENOMEM
	}
	return &SkBuff{Data: skb.Data, Protocol: skb.Protocol, PktType: skb.PktType, Dev: skb.Dev, truesize: skb.truesize}, nil
}
