package core

import (
	"fmt"
	"sort"
)

// CheckInvariants checks the whole model's consistency and returns every
// violation found: device lists and name/index maps agree, every tap sits
// on the list of its own namespace and belongs to an up ARPHRD_NETLINK
// device, module reference counts equal the tap references held, dead
// namespaces hold no devices or sockets, device counters never go back
// between two checks. It takes RTNL.
func (k *Kernel) CheckInvariants() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	k.rtnl.Lock()
	defer k.rtnl.Unlock()

	tapRefs := make(map[*Module]int64)
	seen := make(map[*NetDevice]RtnlLinkStats64)
	var devices int64
	for _, n := range k.Nets() {
		if len(n.devByName) != len(n.devByIndex) || len(n.devByIndex) != len(n.devOrder) {
			bad("netns#%d: %d names, %d indexes, %d listed", n.id, len(n.devByName), len(n.devByIndex), len(n.devOrder))
		}
		if !sort.IntsAreSorted(n.devOrder) {
			bad("netns#%d: device list out of ifindex order: %v", n.id, n.devOrder)
		}
		for _, idx := range n.devOrder {
			dev := n.devByIndex[idx]
			if dev == nil {
				bad("netns#%d: ifindex %d listed but not indexed", n.id, idx)
				continue
			}
			devices++
			if n.devByName[dev.name] != dev {
				bad("netns#%d: %s (ifindex %d) not found by its name", n.id, dev.name, idx)
			}
			if dev.ifindex != idx || dev.net != n || dev.regState != NETREG_REGISTERED {
				bad("netns#%d: %s: ifindex %d, state %d, in netns#%d", n.id, dev.name, dev.ifindex, dev.regState, dev.net.id)
			}
			up := dev.Flags&IFF_UP != 0
			if dev.txActive.Load() && !up || up != dev.running() {
				bad("netns#%d: %s: IFF_UP %v but transmit %v, running %v", n.id, dev.name, up, dev.txActive.Load(), dev.running())
			}
			if up && dev.txActive.Load() != dev.carrierOK() && !dev.linkwatchPending() {
				bad("netns#%d: %s: up, carrier %v, but transmit %v with no linkwatch event pending", n.id, dev.name, dev.carrierOK(), dev.txActive.Load())
			}
		}
		checkFib(n, bad)
		if n.loopback == nil || n.devByIndex[1] != n.loopback {
			bad("netns#%d: lo is not ifindex 1", n.id)
		}
		for _, nt := range n.Taps() {
			switch {
			case nt.Dev.net != n:
				bad("netns#%d: tap of %s from netns#%d", n.id, nt.Dev.name, nt.Dev.net.id)
			case nt.Dev.Type != ARPHRD_NETLINK:
				bad("netns#%d: tap on %s of type %d", n.id, nt.Dev.name, nt.Dev.Type)
			case nt.Dev.Flags&IFF_UP == 0 || n.devByIndex[nt.Dev.ifindex] != nt.Dev:
				bad("netns#%d: tap on %s, which is down or unregistered", n.id, nt.Dev.name)
			}
			if nt.Module != nil {
				tapRefs[nt.Module]++
			}
		}
		n.socksMu.Lock()
		if int64(len(n.socks)) != n.liveSocks.Load() {
			bad("netns#%d: %d sockets listed, %d counted", n.id, len(n.socks), n.liveSocks.Load())
		}
		n.socksMu.Unlock()
		for _, idx := range n.devOrder {
			dev := n.devByIndex[idx]
			if dev == nil {
				continue
			}
			st := DevGetStats(dev)
			if last, ok := k.lastStats[dev]; ok {
				now, was := st.counters(), last.counters()
				for i := range now {
					if now[i] < was[i] {
						bad("netns#%d: %s: counter %d went back from %d to %d", n.id, dev.name, i, was[i], now[i])
						break
					}
				}
			}
			seen[dev] = st
		}
	}
	for _, n := range k.Nets() {
		errs = append(errs, inetCheckInvariants(n)...)
		errs = append(errs, ipv6CheckInvariants(n)...)
	}
	k.lastStats = seen // stats are monotonic between two checks
	if live := k.liveDevs.Load(); live != devices {
		bad("%d devices alive, %d registered", live, devices)
	}
	k.modMu.Lock()
	for name, m := range k.modules {
		if got, want := m.refcnt.Load(), tapRefs[m]; got != want {
			bad("module %s: refcount %d, but %d taps hold it", name, got, want)
		}
	}
	for m, refs := range tapRefs {
		if _, ok := k.modules[m.Name]; !ok || k.modules[m.Name] != m {
			bad("module %s is not loaded but %d taps hold it", m.Name, refs)
		}
	}
	k.modMu.Unlock()
	return errs
}
