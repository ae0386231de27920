// Package knettest gives test suites a model kernel that checks itself:
// the stock link modules are available as on a distribution kernel (ip
// link add ... type dummy, veth, ifb or nlmon loads them), and when the
// test ends the kernel's consistency check runs, so that any broken
// invariant (a leaked device, a tap left on a list, a module reference
// nobody holds) fails the test. Route is a NETLINK_ROUTE client for such
// tests.
package knettest

import (
	"testing"

	"github.com/knetlab/knet/drivers"
	"github.com/knetlab/knet/net"
)

// NewKernel boots a model kernel with the options given, installs the
// stock modules (drivers.Install) and registers, with t.Cleanup, a check
// of its consistency (net.Kernel.CheckConsistency) when the test ends.
func NewKernel(t testing.TB, opts ...net.Option) *net.Kernel {
	t.Helper()
	k := net.NewKernel(opts...)
	if err := drivers.Install(k); err != nil {
		t.Fatalf("knet: installing the stock modules: %v", err)
	}
	t.Cleanup(func() {
		if err := k.CheckConsistency(); err != nil {
			t.Errorf("knet: the model kernel is inconsistent after the test:\n%v", err)
		}
	})
	return k
}
