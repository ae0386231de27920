package net

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net/nettest"
)

// Regression tests for findings of a review of the core.

// A reader peeking while another dequeues must never see a recycled
// buffer (run with -race).
func TestPeekWhileReceiving(t *testing.T) {
	k := newTestKernel(t)
	s := rawSocket(t, k.InitNet())
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, flags := range []int{MsgPeek | MsgDontwait, MsgDontwait} {
		wg.Add(1)
		go func(flags int) {
			defer wg.Done()
			buf := make([]byte, 4096)
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, _, _, err := s.RecvMsg(buf, flags)
				if err != nil || n > len(buf) {
					continue
				}
				// A reply, or the EAGAIN error of one that found the queue
				// full (as rtnl_unicast does); never a torn or recycled one.
				if err := nettest.WellFormed(buf[:n]); err != nil {
					t.Errorf("malformed datagram: %v", err)
					continue
				}
				switch typ := binary.NativeEndian.Uint16(buf[4:]); typ {
				case unix.RTM_NEWLINK:
					if binary.NativeEndian.Uint32(buf[20:]) != 1 {
						t.Errorf("reply for ifindex %d", binary.NativeEndian.Uint32(buf[20:]))
					}
				case unix.NLMSG_ERROR:
					if e := int32(binary.NativeEndian.Uint32(buf[16:])); e != -int32(unix.EAGAIN) {
						t.Errorf("error %d", e)
					}
				default:
					t.Errorf("read a message of type %d", typ)
				}
			}
		}(flags)
	}
	for i := 0; i < 500; i++ {
		if err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, uint32(i), 1, 0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestClosedSocketStaysClosed(t *testing.T) {
	k := newTestKernel(t)
	ns := k.InitNet()
	s, err := ns.Socket(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.JoinGroup(unix.RTNLGRP_LINK); err == nil {
		t.Error("a closed socket joined a group")
	}
	if err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 1, 0, 0, 0)); err == nil {
		t.Error("a closed socket sent a dump request")
	}
	if ns.n.HasListeners(unix.NETLINK_ROUTE, unix.RTNLGRP_LINK) {
		t.Error("a closed socket listens")
	}
}

func TestZeroLengthSend(t *testing.T) {
	k := newTestKernel(t)
	s := rawSocket(t, k.InitNet())
	if err := s.Send(nil); !errors.Is(err, unix.ENODATA) {
		t.Errorf("empty datagram: %v, want ENODATA", err)
	}
}

// Two creates that both need the module autoloaded both succeed.
func TestConcurrentAutoload(t *testing.T) {
	k := newTestKernel(t)
	monModule(k, t)
	ns := k.InitNet()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := ns.Dial(unix.NETLINK_ROUTE, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			b, _ := (&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Info: &rtnetlink.LinkInfo{Kind: "testmon"}}}).MarshalBinary()
			_, errs[i] = c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge | netlink.Create}, Data: b})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("create %d: %v", i, err)
		}
	}
}

// A socket that overran and then found its queue empty receives again.
func TestCongestionEndsWhenDrained(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	k.FailNth(FaultSkbClone, 1) // the broadcast clone to l fails: overrun
	makeLinksNamed(t, ns, "m0")
	if _, _, err := l.Recv(make([]byte, 4096)); !errors.Is(err, unix.ENOBUFS) {
		t.Fatalf("after a lost notification: %v, want ENOBUFS", err)
	}
	makeLinksNamed(t, ns, "m1")
	if l.Pending() != 1 {
		t.Errorf("after draining: %d notifications queued, want 1", l.Pending())
	}
}

func TestLoopbackAddressAndMaster(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	c := dialRoute(t, ns, nil)
	if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 1,
		Attributes: &rtnetlink.LinkAttributes{Address: []byte{2, 0, 0, 0, 0, 1}}})); err != nil {
		t.Errorf("lo address change: %v", err)
	}
	if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 1,
		Attributes: &rtnetlink.LinkAttributes{Address: []byte{1, 0, 0, 0, 0, 1}}})); !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("multicast address on lo: %v, want EADDRNOTAVAIL", err)
	}
	master := uint32(1)
	_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, linkMsg(t, &rtnetlink.LinkMessage{
		Attributes: &rtnetlink.LinkAttributes{Name: "m0", Master: &master, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}))
	if !errors.Is(err, unix.EOPNOTSUPP) || len(ns.Links()) != 1 {
		t.Errorf("create under lo as master: %v, %d links; want EOPNOTSUPP and nothing created", err, len(ns.Links()))
	}
}

// PF_BRIDGE link requests go to the bridge handlers, which have no bridge
// to answer for.
func TestBridgeFamily(t *testing.T) {
	k := newTestKernel(t)
	s := rawSocket(t, k.InitNet(), unix.NETLINK_EXT_ACK)
	dump := linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 1, 0, 0, 0)
	dump[16] = unix.AF_BRIDGE
	got := request(t, s, dump)
	if len(got) != 1 || len(headers(t, got[0])) != 1 || headers(t, got[0])[0].Type != unix.NLMSG_DONE {
		t.Errorf("PF_BRIDGE link dump: %d datagrams, want NLMSG_DONE alone", len(got))
	}
	set := linkReq(unix.RTM_SETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 2, 1, 0, 0, attr(unix.IFLA_MTU, u32(1500)))
	set[16] = unix.AF_BRIDGE
	got = request(t, s, set)
	if e := int32(binary.NativeEndian.Uint32(got[0][16:])); e != -int32(unix.EOPNOTSUPP) || len(k.InitNet().Links()) != 1 || k.InitNet().Links()[0].MTU != 65536 {
		t.Errorf("PF_BRIDGE setlink on lo: errno %d, lo %+v", e, k.InitNet().Links()[0])
	}
}

// A privileged uevent sent to the kernel is rebroadcast without its
// netlink header and with a sequence number, as uevent_net_broadcast does.
func TestUeventRebroadcast(t *testing.T) {
	k := newTestKernel(t)
	ns := k.InitNet()
	l, err := ns.Socket(unix.NETLINK_KOBJECT_UEVENT, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := ns.Socket(unix.NETLINK_KOBJECT_UEVENT, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body := "add@/x\x00ACTION=add\x00"
	msg := make([]byte, 16+len(body))
	binary.NativeEndian.PutUint32(msg, uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], 0x10)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST)
	copy(msg[16:], body)
	// The sequence numbers go on from the kernel's own uevents (lo's at
	// boot): each rebroadcast takes the next.
	var seqs []int
	for range 2 {
		if err := s.Send(msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		n, from, err := l.Recv(buf)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := strings.CutPrefix(string(buf[:n]), body+"SEQNUM=")
		seq, err := strconv.Atoi(strings.TrimSuffix(got, "\x00"))
		if !ok || err != nil || !strings.HasSuffix(got, "\x00") || from != (Addr{PortID: 0, Groups: 1}) {
			t.Fatalf("listener got %q from %+v, want %q and a SEQNUM from the kernel to group 1", buf[:n], from, body)
		}
		seqs = append(seqs, seq)
	}
	if seqs[0] < 1 || seqs[1] != seqs[0]+1 {
		t.Errorf("SEQNUMs %v, want two consecutive numbers", seqs)
	}
	u, err := ns.Socket(unix.NETLINK_KOBJECT_UEVENT, &DialConfig{Unprivileged: true})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.Send(msg); err != nil {
		t.Fatal(err)
	}
	if l.Pending() != 0 {
		t.Error("an unprivileged uevent was rebroadcast")
	}
}
