// Package rtnl registers link kinds: the Go form of rust/kernel/net/rtnl.rs
// over struct rtnl_link_ops (include/net/rtnetlink.h) and
// rtnl_link_register / rtnl_link_unregister (net/core/rtnetlink.c).
//
// A link driver is a type implementing [Driver]: its kind, its setup
// callback and the netdevice.Operations over its private area. Creating a
// [Registration] registers the kind, after which
// `ip link add NAME type KIND` (RTM_NEWLINK with IFLA_INFO_KIND) creates
// devices of it; closing the Registration unregisters the kind and deletes
// every device of it, in every namespace.
//
// The rest of struct rtnl_link_ops is optional, as its members are in C:
// a driver implements the interfaces of the callbacks it has — Validator
// (validate), PolicyProvider and PeerTyper (maxtype, policy, peer_type),
// NewLinker (newlink: a driver that creates more than one device, as veth
// creates its peer), ChangeLinker (changelink), DelLinker (dellink),
// InfoFiller (get_size, fill_info), LinkNetGetter (get_link_net) and
// QueueCounter (get_num_tx_queues, get_num_rx_queues) — and the optional
// net_device_ops and ethtool_ops of package netdevice.
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
	"github.com/knetlab/knet/internal/kernelref"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
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
// creates a device or changes one, before any device is looked up (and,
// for a kind with a peer, the peer's attributes too). A non-nil error (a
// unix.Errno) rejects the request with that errno and the context's
// extended ack.
type Validator interface {
	Validate(ctx *ValidateContext) error
}

// PolicyProvider is rtnl_link_ops.maxtype and .policy: the attributes a
// kind's IFLA_INFO_DATA may carry. The core parses IFLA_INFO_DATA with it
// before Validate runs, with the kernel's errors and extack for an
// attribute that breaks it; Validate, NewLink and ChangeLink then read the
// parsed attributes (ValidateContext.Data).
type PolicyProvider interface {
	DataPolicy() Policy
}

// PeerTyper is rtnl_link_ops.peer_type: the IFLA_INFO_DATA attribute that
// holds a peer device's ifinfomsg and attributes (VETH_INFO_PEER). The
// core then parses and validates the peer's attributes as well (Validate
// runs on them) and resolves the namespace they name, before NewLink.
type PeerTyper interface {
	PeerType() DataAttr
}

// NewLinker is rtnl_link_ops.newlink: it registers the new device dev,
// already allocated and set up (ctx.Register), and whatever else the kind
// creates with it, such as veth's peer (ctx.CreatePeer). Without it the
// core registers dev itself. An error (a unix.Errno) fails the request;
// the core then frees dev, and NewLink must leave nothing else behind.
type NewLinker[P any] interface {
	NewLink(ctx *NewLinkContext[P], dev *netdevice.Device, priv *P) error
}

// ChangeLinker is rtnl_link_ops.changelink: IFLA_INFO_DATA in a request
// that changes an existing device of the kind. Without it such a request
// is EOPNOTSUPP.
type ChangeLinker[P any] interface {
	ChangeLink(ctx *ValidateContext, dev *netdevice.Device, priv *P) error
}

// DelLinker is rtnl_link_ops.dellink: the devices to delete with dev
// (veth's peer) go on kill, dev included. Without it dev alone is deleted
// (unregister_netdevice_queue).
type DelLinker[P any] interface {
	DelLink(dev *netdevice.Device, priv *P, kill *KillList)
}

// InfoFiller is rtnl_link_ops.get_size and .fill_info: the kind's
// attributes inside IFLA_INFO_DATA of every RTM_NEWLINK about the device.
type InfoFiller[P any] interface {
	// InfoSize is get_size: the bytes FillInfo writes at most.
	InfoSize(dev *netdevice.Device, priv *P) int
	// FillInfo is fill_info.
	FillInfo(w *InfoWriter, dev *netdevice.Device, priv *P) error
}

// LinkNetGetter is rtnl_link_ops.get_link_net: the namespace of the device
// IFLA_LINK names (a veth peer's). When it is not the device's own,
// replies carry IFLA_LINK_NETNSID.
type LinkNetGetter[P any] interface {
	LinkNet(dev *netdevice.Device, priv *P) netdevice.Namespace
}

// QueueCounter is rtnl_link_ops.get_num_tx_queues and get_num_rx_queues:
// the queues a new device gets when the request does not say
// (IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES).
type QueueCounter interface {
	NumTxQueues() uint32
	NumRxQueues() uint32
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
// EINVAL for an empty kind or a policy above RTNL_MAX_TYPE (50).
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
	if err := r.linkOps(); err != nil {
		return nil, err
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
// every namespace through its DelLink, closing those that are up (their
// Stop runs) and announcing RTM_DELLINK. It is the Rust Registration's
// drop; calling it again does nothing. It always returns nil.
func (r *Registration[T, P]) Close() error {
	r.close.Do(func() { r.k.RtnlLinkUnregister(r.ops) })
	return nil
}

// AddDevice creates a device of the kind in ns and registers it, as a
// module's init does with alloc_netdev, rtnl_link_ops and register_netdev
// (dummy's numdummies, ifb's numifbs): name is a name or a %d template.
// The device is announced with RTM_NEWLINK; it belongs to the kind, so
// closing the Registration deletes it.
func (r *Registration[T, P]) AddDevice(ns *net.Namespace, name string, assign netdevice.NameAssign) (*netdevice.Device, error) {
	n := kernelref.NetOf(ns)
	if n.Kernel() != r.k {
		return nil, unix.EINVAL
	}
	cdev, err := core.AllocNetdev(r.k, r.ops.NewPriv(), name, uint8(assign), r.ops.Setup, 1, 1)
	if err != nil {
		return nil, err
	}
	cdev.SetLinkOps(r.ops)
	cdev.SetNet(n)
	r.k.RtnlLock()
	err = n.RegisterNetdevice(cdev)
	if err != nil {
		core.FreeNetdev(cdev)
	}
	r.k.RtnlUnlock()
	// Run the linkwatch work the registration queued, as the end of a
	// system call would. Inside a module's init this repeats what the
	// load's own exit does (net.Kernel.LoadModule, or the netlink sendmsg
	// whose RTM_NEWLINK requested the module), but AddDevice may also be
	// called outside a module load, and it keeps each device's work in
	// step with its registration.
	r.k.RunDueWork()
	if err != nil {
		return nil, err
	}
	return areaOf[P](cdev).dev, nil
}

// KillList is the list_head a dellink queues devices on
// (unregister_netdevice_queue).
type KillList struct{ l *[]*core.NetDevice }

// Add queues dev for deletion (unregister_netdevice_queue).
func (k *KillList) Add(dev *netdevice.Device) {
	core.UnregisterNetdeviceQueue(binding.Device.Core(dev), k.l)
}
