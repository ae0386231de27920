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
// # Setup and after
//
// The setters configure the device in its setup callback, before
// register_netdevice, which is when the Rust abstractions hand out
// &mut Device. After setup the core owns those fields (an MTU change goes
// through rtnetlink's dev_set_mtu, flags through dev_change_flags), so a
// setter called then panics instead of racing with the core.
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
	"sync/atomic"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
)

// Device mirrors struct net_device (include/linux/netdevice.h): one
// network device as its driver sees it.
type Device struct {
	dev   *core.NetDevice
	setup atomic.Bool // in the setup callback: the setters may write
}

func init() {
	binding.Device = binding.DeviceHooks{
		Core: func(d any) *core.NetDevice { return d.(*Device).dev },
		New: func(dev *core.NetDevice) any {
			d := &Device{dev: dev}
			d.setup.Store(true)
			return d
		},
		EndSetup: func(d any) { d.(*Device).setup.Store(false) },
	}
}

// set returns the core device for a setter, panicking outside setup.
func (d *Device) set(field string) *core.NetDevice {
	if !d.setup.Load() {
		panic(fmt.Sprintf("netdevice: Set%s on %s outside its setup callback: the core owns the field once the device is registered", field, d.dev.Name()))
	}
	return d.dev
}

// SetType sets dev->type, the ARPHRD_* hardware type (TypeNetlink for a
// netlink tap device).
func (d *Device) SetType(t uint16) { d.set("Type").Type = t }

// AddPrivFlag ORs flag into dev->priv_flags (PrivFlagNoQueue, ...),
// keeping the flags alloc_netdev_mqs set before setup.
func (d *Device) AddPrivFlag(flag uint64) { d.set("PrivFlag").PrivFlags |= flag }

// SetLltx sets dev->lltx: the core calls ndo_start_xmit without taking the
// transmit queue lock, so StartXmit may run concurrently.
func (d *Device) SetLltx(v bool) { d.set("Lltx").Lltx = v }

// SetNeedsFreeNetdev sets dev->needs_free_netdev: the core frees the
// device after unregistering it, so the driver never does.
func (d *Device) SetNeedsFreeNetdev(v bool) { d.set("NeedsFreeNetdev").NeedsFreeNetdev = v }

// SetFeatures sets dev->features, replacing what was there (an
// assignment, as in nlmon_setup).
func (d *Device) SetFeatures(f Features) { d.set("Features").Features = uint64(f) }

// SetFlags sets dev->flags, replacing what was there (nlmon_setup assigns
// IFF_NOARP). alloc_netdev_mqs leaves the flags 0.
func (d *Device) SetFlags(flags uint32) { d.set("Flags").Flags = flags }

// SetMTU sets dev->mtu.
func (d *Device) SetMTU(mtu uint32) { d.set("MTU").MTU = mtu }

// SetMinMTU sets dev->min_mtu: dev_validate_mtu rejects smaller MTUs with
// EINVAL "mtu less than device minimum".
func (d *Device) SetMinMTU(mtu uint32) { d.set("MinMTU").MinMTU = mtu }

// SetMaxMTU sets dev->max_mtu; 0, the default, means no upper bound.
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

// SetTxQueueLen sets dev->tx_queue_len. Left 0, alloc_netdev_mqs makes the
// device IFF_NO_QUEUE with DEFAULT_TX_QUEUE_LEN (1000).
func (d *Device) SetTxQueueLen(n uint32) { d.set("TxQueueLen").TxQueueLen = n }

// SetPcpuStatType sets dev->pcpu_stat_type: register_netdevice allocates
// those per-CPU counters (netdev_do_alloc_pcpu_stats).
func (d *Device) SetPcpuStatType(t StatType) { d.set("PcpuStatType").PcpuStatType = uint8(t) }

// Name is dev->name. During setup it is not final: it may be empty or a
// template such as "nlmon%d" that register_netdevice resolves.
func (d *Device) Name() string { return d.dev.Snapshot().Name }

// Ifindex is dev->ifindex; 0 until the device is registered.
func (d *Device) Ifindex() int { return d.dev.Ifindex() }

// Type is dev->type.
func (d *Device) Type() uint16 { return d.dev.Type }

// Flags is dev->flags as the core keeps them (IFF_UP once open), without
// the RUNNING and LOWER_UP bits netif_get_flags computes for user space.
func (d *Device) Flags() uint32 { return d.dev.Snapshot().Flags }

// IsUp reports IFF_UP.
func (d *Device) IsUp() bool { return d.dev.Snapshot().Flags&core.IFF_UP != 0 }

// PrivFlags is dev->priv_flags.
func (d *Device) PrivFlags() uint64 { return d.dev.PrivFlags }

// Features is dev->features.
func (d *Device) Features() Features { return Features(d.dev.Features) }

// MTU is dev->mtu.
func (d *Device) MTU() uint32 { return d.dev.Snapshot().MTU }

// MinMTU is dev->min_mtu.
func (d *Device) MinMTU() uint32 { return d.dev.MinMTU }

// MaxMTU is dev->max_mtu.
func (d *Device) MaxMTU() uint32 { return d.dev.MaxMTU }

// AddrLen is dev->addr_len.
func (d *Device) AddrLen() uint8 { return d.dev.AddrLen }

// TxQueueLen is dev->tx_queue_len.
func (d *Device) TxQueueLen() uint32 { return d.dev.TxQueueLen }

// Lltx is dev->lltx.
func (d *Device) Lltx() bool { return d.dev.Lltx }

// NeedsFreeNetdev is dev->needs_free_netdev.
func (d *Device) NeedsFreeNetdev() bool { return d.dev.NeedsFreeNetdev }

// PcpuStatType is dev->pcpu_stat_type.
func (d *Device) PcpuStatType() StatType { return StatType(d.dev.PcpuStatType) }

// String names the device for diagnostics.
func (d *Device) String() string { return d.dev.Snapshot().Name }
