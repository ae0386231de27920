package rtnl

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/skbuff"
)

// This file holds the trampolines between the core's callbacks and the
// typed driver: Registration::setup_callback and validate_callback of
// rtnl.rs, and the OperationsVTable of netdevice.rs.

// privArea is netdev_priv(dev) of a device of a registered kind: the
// typed device handle and the driver's zeroed private area. The core
// allocates it with the device (rtnl_link_ops.NewPriv) and it dies with
// the device.
type privArea[P any] struct {
	dev  *netdevice.Device
	priv P
}

func areaOf[P any](dev *core.NetDevice) *privArea[P] { return dev.Priv.(*privArea[P]) }

// setup is setup_callback: the device gets the kind's net_device_ops and
// ethtool_ops, then the driver's Setup runs on the typed device.
func (r *Registration[T, P]) setup(cdev *core.NetDevice) {
	pa := areaOf[P](cdev)
	pa.dev = binding.Device.New(cdev).(*netdevice.Device)
	cdev.Ops = r.ndo
	if r.eth != nil {
		cdev.EthtoolOps = r.eth
	}
	r.drv.Setup(pa.dev)
	binding.Device.EndSetup(pa.dev)
}

// netdeviceOps builds the kind's one struct net_device_ops.
func (r *Registration[T, P]) netdeviceOps() *core.NetDeviceOps {
	drv := r.drv
	ops := &core.NetDeviceOps{
		Open: func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(drv.Open(pa.dev, &pa.priv))
		},
		Stop: func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(drv.Stop(pa.dev, &pa.priv))
		},
		StartXmit: func(cskb *core.SkBuff, cdev *core.NetDevice) int {
			pa := areaOf[P](cdev)
			skb := binding.SkBuff.New(cskb).(*skbuff.SkBuff)
			out := drv.StartXmit(skb, pa.dev)
			if b := out.Busy(); b != nil {
				if b != skb {
					panic("rtnl: " + drv.Kind() + ": StartXmit returned TxBusy with an skb it was not given")
				}
				binding.SkBuff.Settle(skb, true)
				return core.NETDEV_TX_BUSY
			}
			binding.SkBuff.Settle(skb, false)
			return core.NETDEV_TX_OK
		},
	}
	if rep, ok := any(drv).(netdevice.StatsReporter); ok {
		ops.GetStats64 = func(cdev *core.NetDevice, st *core.RtnlLinkStats64) {
			// The two structs have one layout: the driver fills the
			// core's storage in place.
			rep.GetStats64(areaOf[P](cdev).dev, (*netdevice.LinkStats64)(st))
		}
	}
	return ops
}

// ethtoolOps builds the kind's struct ethtool_ops.
func ethtoolOps[P any](e netdevice.EthtoolOperations) *core.EthtoolOps {
	return &core.EthtoolOps{
		GetLink: func(cdev *core.NetDevice) uint32 {
			if e.GetLink(areaOf[P](cdev).dev) {
				return 1
			}
			return 0
		},
	}
}

// validateCallback is validate_callback: the typed context over the
// request's attribute tables and extack.
func validateCallback(v Validator) func(tb, data []core.Attr, extack *core.ExtAck) error {
	return func(tb, data []core.Attr, extack *core.ExtAck) error {
		return binding.Errno(v.Validate(newValidateContext(tb, data, extack)))
	}
}
