// Package dummy is the dummy network device written on knet's typed driver
// packages only: the Go counterpart of drivers/net/dummy.c. A dummy
// device is an Ethernet device that transmits into nothing: every frame
// is counted (tx_packets, tx_bytes) and freed. It has a random MAC
// address, takes any MTU, lets its address change while it is up, and
// its carrier can be switched with IFLA_CARRIER (`ip link set d0 carrier
// off`).
//
// Loading the module registers the kind "dummy" and creates
// numdummies devices (1 by default, "dummy0") in init_net, as on Linux:
//
//	k := net.NewKernel()
//	dummy.Module.Install(k)
//	// `ip link add d0 type dummy` now loads it; or explicitly:
//	k.LoadModule("dummy", "numdummies=0")
//
// The C driver's ethtool get_ts_info and its shaper and tc stubs are not
// modelled.
package dummy

import (
	"io"

	"github.com/knetlab/knet/etherdevice"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// Kind is the rtnl link kind dummy registers.
const Kind = "dummy"

// Module is the dummy module (MODULE_* and module_init of dummy.c). Its
// parameter numdummies is the number of devices it creates at load.
var Module = &module.Module{
	Name:        "dummy",
	Aliases:     []string{module.RtnlLinkAlias(Kind)},
	Description: "Dummy netdevice driver which discards all packets sent to it",
	License:     "GPL",
	Init:        initModule,
}

// initModule is dummy_init_module: register the kind, then create the
// devices; if one cannot be created the kind goes again (with the devices
// made so far).
func initModule(this *module.ThisModule) (io.Closer, error) {
	num, err := this.IntParam("numdummies", 1)
	if err != nil {
		return nil, err
	}
	r, err := rtnl.NewRegistration(this, driver{})
	if err != nil {
		return nil, err
	}
	for i := 0; i < num; i++ {
		// dummy_init_one: alloc_netdev(0, "dummy%d", NET_NAME_ENUM, ...),
		// then register_netdev.
		if _, err := r.AddDevice(this.Kernel().InitNet(), "dummy%d", netdevice.NameEnum); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// driver is dummy_link_ops and dummy_netdev_ops.
type driver struct{}

// private is the dummy's private area: it has none (priv_size 0).
type private struct{}

// Kind is rtnl_link_ops.kind.
func (driver) Kind() string { return Kind }

// Setup is dummy_setup.
func (driver) Setup(dev *netdevice.Device) {
	dev.EtherSetup()
	dev.SetNeedsFreeNetdev(true)
	dev.AddFlags(netdevice.FlagNoARP)
	dev.ClearFlags(netdevice.FlagMulticast)
	dev.AddPrivFlag(netdevice.PrivFlagLiveAddrChange | netdevice.PrivFlagNoQueue)
	dev.SetLltx(true)
	dev.AddFeatures(netdevice.FeatureSG | netdevice.FeatureFraglist)
	dev.AddFeatures(netdevice.FeatureGSOSoftware)
	dev.AddFeatures(netdevice.FeatureHWCsum | netdevice.FeatureHighDMA)
	dev.AddFeatures(netdevice.FeatureGSOEncapAll)
	dev.SetHwFeatures(dev.HwFeatures() | dev.Features())
	dev.SetHwEncFeatures(dev.HwEncFeatures() | dev.Features())
	dev.HwAddrRandom()
	dev.SetMinMTU(0)
	dev.SetMaxMTU(0)
}

// Validate is dummy_validate: an address must be a valid Ethernet one.
func (driver) Validate(ctx *rtnl.ValidateContext) error {
	return etherdevice.ValidateAddrAttr(ctx)
}

// Init is dummy_dev_init: the device counts with lstats.
func (driver) Init(dev *netdevice.Device, _ *private) error {
	dev.SetPcpuStatType(netdevice.StatLstats)
	return nil
}

// StartXmit is dummy_xmit: count the frame and free it.
func (driver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, _ *private) netdevice.TxOutcome {
	stats.DevLstatsAdd(dev, skb.Len())
	skb.Consume()
	return netdevice.TxOk()
}

// ValidateAddr is eth_validate_addr.
func (driver) ValidateAddr(dev *netdevice.Device, _ *private) error {
	return etherdevice.ValidateAddr(dev)
}

// SetRxMode is set_multicast_list: dummy fakes multicast ability.
func (driver) SetRxMode(*netdevice.Device, *private) {}

// SetMACAddress is eth_mac_addr.
func (driver) SetMACAddress(dev *netdevice.Device, _ *private, addr []byte) error {
	return etherdevice.MACAddr(dev, addr)
}

// GetStats64 is dummy_get_stats64: what was sent is tx.
func (driver) GetStats64(dev *netdevice.Device, _ *private, st *netdevice.LinkStats64) {
	st.TxPackets, st.TxBytes = stats.DevLstatsRead(dev)
}

// ChangeCarrier is dummy_change_carrier.
func (driver) ChangeCarrier(dev *netdevice.Device, _ *private, on bool) error {
	if on {
		dev.CarrierOn()
	} else {
		dev.CarrierOff()
	}
	return nil
}
