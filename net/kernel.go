package net

import (
	"fmt"

	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/internal/kernelref"
)

func init() {
	kernelref.Register(
		func(k any) *core.Kernel { return k.(*Kernel).k },
		func(ns any) *core.Net { return ns.(*Namespace).n },
	)
}

// Kernel is one model kernel: its namespaces, link types and modules. It
// is safe for use by many goroutines.
type Kernel struct {
	k    *core.Kernel
	init *Namespace
}

// NewKernel boots a model kernel with init_net and its loopback device.
func NewKernel() *Kernel {
	k := &Kernel{k: core.NewKernel()}
	k.init = &Namespace{k: k, n: k.k.InitNet()}
	return k
}

// InitNet returns the initial network namespace (init_net).
func (k *Kernel) InitNet() *Namespace { return k.init }

// NewNamespace creates a network namespace (unshare(CLONE_NEWNET)) with its
// own loopback device, devices, sockets and taps.
func (k *Kernel) NewNamespace() (*Namespace, error) {
	n, err := k.k.NewNet()
	if err != nil {
		return nil, wrapErr("unshare", err)
	}
	return &Namespace{k: k, n: n}, nil
}

// Namespace is a network namespace (struct net).
type Namespace struct {
	k *Kernel
	n *core.Net
}

// Kernel returns the kernel the namespace belongs to.
func (ns *Namespace) Kernel() *Kernel { return ns.k }

// Close destroys the namespace (cleanup_net): its link-type devices are
// deleted, lo goes last, and its packet sockets close. init_net cannot be
// closed.
func (ns *Namespace) Close() error {
	return wrapErr("cleanup_net", ns.n.Destroy())
}

// Link is a snapshot of one device as the namespace lists it.
type Link struct {
	Index int
	Name  string
	Kind  string // the rtnl link kind, "" for lo
	Up    bool
	MTU   uint32
	Type  uint16
}

// Links lists the namespace's devices in ifindex order.
func (ns *Namespace) Links() []Link {
	var out []Link
	ns.n.ForEachDev(func(d *core.NetDevice) {
		l := Link{Index: d.Ifindex(), Name: d.Name(), Up: d.IsUp(), MTU: d.MTU, Type: d.Type}
		if ops := d.LinkOps(); ops != nil {
			l.Kind = ops.Kind
		}
		out = append(out, l)
	})
	return out
}

// String names the namespace for diagnostics.
func (ns *Namespace) String() string { return fmt.Sprintf("netns#%d", ns.n.ID()) }
