package core

import (
	"math/rand/v2"
	"os"
	"sort"
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
	boot   time.Time // wall time at boot
	clock  Clock

	linkwatch   linkwatchState
	addrconfWq  addrconfWorkQueue // addrconf_wq: DAD and lifetime work
	workTimerMu sync.Mutex
	workTimer   *time.Timer   // the real clock's timer for deferred work
	workTimerAt time.Duration // when it fires

	drops [numDropReasons]atomic.Uint64 // kfree_skb_reason counts

	nsFilesMu sync.Mutex
	nsFiles   map[int]*Net    // the model's open nsfs files: IFLA_NET_NS_FD values
	nsPids    map[uint32]*Net // the model's processes: IFLA_NET_NS_PID values
	nextFD    int
	nextPid   uint32

	liveDevs     atomic.Int64
	ueventSeqnum atomic.Uint64                  // uevent_seqnum
	lastStats    map[*NetDevice]RtnlLinkStats64 // CheckInvariants' last reading, under RTNL
}

// NewKernel boots a kernel: init_net with its loopback device and the
// netlink protocols the model serves. A nil clock follows wall time.
func NewKernel(clock Clock) *Kernel {
	k := &Kernel{
		rtnl:    newRtnlLock(),
		modules: make(map[string]*Module),
		known:   make(map[string]*Module),
		pid:     uint32(os.Getpid()),
		boot:    time.Now(),
		rng:     rand.New(rand.NewPCG(uint64(os.Getpid()), 0x6b6e6574)),
		nsFiles: make(map[int]*Net),
		nsPids:  make(map[uint32]*Net),
		nextFD:  firstNsFD,
		nextPid: firstNsPid,
	}
	if clock == nil {
		clock = realClock{boot: k.boot}
	}
	if mc, ok := clock.(*ManualClock); ok {
		mc.mu.Lock()
		mc.k = k
		mc.mu.Unlock()
	}
	k.clock = clock
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

// wallTime is the wall time the kernel's clock stands at, for time stamps.
func (k *Kernel) wallTime() time.Time { return k.boot.Add(k.jiffies()) }

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

	// Guarded by k.nsFilesMu: the namespace's entries in k.nsFiles and
	// k.nsPids, 0 until first asked for.
	fd  int
	pid uint32

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

	nsidMu sync.Mutex   // nsid_lock
	nsids  map[int]*Net // netns_ids: the ids this namespace gives others
	nsidOf map[*Net]int // nsids reversed: a peer has at most one id

	// The protocols' per-namespace state (struct net's ipv4 and ipv6
	// parts), each owned by the file that models it and set
	// up by its pernet operations. Guarded by RTNL unless the owner
	// says otherwise.
	inet  devinetNet  // devinet.go: the namespace's IPv4 addresses
	fib   fibNet      // fib_frontend.go: the IPv4 routing tables
	ipv6  ipv6Net     // addrconf.go, ip6_fib.go: IPv6 addresses and routes
	rules fibRulesNet // fib_rules.go: the policy rules of each family
}

// pernetOperations is struct pernet_operations: a subsystem's set-up and
// tear-down of its per-namespace state. init runs under RTNL before the
// namespace's lo exists; exit under RTNL after its devices are gone.
type pernetOperations struct {
	name  string
	order int // the pernetOrder* registration order
	init  func(n *Net) error
	exit  func(n *Net)
}

// Registration order of the pernet subsystems: the order the kernel's
// initcalls register them (setup_net runs them in it, cleanup_net in
// reverse).
const (
	pernetOrderFibRules  = iota // fib_rules_init (subsys_initcall)
	pernetOrderNeigh            // neigh tables (arp_init, ndisc_init)
	pernetOrderDevinet          // devinet_init
	pernetOrderFib              // ip_fib_init (fib_net_ops)
	pernetOrderFib4Rules        // fib4_rules_init, from fib_net_init
	pernetOrderAddrconf         // addrconf_init
	pernetOrderIP6Fib           // ip6_route_init, fib6_init
	pernetOrderFib6Rules        // fib6_rules_init
)

