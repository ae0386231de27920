package rtnl_test

import (
	"fmt"
	"io"
	"log"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/netlinktap"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// blackhole is a link kind whose devices swallow the netlink traffic of
// their namespace and count it as transmitted.
type blackhole struct{ this *module.ThisModule }

type blackholePriv struct{ tap netlinktap.Tap }

func (blackhole) Kind() string { return "blackhole" }

func (blackhole) Setup(dev *netdevice.Device) {
	dev.SetType(netdevice.TypeNetlink) // taps need ARPHRD_NETLINK
	dev.SetFlags(netdevice.FlagNoARP)
	dev.SetPcpuStatType(netdevice.StatLstats)
	dev.SetMTU(netdevice.NlmsgGoodSize())
}

func (b blackhole) Open(dev *netdevice.Device, p *blackholePriv) error {
	return p.tap.Add(dev, b.this)
}

func (blackhole) Stop(dev *netdevice.Device, p *blackholePriv) error { return p.tap.Remove() }

func (blackhole) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, _ *blackholePriv) netdevice.TxOutcome {
	stats.DevLstatsAdd(dev, skb.Len())
	return netdevice.TxOk() // the binding consumes skb
}

func (blackhole) GetStats64(dev *netdevice.Device, _ *blackholePriv, st *netdevice.LinkStats64) {
	st.TxPackets, st.TxBytes = stats.DevLstatsRead(dev)
}

// The blackhole module registers the kind for as long as it is loaded.
var blackholeModule = &module.Module{
	Name:    "blackhole",
	Aliases: []string{"rtnl-link-blackhole"},
	License: "GPL",
	Init: func(this *module.ThisModule) (io.Closer, error) {
		r, err := rtnl.NewRegistration(this, blackhole{this: this})
		if err != nil {
			return nil, err
		}
		return r, nil
	},
}

// A link driver in a few dozen lines: the kind registers when its module
// loads, here on demand by `ip link add bh0 type blackhole up`.
func ExampleRegistration() {
	k := net.NewKernel()
	if err := blackholeModule.Install(k); err != nil {
		log.Fatal(err)
	}
	c, err := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	do := func(typ netlink.HeaderType, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) []netlink.Message {
		b, _ := lm.MarshalBinary()
		msgs, err := c.Execute(netlink.Message{Header: netlink.Header{Type: typ, Flags: netlink.Request | flags}, Data: b})
		if err != nil {
			log.Fatal(err)
		}
		return msgs
	}

	// ip link add bh0 type blackhole up: request_module("rtnl-link-blackhole")
	// loads the module; the device's tap sees the ack.
	do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, &rtnetlink.LinkMessage{
		Flags: unix.IFF_UP, Change: unix.IFF_UP,
		Attributes: &rtnetlink.LinkAttributes{Name: "bh0", Info: &rtnetlink.LinkInfo{Kind: "blackhole"}},
	})
	fmt.Println("loaded:", k.ModuleLoaded("blackhole"), "refs:", k.ModuleRefcount("blackhole"))

	// ip -s link show bh0: the request is counted before the reply is built.
	msgs := do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "bh0"}})
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		log.Fatal(err)
	}
	fmt.Println("bh0 tx packets:", lm.Attributes.Stats64.TXPackets)

	// rmmod fails while the tap pins the module; once bh0 is down it
	// succeeds and takes bh0 with it.
	fmt.Println("rmmod while up:", blackholeModule.Unload(k))
	do(unix.RTM_NEWLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{
		Change: unix.IFF_UP, Attributes: &rtnetlink.LinkAttributes{Name: "bh0"},
	})
	fmt.Println("rmmod while down:", blackholeModule.Unload(k))
	fmt.Println("links:", len(k.InitNet().Links()))
	// Output:
	// loaded: true refs: 1
	// bh0 tx packets: 2
	// rmmod while up: delete_module: resource temporarily unavailable
	// rmmod while down: <nil>
	// links: 1
}
