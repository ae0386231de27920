package core

// This file models drivers/net/loopback.c: every namespace's lo.

import "golang.org/x/sys/unix"

// loopbackOps is loopback_ops: transmit counts the frame as received.
var loopbackOps = &NetDeviceOps{
	StartXmit: func(skb *SkBuff, dev *NetDevice) int {
		DevLstatsAdd(dev, uint32(skb.Len()))
		skb.consume()
		return NETDEV_TX_OK
	},
	GetStats64: func(dev *NetDevice, st *RtnlLinkStats64) {
		p, b := DevLstatsRead(dev)
		st.RxPackets, st.TxPackets = p, p
		st.RxBytes, st.TxBytes = b, b
	},
	SetMACAddress: ethMACAddr,
}

// ethMACAddr is eth_mac_addr: any valid unicast Ethernet address.
func ethMACAddr(dev *NetDevice, addr []byte) error {
	zero := true
	for _, c := range addr[:6] {
		if c != 0 {
			zero = false
		}
	}
	if zero || addr[0]&1 != 0 {
		return unix.EADDRNOTAVAIL
	}
	copy(dev.DevAddr[:6], addr)
	return nil
}

// loopbackSetup is loopback_setup (gen_lo_setup with mtu 64 KiB).
func loopbackSetup(dev *NetDevice) {
	dev.MTU = 64 * 1024
	dev.HardHeaderLen = 14
	dev.AddrLen = 6
	dev.Type = ARPHRD_LOOPBACK
	dev.Flags = IFF_LOOPBACK
	dev.PrivFlags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE
	dev.Lltx = true
	dev.NetnsImmutable = true
	dev.Features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA
	dev.Ops = loopbackOps
	dev.EthtoolOps = &EthtoolOps{GetLink: func(*NetDevice) uint32 { return 1 }}
	dev.NeedsFreeNetdev = true
	dev.PcpuStatType = NETDEV_PCPU_STAT_LSTATS
	dev.TSOMaxSize = GSO_MAX_SIZE
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
