// Package knettest gives test suites a model kernel that checks itself:
// the stock link modules are available as on a distribution kernel (ip
// link add ... type dummy, veth, ifb or nlmon loads them), and when the
// test ends the kernel's consistency check runs, so that any broken
// invariant (a leaked device, a tap left on a list, a module reference
// nobody holds) fails the test. Route is a NETLINK_ROUTE client for such
// tests.
package knettest

import (
	stdnet "net"
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

// NewNamespace makes a network namespace in k, closed when the test ends
// (before the kernel's consistency check).
func NewNamespace(t testing.TB, k *net.Kernel) *net.Namespace {
	t.Helper()
	ns, err := k.NewNamespace()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// Link returns the snapshot of the device name in ns (net.Namespace.Link),
// failing the test at once if there is none.
func Link(t testing.TB, ns *net.Namespace, name string) net.Link {
	t.Helper()
	l, ok := ns.Link(name)
	if !ok {
		t.Fatalf("%s: no device %s", ns, name)
	}
	return l
}

// MAC parses a colon-separated hardware address such as a net.Link's
// Addr ("02:00:00:00:00:01"), failing the test at once if it is not one.
func MAC(t testing.TB, s string) stdnet.HardwareAddr {
	t.Helper()
	a, err := stdnet.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
