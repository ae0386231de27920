package net

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// TestFaultsOnCreate makes each allocation of link creation fail once:
// the client gets ENOMEM and the namespace is as it was; the retry
// succeeds with the same name.
func TestFaultsOnCreate(t *testing.T) {
	for _, p := range []struct {
		name  string
		point FaultPoint
	}{
		{"netdev", FaultNetdevAlloc},
		{"priv", FaultPrivAlloc},
		{"pcpu stats", FaultPcpuStats},
		{"register", FaultRegister},
	} {
		t.Run(p.name, func(t *testing.T) {
			k := newTestKernel(t)
			registerTestMon(t, k, "nlmon", nil)
			ns := k.InitNet()
			c := dialRoute(t, ns, nil)
			l := dialRoute(t, ns, &DialConfig{Groups: 1})
			before := ns.Links()
			create := linkMsg(t, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "mon%d", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}})
			k.FailNth(p.point, 1)
			if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create, create); !errors.Is(err, unix.ENOMEM) {
				t.Fatalf("create with a failing allocation: %v, want ENOMEM", err)
			}
			if diff := cmp.Diff(before, ns.Links()); diff != "" {
				t.Errorf("failed create left (-before +after):\n%s", diff)
			}
			if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create, create); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if got := ns.Links()[len(ns.Links())-1].Name; got != "mon0" {
				t.Errorf("retry created %q, want mon0 (the failed attempt consumed no name)", got)
			}
			msgs, err := l.Receive()
			if err != nil || len(msgs) != 1 {
				t.Errorf("listener: %d messages, %v; want only the successful creation", len(msgs), err)
			}
		})
	}
}

// TestFaultsOnReplies: a request that cannot be allocated fails sendmsg
// with ENOBUFS; a reply that cannot be allocated becomes ENOBUFS
// for the requester; a notification that cannot be allocated sets ENOBUFS
// on every RTNLGRP_LINK listener (rtnl_set_sk_err); a tap copy that
// cannot be cloned is missing from the capture only.
func TestFaultsOnReplies(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	s := rawSocket(t, ns)
	c := upMonitor(t, ns, s, "nlmon0", 0)

	k.FailNth(FaultSkbAlloc, 1)
	if err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, 0, 0)); !errors.Is(err, unix.ENOBUFS) {
		t.Errorf("send with its skb allocation failing: %v, want ENOBUFS", err)
	}
	if f := drain(t, c); len(f) != 0 || s.Pending() != 0 {
		t.Errorf("a failed send was captured (%d frames) or answered (%d)", len(f), s.Pending())
	}

	// The first skb allocation is the request's own (sendmsg), the second
	// the reply's.
	k.FailNth(FaultSkbAlloc, 2)
	got := request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, 0, 0))
	if len(got) != 1 || headers(t, got[0])[0].Type != unix.NLMSG_ERROR || int32(nativeU32(got[0][16:])) != -int32(unix.ENOBUFS) {
		t.Errorf("getlink with the reply allocation failing: %x, want one NLMSG_ERROR ENOBUFS", got)
	}
	if f := drain(t, c); len(f) != 2 {
		t.Errorf("capture: %d frames, want the request and the error", len(f))
	}

	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	k.FailNth(FaultSkbAlloc, 2)
	request(t, s, linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 2, 2, 0, 0, attr(unix.IFLA_MTU, u32(2000))))
	if _, _, err := l.Recv(make([]byte, 4096)); !errors.Is(err, unix.ENOBUFS) {
		t.Errorf("listener after a lost notification: %v, want ENOBUFS", err)
	}

	drain(t, c)
	k.FailNth(FaultSkbClone, 1)
	request(t, s, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 3, 1, 0, 0))
	if f := drain(t, c); len(f) != 1 {
		t.Errorf("capture with the first tap clone failing: %d frames, want 1 (the reply)", len(f))
	}
}

func nativeU32(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }

// TestRandomFaults runs a mixed workload with every allocation site
// failing at random (reproducibly): each failure surfaces as ENOMEM or
// ENOBUFS, or as a lost notification or tap copy, and the model stays
// consistent throughout.
func TestRandomFaults(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		k := newTestKernel(t)
		mod := &core.Module{Name: "testmon"}
		if err := k.k.AddModule(mod); err != nil {
			t.Fatal(err)
		}
		if err := k.k.LoadModule("testmon"); err != nil {
			t.Fatal(err)
		}
		registerTestMon(t, k, "nlmon", mod)
		ns := k.InitNet()
		s := rawSocket(t, ns)
		l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
		if err != nil {
			t.Fatal(err)
		}
		for p := FaultPoint(0); p <= FaultSkbClone; p++ {
			k.FailRandom(p, 0.1, seed)
		}
		buf := make([]byte, 1<<16)
		for i := 0; i < 300; i++ {
			name := str(string(rune('a'+i%5)) + "mon")
			var req []byte
			switch i % 4 {
			case 0:
				req = linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE, uint32(i), 0, unix.IFF_UP, unix.IFF_UP,
					attr(unix.IFLA_IFNAME, name), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon"))))
			case 1:
				req = linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, uint32(i), 0, 0, 0)
			case 2:
				req = linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, uint32(i), 0, 0, unix.IFF_UP, attr(unix.IFLA_IFNAME, name))
			case 3:
				req = linkReq(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, uint32(i), 0, 0, 0, attr(unix.IFLA_IFNAME, name))
			}
			if err := s.Send(req); err != nil && !errors.Is(err, unix.ENOBUFS) {
				t.Fatalf("seed %d, request %d: send: %v", seed, i, err)
			}
			for s.Pending() > 0 {
				n, _, err := s.Recv(buf)
				if errors.Is(err, unix.ENOBUFS) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range headers(t, buf[:n]) {
					if h.Type != unix.NLMSG_ERROR {
						continue
					}
					// EBUSY: a dump whose datagram could not be allocated
					// stays running until read again, as netlink_dump's does.
					switch e := unix.Errno(-int32(binary.NativeEndian.Uint32(buf[16:]))); e {
					case 0, unix.ENOMEM, unix.ENOBUFS, unix.EEXIST, unix.ENODEV, unix.EBUSY:
					default:
						t.Errorf("seed %d, request %d: %v", seed, i, e)
					}
				}
			}
			for l.Pending() > 0 {
				l.Recv(buf)
			}
			if err := k.CheckConsistency(); err != nil {
				t.Fatalf("seed %d, after request %d: %v", seed, i, err)
			}
		}
		fired := 0
		for p := FaultPoint(0); p <= FaultSkbClone; p++ {
			fired += k.FaultsFired(p)
			k.FailRandom(p, 0, 0)
		}
		if fired == 0 {
			t.Errorf("seed %d: no fault fired", seed)
		}
		if got, want := mod.Refcount(), int64(len(ns.n.Taps())); got != want {
			t.Errorf("seed %d: module refcount %d with %d taps", seed, got, want)
		}
	}
}
