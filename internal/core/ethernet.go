package core

import (
	"bytes"
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file models net/ethernet/eth.c and include/linux/etherdevice.h:
// the Ethernet device defaults, hardware address checks and changes, and
// eth_type_trans on receive.

// Ethernet constants (include/uapi/linux/if_ether.h).
const (
	ETH_ALEN        = 6
	ETH_HLEN        = 14
	ETH_DATA_LEN    = 1500
	ETH_MIN_MTU     = 68
	ETH_MAX_MTU     = 0xffff
	ETH_P_802_3     = 0x0001
	ETH_P_802_2     = 0x0004
	ETH_P_IP        = 0x0800
	ETH_P_ARP       = 0x0806
	ETH_P_8021Q     = 0x8100
	ETH_P_8021AD    = 0x88a8
	ETH_P_IPV6      = 0x86dd
	ETH_P_802_3_MIN = 0x0600
	VLAN_HLEN       = 4
)

// Hardware address assignment types (NET_ADDR_*, dev->addr_assign_type).
const (
	NET_ADDR_PERM   = 0
	NET_ADDR_RANDOM = 1
	NET_ADDR_STOLEN = 2
	NET_ADDR_SET    = 3
)

// EtherSetup is ether_setup: the fields every Ethernet device starts from.
func EtherSetup(dev *NetDevice) {
	dev.HeaderOps = HeaderOpsEth
	dev.Type = ARPHRD_ETHER
	dev.HardHeaderLen = ETH_HLEN
	dev.MinHeaderLen = ETH_HLEN
	dev.MTU = ETH_DATA_LEN
	dev.MinMTU = ETH_MIN_MTU
	dev.MaxMTU = ETH_DATA_LEN
	dev.AddrLen = ETH_ALEN
	dev.TxQueueLen = DEFAULT_TX_QUEUE
	dev.Flags = IFF_BROADCAST | IFF_MULTICAST
	dev.PrivFlags |= IFF_TX_SKB_SHARING
	for i := range ETH_ALEN {
		dev.Broadcast[i] = 0xff
	}
}

// HeaderOps stands for dev->header_ops: which link-layer header a device
// builds and parses.
type HeaderOps uint8

const (
	// HeaderOpsNone is a device without header_ops (nlmon, lo's
	// counterpart in other types): packet sockets see no link-layer
	// address (sll_halen 0).
	HeaderOpsNone HeaderOps = iota
	// HeaderOpsEth is eth_header_ops.
	HeaderOpsEth
)

// IsValidEtherAddr is is_valid_ether_addr: neither multicast nor zero.
func IsValidEtherAddr(a []byte) bool {
	return len(a) >= ETH_ALEN && a[0]&1 == 0 && !allZero(a[:ETH_ALEN])
}

// EthRandomAddr is eth_random_addr: a random unicast, locally
// administered address from the kernel's generator.
func (k *Kernel) EthRandomAddr() [ETH_ALEN]byte {
	var a [ETH_ALEN]byte
	k.rngMu.Lock()
	v := k.rng.Uint64()
	k.rngMu.Unlock()
	for i := range a {
		a[i] = byte(v >> (8 * i))
	}
	a[0] &^= 0x01 // clear the multicast bit
	a[0] |= 0x02  // set the local assignment bit (IEEE 802)
	return a
}

// EthHwAddrRandom is eth_hw_addr_random.
func EthHwAddrRandom(k *Kernel, dev *NetDevice) {
	a := k.EthRandomAddr()
	DevAddrSet(dev, a[:])
	dev.AddrAssignType = NET_ADDR_RANDOM
}

// DevAddrSet is __dev_addr_set / eth_hw_addr_set: the first addr_len
// bytes of addr become dev->dev_addr.
func DevAddrSet(dev *NetDevice, addr []byte) {
	copy(dev.DevAddr[:dev.AddrLen], addr)
	if dev.regState == NETREG_REGISTERED {
		dev.publish()
	}
}

// EthMACAddr is eth_mac_addr, the ndo_set_mac_address of most Ethernet
// drivers: EBUSY for a running device without IFF_LIVE_ADDR_CHANGE,
// EADDRNOTAVAIL for an address that is not a valid unicast one.
func EthMACAddr(dev *NetDevice, addr []byte) error {
	if dev.PrivFlags&IFF_LIVE_ADDR_CHANGE == 0 && dev.running() {
		return unix.EBUSY
	}
	if !IsValidEtherAddr(addr) {
		return unix.EADDRNOTAVAIL
	}
	DevAddrSet(dev, addr)
	return nil
}

// EthValidateAddr is eth_validate_addr, an ndo_validate_addr.
func EthValidateAddr(dev *NetDevice) error {
	if !IsValidEtherAddr(dev.DevAddr[:ETH_ALEN]) {
		return unix.EADDRNOTAVAIL
	}
	return nil
}

// ethTypeTrans is eth_type_trans: the received frame's packet type from
// its destination address, and its protocol. The caller has checked that
// the frame holds an Ethernet header, and set skb.Dev to dev (what
// eth_type_trans does first).
func ethTypeTrans(skb *SkBuff, dev *NetDevice) uint16 {
	snap := dev.Snapshot()
	dst := skb.Data[:ETH_ALEN]
	if !bytes.Equal(dst, snap.Addr[:ETH_ALEN]) {
		if dst[0]&1 != 0 {
			if bytes.Equal(dst, snap.Broadcast[:ETH_ALEN]) {
				skb.PktType = PACKET_BROADCAST
			} else {
				skb.PktType = PACKET_MULTICAST
			}
		} else {
			skb.PktType = PACKET_OTHERHOST
		}
	}
	proto := binary.BigEndian.Uint16(skb.Data[2*ETH_ALEN:])
	if proto >= ETH_P_802_3_MIN {
		return proto
	}
	// Novell's raw 802.3 IPX: an 0xFFFF where the LLC header would be.
	if len(skb.Data) >= ETH_HLEN+2 && skb.Data[ETH_HLEN] == 0xff && skb.Data[ETH_HLEN+1] == 0xff {
		return ETH_P_802_3
	}
	return ETH_P_802_2
}

// ethHeaderParseProtocol is eth_header_parse_protocol.
func ethHeaderParseProtocol(frame []byte) uint16 {
	if len(frame) < ETH_HLEN {
		return 0
	}
	return binary.BigEndian.Uint16(frame[2*ETH_ALEN:])
}
