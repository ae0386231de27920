package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// This file models net/core/link_watch.c: carrier changes do not take
// effect at once. netif_carrier_on/off queue the device on a kernel-wide
// list, and the linkwatch work, later and under RTNL, derives the
// operational state (RFC 2863), activates or deactivates the device's
// qdisc and announces the change with an RTM_NEWLINK. Urgent events run
// at once; the others are limited to one run a second.

// maxDoDevPerLoop is MAX_DO_DEV_PER_LOOP.
const maxDoDevPerLoop = 100

// linkwatchState is the kernel-wide lweventlist, linkwatch_flags,
// linkwatch_nextevent and the delayed linkwatch_work.
type linkwatchState struct {
	mu        sync.Mutex    // lweventlist_lock; guards everything below and each device's lw fields
	list      []*NetDevice  // lweventlist
	urgent    bool          // LW_URGENT
	nextevent time.Duration // linkwatch_nextevent
	scheduled atomic.Bool   // linkwatch_work is pending: written under mu, read without it
	due       time.Duration // when it runs

	// runMu serialises runs of linkwatch_event, and running is set while
	// one holds it: a system call on its way out waits for a run that a
	// timer started, so the work it queued is done when it returns.
	runMu   sync.Mutex
	running atomic.Bool
}

// defaultOperstate is default_operstate. The model has no dormant or
// testing link state (netif_dormant_on, netif_testing_on), so only the
// carrier decides.
func defaultOperstate(dev *NetDevice) uint8 {
	if !dev.carrierOK() {
		iflink := dev.ifindex
		if dev.regState <= NETREG_REGISTERED {
			iflink = devGetIflink(dev)
		}
		if iflink == dev.ifindex {
			return IF_OPER_DOWN
		}
		peer := dev.net.devByIndex[iflink]
		if peer == nil || peer.carrierOK() {
			return IF_OPER_DOWN
		}
		return IF_OPER_LOWERLAYERDOWN
	}
	return IF_OPER_UP
}

// IF_LINK_MODE_* (include/uapi/linux/if_link.h).
const (
	IF_LINK_MODE_DORMANT = 1
	IF_LINK_MODE_TESTING = 2
)

// rfc2863Policy is rfc2863_policy. RTNL must be held.
func rfc2863Policy(dev *NetDevice) {
	op := defaultOperstate(dev)
	if op == dev.operstate {
		return
	}
	switch dev.linkMode {
	case IF_LINK_MODE_TESTING:
		if op == IF_OPER_UP {
			op = IF_OPER_TESTING
		}
	case IF_LINK_MODE_DORMANT:
		if op == IF_OPER_UP {
			op = IF_OPER_DORMANT
		}
	}
	dev.operstate = op
}

// linkwatchInitDev is linkwatch_init_dev: the state changes a driver made
// before registering the device take effect.
func linkwatchInitDev(dev *NetDevice) {
	if !dev.carrierOK() {
		rfc2863Policy(dev)
	}
}

// linkwatchUrgentEvent is linkwatch_urgent_event.
func linkwatchUrgentEvent(dev *NetDevice) bool {
	if !dev.running() {
		return false
	}
	if dev.ifindex != devGetIflink(dev) {
		return true
	}
	return dev.carrierOK() && qdiscTxChanging(dev)
}

// linkwatchFireEvent is linkwatch_fire_event.
func linkwatchFireEvent(dev *NetDevice) {
	k := dev.net.k
	urgent := linkwatchUrgentEvent(dev)
	lw := &k.linkwatch
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if !dev.lwPending {
		dev.lwPending = true
		if !dev.lwListed.Load() {
			dev.lwListed.Store(true)
			lw.list = append(lw.list, dev)
		}
	} else if !urgent {
		return
	}
	lw.scheduleLocked(k, urgent)
}

