package rtnl

import (
	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/skbuff"
)

// This file holds the trampolines between the core's callbacks and the
// typed driver: Registration::setup_callback and validate_callback of
// rtnl.rs, the rest of struct rtnl_link_ops, and the OperationsVTable of
// netdevice.rs. Each optional callback is set only when the driver
// implements its interface, as a C driver leaves the others NULL.

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
}

// linkOps fills the optional members of the kind's rtnl_link_ops.
func (r *Registration[T, P]) linkOps() error {
	drv, ops := any(r.drv), r.ops
	if v, ok := drv.(Validator); ok {
		ops.Validate = func(tb, data []core.Attr, extack *core.ExtAck) error {
			return binding.Errno(v.Validate(newValidateContext(tb, data, extack)))
		}
	}
	if p, ok := drv.(PolicyProvider); ok {
		pol := p.DataPolicy()
		table, err := pol.core()
		if err != nil {
			return err
		}
		ops.MaxType, ops.Policy = int(pol.MaxType), table
	}
	if p, ok := drv.(PeerTyper); ok {
		ops.PeerType = int(p.PeerType())
	}
	if nl, ok := drv.(NewLinker[P]); ok {
		ops.Newlink = func(cdev *core.NetDevice, params *core.NewlinkParams, extack *core.ExtAck) error {
			pa := areaOf[P](cdev)
			ctx := &NewLinkContext[P]{r: ops, params: params, extack: extack,
				ctx: newValidateContext(params.Tb, params.Data, extack)}
			return binding.Errno(nl.NewLink(ctx, pa.dev, &pa.priv))
		}
	}
	if cl, ok := drv.(ChangeLinker[P]); ok {
		ops.Changelink = func(cdev *core.NetDevice, tb, data []core.Attr, extack *core.ExtAck) error {
			pa := areaOf[P](cdev)
			return binding.Errno(cl.ChangeLink(newValidateContext(tb, data, extack), pa.dev, &pa.priv))
		}
	}
	if dl, ok := drv.(DelLinker[P]); ok {
		ops.Dellink = func(cdev *core.NetDevice, kill *[]*core.NetDevice) {
			pa := areaOf[P](cdev)
			dl.DelLink(pa.dev, &pa.priv, &KillList{l: kill})
		}
	}
	if fi, ok := drv.(InfoFiller[P]); ok {
		ops.GetSize = func(cdev *core.NetDevice) int {
			pa := areaOf[P](cdev)
			return fi.InfoSize(pa.dev, &pa.priv)
		}
		ops.FillInfo = func(w *core.AttrWriter, cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(fi.FillInfo(&InfoWriter{w: w}, pa.dev, &pa.priv))
		}
	}
	if lg, ok := drv.(LinkNetGetter[P]); ok {
		ops.GetLinkNet = func(cdev *core.NetDevice) *core.Net {
			pa := areaOf[P](cdev)
			if n := binding.Namespace.Core(lg.LinkNet(pa.dev, &pa.priv)); n != nil {
				return n
			}
			return cdev.Net()
		}
	}
	if qc, ok := drv.(QueueCounter); ok {
		ops.GetNumTxQueues, ops.GetNumRxQueues = qc.NumTxQueues, qc.NumRxQueues
	}
	return nil
}

// netdeviceOps builds the kind's one struct net_device_ops.
func (r *Registration[T, P]) netdeviceOps() *core.NetDeviceOps {
	drv := r.drv
	ops := &core.NetDeviceOps{
		StartXmit: func(cskb *core.SkBuff, cdev *core.NetDevice) int {
			pa := areaOf[P](cdev)
			skb := binding.SkBuff.New(cskb).(*skbuff.SkBuff)
			out := drv.StartXmit(skb, pa.dev, &pa.priv)
			if b := out.Busy(); b != nil {
				if b != skb {
					panic("rtnl: " + drv.Kind() + ": StartXmit returned TxBusy with an skb it was not given")
				}
				binding.SkBuff.Settle(skb, binding.SettleBusy)
				return core.NETDEV_TX_BUSY
			}
			if out.IsDropped() {
				binding.SkBuff.Settle(skb, binding.SettleDropped)
				return core.NET_XMIT_DROP
			}
			binding.SkBuff.Settle(skb, binding.SettleOk)
			return core.NETDEV_TX_OK
		},
	}
	d := any(drv)
	if o, ok := d.(netdevice.Opener[P]); ok {
		ops.Open = func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(o.Open(pa.dev, &pa.priv))
		}
	}
	if s, ok := d.(netdevice.Stopper[P]); ok {
		ops.Stop = func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(s.Stop(pa.dev, &pa.priv))
		}
	}
	if i, ok := d.(netdevice.Initer[P]); ok {
		ops.Init = func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(i.Init(pa.dev, &pa.priv))
		}
	}
	if u, ok := d.(netdevice.Uniniter[P]); ok {
		ops.Uninit = func(cdev *core.NetDevice) {
			pa := areaOf[P](cdev)
			u.Uninit(pa.dev, &pa.priv)
		}
	}
	if v, ok := d.(netdevice.AddrValidator[P]); ok {
		ops.ValidateAddr = func(cdev *core.NetDevice) error {
			pa := areaOf[P](cdev)
			return binding.Errno(v.ValidateAddr(pa.dev, &pa.priv))
		}
	}
	if m, ok := d.(netdevice.MACAddressSetter[P]); ok {
		ops.SetMACAddress = func(cdev *core.NetDevice, addr []byte) error {
			pa := areaOf[P](cdev)
			return binding.Errno(m.SetMACAddress(pa.dev, &pa.priv, append([]byte(nil), addr...)))
		}
	}
	if c, ok := d.(netdevice.CarrierChanger[P]); ok {
		ops.ChangeCarrier = func(cdev *core.NetDevice, on bool) error {
			pa := areaOf[P](cdev)
			return binding.Errno(c.ChangeCarrier(pa.dev, &pa.priv, on))
		}
	}
	if g, ok := d.(netdevice.IflinkGetter[P]); ok {
		ops.GetIflink = func(cdev *core.NetDevice) int {
			pa := areaOf[P](cdev)
			return g.GetIflink(pa.dev, &pa.priv)
		}
	}
	if m, ok := d.(netdevice.MTUChanger[P]); ok {
		ops.ChangeMTU = func(cdev *core.NetDevice, mtu uint32) error {
			pa := areaOf[P](cdev)
			return binding.Errno(m.ChangeMTU(pa.dev, &pa.priv, mtu))
		}
	}
	if s, ok := d.(netdevice.RxModeSetter[P]); ok {
		ops.SetRxMode = func(cdev *core.NetDevice) {
			pa := areaOf[P](cdev)
			s.SetRxMode(pa.dev, &pa.priv)
		}
	}
	if rep, ok := d.(netdevice.StatsReporter[P]); ok {
		ops.GetStats64 = func(cdev *core.NetDevice, st *core.RtnlLinkStats64) {
			// The two structs have one layout: the driver fills the
			// core's storage in place.
			pa := areaOf[P](cdev)
			rep.GetStats64(pa.dev, &pa.priv, (*netdevice.LinkStats64)(st))
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
