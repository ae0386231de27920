// Package netdevice is the typed net_device a link driver configures and
// operates: the Go form of rust/kernel/net/netdevice.rs over the core's
// struct net_device (include/linux/netdevice.h).
//
// A driver never sees the core's device. Its rtnl setup callback gets a
// [*Device] whose setters mirror the fields nlmon_setup assigns; its
// [Operations] get the device and its private area, typed; errors it
// returns are unix.Errno values, which the binding turns into the negative
// errno the core expects (the Rust from_result).
//
// # Configuring a device
//
// The setters configure the device before register_netdevice: in its
// setup callback, in ndo_init (Initer) and, for a device a driver creates
// itself, in its newlink before it registers it; that is when the Rust
// abstractions hand out &mut Device. Once the device is registered the
// core owns those fields (an MTU change goes through rtnetlink's
// dev_set_mtu, flags through dev_change_flags), so a setter called then
// panics instead of racing with the core. The carrier, the hardware
// address (from SetMACAddress) and feature bits stay the driver's to
// change from its callbacks.
//
// The getters read fields the core guards with RTNL. They are exact in
// setup and in Open and Stop, which run under RTNL. StartXmit runs without
// RTNL, possibly on several goroutines at once (the device is lltx): there
// Name, Flags, IsUp and MTU read the core's latest published values (the
// kernel's READ_ONCE), which may already be out of date; Ifindex and Type
// do not change while the device is registered.
package netdevice

import (
	"fmt"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
)

// Device mirrors struct net_device (include/linux/netdevice.h): one
// network device as its driver sees it.
type Device struct {
	dev *core.NetDevice
}

func init() {
	binding.Device = binding.DeviceHooks{
		Core: func(d any) *core.NetDevice { return d.(*Device).dev },
		New:  func(dev *core.NetDevice) any { return &Device{dev: dev} },
	}
}

// set returns the core device for a setter, panicking once the device is
// registered.
func (d *Device) set(field string) *core.NetDevice {
	if !d.dev.Unregistered() {
		panic(fmt.Sprintf("netdevice: Set%s on %s after register_netdevice: the core owns the field once the device is registered", field, d.dev.Name()))
	}
	return d.dev
}

// SetName sets dev->name before registration: a name, or a template
// with one %d that register_netdevice resolves.
func (d *Device) SetName(name string) { d.set("Name").SetName(name) }

// SetIfindex sets the ifindex register_netdevice is to give the device
// (0: the next free one).
func (d *Device) SetIfindex(ifindex int) { d.set("Ifindex").SetIfindex(ifindex) }

// SetType sets dev->type, the ARPHRD_* hardware type (TypeNetlink for a
// netlink tap device).
func (d *Device) SetType(t uint16) { d.set("Type").Type = t }

// EtherSetup is ether_setup (net/ethernet/eth.c): an Ethernet device's
// type, header lengths, MTU 1500 (68..1500), 6-byte addresses with the
// broadcast address ff:ff:ff:ff:ff:ff, a 1000-frame queue, IFF_BROADCAST |
// IFF_MULTICAST and IFF_TX_SKB_SHARING.
func (d *Device) EtherSetup() { core.EtherSetup(d.set("EtherSetup")) }

// HwAddrRandom is eth_hw_addr_random: a random unicast, locally
// administered address (addr_assign_type NET_ADDR_RANDOM).
func (d *Device) HwAddrRandom() {
	dev := d.set("HwAddrRandom")
	core.EthHwAddrRandom(dev.Net().Kernel(), dev)
}

// AddPrivFlag ORs flag into dev->priv_flags (PrivFlagNoQueue, ...),
// keeping the flags alloc_netdev_mqs and ether_setup set.
func (d *Device) AddPrivFlag(flag uint64) { d.set("PrivFlag").PrivFlags |= flag }

// ClearPrivFlag clears flag from dev->priv_flags.
func (d *Device) ClearPrivFlag(flag uint64) { d.set("PrivFlag").PrivFlags &^= flag }

// KeepDst is netif_keep_dst: transmit keeps skb->dst (clears
// IFF_XMIT_DST_RELEASE and IFF_XMIT_DST_RELEASE_PERM).
func (d *Device) KeepDst() { core.NetifKeepDst(d.set("KeepDst")) }

