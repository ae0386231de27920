package netlinktap_test

import (
	"errors"
	"io"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/linktest"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/netlinktap"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
)

// env is a kernel with a loaded module "taptest" and up devices of a kind
// that counts what it transmits but adds no tap itself: the test drives
// the Tap.
type env struct {
	k    *net.Kernel
	this *module.ThisModule
	drv  *linktest.Driver
	eth  *linktest.Driver
	c    *linktest.Client
	xmit atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{k: net.NewKernel()}
	mod := &module.Module{Name: "taptest", Init: func(this *module.ThisModule) (io.Closer, error) {
		e.this = this
		return nil, nil
	}}
	if err := mod.Load(e.k); err != nil {
		t.Fatal(err)
	}
	e.drv = &linktest.Driver{KindName: "tapdev", DevType: netdevice.TypeNetlink}
	e.drv.XmitFn = func(skb *skbuff.SkBuff, dev *netdevice.Device) netdevice.TxOutcome {
		e.xmit.Add(1)
		return netdevice.TxOk()
	}
	r, err := rtnl.NewRegistration(module.BuiltIn(e.k), e.drv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	e.eth = &linktest.Driver{KindName: "ethdev", DevType: netdevice.TypeEther}
	r2, err := rtnl.NewRegistration(module.BuiltIn(e.k), e.eth)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r2.Close() })
	e.c = linktest.Dial(t, e.k.InitNet())
	for _, l := range []struct{ name, kind string }{{"t0", "tapdev"}, {"e0", "ethdev"}} {
		if err := e.c.NewLink(l.name, l.kind, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) dev(name string) *netdevice.Device { return e.drv.Device(name) }

// traffic makes one request and its reply and reports how many copies the
// tapped device transmitted.
func (e *env) traffic(t *testing.T) int64 {
	t.Helper()
	before := e.xmit.Load()
	if _, err := e.c.Get("lo"); err != nil {
		t.Fatal(err)
	}
	return e.xmit.Load() - before
}

// TestStateMachine walks the RFC Tap's states: add, add again (EBUSY),
// remove, remove again (no-op), add again.
func TestStateMachine(t *testing.T) {
	e := newEnv(t)
	var tap netlinktap.Tap
	type state struct {
		Err        unix.Errno
		Registered bool
		Refs       int64
		Taps       int
		Copies     int64
	}
	observe := func(err error) state {
		return state{linktest.Errno(err), tap.IsRegistered(), e.k.ModuleRefcount("taptest"), linktest.Taps(e.k), e.traffic(t)}
	}
	steps := []struct {
		name string
		do   func() error
		want state
	}{
		{"zero value", func() error { return nil }, state{}},
		{"add", func() error { return tap.Add(e.dev("t0"), e.this) }, state{0, true, 1, 1, 2}},
		{"add again", func() error { return tap.Add(e.dev("t0"), e.this) }, state{unix.EBUSY, true, 1, 1, 2}},
		{"remove", tap.Remove, state{0, false, 0, 0, 0}},
		{"remove again", tap.Remove, state{0, false, 0, 0, 0}},
		{"add after remove", func() error { return tap.Add(e.dev("t0"), e.this) }, state{0, true, 1, 1, 2}},
		{"remove last", tap.Remove, state{0, false, 0, 0, 0}},
		{"built-in takes no reference", func() error { return tap.Add(e.dev("t0"), module.BuiltIn(e.k)) }, state{0, true, 0, 1, 2}},
		{"nil module takes none", func() error {
			if err := tap.Remove(); err != nil {
				return err
			}
			return tap.Add(e.dev("t0"), nil)
		}, state{0, true, 0, 1, 2}},
		{"final remove", tap.Remove, state{0, false, 0, 0, 0}},
	}
	for _, s := range steps {
		got := observe(s.do())
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}

// TestAddRejected: netlink_add_tap's EINVAL for a non-ARPHRD_NETLINK
// device, and a module of another kernel, leave the tap unregistered and
// take no reference.
func TestAddRejected(t *testing.T) {
	e := newEnv(t)
	ethDev := e.eth.Device("e0")
	var tap netlinktap.Tap
	if err := tap.Add(ethDev, e.this); !errors.Is(err, unix.EINVAL) {
		t.Errorf("add on ARPHRD_ETHER: %v, want EINVAL", err)
	}
	other := net.NewKernel()
	if err := tap.Add(e.dev("t0"), module.BuiltIn(other)); !errors.Is(err, unix.EINVAL) {
		t.Errorf("add with another kernel's module: %v, want EINVAL", err)
	}
	if tap.IsRegistered() || e.k.ModuleRefcount("taptest") != 0 || linktest.Taps(e.k) != 0 {
		t.Errorf("rejected adds left state: registered %v refs %d taps %d",
			tap.IsRegistered(), e.k.ModuleRefcount("taptest"), linktest.Taps(e.k))
	}
}

// TestRemoveStopsCopies: once Remove returns, no copy reaches the device.
func TestRemoveStopsCopies(t *testing.T) {
	e := newEnv(t)
	var tap netlinktap.Tap
	if err := tap.Add(e.dev("t0"), nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := linktest.Dial(t, e.k.InitNet())
		for i := 0; i < 200; i++ {
			if _, err := c.Get("lo"); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for e.xmit.Load() == 0 { // wait for copies to flow
		select {
		case <-done:
			t.Fatal("no copies before the traffic ended")
		default:
			runtime.Gosched()
		}
	}
	if err := tap.Remove(); err != nil {
		t.Fatal(err)
	}
	after := e.xmit.Load()
	<-done
	if got := e.xmit.Load(); got != after {
		t.Errorf("%d copies after Remove returned", got-after)
	}
}
