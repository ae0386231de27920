package knettest_test

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/knettest"
)

// recorder is a testing.TB that keeps the cleanups and errors it gets.
type recorder struct {
	testing.TB
	cleanups []func()
	errs     []string
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestNewKernelChecksAtCleanup(t *testing.T) {
	r := &recorder{TB: t}
	k := knettest.NewKernel(r)
	if len(r.cleanups) != 1 {
		t.Fatalf("%d cleanups registered, want 1", len(r.cleanups))
	}
	if err := nlmon.Module.Install(k); err == nil {
		t.Error("nlmon installed again: the stock modules are not installed")
	}
	c, err := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r.cleanups[0]()
	if len(r.errs) != 0 {
		t.Errorf("a consistent kernel was reported: %v", r.errs)
	}
}

func TestLinkAndMAC(t *testing.T) {
	k := knettest.NewKernel(t)
	if l := knettest.Link(t, k.InitNet(), "lo"); l.Index != 1 {
		t.Errorf("lo has index %d, want 1", l.Index)
	}
	if a := knettest.MAC(t, "02:00:00:00:00:01"); a.String() != "02:00:00:00:00:01" {
		t.Errorf("MAC parsed %v", a)
	}
}
