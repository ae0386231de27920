package net

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// testMonPriv is the private area of the test kind: a netlink tap.
type testMonPriv struct{ tap core.NetlinkTap }

// registerTestMon registers, on the core directly, a link kind that does
// what drivers/net/nlmon.c does, so this package's tests can exercise taps
// and capture without the typed driver packages.
func registerTestMon(t testing.TB, k *Kernel, kind string, mod *core.Module) *core.RtnlLinkOps {
	t.Helper()
	ops := &core.RtnlLinkOps{
		Kind:    kind,
		NewPriv: func() any { return &testMonPriv{} },
		Setup: func(dev *core.NetDevice) {
			dev.Type = core.ARPHRD_NETLINK
			dev.PrivFlags |= core.IFF_NO_QUEUE
			dev.Lltx = true
			dev.NeedsFreeNetdev = true
			dev.Features = core.NETIF_F_SG | core.NETIF_F_FRAGLIST | core.NETIF_F_HIGHDMA
			dev.Flags = core.IFF_NOARP
			dev.PcpuStatType = core.NETDEV_PCPU_STAT_LSTATS
			dev.MTU = core.NLMSG_GOODSIZE
			dev.MinMTU = 16
			dev.Ops = &core.NetDeviceOps{
				Open: func(dev *core.NetDevice) error {
					p := dev.Priv.(*testMonPriv)
					p.tap = core.NetlinkTap{Dev: dev, Module: mod}
					return core.NetlinkAddTap(&p.tap)
				},
				Stop: func(dev *core.NetDevice) error {
					return core.NetlinkRemoveTap(&dev.Priv.(*testMonPriv).tap)
				},
				StartXmit: func(skb *core.SkBuff, dev *core.NetDevice) int {
					core.DevLstatsAdd(dev, uint32(skb.Len()))
					return core.NETDEV_TX_OK
				},
				GetStats64: func(dev *core.NetDevice, st *core.RtnlLinkStats64) {
					st.RxPackets, st.RxBytes = core.DevLstatsRead(dev)
				},
			}
		},
		Validate: func(tb []core.Attr, data []core.Attr, extack *core.ExtAck) error {
			if tb[core.IFLA_ADDRESS].Present() {
				return unix.EINVAL
			}
			return nil
		},
		Owner: mod,
	}
	if err := k.k.RtnlLinkRegister(ops); err != nil {
		t.Fatalf("register %q: %v", kind, err)
	}
	return ops
}