// SetLltx sets dev->lltx: the core calls ndo_start_xmit without taking the
// transmit queue lock, so StartXmit may run concurrently.
func (d *Device) SetLltx(v bool) { d.set("Lltx").Lltx = v }

// SetNeedsFreeNetdev sets dev->needs_free_netdev: the core frees the
// device after unregistering it, so the driver never does.
func (d *Device) SetNeedsFreeNetdev(v bool) { d.set("NeedsFreeNetdev").NeedsFreeNetdev = v }

// SetNetnsImmutable sets dev->netns_immutable: the device cannot move to
// another namespace.
func (d *Device) SetNetnsImmutable(v bool) { d.set("NetnsImmutable").NetnsImmutable = v }

// SetFeatures sets dev->features, replacing what was there (an
// assignment, as in nlmon_setup).
func (d *Device) SetFeatures(f Features) { d.set("Features").Features = uint64(f) }

// AddFeatures ORs f into dev->features (dev->features |= ...).
func (d *Device) AddFeatures(f Features) { d.set("Features").Features |= uint64(f) }

// ClearFeatures turns features off for good: they leave dev->features and
// dev->wanted_features, which is what a driver does before
// netdev_update_features (veth_disable_gro). Unlike the other setters it
// may be called once the device is registered, from a callback under
// RTNL such as newlink; netdev_update_features then finds nothing else to
// change.
func (d *Device) ClearFeatures(f Features) {
	d.dev.Features &^= uint64(f)
	d.dev.WantedFeatures &^= uint64(f)
}

// SetHwFeatures, SetHwEncFeatures, SetVlanFeatures and SetMplsFeatures
// set dev->hw_features (what user space may toggle), hw_enc_features
// (for encapsulated traffic), vlan_features (what VLAN devices on top
// inherit) and mpls_features.
func (d *Device) SetHwFeatures(f Features)    { d.set("HwFeatures").HwFeatures = uint64(f) }
func (d *Device) SetHwEncFeatures(f Features) { d.set("HwEncFeatures").HwEncFeatures = uint64(f) }
func (d *Device) SetVlanFeatures(f Features)  { d.set("VlanFeatures").VlanFeatures = uint64(f) }
func (d *Device) SetMplsFeatures(f Features)  { d.set("MplsFeatures").MplsFeatures = uint64(f) }

// SetFlags sets dev->flags, replacing what was there (nlmon_setup assigns
// IFF_NOARP). alloc_netdev_mqs leaves the flags 0; ether_setup sets
// IFF_BROADCAST | IFF_MULTICAST.
func (d *Device) SetFlags(flags uint32) { d.set("Flags").Flags = flags }

// AddFlags ORs flags into dev->flags; ClearFlags clears them.
func (d *Device) AddFlags(flags uint32)   { d.set("Flags").Flags |= flags }
func (d *Device) ClearFlags(flags uint32) { d.set("Flags").Flags &^= flags }

// SetMTU sets dev->mtu.
func (d *Device) SetMTU(mtu uint32) { d.set("MTU").MTU = mtu }

// SetMinMTU sets dev->min_mtu: dev_validate_mtu rejects smaller MTUs with
// EINVAL "mtu less than device minimum".
func (d *Device) SetMinMTU(mtu uint32) { d.set("MinMTU").MinMTU = mtu }

// SetMaxMTU sets dev->max_mtu; 0 means no upper bound.
func (d *Device) SetMaxMTU(mtu uint32) { d.set("MaxMTU").MaxMTU = mtu }

// SetAddrLen sets dev->addr_len, the hardware address length, at most
// MAX_ADDR_LEN (32); a larger value panics, as a driver bug. With 0, the
// default, replies carry no IFLA_ADDRESS or IFLA_BROADCAST.
func (d *Device) SetAddrLen(n uint8) {
	if n > core.MAX_ADDR_LEN {
		panic("netdevice: SetAddrLen: more than MAX_ADDR_LEN (32) bytes")
	}
	d.set("AddrLen").AddrLen = n
}

