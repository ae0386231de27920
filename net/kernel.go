package net

import (
	"fmt"
	stdnet "net"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"

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

// Option configures a kernel at boot.
type Option func(*options)

type options struct{ clock core.Clock }

// WithClock boots the kernel on a manual clock: its time (linkwatch's
// one-event-a-second limit, the time stamps in replies and captures)
// moves only when the test advances the clock. By default a kernel
// follows wall time.
func WithClock(c *ManualClock) Option {
	return func(o *options) { o.clock = c.c }
}

// ManualClock is a kernel clock a test advances by hand.
type ManualClock struct{ c *core.ManualClock }

// NewManualClock returns a clock standing at boot, for WithClock. One
// clock drives one kernel.
func NewManualClock() *ManualClock { return &ManualClock{c: core.NewManualClock()} }

// Advance moves the clock forward and runs the kernel work that falls due
// (a delayed linkwatch event), as the kernel's timers would.
func (c *ManualClock) Advance(d time.Duration) { c.c.Advance(d) }

// Since is the time the clock has advanced since boot.
func (c *ManualClock) Since() time.Duration { return c.c.Since() }

// NewKernel boots a model kernel with init_net and its loopback device.
func NewKernel(opts ...Option) *Kernel {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	k := &Kernel{k: core.NewKernel(o.clock)}
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

// Drops counts the frames and messages the kernel dropped, by the reason
// the kernel gives (enum skb_drop_reason without its SKB_DROP_REASON_
// prefix: "UNHANDLED_PROTO", "QDISC_DROP", ...), as drop_monitor and the
// skb:kfree_skb tracepoint report them.
func (k *Kernel) Drops() map[string]uint64 {
	out := make(map[string]uint64)
	for r, v := range k.k.Drops() {
		out[r.String()] = v
	}
	return out
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
	// Addr is the hardware address (dev_addr) as colon-separated hex
	// bytes ("02:00:00:00:00:01"), "" for a device without one.
	Addr string
	// Carrier is netif_carrier_ok; Operstate the RFC 2863 state as
	// IFLA_OPERSTATE reports it (IF_OPER_DOWN while the device is down),
	// in the type a jsimonetti/rtnetlink client reads it as.
	Carrier   bool
	Operstate rtnetlink.OperationalState
	// Qdisc names the root qdisc (IFLA_QDISC).
	Qdisc string
}

// Links lists the namespace's devices in ifindex order.
func (ns *Namespace) Links() []Link {
	var out []Link
	ns.n.ForEachDev(func(d *core.NetDevice) {
		l := Link{Index: d.Ifindex(), Name: d.Name(), Up: d.IsUp(), MTU: d.MTU, Type: d.Type,
			Carrier: d.CarrierOK(), Qdisc: d.Qdisc(), Operstate: rtnetlink.OperationalState(d.ReportedOperstate())}
		if d.AddrLen != 0 {
			l.Addr = stdnet.HardwareAddr(d.DevAddr[:d.AddrLen]).String()
		}
		if ops := d.LinkOps(); ops != nil {
			l.Kind = ops.Kind
		}
		out = append(out, l)
	})
	return out
}

// Link returns the named device's snapshot; ok is false if there is none.
func (ns *Namespace) Link(name string) (l Link, ok bool) {
	for _, l := range ns.Links() {
		if l.Name == name {
			return l, true
		}
	}
	return Link{}, false
}

// String names the namespace for diagnostics.
func (ns *Namespace) String() string { return fmt.Sprintf("netns#%d", ns.n.ID()) }

// FD is the file descriptor that names the namespace in a request of this
// kernel's clients, as an open /proc/PID/ns/net or /run/netns/NAME does:
// the value of IFLA_NET_NS_FD or NETNSA_FD (`ip link set DEV netns NAME`).
// Every client of the kernel sees the namespace at this descriptor; it
// closes when the namespace goes.
func (ns *Namespace) FD() int { return ns.n.FD() }

// PID is the process id of a process that lives in the namespace: the
// value of IFLA_NET_NS_PID or NETNSA_PID (`ip link set DEV netns PID`).
// The process exits when the namespace goes.
func (ns *Namespace) PID() uint32 { return ns.n.PID() }
