package core

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// tapDev registers an up ARPHRD_NETLINK device whose transmit is xmit.
func tapDev(t *testing.T, n *Net, name string, xmit func(*SkBuff, *NetDevice) int) *NetDevice {
	t.Helper()
	dev, err := AllocNetdev(n.k, nil, name, NET_NAME_USER, func(d *NetDevice) {
		d.Type = ARPHRD_NETLINK
		d.PcpuStatType = NETDEV_PCPU_STAT_LSTATS
		d.Ops = &NetDeviceOps{StartXmit: xmit}
	}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	n.k.RtnlLock()
	defer n.k.RtnlUnlock()
	if err := n.RegisterNetdevice(dev); err != nil {
		t.Fatal(err)
	}
	if err := DevChangeFlags(dev, IFF_UP, nil); err != nil {
		t.Fatal(err)
	}
	return dev
}

func sendGetlink(t *testing.T, s *Sock) {
	t.Helper()
	req := make([]byte, 32)
	req[0] = 32
	req[4] = RTM_GETLINK
	req[6] = NLM_F_REQUEST
	req[20] = 1
	if err := s.Sendmsg(req, 0, 0); err != nil {
		t.Fatal(err)
	}
}

func TestTapAddRemove(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	if err := NetlinkAddTap(&NetlinkTap{Dev: n.Loopback()}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("tap on lo: %v, want EINVAL", err)
	}
	dev := tapDev(t, n, "t0", func(*SkBuff, *NetDevice) int { return NETDEV_TX_OK })
	m := &Module{Name: "m"}
	nt := &NetlinkTap{Dev: dev, Module: m}
	if err := NetlinkAddTap(nt); err != nil || m.Refcount() != 1 {
		t.Fatalf("add: %v, refcount %d", err, m.Refcount())
	}
	if err := NetlinkRemoveTap(nt); err != nil || m.Refcount() != 0 {
		t.Fatalf("remove: %v, refcount %d", err, m.Refcount())
	}
	if err := NetlinkRemoveTap(nt); !errors.Is(err, unix.ENODEV) {
		t.Errorf("second remove: %v, want ENODEV", err)
	}
}

// TestTapOrderAndFailure: every tap gets its own copy, newest first, and a
// tap whose transmit fails stops the walk for that message.
func TestTapOrderAndFailure(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	var order []string
	var failFirst atomic.Bool
	mk := func(name string) *NetDevice {
		return tapDev(t, n, name, func(skb *SkBuff, dev *NetDevice) int {
			order = append(order, dev.Name())
			if dev.Name() == "new" && failFirst.Load() {
				return NETDEV_TX_BUSY // dropped: -ENETDOWN to the tap walk
			}
			return NETDEV_TX_OK
		})
	}
	old, nw := mk("old"), mk("new")
	for _, d := range []*NetDevice{old, nw} {
		if err := NetlinkAddTap(&NetlinkTap{Dev: d}); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := n.NetlinkCreate(NETLINK_ROUTE, true)
	sendGetlink(t, s)
	if got := order; len(got) != 4 || got[0] != "new" || got[1] != "old" {
		t.Fatalf("request and reply went to %v, want new, old for each", got)
	}
	order = nil
	failFirst.Store(true)
	sendGetlink(t, s)
	if len(order) != 2 || order[0] != "new" || order[1] != "new" {
		t.Errorf("with the newest tap failing: %v, want only new (twice)", order)
	}
	if st := DevGetStats(nw); st.TxDropped != 2 {
		t.Errorf("BUSY transmits: tx_dropped %d, want 2", st.TxDropped)
	}
}

// TestDevQueueXmitDown: a device that is down drops on the noop qdisc.
func TestDevQueueXmitDown(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	called := false
	dev := tapDev(t, n, "t0", func(*SkBuff, *NetDevice) int { called = true; return NETDEV_TX_OK })
	k.RtnlLock()
	DevChangeFlags(dev, 0, nil)
	k.RtnlUnlock()
	if rc := DevQueueXmit(&SkBuff{Data: []byte{1}, Dev: dev}); rc != NET_XMIT_CN || called {
		t.Errorf("xmit on a down device: rc %d, driver called %v; want NET_XMIT_CN, not called", rc, called)
	}
	if st := DevGetStats(dev); st.TxDropped != 1 {
		t.Errorf("tx_dropped %d, want 1", st.TxDropped)
	}
}

// TestTapRemoveWaitsForDeliveries: once NetlinkRemoveTap returns, the
// device's transmit is never called again (synchronize_net).
func TestTapRemoveWaitsForDeliveries(t *testing.T) {
	k := NewKernel(nil)
	n := k.InitNet()
	var removed atomic.Bool
	var late atomic.Int64
	dev := tapDev(t, n, "t0", func(*SkBuff, *NetDevice) int {
		time.Sleep(50 * time.Microsecond)
		if removed.Load() {
			late.Add(1)
		}
		return NETDEV_TX_OK
	})
	nt := &NetlinkTap{Dev: dev}
	if err := NetlinkAddTap(nt); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _ := n.NetlinkCreate(NETLINK_ROUTE, true)
			buf := make([]byte, 8192)
			for {
				select {
				case <-stop:
					return
				default:
				}
				sendGetlink(t, s)
				s.Recvmsg(buf, false, true)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := NetlinkRemoveTap(nt); err != nil {
		t.Fatal(err)
	}
	removed.Store(true)
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	if l := late.Load(); l != 0 {
		t.Errorf("%d transmits after NetlinkRemoveTap returned", l)
	}
}