// SetAddr sets the hardware address (dev_addr_set / eth_hw_addr_set): the
// first AddrLen bytes of addr. A driver calls it before registration, or
// from its SetMACAddress; other changes go through netif_set_mac_address.
func (d *Device) SetAddr(addr []byte) { core.DevAddrSet(d.dev, addr) }

// SetBroadcast sets dev->broadcast before registration.
func (d *Device) SetBroadcast(addr []byte) {
	dev := d.set("Broadcast")
	copy(dev.Broadcast[:dev.AddrLen], addr)
}

// SetAddrAssignType sets dev->addr_assign_type before registration.
func (d *Device) SetAddrAssignType(t AddrAssign) { d.set("AddrAssignType").AddrAssignType = uint8(t) }

// SetHardHeaderLen and SetMinHeaderLen set dev->hard_header_len and
// dev->min_header_len: the link-layer header a packet socket's frame
// must carry.
func (d *Device) SetHardHeaderLen(n uint16) { d.set("HardHeaderLen").HardHeaderLen = n }
func (d *Device) SetMinHeaderLen(n uint8)   { d.set("MinHeaderLen").MinHeaderLen = n }

// SetNeededHeadroom and SetNeededTailroom set the room the device asks
// for before and after a frame (IFLA_HEADROOM, IFLA_TAILROOM).
func (d *Device) SetNeededHeadroom(n uint16) { d.set("NeededHeadroom").NeededHeadroom = n }
func (d *Device) SetNeededTailroom(n uint16) { d.set("NeededTailroom").NeededTailroom = n }

// SetTxQueueLen sets dev->tx_queue_len. Left 0, alloc_netdev_mqs makes the
// device IFF_NO_QUEUE with DEFAULT_TX_QUEUE_LEN (1000).
func (d *Device) SetTxQueueLen(n uint32) { d.set("TxQueueLen").TxQueueLen = n }

// SetPcpuStatType sets dev->pcpu_stat_type: register_netdevice allocates
// those per-CPU counters (netdev_do_alloc_pcpu_stats). ndo_init may still
// set it (dummy does).
func (d *Device) SetPcpuStatType(t StatType) { d.set("PcpuStatType").PcpuStatType = uint8(t) }

// SetTSOMaxSize is netif_set_tso_max_size.
func (d *Device) SetTSOMaxSize(size uint32) { core.NetifSetTSOMaxSize(d.set("TSOMaxSize"), size) }

// InheritTSOMax is netif_inherit_tso_max: from's TSO limits, for a
// device stacked on it or paired with it.
func (d *Device) InheritTSOMax(from *Device) { core.NetifInheritTSOMax(d.set("TSOMax"), from.dev) }

// SetRealNumTxQueues and SetRealNumRxQueues are
// netif_set_real_num_tx_queues / _rx_queues: how many of the allocated
// queues are in use (EINVAL outside 1..NumTxQueues / NumRxQueues).
func (d *Device) SetRealNumTxQueues(n uint32) error {
	return core.NetifSetRealNumTxQueues(d.dev, n)
}
func (d *Device) SetRealNumRxQueues(n uint32) error {
	return core.NetifSetRealNumRxQueues(d.dev, n)
}

// CarrierOn is netif_carrier_on and CarrierOff netif_carrier_off: the
// link comes or goes. The operational state, IFF_RUNNING and the
// transmit queue follow once linkwatch has run (at once for an urgent
// event, such as a veth end's; within a second otherwise), which also
// announces the change with an RTM_NEWLINK.
func (d *Device) CarrierOn()  { core.NetifCarrierOn(d.dev) }
func (d *Device) CarrierOff() { core.NetifCarrierOff(d.dev) }

// CarrierOK is netif_carrier_ok.
func (d *Device) CarrierOK() bool { return d.dev.CarrierOK() }

// Running is netif_running: the device is up or going up (__LINK_STATE_START).
func (d *Device) Running() bool { return d.dev.Running() }

// Name is dev->name. During setup it is not final: it may be empty or a
// template such as "nlmon%d" that register_netdevice resolves.
func (d *Device) Name() string { return d.dev.Snapshot().Name }

