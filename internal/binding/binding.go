// Package binding connects the typed driver packages (netdevice, skbuff,
// module, netlinktap, stats, rtnl) to the core model without the public
// API exposing it, the role rust/bindings and rust/helpers play for the
// Rust abstractions.
//
// Each typed package keeps its core pointer in an unexported field and, at
// init, registers here the accessors the other typed packages need. The
// accessors take and return the typed values as any, since this package
// cannot import the packages that import it; every caller asserts the
// concrete type it knows.
package binding

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/core"
)

// DeviceHooks are the accessors package netdevice registers for its
// *netdevice.Device.
type DeviceHooks struct {
	// Core returns the struct net_device behind a *netdevice.Device.
	Core func(dev any) *core.NetDevice
	// New wraps a freshly allocated device, in setup mode: its setters
	// work until EndSetup.
	New func(dev *core.NetDevice) any
	// EndSetup ends setup mode: from then on the core owns the fields the
	// setters write.
	EndSetup func(dev any)
}

// SkBuffHooks are the accessors package skbuff registers for its
// *skbuff.SkBuff.
type SkBuffHooks struct {
	// New wraps an skb whose ownership passes to a driver.
	New func(skb *core.SkBuff) any
	// Settle ends the driver's ownership when ndo_start_xmit returns:
	// with busy false the skb is consumed unless the driver already did;
	// with busy true it goes back to the core, which panics if the driver
	// had consumed it.
	Settle func(skb any, busy bool)
}

// ModuleHooks are the accessors package module registers for its
// *module.ThisModule.
type ModuleHooks struct {
	// Core returns the kernel a module handle belongs to and its struct
	// module (nil for built-in code, where THIS_MODULE is NULL).
	Core func(m any) (*core.Kernel, *core.Module)
}

var (
	// Device is set by package netdevice.
	Device DeviceHooks
	// SkBuff is set by package skbuff.
	SkBuff SkBuffHooks
	// Module is set by package module.
	Module ModuleHooks
)

// Errno is the trampolines' from_result: the errno a driver's error
// carries, nil for success. An error that wraps no unix.Errno is a driver
// bug the core cannot express; it becomes EINVAL, as the core's own
// conversion does.
func Errno(err error) error {
	if err == nil {
		return nil
	}
	var e unix.Errno
	if errors.As(err, &e) {
		if e == 0 {
			return unix.EINVAL
		}
		return e
	}
	return unix.EINVAL
}
