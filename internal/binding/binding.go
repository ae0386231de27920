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
	// New wraps a freshly allocated device; its setters work until the
	// device is registered.
	New func(dev *core.NetDevice) any
}

// NamespaceHooks are the accessors package netdevice registers for its
// netdevice.Namespace.
type NamespaceHooks struct {
	// Core returns the struct net behind a netdevice.Namespace.
	Core func(ns any) *core.Net
}

// SkBuffHooks are the accessors package skbuff registers for its
// *skbuff.SkBuff.
type SkBuffHooks struct {
	// New wraps an skb the driver owns: one lent to it for one
	// ndo_start_xmit call, or one it allocated.
	New func(skb *core.SkBuff) any
	// Settle ends the driver's ownership when ndo_start_xmit returns with
	// outcome: SettleOk consumes the skb unless the driver freed it or
	// passed it on; SettleDropped drops it likewise; SettleBusy hands it
	// back to the core, which panics if the driver no longer owned it.
	Settle func(skb any, outcome int)
	// Take ends the driver's ownership because it passes the skb to the
	// core (dev_forward_skb, netif_rx), and returns the core's skb. It
	// panics if the driver did not own it.
	Take func(skb any) *core.SkBuff
}

// Outcomes for SkBuffHooks.Settle.
const (
	SettleOk = iota
	SettleBusy
	SettleDropped
)

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
	// Namespace is set by package netdevice.
	Namespace NamespaceHooks
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