// Ifindex is dev->ifindex; 0 until the device is registered (or the index
// it asks for).
func (d *Device) Ifindex() int { return d.dev.Snapshot().Ifindex }

// Net is dev_net(dev): the namespace the device is in.
func (d *Device) Net() Namespace { return Namespace{n: d.dev.Net()} }

// Type is dev->type.
func (d *Device) Type() uint16 { return d.dev.Type }

// Flags is dev->flags as the core keeps them (IFF_UP once open), without
// the RUNNING and LOWER_UP bits netif_get_flags computes for user space.
func (d *Device) Flags() uint32 { return d.dev.Snapshot().Flags }

// IsUp reports IFF_UP.
func (d *Device) IsUp() bool { return d.dev.Snapshot().Flags&core.IFF_UP != 0 }

// PrivFlags is dev->priv_flags.
func (d *Device) PrivFlags() uint64 { return d.dev.PrivFlags }

// Features is dev->features; HwFeatures, HwEncFeatures, VlanFeatures,
// MplsFeatures and WantedFeatures the other feature sets.
func (d *Device) Features() Features       { return Features(d.dev.Features) }
func (d *Device) HwFeatures() Features     { return Features(d.dev.HwFeatures) }
func (d *Device) HwEncFeatures() Features  { return Features(d.dev.HwEncFeatures) }
func (d *Device) VlanFeatures() Features   { return Features(d.dev.VlanFeatures) }
func (d *Device) MplsFeatures() Features   { return Features(d.dev.MplsFeatures) }
func (d *Device) WantedFeatures() Features { return Features(d.dev.WantedFeatures) }

// MTU is dev->mtu.
func (d *Device) MTU() uint32 { return d.dev.Snapshot().MTU }

// MinMTU is dev->min_mtu.
func (d *Device) MinMTU() uint32 { return d.dev.MinMTU }

// MaxMTU is dev->max_mtu.
func (d *Device) MaxMTU() uint32 { return d.dev.MaxMTU }

// AddrLen is dev->addr_len.
func (d *Device) AddrLen() uint8 { return d.dev.AddrLen }

// Addr returns a copy of the hardware address (dev->dev_addr).
func (d *Device) Addr() []byte {
	a := d.dev.Snapshot().Addr
	return append([]byte(nil), a[:d.dev.AddrLen]...)
}

// Broadcast returns a copy of dev->broadcast.
func (d *Device) Broadcast() []byte { return append([]byte(nil), d.dev.Broadcast[:d.dev.AddrLen]...) }

// AddrAssignType is dev->addr_assign_type.
func (d *Device) AddrAssignType() AddrAssign { return AddrAssign(d.dev.AddrAssignType) }

// HardHeaderLen is dev->hard_header_len.
func (d *Device) HardHeaderLen() uint16 { return d.dev.HardHeaderLen }

// TxQueueLen is dev->tx_queue_len.
func (d *Device) TxQueueLen() uint32 { return d.dev.TxQueueLen }

// NumTxQueues and NumRxQueues are dev->num_tx_queues / num_rx_queues.
func (d *Device) NumTxQueues() uint32 { return d.dev.NumTxQueues() }
func (d *Device) NumRxQueues() uint32 { return d.dev.NumRxQueues() }

// Lltx is dev->lltx.
func (d *Device) Lltx() bool { return d.dev.Lltx }

// NeedsFreeNetdev is dev->needs_free_netdev.
func (d *Device) NeedsFreeNetdev() bool { return d.dev.NeedsFreeNetdev }

// PcpuStatType is dev->pcpu_stat_type.
func (d *Device) PcpuStatType() StatType { return StatType(d.dev.PcpuStatType) }

// String names the device for diagnostics.
func (d *Device) String() string { return d.dev.Snapshot().Name }

// Namespace is the network namespace a device lives in (struct net), as a
// driver sees it: a value to compare, with ==, and to hand back to the
// core (get_link_net).
type Namespace struct{ n *core.Net }

// IsZero reports whether the Namespace names none.
func (ns Namespace) IsZero() bool { return ns.n == nil }

func init() {
	binding.Namespace = binding.NamespaceHooks{
		Core: func(ns any) *core.Net { return ns.(Namespace).n },
	}
}
