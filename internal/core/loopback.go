package core

// This file models drivers/net/loopback.c: every namespace's lo.

// loopbackOps is loopback_ops: transmit turns the frame around into the
// receive path (loopback_xmit) and counts it there.
var loopbackOps = &NetDeviceOps{
	StartXmit: func(skb *SkBuff, dev *NetDevice) int {
		skb.psk = nil // skb_orphan
		if len(skb.Data) < ETH_HLEN {
			DevCoreStatsRxDroppedInc(dev)
			skb.dropReason(dropNotSpecified)
			return NETDEV_TX_OK
		}
		skb.PktType = PACKET_HOST
		skb.Protocol = ethTypeTrans(skb, dev)
		n := len(skb.Data)
		if NetifRx(skb) == NET_RX_SUCCESS {
			DevLstatsAdd(dev, uint32(n))
		}
		return NETDEV_TX_OK
	},
	GetStats64: func(dev *NetDevice, st *RtnlLinkStats64) {
		p, b := DevLstatsRead(dev)
		st.RxPackets, st.TxPackets = p, p
		st.RxBytes, st.TxBytes = b, b
	},
	SetMACAddress: EthMACAddr,
}

// NetifKeepDst is netif_keep_dst: the device keeps skb->dst on transmit.
func NetifKeepDst(dev *NetDevice) {
	dev.PrivFlags &^= IFF_XMIT_DST_RELEASE | IFF_XMIT_DST_RELEASE_PERM
}

// loopbackSetup is loopback_setup (gen_lo_setup with mtu 64 KiB).
func loopbackSetup(dev *NetDevice) {
	dev.MTU = 64 * 1024
	dev.HardHeaderLen = ETH_HLEN
	dev.MinHeaderLen = ETH_HLEN
	dev.AddrLen = ETH_ALEN
	dev.Type = ARPHRD_LOOPBACK
	dev.Flags = IFF_LOOPBACK
	dev.PrivFlags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE
	dev.Lltx = true
	dev.NetnsImmutable = true
	NetifKeepDst(dev)
	dev.HwFeatures = NETIF_F_GSO_SOFTWARE
	dev.Features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE | NETIF_F_HW_CSUM |
		NETIF_F_RXCSUM | NETIF_F_SCTP_CRC | NETIF_F_HIGHDMA | NETIF_F_VLAN_CHALLENGED | NETIF_F_LOOPBACK
	dev.HeaderOps = HeaderOpsEth
	dev.Ops = loopbackOps
	dev.EthtoolOps = &EthtoolOps{GetLink: func(*NetDevice) uint32 { return 1 }}
	dev.NeedsFreeNetdev = true
	dev.PcpuStatType = NETDEV_PCPU_STAT_LSTATS
	NetifSetTSOMaxSize(dev, GSO_MAX_SIZE)
}

// loopbackNetInit is loopback_net_init: lo, ifindex 1, in every namespace.
func loopbackNetInit(n *Net) error {
	dev, err := AllocNetdev(n.k, nil, "lo", NET_NAME_PREDICTABLE, loopbackSetup, 1, 1)
	if err != nil {
		return err
	}
	dev.ifindex = 1
	if err := n.RegisterNetdevice(dev); err != nil {
		return err
	}
	n.loopback = dev
	return nil
}
