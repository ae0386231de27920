package netdevice_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/skbuff"
)

// TestConstants holds the constants to the kernel's values
// (include/linux/netdev_features.h, netdevice.h, netlink.h, uapi if.h and
// if_arp.h), on x86_64 with 4 KiB pages.
func TestConstants(t *testing.T) {
	tests := []struct {
		name string
		got  uint64
		want uint64
	}{
		{"NETIF_F_SG", uint64(netdevice.FeatureSG), 0x1},
		{"NETIF_F_HIGHDMA", uint64(netdevice.FeatureHighDMA), 0x20},
		{"NETIF_F_FRAGLIST", uint64(netdevice.FeatureFraglist), 0x40},
		{"nlmon features", uint64(netdevice.FeatureSG | netdevice.FeatureFraglist | netdevice.FeatureHighDMA), 0x61},
		{"ARPHRD_NETLINK", uint64(netdevice.TypeNetlink), 824},
		{"ARPHRD_ETHER", uint64(netdevice.TypeEther), 1},
		{"ARPHRD_LOOPBACK", uint64(netdevice.TypeLoopback), 772},
		{"IFF_NO_QUEUE", netdevice.PrivFlagNoQueue, 0x80000},
		{"IFF_NOARP", uint64(netdevice.FlagNoARP), 0x80},
		{"IFF_UP", uint64(netdevice.FlagUp), 0x1},
		{"IFF_LOWER_UP", uint64(netdevice.FlagLowerUp), 0x10000},
		{"NETDEV_PCPU_STAT_LSTATS", uint64(netdevice.StatLstats), 1},
		{"NLMSG_GOODSIZE", uint64(netdevice.NlmsgGoodSize()), 3776},
		{"NLMSG_HDRLEN", uint64(netdevice.NlmsgHdrLen), 16},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

// TestSetters: each setter writes its net_device field in setup, and
// panics once setup is over.
func TestSetters(t *testing.T) {
	cdev := &core.NetDevice{PrivFlags: core.IFF_XMIT_DST_RELEASE}
	dev := binding.Device.New(cdev).(*netdevice.Device)
	dev.SetType(netdevice.TypeNetlink)
	dev.AddPrivFlag(netdevice.PrivFlagNoQueue)
	dev.SetLltx(true)
	dev.SetNeedsFreeNetdev(true)
	dev.SetFeatures(netdevice.FeatureSG | netdevice.FeatureHighDMA)
	dev.SetFlags(netdevice.FlagNoARP)
	dev.SetMTU(3776)
	dev.SetMinMTU(16)
	dev.SetMaxMTU(9000)
	dev.SetAddrLen(6)
	dev.SetTxQueueLen(500)
	dev.SetPcpuStatType(netdevice.StatLstats)

	type fields struct {
		Type                    uint16
		PrivFlags               uint64
		Lltx, NeedsFree         bool
		Features                netdevice.Features
		Flags                   uint32
		MTU, MinMTU, MaxMTU, TQ uint32
		AddrLen                 uint8
		Stat                    netdevice.StatType
	}
	want := fields{824, core.IFF_XMIT_DST_RELEASE | 0x80000, true, true, 0x21, 0x80, 3776, 16, 9000, 500, 6, netdevice.StatLstats}
	got := fields{dev.Type(), dev.PrivFlags(), dev.Lltx(), dev.NeedsFreeNetdev(), dev.Features(), dev.Flags(),
		dev.MTU(), dev.MinMTU(), dev.MaxMTU(), dev.TxQueueLen(), dev.AddrLen(), dev.PcpuStatType()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("getters (-want +got):\n%s", diff)
	}
	raw := fields{cdev.Type, cdev.PrivFlags, cdev.Lltx, cdev.NeedsFreeNetdev, netdevice.Features(cdev.Features), cdev.Flags,
		cdev.MTU, cdev.MinMTU, cdev.MaxMTU, cdev.TxQueueLen, cdev.AddrLen, netdevice.StatType(cdev.PcpuStatType)}
	if diff := cmp.Diff(want, raw); diff != "" {
		t.Errorf("net_device fields (-want +got):\n%s", diff)
	}

	k := core.NewKernel(nil)
	cdev.SetName("t0")
	k.RtnlLock()
	err := k.InitNet().RegisterNetdevice(cdev)
	k.RtnlUnlock()
	if err != nil {
		t.Fatal(err)
	}
	for name, set := range map[string]func(){
		"SetMTU":      func() { dev.SetMTU(1500) },
		"SetFlags":    func() { dev.SetFlags(0) },
		"SetType":     func() { dev.SetType(1) },
		"AddPrivFlag": func() { dev.AddPrivFlag(1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "after register_netdevice") {
					t.Errorf("%s after registration: panic %v, want one", name, r)
				}
			}()
			set()
		}()
	}
	if dev.MTU() != 3776 {
		t.Errorf("MTU changed to %d after registration", dev.MTU())
	}
}

func TestTxOutcome(t *testing.T) {
	skb := binding.SkBuff.New(&core.SkBuff{}).(*skbuff.SkBuff)
	tests := []struct {
		name string
		out  netdevice.TxOutcome
		busy *skbuff.SkBuff
	}{
		{"ok", netdevice.TxOk(), nil},
		{"zero value is ok", netdevice.TxOutcome{}, nil},
		{"busy", netdevice.TxBusy(skb), skb},
	}
	for _, tt := range tests {
		if tt.out.IsBusy() != (tt.busy != nil) || tt.out.Busy() != tt.busy {
			t.Errorf("%s: IsBusy %v Busy %p, want busy skb %p", tt.name, tt.out.IsBusy(), tt.out.Busy(), tt.busy)
		}
	}
}
