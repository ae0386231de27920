// Package skbuff is the typed socket buffer a driver receives in
// ndo_start_xmit: the Go form of rust/kernel/net/skbuff.rs over the core's
// struct sk_buff (include/linux/skbuff.h).
//
// # Ownership
//
// A *SkBuff handed to a driver's StartXmit
// ([github.com/knetlab/knet/netdevice.Operations]) is owned by the
// driver for the duration of the call, as the Rust SkBuff owns its skb;
// one the driver allocates (netdevice.AllocSkb) or clones ([SkBuff.Clone])
// is its own until it lets it go. The driver ends that ownership exactly
// once:
//
//   - it frees it: [SkBuff.Consume] (consume_skb / dev_kfree_skb: a
//     "consumed" free, the frame did its job) or [SkBuff.Drop] (kfree_skb:
//     a drop, which the kernel's drop statistics count);
//   - it passes it on: netdevice.ForwardSkb or netdevice.NetifRx hand it
//     to a receive path, which owns it from then on;
//   - it returns netdevice.TxOk or netdevice.TxDropped still owning the skb
//     StartXmit got: the binding consumes (or drops) it when StartXmit
//     returns, which is what the Rust SkBuff's Drop does;
//   - it returns netdevice.TxBusy(skb): ownership goes back to the core
//     (NETDEV_TX_BUSY), as the Rust into_raw does.
//
// Once ownership has ended the buffer is gone: every method panics, the way
// a use after free or a double free is a kernel bug. Rust rules these out
// at compile time; Go checks them at run time, so the rule is a tested
// property rather than a convention. A driver must therefore not keep a
// *SkBuff it no longer owns.
package skbuff

import (
	"sync/atomic"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
)

// Ownership states of an SkBuff.
const (
	owned    int32 = iota // the driver owns it
	consumed              // freed with consume_skb or kfree_skb
	returned              // handed back with NETDEV_TX_BUSY
	given                 // passed to the core's receive path
)

// SkBuff mirrors struct sk_buff (include/linux/skbuff.h) as a driver owns
// it: one frame to transmit. See the package documentation for the
// ownership rule. An SkBuff is safe to read from several goroutines while
// it is owned.
type SkBuff struct {
	skb   *core.SkBuff
	state atomic.Int32
}

func init() {
	binding.SkBuff = binding.SkBuffHooks{
		New:    func(skb *core.SkBuff) any { return &SkBuff{skb: skb} },
		Settle: func(s any, outcome int) { s.(*SkBuff).settle(outcome) },
		Take:   func(s any) *core.SkBuff { return s.(*SkBuff).take() },
	}
}

// live panics unless the driver still owns the buffer.
func (s *SkBuff) live(op string) *core.SkBuff {
	switch s.state.Load() {
	case consumed:
		panic("skbuff: " + op + " on a consumed SkBuff (use after dev_kfree_skb)")
	case returned:
		panic("skbuff: " + op + " on an SkBuff handed back with NETDEV_TX_BUSY")
	case given:
		panic("skbuff: " + op + " on an SkBuff passed to the receive path (use after netif_rx)")
	}
	return s.skb
}

// Len is skb->len: the number of bytes in the buffer.
func (s *SkBuff) Len() uint32 { return uint32(s.live("Len").Len()) }

// Data returns a read-only view of the buffer's bytes (skb->data for
// skb->len bytes). The bytes are shared with every other holder of the
// frame, such as the netlink socket the message is queued to, which is why
// the view cannot modify them. The view is valid while the driver owns the
// buffer: using it after StartXmit returns, or after Consume, panics like
// any other use after free; copy the bytes out (Bytes, AppendTo, CopyTo)
// to keep them.
func (s *SkBuff) Data() View { return View{b: s.live("Data").Data, owner: s} }

// Protocol is skb->protocol in host byte order. On a netlink tap's copy it
// is the netlink protocol of the socket that owns the message
// (__netlink_deliver_tap_skb): 0 for NETLINK_ROUTE, 16 for NETLINK_GENERIC.
func (s *SkBuff) Protocol() uint16 { return s.live("Protocol").Protocol }

// PktType is skb->pkt_type: on a netlink tap's copy PACKET_KERNEL (7) for
// a message to a kernel socket, PACKET_USER (6) for one to a user socket.
func (s *SkBuff) PktType() uint8 { return s.live("PktType").PktType }

// Consume frees the buffer as consumed (consume_skb / dev_kfree_skb),
// ending the driver's ownership. Consuming twice panics (a double free).
func (s *SkBuff) Consume() {
	s.end("Consume")
	s.skb.Consume()
}

// Drop frees the buffer as dropped (kfree_skb), ending the driver's
// ownership; the kernel's drop statistics count it. Freeing twice panics.
func (s *SkBuff) Drop() {
	s.end("Drop")
	s.skb.Drop()
}

// Clone is skb_clone: a second SkBuff over the same bytes, owned by the
// caller, which must end its ownership too. It fails with ENOMEM when the
// allocation does (fault injection).
func (s *SkBuff) Clone() (*SkBuff, error) {
	c, err := s.live("Clone").Clone()
	if err != nil {
		return nil, err
	}
	return &SkBuff{skb: c}, nil
}

// end ends ownership for a free, panicking if it had ended already.
func (s *SkBuff) end(op string) {
	if !s.state.CompareAndSwap(owned, consumed) {
		if s.state.Load() == consumed {
			panic("skbuff: double free: " + op + " on a freed SkBuff")
		}
		s.live(op)
	}
}

// take ends ownership because the skb goes to the core.
func (s *SkBuff) take() *core.SkBuff {
	if !s.state.CompareAndSwap(owned, given) {
		s.live("passing to the receive path")
	}
	return s.skb
}

// settle ends the driver's ownership when ndo_start_xmit returns.
func (s *SkBuff) settle(outcome int) {
	switch outcome {
	case binding.SettleBusy:
		if !s.state.CompareAndSwap(owned, returned) {
			s.live("NETDEV_TX_BUSY")
		}
	case binding.SettleDropped:
		if s.state.CompareAndSwap(owned, consumed) {
			s.skb.Drop()
		}
	default:
		// NETDEV_TX_OK: the Rust SkBuff's Drop, unless the driver freed
		// the skb or passed it on.
		if s.state.CompareAndSwap(owned, consumed) {
			s.skb.Consume()
		}
	}
}

// View is a read-only view of packet bytes, valid while its SkBuff is the
// driver's.
type View struct {
	b     []byte
	owner *SkBuff
}

// bytes returns the viewed bytes, panicking once the buffer is freed.
func (v View) bytes(op string) []byte {
	if v.owner != nil {
		v.owner.live("View." + op)
	}
	return v.b
}

// Len is the number of bytes in the view.
func (v View) Len() int { return len(v.bytes("Len")) }

// At returns the byte at index i; it panics if i is out of range.
func (v View) At(i int) byte { return v.bytes("At")[i] }

// Slice returns the view of bytes [from, to); it panics if the bounds are
// out of range, as slicing does.
func (v View) Slice(from, to int) View {
	return View{b: v.bytes("Slice")[from:to:to], owner: v.owner}
}

// CopyTo copies the view into dst and returns the number of bytes copied,
// as copy does.
func (v View) CopyTo(dst []byte) int { return copy(dst, v.bytes("CopyTo")) }

// Bytes returns a copy of the view's bytes.
func (v View) Bytes() []byte { return append([]byte(nil), v.bytes("Bytes")...) }

// AppendTo appends the view's bytes to dst and returns the result.
func (v View) AppendTo(dst []byte) []byte { return append(dst, v.bytes("AppendTo")...) }
