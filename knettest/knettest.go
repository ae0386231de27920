// Package knettest gives test suites a model kernel that checks itself:
// when the test ends, the kernel's consistency check runs and any broken
// invariant (a leaked device, a tap left on a list, a module reference
// nobody holds) fails the test.
package knettest

import (
	"testing"

	"github.com/knetlab/knet/net"
)

// NewKernel boots a model kernel and registers, with t.Cleanup, a check of
// its consistency (net.Kernel.CheckConsistency) when the test ends.
func NewKernel(t testing.TB) *net.Kernel {
	t.Helper()
	k := net.NewKernel()
	t.Cleanup(func() {
		if err := k.CheckConsistency(); err != nil {
			t.Errorf("knet: the model kernel is inconsistent after the test:\n%v", err)
		}
	})
	return k
}
