// Package netlinktap is the typed netlink tap: the Go form of
// rust/kernel/net/netlink_tap.rs over struct netlink_tap
// (include/linux/netlink.h) and netlink_add_tap / netlink_remove_tap
// (net/netlink/af_netlink.c).
//
// A tap attaches an ARPHRD_NETLINK device to its namespace's netlink
// traffic: from the moment it is added, every message the namespace's
// sockets of a tapped protocol exchange is copied to the device's transmit
// path, and so to its StartXmit and to packet sockets capturing on it.
// nlmon adds its tap in Open and removes it in Stop.
package netlinktap

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
)

// Tap mirrors struct netlink_tap plus the registration state the Rust Tap
// keeps beside it. The zero value is an unregistered tap, ready to use,
// which is what a zeroed private area holds.
//
// The core lists the tap by address while it is added, as the kernel
// lists the pinned struct: a Tap must not be copied after first use (go
// vet reports copies), and it lives in place, typically in a driver's
// private area. A Tap is safe for concurrent use.
type Tap struct {
	mu         sync.Mutex // serialises Add and Remove; also makes vet flag copies
	nt         core.NetlinkTap
	registered bool // guarded by mu
}

// IsRegistered reports whether the tap is currently added.
func (t *Tap) IsRegistered() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.registered
}

// Add registers the tap for dev (netlink_add_tap), taking a reference on
// the module m for as long as the tap stays added, so that the module
// cannot be unloaded meanwhile. A nil m or module.BuiltIn takes none.
//
// Add fails with EBUSY if the tap is already added (the kernel has no
// duplicate check; adding a listed tap again would corrupt the list), and
// with the core's EINVAL if dev is not an ARPHRD_NETLINK device. A failed
// Add leaves the tap unregistered and takes no reference.
func (t *Tap) Add(dev *netdevice.Device, m *module.ThisModule) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.registered {
		return unix.EBUSY
	}
	cdev := binding.Device.Core(dev)
	var cmod *core.Module
	if m != nil {
		k, mod := binding.Module.Core(m)
		if k != cdev.Net().Kernel() {
			// A module of another kernel cannot hold this one's device.
			return unix.EINVAL
		}
		cmod = mod
	}
	t.nt = core.NetlinkTap{Dev: cdev, Module: cmod}
	if err := core.NetlinkAddTap(&t.nt); err != nil {
		t.nt = core.NetlinkTap{}
		return err
	}
	t.registered = true
	return nil
}

// Remove unregisters the tap (netlink_remove_tap) and drops its module
// reference. It returns once no delivery that could still see the tap is
// running (synchronize_net), so after Remove the device receives no more
// copies. On an unregistered tap Remove does nothing and returns nil;
// after a successful Remove the tap can be added again.
func (t *Tap) Remove() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.registered {
		return nil
	}
	if err := core.NetlinkRemoveTap(&t.nt); err != nil {
		return err
	}
	t.registered = false
	// The tap is off the list and no reader can see it: restore the
	// zeroed, unregistered state.
	t.nt = core.NetlinkTap{}
	return nil
}
