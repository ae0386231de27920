// Package stats is the typed per-CPU "lightweight" statistics of a
// device: the Go form of rust/kernel/net/stats.rs over struct pcpu_lstats
// (include/linux/netdevice.h) and its helpers.
//
// A driver that sets netdevice.StatLstats in setup gets the counters from
// register_netdevice, counts each frame with [DevLstatsAdd] in StartXmit,
// and reports them by implementing netdevice.StatsReporter with
// [DevLstatsRead], as nlmon and loopback do: dev_get_stats has no lstats
// branch of its own.
package stats

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
)

func coreDev(dev *netdevice.Device) *core.NetDevice { return binding.Device.Core(dev) }

// DevLstatsAdd is dev_lstats_add (include/linux/netdevice.h): one packet
// of length bytes on this CPU's counters. It is lock-free and safe from
// concurrent StartXmit calls. On a device without per-CPU counters
// (StatNone, or not registered yet) it does nothing.
func DevLstatsAdd(dev *netdevice.Device, length uint32) {
	core.DevLstatsAdd(coreDev(dev), length)
}

// DevLstatsRead is dev_lstats_read (drivers/net/loopback.c): the packets
// and bytes counted by DevLstatsAdd, summed over all CPUs.
func DevLstatsRead(dev *netdevice.Device) (packets, bytes uint64) {
	return core.DevLstatsRead(coreDev(dev))
}
