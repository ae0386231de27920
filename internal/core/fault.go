package core

import (
	"errors"
	"math/rand/v2"
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
	FailSkbAlloc                      // alloc_skb for requests, replies, acks, dumps, notifications
	FailSkbClone                      // skb_clone for taps and broadcasts
	FailObjAlloc                      // kmalloc of the protocols' objects: addresses, routes, neighbours, rules
	numFaultPoints
)

var errInjected = errors.New("injected fault")

type faultState struct {
	on    atomic.Bool // fast path: no fault configured
	mu    sync.Mutex
	nth   [numFaultPoints]int // fail the nth call from now (1-based), 0 = never
	calls [numFaultPoints]int
	prob  [numFaultPoints]float64
	rng   *rand.Rand
	fired [numFaultPoints]int
}

// FailNth makes the nth call (1 = the next) at point fail.
func (k *Kernel) FailNth(p FaultPoint, nth int) {
	k.faults.mu.Lock()
	defer k.faults.mu.Unlock()
	k.faults.nth[p] = nth
	k.faults.calls[p] = 0
	k.faults.on.Store(true)
}

// FailRandom makes every call at point fail with probability prob, drawn
// from a generator seeded with seed (fail_page_alloc's probability, made
// reproducible). A probability of 0 turns it off.
func (k *Kernel) FailRandom(p FaultPoint, prob float64, seed uint64) {
	k.faults.mu.Lock()
	defer k.faults.mu.Unlock()
	k.faults.prob[p] = prob
	k.faults.rng = rand.New(rand.NewPCG(seed, uint64(p)))
	k.faults.on.Store(true)
}

// FaultsFired reports how many injected failures happened at point p.
func (k *Kernel) FaultsFired(p FaultPoint) int {
	k.faults.mu.Lock()
	defer k.faults.mu.Unlock()
	return k.faults.fired[p]
}

// fail reports whether the allocation at point p should fail now.
func (k *Kernel) fail(p FaultPoint) error {
	f := &k.faults
	if !f.on.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nth[p] != 0 {
		f.calls[p]++
		if f.calls[p] == f.nth[p] {
			f.nth[p] = 0
			f.fired[p]++
			return errInjected
		}
	}
	if f.prob[p] > 0 && f.rng.Float64() < f.prob[p] {
		f.fired[p]++
		return errInjected
	}
	return nil
}
