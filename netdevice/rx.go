package netdevice

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/skbuff"
)

// RxResult is what the receive path returns (NET_RX_SUCCESS, NET_RX_DROP).
type RxResult int

// Receive results.
const (
	RxSuccess RxResult = core.NET_RX_SUCCESS
	RxDrop    RxResult = core.NET_RX_DROP
)

// ForwardSkb is dev_forward_skb (__dev_forward_skb then __netif_rx), what
// veth does with a frame it transmits: the frame, Ethernet header first,
// is received on rcv as if it had arrived there. It fits only if rcv is
// up and the frame within rcv's MTU plus link-layer header plus a VLAN
// tag; otherwise rcv counts it in rx_dropped and RxDrop comes back. The
// packet type comes from the destination address (PACKET_HOST,
// BROADCAST, MULTICAST or OTHERHOST), the protocol from the Ethernet
// type. skb is the core's afterwards, whatever the result: using it
// again panics.
func ForwardSkb(rcv *Device, skb *skbuff.SkBuff) RxResult {
	cskb := binding.SkBuff.Take(skb)
	return RxResult(core.DevForwardSkb(rcv.dev, cskb))
}

// NetifRx is netif_rx on dev for a frame the driver received or built
// (AllocSkb): its packet type and protocol are set as eth_type_trans sets
// them for an Ethernet device (the frame must hold an Ethernet header,
// else it is dropped). skb is the core's afterwards.
func NetifRx(dev *Device, skb *skbuff.SkBuff) RxResult {
	cskb := binding.SkBuff.Take(skb)
	return RxResult(core.NetifRxEth(dev.dev, cskb))
}

// AllocSkb is netdev_alloc_skb plus skb_put_data: a new skb holding a copy
// of data, owned by the caller, for dev. It fails with ENOMEM when the
// allocation does (fault injection).
func AllocSkb(dev *Device, data []byte) (*skbuff.SkBuff, error) {
	cskb, err := core.NewSkb(dev.dev, data)
	if err != nil {
		return nil, err
	}
	return binding.SkBuff.New(cskb).(*skbuff.SkBuff), nil
}
