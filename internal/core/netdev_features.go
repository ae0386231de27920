package core

// This file holds include/linux/netdev_features.h: the feature bits of a
// net_device (netdev_features_t), and the private flags of enum
// netdev_priv_flags (include/linux/netdevice.h).

// Feature bits, 1 << NETIF_F_*_BIT.
const (
	NETIF_F_SG                  = 1 << 0
	NETIF_F_IP_CSUM             = 1 << 1
	NETIF_F_HW_CSUM             = 1 << 3
	NETIF_F_IPV6_CSUM           = 1 << 4
	NETIF_F_HIGHDMA             = 1 << 5
	NETIF_F_FRAGLIST            = 1 << 6
	NETIF_F_HW_VLAN_CTAG_TX     = 1 << 7
	NETIF_F_HW_VLAN_CTAG_RX     = 1 << 8
	NETIF_F_HW_VLAN_CTAG_FILTER = 1 << 9
	NETIF_F_VLAN_CHALLENGED     = 1 << 10
	NETIF_F_GSO                 = 1 << 11
	NETIF_F_GRO                 = 1 << 14
	NETIF_F_LRO                 = 1 << 15
	NETIF_F_TSO                 = 1 << 16
	NETIF_F_GSO_ROBUST          = 1 << 17
	NETIF_F_TSO_ECN             = 1 << 18
	NETIF_F_TSO_MANGLEID        = 1 << 19
	NETIF_F_TSO6                = 1 << 20
	NETIF_F_FSO                 = 1 << 21
	NETIF_F_GSO_GRE             = 1 << 22
	NETIF_F_GSO_GRE_CSUM        = 1 << 23
	NETIF_F_GSO_IPXIP4          = 1 << 24
	NETIF_F_GSO_IPXIP6          = 1 << 25
	NETIF_F_GSO_UDP_TUNNEL      = 1 << 26
	NETIF_F_GSO_UDP_TUNNEL_CSUM = 1 << 27
	NETIF_F_GSO_PARTIAL         = 1 << 28
	NETIF_F_GSO_TUNNEL_REMCSUM  = 1 << 29
	NETIF_F_GSO_SCTP            = 1 << 30
	NETIF_F_GSO_ESP             = 1 << 31
	NETIF_F_GSO_UDP             = 1 << 32
	NETIF_F_GSO_UDP_L4          = 1 << 33
	NETIF_F_GSO_FRAGLIST        = 1 << 34
	NETIF_F_GSO_ACCECN          = 1 << 35
	NETIF_F_FCOE_CRC            = 1 << 36
	NETIF_F_SCTP_CRC            = 1 << 37
	NETIF_F_NTUPLE              = 1 << 38
	NETIF_F_RXHASH              = 1 << 39
	NETIF_F_RXCSUM              = 1 << 40
	NETIF_F_NOCACHE_COPY        = 1 << 41
	NETIF_F_LOOPBACK            = 1 << 42
	NETIF_F_RXFCS               = 1 << 43
	NETIF_F_RXALL               = 1 << 44
	NETIF_F_HW_VLAN_STAG_TX     = 1 << 45
	NETIF_F_HW_VLAN_STAG_RX     = 1 << 46
	NETIF_F_HW_VLAN_STAG_FILTER = 1 << 47
	NETIF_F_HW_L2FW_DOFFLOAD    = 1 << 48
	NETIF_F_HW_TC               = 1 << 49
	NETIF_F_HW_ESP              = 1 << 50
	NETIF_F_HW_ESP_TX_CSUM      = 1 << 51
	NETIF_F_RX_UDP_TUNNEL_PORT  = 1 << 52
	NETIF_F_HW_TLS_TX           = 1 << 53
	NETIF_F_HW_TLS_RX           = 1 << 54
	NETIF_F_GRO_HW              = 1 << 55
	NETIF_F_GRO_FRAGLIST        = 1 << 57
	NETIF_F_HW_MACSEC           = 1 << 58
	NETIF_F_GRO_UDP_FWD         = 1 << 59
	NETIF_F_HW_HSR_TAG_INS      = 1 << 60
	NETIF_F_HW_HSR_TAG_RM       = 1 << 61
	NETIF_F_HW_HSR_FWD          = 1 << 62
	NETIF_F_HW_HSR_DUP          = 1 << 63
)

// Feature groups.
const (
	NETIF_F_ALL_TSO       = NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN | NETIF_F_TSO_MANGLEID
	NETIF_F_GSO_SOFTWARE  = NETIF_F_ALL_TSO | NETIF_F_GSO_ACCECN | NETIF_F_GSO_SCTP | NETIF_F_GSO_UDP_L4 | NETIF_F_GSO_FRAGLIST
	NETIF_F_GSO_ENCAP_ALL = NETIF_F_GSO_GRE | NETIF_F_GSO_GRE_CSUM | NETIF_F_GSO_IPXIP4 | NETIF_F_GSO_IPXIP6 |
		NETIF_F_GSO_UDP_TUNNEL | NETIF_F_GSO_UDP_TUNNEL_CSUM
	NETIF_F_SOFT_FEATURES     = NETIF_F_GSO | NETIF_F_GRO
	NETIF_F_SOFT_FEATURES_OFF = NETIF_F_GRO_FRAGLIST | NETIF_F_GRO_UDP_FWD
)

// Private flags (enum netdev_priv_flags).
const (
	IFF_802_1Q_VLAN           = 1 << 0
	IFF_EBRIDGE               = 1 << 1
	IFF_BONDING               = 1 << 2
	IFF_ISATAP                = 1 << 3
	IFF_WAN_HDLC              = 1 << 4
	IFF_XMIT_DST_RELEASE      = 1 << 5
	IFF_DONT_BRIDGE           = 1 << 6
	IFF_DISABLE_NETPOLL       = 1 << 7
	IFF_MACVLAN_PORT          = 1 << 8
	IFF_BRIDGE_PORT           = 1 << 9
	IFF_OVS_DATAPATH          = 1 << 10
	IFF_TX_SKB_SHARING        = 1 << 11
	IFF_UNICAST_FLT           = 1 << 12
	IFF_TEAM_PORT             = 1 << 13
	IFF_SUPP_NOFCS            = 1 << 14
	IFF_LIVE_ADDR_CHANGE      = 1 << 15
	IFF_MACVLAN               = 1 << 16
	IFF_XMIT_DST_RELEASE_PERM = 1 << 17
	IFF_L3MDEV_MASTER         = 1 << 18
	IFF_NO_QUEUE              = 1 << 19
	IFF_OPENVSWITCH           = 1 << 20
	IFF_L3MDEV_SLAVE          = 1 << 21
	IFF_TEAM                  = 1 << 22
	IFF_PHONY_HEADROOM        = 1 << 24
	IFF_MACSEC                = 1 << 25
	IFF_NO_RX_HANDLER         = 1 << 26
	IFF_FAILOVER              = 1 << 27
	IFF_FAILOVER_SLAVE        = 1 << 28
	IFF_L3MDEV_RX_HANDLER     = 1 << 29
	IFF_NO_ADDRCONF           = 1 << 30
	IFF_TX_SKB_NO_LINEAR      = 1 << 31
)
