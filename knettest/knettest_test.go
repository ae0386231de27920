package knettest_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/knettest"
)

func TestNewKernelChecksOnCleanup(t *testing.T) {
	k := knettest.NewKernel(t)
	if err := nlmon.Module.Install(k); err != nil {
		t.Fatal(err)
	}
	c, err := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := k.CheckConsistency(); err != nil {
		t.Fatalf("fresh kernel: %v", err)
	}
}
