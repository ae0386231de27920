// Package ifb is the Intermediate Functional Block device written on
// knet's typed driver packages only: the Go counterpart of
// drivers/net/ifb.c. An ifb device exists to have traffic redirected into
// it by tc (the mirred action), queued on its qdisc and sent on; a frame
// that was not redirected is counted as received and then dropped
// (rx_dropped), which is all that happens to frames in the model: tc is
// not modelled, so nothing redirects to an ifb.
//
// Loading the module registers the kind "ifb" and creates numifbs
// devices (2 by default, "ifb0" and "ifb1") in init_net, as on Linux.
package ifb

import (
	"io"
	"sync/atomic"

	"github.com/knetlab/knet/etherdevice"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// Kind is the rtnl link kind ifb registers.
const Kind = "ifb"

// txQLimit is TX_Q_LIMIT: an ifb's transmit queue length.
const txQLimit = 32

// features is IFB_FEATURES.
const features = netdevice.FeatureHWCsum | netdevice.FeatureSG | netdevice.FeatureFraglist |
	netdevice.FeatureGSOSoftware | netdevice.FeatureGSOEncapAll | netdevice.FeatureHighDMA |
	netdevice.FeatureHWVlanCtagTx | netdevice.FeatureHWVlanStagTx

// Module is the ifb module. Its parameter numifbs is the number of
// devices it creates at load.
var Module = &module.Module{
	Name:        "ifb",
	Aliases:     []string{module.RtnlLinkAlias(Kind)},
	Description: "Intermediate Functional Block (ifb) netdevice driver for sharing of resources and ingress packet queuing",
	Authors:     []string{"Jamal Hadi Salim"},
	License:     "GPL",
	Init:        initModule,
}

// initModule is ifb_init_module.
func initModule(this *module.ThisModule) (io.Closer, error) {
	num, err := this.IntParam("numifbs", 2)
	if err != nil {
		return nil, err
	}
	r, err := rtnl.NewRegistration(this, driver{})
	if err != nil {
		return nil, err
	}
	for i := 0; i < num; i++ {
		// ifb_init_one: alloc_netdev(..., "ifb%d", NET_NAME_UNKNOWN, ...).
		if _, err := r.AddDevice(this.Kernel().InitNet(), "ifb%d", netdevice.NameUnknown); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// qStats is struct ifb_q_stats.
type qStats struct{ packets, bytes atomic.Uint64 }

func (s *qStats) add(n uint32) {
	s.packets.Add(1)
	s.bytes.Add(uint64(n))
}

// queue is struct ifb_q_private without the tasklet and its queues, which
// only redirected frames use. tx stays zero because ifb_ri_tasklet, which
// counts the redirected frames it sends on, is not modelled; GetStats64
// still sums it, as ifb_stats64 does.
type queue struct{ rx, tx qStats }

// private is struct ifb_dev_private.
type private struct {
	queues []queue // tx_private: one per transmit queue
}

// driver is ifb_link_ops and ifb_netdev_ops.
type driver struct{}

// Kind is rtnl_link_ops.kind.
func (driver) Kind() string { return Kind }

// Setup is ifb_setup.
func (driver) Setup(dev *netdevice.Device) {
	dev.EtherSetup()
	dev.SetTxQueueLen(txQLimit)
	dev.AddFeatures(features)
	dev.SetHwFeatures(dev.HwFeatures() | dev.Features())
	dev.SetHwEncFeatures(dev.HwEncFeatures() | dev.Features())
	dev.SetVlanFeatures(dev.VlanFeatures() | features&^(netdevice.FeatureHWVlanCtagTx|netdevice.FeatureHWVlanStagTx))
	dev.AddFlags(netdevice.FlagNoARP)
	dev.ClearFlags(netdevice.FlagMulticast)
	dev.ClearPrivFlag(netdevice.PrivFlagTxSkbSharing)
	dev.KeepDst()
	dev.HwAddrRandom()
	dev.SetNeedsFreeNetdev(true)
	dev.SetMinMTU(0)
	dev.SetMaxMTU(0)
	dev.SetTSOMaxSize(netdevice.GSOMaxSize)
}

// Validate is ifb_validate.
func (driver) Validate(ctx *rtnl.ValidateContext) error { return etherdevice.ValidateAddrAttr(ctx) }

// Init is ifb_dev_init: a queue's counters for each transmit queue.
func (driver) Init(dev *netdevice.Device, p *private) error {
	p.queues = make([]queue, dev.NumTxQueues())
	return nil
}

// Uninit frees them (ifb_dev_free, the priv_destructor).
func (driver) Uninit(_ *netdevice.Device, p *private) { p.queues = nil }

// StartXmit is ifb_xmit: the frame counts as received on its queue; one
// that tc did not redirect here (every frame, in the model) is then
// freed and counted in rx_dropped.
func (driver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, p *private) netdevice.TxOutcome {
	p.queues[0].rx.add(skb.Len()) // skb_get_queue_mapping: the model picks queue 0
	skb.Consume()
	stats.DevStatsAdd(dev, stats.RxDropped, 1)
	return netdevice.TxOk()
}

// ValidateAddr is eth_validate_addr.
func (driver) ValidateAddr(dev *netdevice.Device, _ *private) error {
	return etherdevice.ValidateAddr(dev)
}

// GetStats64 is ifb_stats64.
func (driver) GetStats64(dev *netdevice.Device, p *private, st *netdevice.LinkStats64) {
	for i := range p.queues {
		q := &p.queues[i]
		st.RxPackets += q.rx.packets.Load()
		st.RxBytes += q.rx.bytes.Load()
		st.TxPackets += q.tx.packets.Load()
		st.TxBytes += q.tx.bytes.Load()
	}
	legacy := stats.DevStatsRead(dev)
	st.RxDropped, st.TxDropped = legacy.RxDropped, legacy.TxDropped
}
