package core

import (
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Kernel is the whole model: the link-type registry, the modules, and the
// network namespaces, with init_net first. It is the counterpart of the
// kernel image itself; everything else hangs off it.
type Kernel struct {
	// rtnl is the RTNL lock. Changes to devices take it for writing;
	// RTM_GETLINK and link dumps, which the kernel runs under RCU, take it
	// for reading.
	rtnl rtnlLock

	linkOpsMu sync.Mutex // link_ops_mutex
	linkOps   []*RtnlLinkOps

	modMu   sync.Mutex
	modules map[string]*Module // loaded modules by name
	known   map[string]*Module // modules modprobe can find, by name

	netsMu  sync.Mutex
	nets    []*Net
	initNet *Net
	netSeq  atomic.Uint64

	pid   uint32
	rover atomic.Int32
	rng   *rand.Rand
	rngMu sync.Mutex

	faults faultState
	boot   time.Time

	liveDevs     atomic.Int64
	ueventSeqnum atomic.Uint64                  // uevent_seqnum
	lastStats    map[*NetDevice]RtnlLinkStats64 // CheckInvariants' last reading, under RTNL
}

// NewKernel boots a kernel: init_net with its loopback device and the
// netlink protocols the model serves.
func NewKernel() *Kernel {
	k := &Kernel{
		rtnl:    newRtnlLock(),
		modules: make(map[string]*Module),
		known:   make(map[string]*Module),
		pid:     uint32(os.Getpid()),
		boot:    time.Now(),
		rng:     rand.New(rand.NewPCG(uint64(os.Getpid()), 0x6b6e6574)),
	}
	k.rover.Store(-4096)
	n, err := k.NewNet()
	if err != nil {
		panic("knet: init_net: " + err.Error())
	}
	k.initNet = n
	return k
}

// InitNet is &init_net.
func (k *Kernel) InitNet() *Net { return k.initNet }

// nextRover is the negative port id search of netlink_autobind.
func (k *Kernel) nextRover() uint32 {
	for {
		r := k.rover.Load()
		var next int32
		if r == -4096 {
			k.rngMu.Lock()
			next = int32(-4097 - k.rng.Int64N(int64(1)<<31-4097))
			k.rngMu.Unlock()
		} else if r >= -4096 {
			next = -4097
		} else {
			next = r
		}
		if k.rover.CompareAndSwap(r, next-1) {
			return uint32(next)
		}
	}
}

// RtnlLock and RtnlUnlock are rtnl_lock/rtnl_unlock.
func (k *Kernel) RtnlLock()   { k.rtnl.Lock() }
func (k *Kernel) RtnlUnlock() { k.rtnl.Unlock() }

// Net mirrors struct net: one network namespace.
type Net struct {
	k  *Kernel
	id uint64

	// Guarded by RTNL.
	devByName   map[string]*NetDevice
	devByIndex  map[int]*NetDevice
	devOrder    []int // ifindexes in order, the dump order
	ifindexNext int
	devSeq      uint64 // dev_base_seq: bumped on every list change
	loopback    *NetDevice

	nl        [MAX_LINKS]*nlTable
	taps      tapList
	packet    packetTable
	dead      atomic.Bool
	liveSocks atomic.Int64

	socksMu sync.Mutex
	socks   map[*Sock]struct{} // open user sockets
}

// Kernel returns the kernel the namespace belongs to.
func (n *Net) Kernel() *Kernel { return n.k }

// ID is a per-kernel namespace number (the net cookie).
func (n *Net) ID() uint64 { return n.id }

// Loopback is net->loopback_dev.
func (n *Net) Loopback() *NetDevice { return n.loopback }

// NewNet is copy_net_ns: a namespace with lo and the netlink protocols.
func (k *Kernel) NewNet() (*Net, error) {
	n := &Net{
		k:          k,
		id:         k.netSeq.Add(1),
		devByName:  make(map[string]*NetDevice),
		devByIndex: make(map[int]*NetDevice),
		socks:      make(map[*Sock]struct{}),
	}
	n.netlinkKernelCreate(NETLINK_ROUTE, RTNLGRP_MAX, nlCfgNonrootRecv, rtnetlinkRcv)
	n.netlinkKernelCreate(NETLINK_USERSOCK, 32, nlCfgNonrootSend, nil)
	n.netlinkKernelCreate(NETLINK_GENERIC, 32, nlCfgNonrootRecv, genlRcv)
	n.netlinkKernelCreate(NETLINK_KOBJECT_UEVENT, 32, nlCfgNonrootRecv, ueventNetRcv)
	k.rtnl.Lock()
	err := loopbackNetInit(n)
	k.rtnl.Unlock()
	if err != nil {
		return nil, err
	}
	k.netsMu.Lock()
	k.nets = append(k.nets, n)
	k.netsMu.Unlock()
	return n, nil
}

// Nets lists the live namespaces, init_net first.
func (k *Kernel) Nets() []*Net {
	k.netsMu.Lock()
	defer k.netsMu.Unlock()
	return append([]*Net(nil), k.nets...)
}

// Destroy is cleanup_net: the namespace's rtnl-created devices are deleted
// (closing them first, which removes their taps), lo goes last, and the
// namespace stops accepting sockets.
func (n *Net) Destroy() error {
	if n == n.k.initNet {
		return unix.EBUSY
	}
	if n.dead.Swap(true) {
		return nil
	}
	k := n.k
	k.rtnl.Lock()
	var devs []*NetDevice
	for _, idx := range n.devOrder {
		if dev := n.devByIndex[idx]; dev != n.loopback {
			devs = append(devs, dev)
		}
	}
	if n.loopback != nil {
		devs = append(devs, n.loopback)
	}
	UnregisterNetdeviceMany(devs, 0, nil)
	k.rtnl.Unlock()
	n.packet.closeAll()
	// Sockets keep a real namespace alive; here the namespace goes when
	// asked, so its sockets close and their blocked readers return.
	n.socksMu.Lock()
	socks := make([]*Sock, 0, len(n.socks))
	for s := range n.socks {
		socks = append(socks, s)
	}
	n.socksMu.Unlock()
	for _, s := range socks {
		s.Close()
	}
	k.netsMu.Lock()
	for i, m := range k.nets {
		if m == n {
			k.nets = append(k.nets[:i], k.nets[i+1:]...)
			break
		}
	}
	k.netsMu.Unlock()
	return nil
}

// ForEachDev calls fn for each of the namespace's devices in ifindex
// order, with RTNL held for reading: fn may read the device's fields.
func (n *Net) ForEachDev(fn func(dev *NetDevice)) {
	n.k.rtnl.RLock(0)
	defer n.k.rtnl.RUnlock(0)
	for _, idx := range n.devOrder {
		fn(n.devByIndex[idx])
	}
}

// IfindexByName is dev_get_by_name(...)->ifindex, 0 when there is no such
// device.
func (n *Net) IfindexByName(name string) int {
	n.k.rtnl.RLock(0)
	defer n.k.rtnl.RUnlock(0)
	if dev := n.devByName[name]; dev != nil {
		return dev.ifindex
	}
	return 0
}

// LiveDevices counts devices registered and not yet freed, in all
// namespaces: a leak check.
func (k *Kernel) LiveDevices() int64 { return k.liveDevs.Load() }
