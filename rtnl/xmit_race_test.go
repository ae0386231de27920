package rtnl_test

import (
	"sync"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/linktest"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/netlinktap"
	"github.com/knetlab/knet/skbuff"
)

// TestGettersFromStartXmit: a transmit reading Name, MTU, Flags and IsUp
// while other goroutines rename the device and change its MTU is not a
// data race (run with -race): it reads the published snapshot.
func TestGettersFromStartXmit(t *testing.T) {
	k := net.NewKernel()
	this := module.BuiltIn(k)
	drv := &linktest.Driver{KindName: "snoop", DevType: netdevice.TypeNetlink}
	drv.OpenFn = func(dev *netdevice.Device, p *linktest.Priv) error {
		tap := &netlinktap.Tap{}
		p.Any = tap
		return tap.Add(dev, this)
	}
	drv.StopFn = func(dev *netdevice.Device, p *linktest.Priv) error { return p.Any.(*netlinktap.Tap).Remove() }
	var seen sync.Map
	drv.XmitFn = func(skb *skbuff.SkBuff, dev *netdevice.Device) netdevice.TxOutcome {
		seen.Store(dev.Name(), dev.MTU()+dev.Flags())
		_ = dev.IsUp()
		return netdevice.TxOk()
	}
	register(t, k, drv)
	ns := k.InitNet()
	c := linktest.Dial(t, ns)
	if err := c.NewLink("s0", "snoop", true, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			cc := linktest.Dial(t, ns)
			for i := 0; i < 200; i++ {
				name := []string{"s0", "s1"}[i%2]
				if g == 0 {
					cc.Do(unix.RTM_NEWLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{Name: name}})
				} else {
					cc.Do(unix.RTM_NEWLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{MTU: uint32(1000 + i)}})
				}
			}
		}(g)
	}
	wg.Wait()
	n := 0
	seen.Range(func(any, any) bool { n++; return true })
	if n == 0 {
		t.Error("the transmit never ran")
	}
}
