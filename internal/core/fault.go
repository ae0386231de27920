package core

import (
	"errors"
	"sync"
	"sync/atomic"
)

// Fault points: the allocation sites a test can make fail, in the spirit of
// the kernel's failslab and fail_page_alloc.
type FaultPoint int

const (
	FailNetdevAlloc FaultPoint = iota // alloc_netdev_mqs
	FailPrivAlloc                     // the private area
	FailPcpuStats                     // netdev_do_alloc_pcpu_stats
	FailRegister                      // register_netdevice
	FailSkbAlloc                      // alloc_skb for replies, acks and dumps
	FailSkbClone                      // skb_clone for taps and broadcasts
	numFaultPoints
)

var errInjected = errors.New("injected fault")

type faultState struct {
	on    atomic.Bool // fast path: no fault configured
	mu    sync.Mutex
	nth   [numFaultPoints]int // fail the nth call from now (1-based), 0 = never
	calls [numFaultPoints]int
}

// FailNth makes the nth call (1 = the next) at point fail.
func (k *Kernel) FailNth(p FaultPoint, nth int) {
	k.faults.mu.Lock()
	defer k.faults.mu.Unlock()
	k.faults.nth[p] = nth
	k.faults.calls[p] = 0
	k.faults.on.Store(true)
}

// fail reports whether the allocation at point p should fail now.
func (k *Kernel) fail(p FaultPoint) error {
	f := &k.faults
	if !f.on.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nth[p] == 0 {
		return nil
	}
	f.calls[p]++
	if f.calls[p] == f.nth[p] {
		f.nth[p] = 0
		return errInjected
	}
	return nil
}
