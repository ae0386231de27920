// Package etherdevice holds the Ethernet helpers of the typed driver API:
// the Go form of include/linux/etherdevice.h and net/ethernet/eth.c for
// drivers written on package netdevice. netdevice.Device.EtherSetup and
// HwAddrRandom set a device up as an Ethernet device; the functions here
// are the ndo_set_mac_address and ndo_validate_addr that Ethernet
// drivers share, and the address checks their validate callbacks make.
package etherdevice

import (
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
)

// Ethernet sizes (include/uapi/linux/if_ether.h).
const (
	// ALen is ETH_ALEN, the address length.
	ALen = core.ETH_ALEN
	// HLen is ETH_HLEN, the header length.
	HLen = core.ETH_HLEN
	// DataLen is ETH_DATA_LEN, the usual MTU.
	DataLen = core.ETH_DATA_LEN
	// MinMTU and MaxMTU are ETH_MIN_MTU and ETH_MAX_MTU.
	MinMTU = core.ETH_MIN_MTU
	MaxMTU = core.ETH_MAX_MTU
)

// IsValidAddr is is_valid_ether_addr: addr is a unicast address other
// than zero (and holds at least ALen bytes).
func IsValidAddr(addr []byte) bool { return core.IsValidEtherAddr(addr) }

// MACAddr is eth_mac_addr, the ndo_set_mac_address of most Ethernet
// drivers: EBUSY for a running device without
// netdevice.PrivFlagLiveAddrChange, EADDRNOTAVAIL for an address that is
// not a valid unicast one; otherwise the address is the device's.
func MACAddr(dev *netdevice.Device, addr []byte) error {
	return core.EthMACAddr(binding.Device.Core(dev), addr)
}

// ValidateAddr is eth_validate_addr, an ndo_validate_addr:
// EADDRNOTAVAIL unless the device's address is a valid unicast one.
func ValidateAddr(dev *netdevice.Device) error {
	return core.EthValidateAddr(binding.Device.Core(dev))
}

// ValidateAddrAttr is the IFLA_ADDRESS check of the Ethernet link kinds'
// validate callbacks (dummy_validate, ifb_validate, veth_validate): a
// request's address must be ALen bytes (else EINVAL) and a valid unicast
// address (else EADDRNOTAVAIL). Like the C drivers it sets no extack
// message.
func ValidateAddrAttr(ctx *rtnl.ValidateContext) error {
	addr, ok := ctx.LinkAttrBytes(rtnl.LinkAttrAddress)
	if !ok {
		return nil
	}
	if len(addr) != ALen {
		return unix.EINVAL
	}
	if !IsValidAddr(addr) {
		return unix.EADDRNOTAVAIL
	}
	return nil
}
