package stats_test

import (
	"sync"
	"testing"

	"github.com/knetlab/knet/internal/linktest"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/stats"
)

// none is a kind without per-CPU counters.
type none struct {
	*linktest.Driver
	dev **netdevice.Device
}

func (n none) Setup(dev *netdevice.Device) {
	dev.SetType(netdevice.TypeNetlink)
	*n.dev = dev
}

func TestLstats(t *testing.T) {
	k := net.NewKernel()
	lst := &linktest.Driver{KindName: "lst", DevType: netdevice.TypeNetlink} // StatLstats
	var ndev *netdevice.Device
	nd := none{&linktest.Driver{KindName: "nost"}, &ndev}
	for _, d := range []rtnl.Driver[linktest.Priv]{lst, nd} {
		r, err := rtnl.NewRegistration(module.BuiltIn(k), d)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
	}
	c := linktest.Dial(t, k.InitNet())
	if err := c.NewLink("l0", "lst", false, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.NewLink("n0", "nost", false, nil); err != nil {
		t.Fatal(err)
	}
	dev := lst.Device("l0")

	// dev_lstats_add from many "CPUs" at once, as lltx transmit does.
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				stats.DevLstatsAdd(dev, 100)
			}
		}()
	}
	wg.Wait()
	if p, b := stats.DevLstatsRead(dev); p != 8000 || b != 800000 {
		t.Errorf("lstats = %d packets %d bytes, want 8000 and 800000", p, b)
	}

	stats.DevLstatsAdd(ndev, 100)
	if p, b := stats.DevLstatsRead(ndev); p != 0 || b != 0 {
		t.Errorf("device without lstats counted %d/%d", p, b)
	}
}