// pernetList is pernet_list, filled at init.
var pernetList []*pernetOperations

// registerPernetSubsys is register_pernet_subsys at boot.
func registerPernetSubsys(ops *pernetOperations) {
	i := len(pernetList)
	for i > 0 && pernetList[i-1].order > ops.order {
		i--
	}
	pernetList = append(pernetList, nil)
	copy(pernetList[i+1:], pernetList[i:])
	pernetList[i] = ops
}

// setupNet is setup_net: every subsystem's init in order; on failure the
// ones that ran are undone in reverse.
func (n *Net) setupNet() error {
	for i, ops := range pernetList {
		if ops.init == nil {
			continue
		}
		if err := ops.init(n); err != nil {
			for j := i - 1; j >= 0; j-- {
				if pernetList[j].exit != nil {
					pernetList[j].exit(n)
				}
			}
			return err
		}
	}
	return nil
}

// cleanupNetSubsys is cleanup_net's part after the devices are gone:
// every subsystem's exit in reverse order.
func (n *Net) cleanupNetSubsys() {
	for i := len(pernetList) - 1; i >= 0; i-- {
		if pernetList[i].exit != nil {
			pernetList[i].exit(n)
		}
	}
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
		nsids:      make(map[int]*Net),
		nsidOf:     make(map[*Net]int),
	}
	n.netlinkKernelCreate(NETLINK_ROUTE, RTNLGRP_MAX, nlCfgNonrootRecv, rtnetlinkRcv)
	n.netlinkKernelCreate(NETLINK_USERSOCK, 32, nlCfgNonrootSend, nil)
	n.netlinkKernelCreate(NETLINK_GENERIC, 32, nlCfgNonrootRecv, genlRcv)
	n.netlinkKernelCreate(NETLINK_KOBJECT_UEVENT, 32, nlCfgNonrootRecv, ueventNetRcv)
	k.rtnl.Lock()
	err := n.setupNet()
	if err == nil {
		if err = loopbackNetInit(n); err != nil {
			n.cleanupNetSubsys()
		}
	}
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

// Destroy is cleanup_net. A real namespace dies only once nothing holds
// it (no socket, process or open file); here it dies when asked, so
// first its sockets close (their blocked readers return), its file and
// process go, and then, as in cleanup_net: the other namespaces forget
// its ids (RTM_DELNSID), and every device is deleted as
// default_device_exit_batch does, newest first through its kind's
// dellink (a veth end takes its peer in another namespace with it), lo
// last.
func (n *Net) Destroy() error {
	if n == n.k.initNet {
		return unix.EBUSY
	}
	if n.dead.Swap(true) {
		return nil
	}
	k := n.k
	defer k.runDueWork()
	k.netsMu.Lock()
	for i, m := range k.nets {
		if m == n {
			k.nets = append(k.nets[:i], k.nets[i+1:]...)
			break
		}
	}
	k.netsMu.Unlock()
	k.forgetNsFiles(n)
	n.socksMu.Lock()
	socks := make([]*Sock, 0, len(n.socks))
	for s := range n.socks {
		socks = append(socks, s)
	}
	n.socksMu.Unlock()
	for _, s := range socks {
		s.Close()
	}
	n.packet.closeAll()
	k.rtnl.Lock()
	defer k.rtnl.Unlock()
	unhashNsid(k, n)
	var kill []*NetDevice
	for i := len(n.devOrder) - 1; i >= 0; i-- {
		rtnlDellinkQueue(n.devByIndex[n.devOrder[i]], &kill)
	}
	UnregisterNetdeviceMany(kill, 0, nil)
	n.cleanupNetSubsys()
	return nil
}

