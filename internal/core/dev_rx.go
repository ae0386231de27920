package core

// This file models the receive path of net/core/dev.c: netif_rx and
// __netif_receive_skb_core (the packet taps of ptype_all, then the
// protocol handlers of ptype_base), and dev_forward_skb, through which a
// device hands a frame it transmitted to another device's receive path
// (veth). The backlog is not modelled: a frame is received before
// netif_rx returns, where the kernel would receive it in the next softirq.

// Receive return codes (NET_RX_*).
const (
	NET_RX_SUCCESS = 0
	NET_RX_DROP    = 1
)

// NetifRx is netif_rx: the frame in skb (Ethernet header first, its
// protocol and packet type already set, as eth_type_trans leaves them) is
// received on skb.Dev. The skb is the core's afterwards.
func NetifRx(skb *SkBuff) int {
	netifReceiveSkbCore(skb)
	return NET_RX_SUCCESS
}

// netifReceiveSkbCore is __netif_receive_skb_core without XDP, tc ingress,
// VLAN untagging and rx handlers, none of which the model has: the
// namespace's and the device's ETH_P_ALL packet sockets see the frame,
// then the protocol handler of its type; a frame nobody took counts as
// rx_dropped (SKB_DROP_REASON_UNHANDLED_PROTO).
func netifReceiveSkbCore(skb *SkBuff) {
	dev := skb.Dev
	delivered := devDeliverTaps(skb, dev, skb.PktType)
	if ptypeBaseRcv(skb, dev) {
		return
	}
	if !delivered {
		DevCoreStatsRxDroppedInc(dev)
		skb.dropReason(dropUnhandledProto)
		return
	}
	skb.consume()
}

// ptypeBaseRcv stands for the ptype_base handlers the modelled kernel
// registers at boot: ip_rcv, ipv6_rcv and arp_rcv take their frames (the
// IP layer itself is not modelled); IPv4 and IPv6 count a frame for
// another host as rx_otherhost_dropped, as ip_rcv_core and ipv6_rcv_core
// do. It reports whether a handler took the frame.
func ptypeBaseRcv(skb *SkBuff, dev *NetDevice) bool {
	switch skb.Protocol {
	case ETH_P_IP, ETH_P_IPV6:
		if skb.PktType == PACKET_OTHERHOST {
			DevCoreStatsRxOtherhostDroppedInc(dev)
			skb.dropReason(dropOtherhost)
			return true
		}
	case ETH_P_ARP:
	default:
		return false
	}
	skb.consume()
	return true
}

// DevForwardSkb is __dev_forward_skb followed by __netif_rx, what veth's
// transmit does with the peer: the frame must fit the receiving device
// (up, at most its MTU plus link-layer header plus a VLAN tag), else it
// counts as rx_dropped there and NET_RX_DROP is returned. It leaves the
// skb the core's.
func DevForwardSkb(dev *NetDevice, skb *SkBuff) int {
	skb.Dev = dev
	snap := dev.Snapshot()
	if snap.Flags&IFF_UP == 0 || len(skb.Data) > int(snap.MTU)+int(dev.HardHeaderLen)+VLAN_HLEN || len(skb.Data) < ETH_HLEN {
		return netifRxDrop(skb, dev)
	}
	// skb_scrub_packet, then eth_type_trans.
	skb.PktType = PACKET_HOST
	skb.psk = nil
	skb.Protocol = ethTypeTrans(skb, dev)
	return NetifRx(skb)
}

// NetifRxEth is eth_type_trans followed by netif_rx, for a frame a driver
// received or built on dev: a frame without an Ethernet header is
// dropped (rx_dropped) on a device that has header_ops.
func NetifRxEth(dev *NetDevice, skb *SkBuff) int {
	skb.Dev = dev
	skb.psk = nil
	if dev.HeaderOps == HeaderOpsEth {
		if len(skb.Data) < ETH_HLEN {
			return netifRxDrop(skb, dev)
		}
		skb.PktType = PACKET_HOST
		skb.Protocol = ethTypeTrans(skb, dev)
	}
	return NetifRx(skb)
}

// netifRxDrop is the drop of a frame dev cannot receive: counted as
// rx_dropped (dev_core_stats_rx_dropped_inc), freed with kfree_skb.
func netifRxDrop(skb *SkBuff, dev *NetDevice) int {
	DevCoreStatsRxDroppedInc(dev)
	skb.dropReason(dropNotSpecified)
	return NET_RX_DROP
}