// scheduleLocked is linkwatch_schedule_work; lw.mu is held.
func (lw *linkwatchState) scheduleLocked(k *Kernel, urgent bool) {
	now := k.jiffies()
	delay := lw.nextevent - now
	if lw.urgent {
		return
	}
	if urgent {
		lw.urgent = true
		delay = 0
	}
	// "If we wrap around we'll delay it by at most HZ": a next event in
	// the past is an unsigned wrap in the kernel.
	if delay < 0 || delay > time.Second {
		delay = 0
	}
	if lw.urgent {
		// mod_delayed_work(..., 0)
		lw.due = now
	} else if !lw.scheduled.Load() {
		// queue_delayed_work does not override a pending timer.
		lw.due = now + delay
	}
	lw.scheduled.Store(true)
	k.scheduleWork(lw.due)
}

// runIfDue runs linkwatch_event if the delayed work has fallen due.
// It must not be called with RTNL held.
func (lw *linkwatchState) runIfDue(k *Kernel) {
	if !lw.scheduled.Load() && !lw.running.Load() {
		return
	}
	lw.runMu.Lock()
	defer lw.runMu.Unlock()
	lw.running.Store(true)
	defer lw.running.Store(false)
	for lw.scheduled.Load() {
		lw.mu.Lock()
		if !lw.scheduled.Load() || lw.due > k.jiffies() {
			lw.mu.Unlock()
			return
		}
		lw.scheduled.Store(false)
		lw.mu.Unlock()
		// linkwatch_event
		k.rtnl.Lock()
		lw.runQueue(k)
		k.rtnl.Unlock()
	}
}

// runQueue is linkwatch_event's __linkwatch_run_queue(urgent_only), with
// urgent_only = time_after(linkwatch_nextevent, jiffies) judged once RTNL
// is held, as linkwatch_event does. RTNL must be held.
func (lw *linkwatchState) runQueue(k *Kernel) {
	lw.mu.Lock()
	now := k.jiffies()
	urgentOnly := lw.nextevent > now
	budget := maxDoDevPerLoop
	if urgentOnly {
		budget += maxDoDevPerLoop
	}
	if !urgentOnly {
		lw.nextevent = now + time.Second
	} else if lw.nextevent > now+time.Second {
		lw.nextevent = now
	}
	lw.urgent = false
	wrk := lw.list
	lw.list = nil
	for len(wrk) > 0 && budget > 0 {
		dev := wrk[0]
		wrk = wrk[1:]
		dev.lwListed.Store(false)
		if dev.regState != NETREG_REGISTERED || (urgentOnly && !linkwatchUrgentEvent(dev)) {
			dev.lwListed.Store(true)
			lw.list = append(lw.list, dev)
			continue
		}
		lw.mu.Unlock()
		linkwatchDoDev(dev)
		budget--
		lw.mu.Lock()
	}
	lw.list = append(lw.list, wrk...)
	if len(lw.list) > 0 {
		lw.scheduleLocked(k, false)
	}
	lw.mu.Unlock()
}

// linkwatchDoDev is linkwatch_do_dev. RTNL must be held.
func linkwatchDoDev(dev *NetDevice) {
	lw := &dev.net.k.linkwatch
	lw.mu.Lock()
	dev.lwPending = false
	lw.mu.Unlock()
	rfc2863Policy(dev)
	if dev.Flags&IFF_UP != 0 {
		if dev.carrierOK() {
			devActivate(dev)
		} else {
			devDeactivate(dev)
		}
		netdevStateChange(dev)
	}
}

// linkwatchCleanDev is linkwatch_clean_dev: it takes the device off the
// list and reports whether it was on it.
func linkwatchCleanDev(dev *NetDevice) bool {
	lw := &dev.net.k.linkwatch
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if !dev.lwListed.Load() {
		return false
	}
	dev.lwListed.Store(false)
	for i, d := range lw.list {
		if d == dev {
			lw.list = append(lw.list[:i:i], lw.list[i+1:]...)
			break
		}
	}
	return true
}

// linkwatchSyncDev is linkwatch_sync_dev: a pending event of the device
// runs now. RTNL must be held.
func linkwatchSyncDev(dev *NetDevice) {
	if linkwatchCleanDev(dev) {
		linkwatchDoDev(dev)
	}
}

// linkwatchPending reports whether the device waits on the list.
func (dev *NetDevice) linkwatchPending() bool { return dev.lwListed.Load() }
