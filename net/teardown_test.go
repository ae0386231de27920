package net

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// TestCloseMidDump closes a socket between two datagrams of a dump: the
// dump's state goes with it and the kernel stays consistent.
func TestCloseMidDump(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	makeLinks(t, k, ns, 30)
	s, err := ns.Socket(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 1, 0, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Recv(make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Recv(make([]byte, 4096)); err == nil {
		t.Error("receive on a closed socket succeeded")
	}
	// The port id is free again and the kernel answers new sockets.
	s2 := rawSocket(t, ns)
	if got := request(t, s2, linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 2, 1, 0, 0)); len(got) != 1 {
		t.Errorf("after the close: %d answers", len(got))
	}
}

// TestDestroyNamespaceWithTaps deletes a namespace that has open sockets,
// an up nlmon device with its tap and a capture: every device, tap and
// module reference goes, the capture reports the device gone, and the
// other namespaces are untouched.
func TestDestroyNamespaceWithTaps(t *testing.T) {
	k := newTestKernel(t)
	mod := &core.Module{Name: "testmon"}
	registerTestMon(t, k, "nlmon", mod)
	before := k.k.LiveDevices()
	ns, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	s := rawSocket(t, ns)
	c := upMonitor(t, ns, s, "nlmon0", 0)
	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if mod.Refcount() != 1 || len(ns.n.Taps()) != 1 {
		t.Fatalf("setup: refcount %d, %d taps", mod.Refcount(), len(ns.n.Taps()))
	}
	if err := ns.Close(); err != nil {
		t.Fatal(err)
	}
	if mod.Refcount() != 0 || len(ns.n.Taps()) != 0 || k.k.LiveDevices() != before {
		t.Errorf("after destroy: refcount %d, %d taps, %d devices (want %d)", mod.Refcount(), len(ns.n.Taps()), k.k.LiveDevices(), before)
	}
	if _, _, err := c.TryRead(); err == nil {
		t.Error("the capture of a destroyed device reads on")
	}
	if _, err := ns.Socket(unix.NETLINK_ROUTE, nil); err == nil {
		t.Error("a socket opened in a destroyed namespace")
	}
	if got := len(k.InitNet().Links()); got != 1 {
		t.Errorf("init_net has %d links", got)
	}
}

// TestDestroyWakesReaders: a reader blocked on a socket of a namespace
// that is destroyed returns instead of waiting forever.
func TestDestroyWakesReaders(t *testing.T) {
	k := newTestKernel(t)
	ns, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	l, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// The teardown's own notifications (lo's RTM_DELLINK) may come
		// first; the socket's closing must end the reads.
		for {
			if _, _, err := l.Recv(make([]byte, 4096)); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(10 * time.Millisecond)
	if err := ns.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("blocked reader still waiting after the namespace was destroyed")
	}
}
