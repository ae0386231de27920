package rtnl_test

import (
	"testing"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/internal/linktest"
	"github.com/knetlab/knet/net"
)

// TestNlmonInternals checks what a client cannot see through rtnetlink:
// nlmon's ethtool get_link (nlmon_ethtool_ops.always_on), and that its
// taps come and go with the device.
func TestNlmonInternals(t *testing.T) {
	k := net.NewKernel()
	if err := nlmon.Module.Install(k); err != nil {
		t.Fatal(err)
	}
	c := linktest.Dial(t, k.InitNet())
	if err := c.NewLink("nlmon0", "nlmon", false, nil); err != nil {
		t.Fatal(err)
	}
	if up, ok := linktest.GetLink(k, "nlmon0"); !up || !ok {
		t.Errorf("get_link = %v (implemented %v), want link detected", up, ok)
	}
	for _, step := range []struct {
		up   bool
		taps int
	}{{true, 1}, {false, 0}, {true, 1}} {
		if err := c.SetUp("nlmon0", step.up); err != nil {
			t.Fatal(err)
		}
		if n := linktest.Taps(k); n != step.taps {
			t.Errorf("up=%v: %d taps, want %d", step.up, n, step.taps)
		}
	}
	if err := c.Delete("nlmon0"); err != nil {
		t.Fatal(err)
	}
	if n, d := linktest.Taps(k), linktest.LiveDevices(k); n != 0 || d != 1 {
		t.Errorf("after delete: %d taps, %d devices; want 0 and 1 (lo)", n, d)
	}
}
