package net

import (
	"errors"

	"github.com/knetlab/knet/internal/core"
)

// CheckConsistency checks the whole model kernel and returns every
// violation it finds, joined (nil when consistent): device lists and
// name/index maps agree, taps sit on their own namespace's list and belong
// to up netlink devices, module reference counts equal the references held,
// and every live device is registered. Test suites call it after each test
// to catch leaks; see also knettest.
func (k *Kernel) CheckConsistency() error {
	return errors.Join(k.k.CheckInvariants()...)
}

// FaultPoint names an allocation site of the kernel that a test can make
// fail, in the spirit of the kernel's failslab.
type FaultPoint int

// The allocation sites.
const (
	FaultNetdevAlloc FaultPoint = iota // alloc_netdev_mqs
	FaultPrivAlloc                     // the driver's private area
	FaultPcpuStats                     // netdev_do_alloc_pcpu_stats
	FaultRegister                      // register_netdevice (the device's kobjects)
	FaultSkbAlloc                      // alloc_skb: replies, acks, dumps, notifications, frames
	FaultSkbClone                      // skb_clone: tap copies and broadcast clones
	FaultObjAlloc                      // the protocols' objects: addresses (in_ifaddr) and routes (fib_info)
	numFaultPoints
)

// core is the core's fault point. The public constants follow the core's
// in order, so the conversion is direct; TestFaultPointCore keeps the two
// lists in step.
func (p FaultPoint) core() core.FaultPoint {
	if p < 0 || p >= numFaultPoints {
		panic("net: unknown FaultPoint")
	}
	return core.FaultPoint(p)
}

// FailNth makes the nth allocation from now at point fail (1 = the next).
// The failing path returns the kernel's errno (ENOMEM or ENOBUFS) and
// leaves no trace.
func (k *Kernel) FailNth(point FaultPoint, nth int) { k.k.FailNth(point.core(), nth) }

// FailRandom makes every allocation at point fail with probability prob,
// reproducibly for a given seed; 0 turns it off.
func (k *Kernel) FailRandom(point FaultPoint, prob float64, seed uint64) {
	k.k.FailRandom(point.core(), prob, seed)
}

// FaultsFired reports how many injected failures happened at point.
func (k *Kernel) FaultsFired(point FaultPoint) int { return k.k.FaultsFired(point.core()) }
