// Package rtnl registers link kinds: the Go form of rust/kernel/net/rtnl.rs
// over struct rtnl_link_ops (include/net/rtnetlink.h) and
// rtnl_link_register / rtnl_link_unregister (net/core/rtnetlink.c).
//
// A link driver is a type implementing [Driver]: its kind, its setup
// callback and the netdevice.Operations over its private area. Creating a
// [Registration] registers the kind, after which
// `ip link add NAME type KIND` (RTM_NEWLINK with IFLA_INFO_KIND) creates
// devices of it; closing the Registration unregisters the kind and deletes
// every device of it, in every namespace. A driver may also validate
// requests naming its kind ([Validator]), report statistics
// (netdevice.StatsReporter) and link state (netdevice.EthtoolOperations).
//
// The driver never sees a core pointer, a raw attribute table or a raw
// errno: the registration's trampolines hand it typed values and turn its
// errors into the negative errno the core expects, as the Rust
// trampolines do with from_result.
package rtnl

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/netdevice"
)

// Driver is a link kind's driver, the Rust rtnl::Driver trait: the
// netdevice callbacks over its private area P, plus what struct
// rtnl_link_ops needs to create devices.
type Driver[P any] interface {
	netdevice.Operations[P]
	// Kind is rtnl_link_ops.kind, the name IFLA_INFO_KIND selects, such as
	// "nlmon". It must not change.
	Kind() string
	// Setup is rtnl_link_ops.setup, run by alloc_netdev_mqs on each new
	// device, before it is registered: it sets the device's type, flags,
	// MTU and the rest through the netdevice setters.
	Setup(dev *netdevice.Device)
}

// Validator is the optional rtnl_link_ops.validate: a Driver that
// implements it checks every RTM_NEWLINK that names its kind, whether it
// creates a device or changes one, before any device is looked up. A
// non-nil error (a unix.Errno) rejects the request with that errno and the
// context's extended ack.
type Validator interface {
	Validate(ctx *ValidateContext) error
}

// Registration owns one link kind's registration, the Rust
// rtnl::Registration: its lifetime is the registration's. T is the driver
// and P its private area, both normally inferred by NewRegistration.
type Registration[T Driver[P], P any] struct {
	drv   T
	k     *core.Kernel
	ops   *core.RtnlLinkOps
	ndo   *core.NetDeviceOps
	eth   *core.EthtoolOps
	close sync.Once
}

// NewRegistration registers drv's kind with the kernel this module is
// loaded into (rtnl_link_register), on behalf of the module this. Code
// that is not a module passes module.BuiltIn(k).
//
// It fails with EEXIST if the kernel already has a kind of that name, for
// example when both a C-style and a Go nlmon declare "nlmon", and with
// EINVAL for an empty kind.
func NewRegistration[T Driver[P], P any](this *module.ThisModule, drv T) (*Registration[T, P], error) {
	if this == nil {
		return nil, unix.EINVAL
	}
	k, owner := binding.Module.Core(this)
	r := &Registration[T, P]{drv: drv, k: k}
	r.ndo = r.netdeviceOps()
	if e, ok := any(drv).(netdevice.EthtoolOperations); ok {
		r.eth = ethtoolOps[P](e)
	}
	r.ops = &core.RtnlLinkOps{
		Kind:    drv.Kind(),
		NewPriv: func() any { return new(privArea[P]) },
		Setup:   r.setup,
		Owner:   owner,
	}
	if v, ok := any(drv).(Validator); ok {
		r.ops.Validate = validateCallback(v)
	}
	if err := k.RtnlLinkRegister(r.ops); err != nil {
		return nil, err
	}
	return r, nil
}

// Kind is the registered kind.
func (r *Registration[T, P]) Kind() string { return r.ops.Kind }

// Driver returns the registered driver value.
func (r *Registration[T, P]) Driver() T { return r.drv }

// Close unregisters the kind (rtnl_link_unregister): it waits for
// requests that already found the kind, then deletes every device of it in
// every namespace, closing those that are up (their Stop runs) and
// announcing RTM_DELLINK. It is the Rust Registration's drop; calling it
// again does nothing. It always returns nil.
func (r *Registration[T, P]) Close() error {
	r.close.Do(func() { r.k.RtnlLinkUnregister(r.ops) })
	return nil
}
