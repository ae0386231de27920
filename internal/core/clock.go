package core

import (
	"sync"
	"time"
)

// This file models the kernel's sense of time as the networking core uses
// it: jiffies (kernel/time/jiffies.c) and the delayed work that runs when
// they pass (kernel/workqueue.c). A kernel follows wall time by default;
// a manual clock moves only when a test advances it, so that time-driven
// behaviour (linkwatch's one-event-a-second limit, later lifetimes and
// DAD) is deterministic in tests.

// HZ is the tick rate of the modelled kernel (Debian's CONFIG_HZ=250):
// one jiffy is 4 ms.
const HZ = 250

// Jiffy is the length of one tick.
const Jiffy = time.Second / HZ

// Clock is the kernel's time source: the time since boot.
type Clock interface {
	// Since returns the time elapsed since boot.
	Since() time.Duration
}

// realClock follows wall time from boot.
type realClock struct{ boot time.Time }

func (c realClock) Since() time.Duration { return time.Since(c.boot) }

// ManualClock is a clock that moves only when Advance is called. Work
// that falls due when it moves runs inside Advance.
type ManualClock struct {
	mu  sync.Mutex
	now time.Duration
	k   *Kernel
}

// NewManualClock returns a clock standing at boot.
func NewManualClock() *ManualClock { return &ManualClock{} }

// Since returns the time the clock has been advanced by.
func (c *ManualClock) Since() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and runs the kernel work that has
// fallen due. It must not be called with RTNL held.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	if d > 0 {
		c.now += d
	}
	k := c.k
	c.mu.Unlock()
	if k != nil {
		k.runDueWork()
	}
}

// jiffies is the kernel's time since boot.
func (k *Kernel) jiffies() time.Duration { return k.clock.Since() }

// Clock returns the kernel's clock.
func (k *Kernel) Clock() Clock { return k.clock }

// scheduleWork asks for the kernel's deferred work to run once the clock
// reaches at (a time since boot): at once if it has, else from a timer on
// a real clock, or from the next Advance on a manual one. Work that is due
// also runs at the end of every system call into the kernel (runDueWork),
// which is where a workqueue item queued with no delay would have run by
// the time user space looks.
func (k *Kernel) scheduleWork(at time.Duration) {
	if _, manual := k.clock.(*ManualClock); manual {
		return
	}
	d := at - k.jiffies()
	if d <= 0 {
		// Due now: the system call that caused it runs it on its way
		// out; a timer covers work fired from outside one.
		d = 0
	}
	k.workTimerMu.Lock()
	defer k.workTimerMu.Unlock()
	if k.workTimer != nil && k.workTimerAt <= at {
		return
	}
	if k.workTimer != nil {
		k.workTimer.Stop()
	}
	k.workTimerAt = at
	k.workTimer = time.AfterFunc(d, func() {
		k.workTimerMu.Lock()
		k.workTimer = nil
		k.workTimerMu.Unlock()
		k.runDueWork()
	})
}

// RunDueWork runs the deferred work that has fallen due, as the end of a
// system call into the kernel does. It must not be called with RTNL held.
func (k *Kernel) RunDueWork() { k.runDueWork() }

// runDueWork runs the deferred work that has fallen due: the linkwatch
// queue and addrconf's per-address work. It takes RTNL, so it must not
// be called with it held.
func (k *Kernel) runDueWork() {
	k.linkwatch.runIfDue(k)
	k.addrconfWq.runDue(k)
}