// UnregisterNetdeviceQueue is unregister_netdevice_queue with a list: the
// device moves to the tail of kill (a device is on it once).
func UnregisterNetdeviceQueue(dev *NetDevice, kill *[]*NetDevice) {
	l := *kill
	for i, d := range l {
		if d == dev {
			l = append(l[:i:i], l[i+1:]...)
			break
		}
	}
	*kill = append(l, dev)
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

// The numbers the model hands out for namespace files and processes.
// They start well away from the descriptors and pids a real process has,
// so that a value from one world is not mistaken for the other.
const (
	firstNsFD  = 1000
	firstNsPid = 100000
)

// FD is the descriptor at which every client of the kernel has the
// namespace's nsfs file open (/proc/PID/ns/net, /run/netns/NAME): what
// IFLA_NET_NS_FD and NETNSA_FD name. It is allocated on first use and
// closed when the namespace goes.
func (n *Net) FD() int {
	k := n.k
	k.nsFilesMu.Lock()
	defer k.nsFilesMu.Unlock()
	if n.fd == 0 {
		if n.dead.Load() {
			return -1
		}
		n.fd = k.nextFD
		k.nextFD++
		k.nsFiles[n.fd] = n
	}
	return n.fd
}

// PID is a process that lives in the namespace (one the model keeps for
// it): what IFLA_NET_NS_PID and NETNSA_PID name. It exits when the
// namespace goes.
func (n *Net) PID() uint32 {
	k := n.k
	k.nsFilesMu.Lock()
	defer k.nsFilesMu.Unlock()
	if n.pid == 0 {
		if n.dead.Load() {
			return 0
		}
		n.pid = k.nextPid
		k.nextPid++
		k.nsPids[n.pid] = n
	}
	return n.pid
}

// getNetNsByFd is get_net_ns_by_fd: EBADF for a descriptor nothing is
// open at. (Every descriptor the model knows is a namespace's, so the
// kernel's EINVAL for another kind of file does not arise.)
func (k *Kernel) getNetNsByFd(fd uint32) (*Net, error) {
	k.nsFilesMu.Lock()
	defer k.nsFilesMu.Unlock()
	n, ok := k.nsFiles[int(int32(fd))]
	if !ok || n.dead.Load() {
		return nil, unix.EBADF
	}
	return n, nil
}

// getNetNsByPid is get_net_ns_by_pid: ESRCH for no such process.
func (k *Kernel) getNetNsByPid(pid uint32) (*Net, error) {
	k.nsFilesMu.Lock()
	defer k.nsFilesMu.Unlock()
	n, ok := k.nsPids[pid]
	if !ok || n.dead.Load() {
		return nil, unix.ESRCH
	}
	return n, nil
}

// forgetNsFiles closes the namespace's file and ends its process.
func (k *Kernel) forgetNsFiles(n *Net) {
	k.nsFilesMu.Lock()
	defer k.nsFilesMu.Unlock()
	delete(k.nsFiles, n.fd)
	delete(k.nsPids, n.pid)
	n.fd, n.pid = 0, 0
}

// Network namespace ids (net/core/net_namespace.c): each namespace numbers
// the namespaces it refers to, allocating an id when it first names one
// (a veth peer's IFLA_LINK_NETNSID, a moved device's IFLA_NEW_NETNSID) or
// when user space asks (RTM_NEWNSID), and announces it to RTNLGRP_NSID.

// rtnetlink messages and attributes of netns ids
// (include/uapi/linux/net_namespace.h).
const (
	RTM_NEWNSID  = 88
	RTM_DELNSID  = 89
	RTM_GETNSID  = 90
	RTNLGRP_NSID = 28

	NETNSA_NONE         = 0
	NETNSA_NSID         = 1
	NETNSA_PID          = 2
	NETNSA_FD           = 3
	NETNSA_TARGET_NSID  = 4
	NETNSA_CURRENT_NSID = 5
	NETNSA_MAX          = 5

	// NETNSA_NSID_NOT_ASSIGNED is the id of a namespace that has none.
	NETNSA_NSID_NOT_ASSIGNED = -1
)

var rtnlNetPolicy = []nlaPolicy{
	NETNSA_NONE:         {typ: nlaUnspec},
	NETNSA_NSID:         {typ: nlaS32},
	NETNSA_PID:          {typ: nlaU32},
	NETNSA_FD:           {typ: nlaU32},
	NETNSA_TARGET_NSID:  {typ: nlaS32},
	NETNSA_CURRENT_NSID: {},
}

func init() {
	rtnlRegister(AF_UNSPEC, RTM_NEWNSID, rtnlNetNewid, nil, 0)
	rtnlRegister(AF_UNSPEC, RTM_GETNSID, rtnlNetGetid, rtnlNetDumpid, 0)
}

// allocNetid is alloc_netid: the lowest free id at or above reqid (only
// reqid itself when it is not negative). n.nsidMu is held, and peer has
// no id yet.
func (n *Net) allocNetid(peer *Net, reqid int) (int, error) {
	id, last := reqid, reqid
	if reqid < 0 {
		id, last = 0, 1<<31-1
	}
	for ; id <= last; id++ {
		if _, taken := n.nsids[id]; !taken {
			n.nsids[id] = peer
			n.nsidOf[peer] = id
			return id, nil
		}
	}
	return 0, unix.ENOSPC
}

// peernet2idLocked is __peernet2id; n.nsidMu is held.
func (n *Net) peernet2idLocked(peer *Net) int {
	if id, ok := n.nsidOf[peer]; ok {
		return id
	}
	return NETNSA_NSID_NOT_ASSIGNED
}

// peernet2id is peernet2id: the id n gives peer, or -1.
func peernet2id(n, peer *Net) int {
	n.nsidMu.Lock()
	defer n.nsidMu.Unlock()
	return n.peernet2idLocked(peer)
}

// peernet2idAlloc is peernet2id_alloc: the id n gives peer, allocated
// (and announced with RTM_NEWNSID) if it has none.
func peernet2idAlloc(n, peer *Net) int {
	if n.dead.Load() {
		return NETNSA_NSID_NOT_ASSIGNED
	}
	n.nsidMu.Lock()
	if id := n.peernet2idLocked(peer); id >= 0 {
		n.nsidMu.Unlock()
		return id
	}
	if peer.dead.Load() {
		n.nsidMu.Unlock()
		return NETNSA_NSID_NOT_ASSIGNED
	}
	id, err := n.allocNetid(peer, -1)
	n.nsidMu.Unlock()
	if err != nil {
		return NETNSA_NSID_NOT_ASSIGNED
	}
	rtnlNetNotifyid(n, RTM_NEWNSID, id, 0, nil)
	return id
}

// getNetNsByID is get_net_ns_by_id.
func getNetNsByID(n *Net, id int) *Net {
	if id < 0 {
		return nil
	}
	n.nsidMu.Lock()
	defer n.nsidMu.Unlock()
	peer := n.nsids[id]
	if peer == nil || peer.dead.Load() {
		return nil
	}
	return peer
}

// unhashNsid is unhash_nsid: every other namespace forgets its id for
// the dying one, with an RTM_DELNSID.
func unhashNsid(k *Kernel, dying *Net) {
	for _, n := range k.Nets() {
		n.nsidMu.Lock()
		id, ok := n.nsidOf[dying]
		if ok {
			delete(n.nsids, id)
			delete(n.nsidOf, dying)
		}
		n.nsidMu.Unlock()
		if ok {
			rtnlNetNotifyid(n, RTM_DELNSID, id, 0, nil)
		}
	}
}

// rtnlNetFill is rtnl_net_fill: an rtgenmsg, NETNSA_NSID and, when asked,
// NETNSA_CURRENT_NSID.
func rtnlNetFill(m *nlBuf, cmd uint16, flags uint16, portid, seq uint32, nsid int, ref *int) bool {
	start := m.putHeader(cmd, flags, seq, portid, sizeofRtgenmsg)
	m.b[start+NLMSG_HDRLEN] = AF_UNSPEC
	m.putU32(NETNSA_NSID, uint32(int32(nsid)))
	if ref != nil {
		m.putU32(NETNSA_CURRENT_NSID, uint32(int32(*ref)))
	}
	m.endMsg(start)
	if m.overflow() {
		m.cancel(start)
		return false
	}
	return true
}

// rtnlNetNotifyid is rtnl_net_notifyid: an RTM_NEWNSID or RTM_DELNSID to
// RTNLGRP_NSID, carrying the requester's port id and sequence.
func rtnlNetNotifyid(n *Net, cmd uint16, id int, portid uint32, nlh []byte) {
	var seq uint32
	if nlh != nil {
		seq = nlmsgSeq(nlh)
	}
	if n.k.fail(FailSkbAlloc) != nil {
		n.rtnlSetSkErr(RTNLGRP_NSID, unix.ENOMEM)
		return
	}
	var m nlBuf
	rtnlNetFill(&m, cmd, 0, portid, seq, id, nil)
	n.rtnlNotify(m.b, portid, RTNLGRP_NSID, nlh)
}

// rtnlNetPeer resolves the peer a request names by NETNSA_PID or
// NETNSA_FD, and the attribute that named it.
func rtnlNetPeer(k *Kernel, tb []Attr) (*Net, *Attr, error) {
	switch {
	case tb[NETNSA_PID].ok:
		n, err := k.getNetNsByPid(tb[NETNSA_PID].U32())
		return n, &tb[NETNSA_PID], err
	case tb[NETNSA_FD].ok:
		n, err := k.getNetNsByFd(tb[NETNSA_FD].U32())
		return n, &tb[NETNSA_FD], err
	}
	return nil, nil, nil
}

// rtnlNetNewid is rtnl_net_newid (RTM_NEWNSID).
func rtnlNetNewid(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [NETNSA_MAX + 1]Attr
	if err := nlmsgParseDeprecated(nlh, sizeofRtgenmsg, tb[:], NETNSA_MAX, rtnlNetPolicy, nlValidateLiberal, extack); err != nil {
		return err
	}
	if !tb[NETNSA_NSID].ok {
		extack.setMsg("nsid is missing")
		return unix.EINVAL
	}
	nsid := int(tb[NETNSA_NSID].S32())
	n := skb.sk.net
	peer, nla, err := rtnlNetPeer(n.k, tb[:])
	if nla == nil {
		extack.setMsg("Peer netns reference is missing")
		return unix.EINVAL
	}
	if err != nil {
		extack.SetBadAttr(nla)
		extack.setMsg("Peer netns reference is invalid")
		return err
	}
	n.nsidMu.Lock()
	if n.peernet2idLocked(peer) >= 0 {
		n.nsidMu.Unlock()
		extack.SetBadAttr(nla)
		extack.setMsg("Peer netns already has a nsid assigned")
		return unix.EEXIST
	}
	id, err := n.allocNetid(peer, nsid)
	n.nsidMu.Unlock()
	if err == nil {
		rtnlNetNotifyid(n, RTM_NEWNSID, id, skb.portid, nlh)
		return nil
	}
	if err == unix.ENOSPC && nsid >= 0 {
		extack.SetBadAttr(&tb[NETNSA_NSID])
		extack.setMsg("The specified nsid is already used")
		return unix.EEXIST
	}
	return err
}

// rtnlGetNetNsCapable is rtnl_get_net_ns_capable.
func rtnlGetNetNsCapable(sk *Sock, id int) (*Net, error) {
	n := getNetNsByID(sk.net, id)
	if n == nil {
		return nil, unix.EINVAL
	}
	if !sk.capNetAdmin {
		return nil, unix.EACCES
	}
	return n, nil
}

// rtnlNetGetid is rtnl_net_getid (RTM_GETNSID): the id the target (the
// requester's namespace, or NETNSA_TARGET_NSID's) gives the peer.
func rtnlNetGetid(skb *SkBuff, nlh []byte, extack *ExtAck) error {
	var tb [NETNSA_MAX + 1]Attr
	validate := nlValidateLiberal
	if skb.sk.hasFlag(nlfStrictChk) {
		validate = nlValidateTrailing | nlValidateMaxtype
	}
	if err := nlmsgParseDeprecated(nlh, sizeofRtgenmsg, tb[:], NETNSA_MAX, rtnlNetPolicy, validate, extack); err != nil {
		return err
	}
	if validate != nlValidateLiberal {
		for i := range tb {
			if tb[i].ok && i != NETNSA_PID && i != NETNSA_FD && i != NETNSA_NSID && i != NETNSA_TARGET_NSID {
				extack.setMsg("Unsupported attribute in peer netns getid request")
				return unix.EINVAL
			}
		}
	}
	n := skb.sk.net
	peer, nla, err := rtnlNetPeer(n.k, tb[:])
	if nla == nil && tb[NETNSA_NSID].ok {
		nla = &tb[NETNSA_NSID]
		if peer = getNetNsByID(n, int(tb[NETNSA_NSID].S32())); peer == nil {
			err = unix.ENOENT
		}
	}
	if nla == nil {
		extack.setMsg("Peer netns reference is missing")
		return unix.EINVAL
	}
	if err != nil {
		extack.SetBadAttr(nla)
		extack.setMsg("Peer netns reference is invalid")
		return err
	}
	target := n
	var ref *int
	if tb[NETNSA_TARGET_NSID].ok {
		t, err := rtnlGetNetNsCapable(skb.sk, int(tb[NETNSA_TARGET_NSID].S32()))
		if err != nil {
			extack.SetBadAttr(&tb[NETNSA_TARGET_NSID])
			extack.setMsg("Target netns reference is invalid")
			return err
		}
		target = t
		r := peernet2id(n, peer)
		ref = &r
	}
	if n.k.fail(FailSkbAlloc) != nil {
		return unix.ENOMEM
	}
	reply := getSkb(&replySkbs, true)
	m := nlBuf{b: reply.Data}
	rtnlNetFill(&m, RTM_NEWNSID, 0, skb.portid, nlmsgSeq(nlh), peernet2id(target, peer), ref)
	reply.Data = m.b
	return n.nlmsgUnicastSkb(skb.sk, reply, skb.portid)
}

// nsidDump is the state of an RTM_GETNSID dump (cb->args[0]).
type nsidDump struct{ idx int }

// rtnlNetDumpid is rtnl_net_dumpid: the namespace's ids in ascending
// order, validated as rtnl_valid_dump_net_req when strict.
func rtnlNetDumpid(cb *netlinkCallback, m *nlBuf) int {
	tgt := cb.net
	var ref *Net
	if cb.strictCheck {
		var tb [NETNSA_MAX + 1]Attr
		if err := nlmsgParseDeprecated(cb.nlh, sizeofRtgenmsg, tb[:], NETNSA_MAX, rtnlNetPolicy, nlValidateTrailing|nlValidateMaxtype, &cb.extack); err != nil {
			return errnoOf(err)
		}
		for i := range tb {
			if !tb[i].ok {
				continue
			}
			if i != NETNSA_TARGET_NSID {
				cb.extack.setMsgAttr(&tb[i], "Unsupported attribute in dump request")
				return -int(unix.EINVAL)
			}
			t, err := rtnlGetNetNsCapable(cb.sk, int(tb[i].S32()))
			if err != nil {
				cb.extack.setMsgAttr(&tb[i], "Invalid target network namespace id")
				return errnoOf(err)
			}
			ref, tgt = tgt, t
		}
	}
	ctx, _ := cb.data.(*nsidDump)
	if ctx == nil {
		ctx = &nsidDump{}
		cb.data = ctx
	}
	tgt.nsidMu.Lock()
	ids := make([]int, 0, len(tgt.nsids))
	for id := range tgt.nsids {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	peers := make([]*Net, len(ids))
	for i, id := range ids {
		peers[i] = tgt.nsids[id]
	}
	tgt.nsidMu.Unlock()
	for i := ctx.idx; i < len(ids); i++ {
		var r *int
		if ref != nil {
			v := peernet2id(ref, peers[i])
			r = &v
		}
		if !rtnlNetFill(m, RTM_NEWNSID, NLM_F_MULTI, cb.portid, cb.seq, ids[i], r) {
			return -int(unix.EMSGSIZE)
		}
		ctx.idx = i + 1
	}
	return 0
}
