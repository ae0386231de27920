package core

import (
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"golang.org/x/sys/unix"
)

// This file models net/core/dev.c and the struct net_device fields of
// include/linux/netdevice.h that link drivers and rtnetlink use: device
// allocation, names and indexes, registration and unregistration, open
// and close, flags, MTU, hardware address and moving a device to another
// namespace. Transmit is in dev_xmit.go, receive in dev_rx.go, the
// statistics in dev_stats.go.

// Per-CPU statistics types (enum netdev_stat_type).
const (
	NETDEV_PCPU_STAT_NONE   = 0
	NETDEV_PCPU_STAT_LSTATS = 1
	NETDEV_PCPU_STAT_TSTATS = 2
	NETDEV_PCPU_STAT_DSTATS = 3
)

// Defaults alloc_netdev_mqs gives every device (include/linux/netdevice.h).
const (
	GSO_LEGACY_MAX_SIZE = 65536
	GSO_MAX_SEGS        = 65535
	GSO_MAX_SIZE        = 8 * GSO_MAX_SEGS
	GRO_LEGACY_MAX_SIZE = 65536
	TSO_LEGACY_MAX_SIZE = 65536
	TSO_MAX_SEGS        = 65535
	INIT_NETDEV_GROUP   = 0
	maxNetdevices       = 8 * 4096 // 8*PAGE_SIZE unit slots in __dev_alloc_name
)

// Name assignment types (NET_NAME_*).
const (
	NET_NAME_UNKNOWN     = 0
	NET_NAME_ENUM        = 1
	NET_NAME_PREDICTABLE = 2
	NET_NAME_USER        = 3
	NET_NAME_RENAMED     = 4
)

// Registration states (dev->reg_state).
const (
	NETREG_UNINITIALIZED = iota
	NETREG_REGISTERED
	NETREG_UNREGISTERING
	NETREG_UNREGISTERED
	NETREG_RELEASED
)

// NumPossibleCPUs is num_possible_cpus() of the modelled machine: the
// kernel oracle's one-CPU guest. Drivers that size their queues by it
// (veth) see 1.
const NumPossibleCPUs = 1

// NetDeviceOps mirrors struct net_device_ops: the callbacks a driver
// supplies. A nil member is an operation the driver does not implement.
type NetDeviceOps struct {
	// Init is ndo_init, called by register_netdevice before the device
	// gets its index; an error aborts the registration.
	Init func(dev *NetDevice) error
	// Uninit is ndo_uninit, called when a registered device goes away
	// (or a registration fails after Init).
	Uninit func(dev *NetDevice)
	// Open is ndo_open: a non-nil error (a unix.Errno) keeps the device down.
	Open func(dev *NetDevice) error
	// Stop is ndo_stop; the core ignores its result.
	Stop func(dev *NetDevice) error
	// StartXmit is ndo_start_xmit: NETDEV_TX_OK consumes skb;
	// NETDEV_TX_BUSY hands it back; NET_XMIT_DROP reports that the driver
	// dropped (and freed) it.
	StartXmit func(skb *SkBuff, dev *NetDevice) int
	// GetStats64 is ndo_get_stats64; storage arrives zeroed.
	GetStats64 func(dev *NetDevice, storage *RtnlLinkStats64)
	// SetMACAddress is ndo_set_mac_address: addr holds addr_len bytes.
	SetMACAddress func(dev *NetDevice, addr []byte) error
	// ValidateAddr is ndo_validate_addr, checked by __dev_open before
	// ndo_open.
	ValidateAddr func(dev *NetDevice) error
	// SetRxMode is ndo_set_rx_mode, called when the device goes up and
	// when its promiscuity or multicast state changes.
	SetRxMode func(dev *NetDevice)
	// ChangeMTU is ndo_change_mtu: it sets dev->mtu itself (the core
	// does when it is nil).
	ChangeMTU func(dev *NetDevice, mtu uint32) error
	// ChangeCarrier is ndo_change_carrier (IFLA_CARRIER).
	ChangeCarrier func(dev *NetDevice, on bool) error
	// GetIflink is ndo_get_iflink: the ifindex of the device this one
	// is linked to (IFLA_LINK); nil means its own ifindex.
	GetIflink func(dev *NetDevice) int
}

// EthtoolOps mirrors the part of struct ethtool_ops the model serves.
type EthtoolOps struct {
	// GetLink is get_link (ETHTOOL_GLINK).
	GetLink func(dev *NetDevice) uint32
}

// NetDevice mirrors struct net_device. The exported fields are the ones a
// driver sets before the device is registered (in its setup callback,
// ndo_init or newlink); the core owns them afterwards, and the rest
// always. Fields are guarded by RTNL unless a comment says otherwise.
type NetDevice struct {
	Type           uint16
	Flags          uint32
	PrivFlags      uint64
	Features       uint64
	HwFeatures     uint64
	HwEncFeatures  uint64
	VlanFeatures   uint64
	MplsFeatures   uint64
	WantedFeatures uint64
	MTU            uint32
	MinMTU         uint32
	MaxMTU         uint32
	AddrLen        uint8
	AddrAssignType uint8
	DevAddr        [MAX_ADDR_LEN]byte
	Broadcast      [MAX_ADDR_LEN]byte
	HardHeaderLen  uint16
	MinHeaderLen   uint8
	NeededHeadroom uint16
	NeededTailroom uint16
	HeaderOps      HeaderOps
	TxQueueLen     uint32
	Lltx           bool
	// NeedsFreeNetdev is needs_free_netdev: the core frees the device
	// after unregistering it.
	NeedsFreeNetdev bool
	NetnsImmutable  bool
	PcpuStatType    uint8
	TSOMaxSize      uint32
	Ops             *NetDeviceOps
	EthtoolOps      *EthtoolOps
	// Priv is netdev_priv(dev): the driver's private area, allocated with
	// the device and zeroed before any callback runs.
	Priv any

	net             *Net
	name            string
	ifindex         int
	permAddr        [MAX_ADDR_LEN]byte
	gflags          uint32
	operstate       uint8
	linkMode        uint8
	group           uint32
	promiscuity     uint32
	allmulti        uint32
	numTxQueues     uint32
	numRxQueues     uint32
	realNumTxQueues uint32
	realNumRxQueues uint32
	gsoMaxSize      uint32
	gsoMaxSegs      uint32
	groMaxSize      uint32
	gsoIPv4MaxSize  uint32
	groIPv4MaxSize  uint32
	tsoMaxSegs      uint32
	ifalias         string
	nameAssignType  uint8
	regState        int
	rtnlLinkOps     *RtnlLinkOps
	initializing    bool      // rtnl_link_state == RTNL_LINK_INITIALIZING
	inDev           *inDevice // ip_ptr: the in_device, nil without one (AF_SPEC carries AF_INET with one)
	inet6           bool      // an inet6_dev is attached (AF_SPEC carries AF_INET6)
	inet6Ready      bool      // IF_READY: set by addrconf on NETDEV_UP
	inet6MTU        uint32    // idev->cnf.mtu6: follows dev->mtu after the notification
	inet6Tstamp     uint32
	inet6Reachable  uint32
	inet6AddrGen    uint8          // idev->cnf.addr_gen_mode
	inet6AcceptDad  int32          // idev->cnf.accept_dad
	inet6Token      [16]byte       // idev->token
	inet6RsSent     bool           // IF_RS_SENT: a router solicitation went after DAD
	inet6Addrs      []*inet6Ifaddr // idev->addr_list: by scope, global first, newest first within one
	inet6RandomID   [8]byte        // addrgenmode random's interface identifier (from cnf.stable_secret)
	inet6RandomSet  bool           // cnf.stable_secret.initialized
	inet6Mc         []*ifmcaddr6   // idev->mc_list, newest first

	// Guarded by the kernel's linkwatch lock; lwListed is also read
	// without it, to skip the lock when no event is pending.
	lwPending bool        // __LINK_STATE_LINKWATCH_PENDING
	lwListed  atomic.Bool // on lweventlist

	// Read without RTNL, on the transmit and receive paths.
	start       atomic.Bool   // __LINK_STATE_START: netif_running
	nocarrier   atomic.Bool   // __LINK_STATE_NOCARRIER
	txActive    atomic.Bool   // the transmit queues run on the root qdisc, not noop
	rootQdisc   atomic.Uint32 // dev->qdisc, a qdiscKind: written under RTNL
	carrierUp   atomic.Uint32 // carrier_up_count
	carrierDown atomic.Uint32 // carrier_down_count
	pcpu        pcpuStats
	core        coreStats // dev->core_stats
	stats       devStats  // dev->stats, for drivers without per-CPU stats

	// snap is what code running without RTNL (a driver's transmit) reads
	// of the fields RTNL guards: republished after every change.
	snap atomic.Pointer[DevSnapshot]
}

// DevSnapshot is a consistent copy of the RTNL-guarded fields a driver may
// want outside RTNL, the READ_ONCE view of them.
type DevSnapshot struct {
	Name      string
	Flags     uint32
	MTU       uint32
	Ifindex   int
	Addr      [MAX_ADDR_LEN]byte
	Broadcast [MAX_ADDR_LEN]byte
}

// Snapshot returns the device's latest published fields; before
// registration, when only the driver runs, the fields themselves.
func (dev *NetDevice) Snapshot() DevSnapshot {
	if s := dev.snap.Load(); s != nil {
		return *s
	}
	return newDevSnapshot(dev)
}

// publish republishes the snapshot; RTNL must be held.
func (dev *NetDevice) publish() {
	s := newDevSnapshot(dev)
	dev.snap.Store(&s)
}

// newDevSnapshot copies the device's fields a DevSnapshot holds.
func newDevSnapshot(dev *NetDevice) DevSnapshot {
	return DevSnapshot{Name: dev.name, Flags: dev.Flags, MTU: dev.MTU, Ifindex: dev.ifindex, Addr: dev.DevAddr, Broadcast: dev.Broadcast}
}

// Name is dev->name.
func (dev *NetDevice) Name() string { return dev.name }

// SetName sets dev->name of a device that is not registered yet (a name
// or a %d template, as a driver's newlink does before register_netdevice).
func (dev *NetDevice) SetName(name string) {
	if dev.regState == NETREG_UNINITIALIZED {
		dev.name = name
	}
}

// Ifindex is dev->ifindex.
func (dev *NetDevice) Ifindex() int { return dev.ifindex }

// SetIfindex sets the index a device that is not registered yet asks
// register_netdevice for (0: any).
func (dev *NetDevice) SetIfindex(ifindex int) {
	if dev.regState == NETREG_UNINITIALIZED {
		dev.ifindex = ifindex
	}
}

// Net is dev_net(dev).
func (dev *NetDevice) Net() *Net { return dev.net }

// IsUp reports IFF_UP.
func (dev *NetDevice) IsUp() bool { return dev.Flags&IFF_UP != 0 }

// running is netif_running.
func (dev *NetDevice) running() bool { return dev.start.Load() }

// Running is netif_running.
func (dev *NetDevice) Running() bool { return dev.running() }

// Registered reports whether the device is registered (NETREG_REGISTERED).
func (dev *NetDevice) Registered() bool { return dev.regState == NETREG_REGISTERED }

// Unregistered reports whether the device was never registered
// (NETREG_UNINITIALIZED): a driver may still configure it.
func (dev *NetDevice) Unregistered() bool { return dev.regState == NETREG_UNINITIALIZED }

// LinkOps is dev->rtnl_link_ops.
func (dev *NetDevice) LinkOps() *RtnlLinkOps { return dev.rtnlLinkOps }

// SetLinkOps is dev->rtnl_link_ops = ops, for a device a module creates
// itself (dummy's numdummies) before registering it.
func (dev *NetDevice) SetLinkOps(ops *RtnlLinkOps) {
	if dev.regState == NETREG_UNINITIALIZED {
		dev.rtnlLinkOps = ops
	}
}

// NumTxQueues and NumRxQueues are dev->num_tx_queues / num_rx_queues.
func (dev *NetDevice) NumTxQueues() uint32 { return dev.numTxQueues }
func (dev *NetDevice) NumRxQueues() uint32 { return dev.numRxQueues }

// Qdisc names the root qdisc as IFLA_QDISC reports it.
func (dev *NetDevice) Qdisc() string { return dev.qdisc().String() }

// Operstate is dev->operstate.
func (dev *NetDevice) Operstate() uint8 { return dev.operstate }

// AllocNetdev is alloc_netdev_mqs: a zeroed device with the core's defaults,
// configured by setup. priv is the driver's zeroed private area.
func AllocNetdev(k *Kernel, priv any, name string, assign uint8, setup func(*NetDevice), txqs, rxqs uint32) (*NetDevice, error) {
	if txqs < 1 || rxqs < 1 {
		return nil, unix.EINVAL
	}
	if err := k.fail(FailNetdevAlloc); err != nil {
		return nil, unix.ENOMEM
	}
	if priv != nil {
		if err := k.fail(FailPrivAlloc); err != nil {
			return nil, unix.ENOMEM
		}
	}
	dev := &NetDevice{
		Priv:            priv,
		PrivFlags:       IFF_XMIT_DST_RELEASE | IFF_XMIT_DST_RELEASE_PERM,
		TSOMaxSize:      TSO_LEGACY_MAX_SIZE,
		gsoMaxSize:      GSO_LEGACY_MAX_SIZE,
		gsoMaxSegs:      GSO_MAX_SEGS,
		groMaxSize:      GRO_LEGACY_MAX_SIZE,
		gsoIPv4MaxSize:  GSO_LEGACY_MAX_SIZE,
		groIPv4MaxSize:  GRO_LEGACY_MAX_SIZE,
		tsoMaxSegs:      TSO_MAX_SEGS,
		numTxQueues:     txqs,
		numRxQueues:     rxqs,
		realNumTxQueues: txqs,
		realNumRxQueues: rxqs,
		// strscpy(dev->name, name) comes before setup: a setup callback
		// may read the name (a template until registration resolves it).
		name:           name,
		nameAssignType: assign,
	}
	dev.net = k.initNet // dev_net_set(dev, &init_net) until the caller says otherwise
	if setup != nil {
		setup(dev)
	}
	if dev.TxQueueLen == 0 {
		dev.PrivFlags |= IFF_NO_QUEUE
		dev.TxQueueLen = DEFAULT_TX_QUEUE
	}
	if dev.TSOMaxSize < dev.gsoMaxSize {
		dev.gsoMaxSize = dev.TSOMaxSize
		dev.gsoIPv4MaxSize = dev.TSOMaxSize
	}
	dev.group = INIT_NETDEV_GROUP
	return dev, nil
}

// SetNet is dev_net_set for a device that is not registered yet.
func (dev *NetDevice) SetNet(n *Net) {
	if dev.regState == NETREG_UNINITIALIZED {
		dev.net = n
	}
}

// FreeNetdev is free_netdev for a device whose registration failed or
// never happened: nothing of it stays behind.
func FreeNetdev(dev *NetDevice) {
	if dev.regState == NETREG_UNINITIALIZED {
		dev.regState = NETREG_RELEASED
	}
}

// NetifSetTSOMaxSize is netif_set_tso_max_size.
func NetifSetTSOMaxSize(dev *NetDevice, size uint32) {
	dev.TSOMaxSize = min(GSO_MAX_SIZE, size)
	if size < dev.gsoMaxSize {
		setGSOMaxSize(dev, size)
	}
	if size < dev.gsoIPv4MaxSize {
		dev.gsoIPv4MaxSize = size
	}
}

// NetifInheritTSOMax is netif_inherit_tso_max.
func NetifInheritTSOMax(to, from *NetDevice) {
	NetifSetTSOMaxSize(to, from.TSOMaxSize)
	to.tsoMaxSegs = min(from.tsoMaxSegs, TSO_MAX_SEGS)
	if to.tsoMaxSegs < to.gsoMaxSegs {
		to.gsoMaxSegs = to.tsoMaxSegs
	}
}

// NetifSetRealNumTxQueues and NetifSetRealNumRxQueues are
// netif_set_real_num_tx_queues / netif_set_real_num_rx_queues. On a
// registered device the queue kobjects follow the count
// (netdev_queue_update_kobjects, net_rx_queue_update_kobjects): new ones
// are added in order, surplus ones removed highest first.
func NetifSetRealNumTxQueues(dev *NetDevice, n uint32) error {
	return netifSetRealNumQueues(dev, "tx", &dev.realNumTxQueues, dev.numTxQueues, n)
}

func NetifSetRealNumRxQueues(dev *NetDevice, n uint32) error {
	return netifSetRealNumQueues(dev, "rx", &dev.realNumRxQueues, dev.numRxQueues, n)
}

// netifSetRealNumQueues sets *realNum, the real count of the device's
// kind ("rx" or "tx") of queues, to n of at most num.
func netifSetRealNumQueues(dev *NetDevice, kind string, realNum *uint32, num, n uint32) error {
	if n < 1 || n > num {
		return unix.EINVAL
	}
	if dev.regState == NETREG_REGISTERED {
		updateQueueKobjects(dev, kind, *realNum, n)
	}
	*realNum = n
	return nil
}

// devValidName is dev_valid_name.
func devValidName(name string) bool {
	if name == "" || len(name) >= IFNAMSIZ || name == "." || name == ".." {
		return false
	}
	for _, c := range []byte(name) {
		if c == '/' || c == ':' || c == 0 || unicode.IsSpace(rune(c)) {
			return false
		}
	}
	return true
}

// devNameInUse is netdev_name_in_use.
func (n *Net) devNameInUse(name string) bool {
	_, ok := n.devByName[name]
	return ok
}

// devAllocName is __dev_alloc_name: the lowest free unit for a template
// with exactly one %d.
func (n *Net) devAllocName(tmpl string) (string, error) {
	p := strings.IndexByte(tmpl, '%')
	if p < 0 || p+1 >= len(tmpl) || tmpl[p+1] != 'd' || strings.IndexByte(tmpl[p+2:], '%') >= 0 {
		return "", unix.EINVAL
	}
	prefix, suffix := tmpl[:p], tmpl[p+2:]
	format := func(i int) string {
		s := prefix + strconv.Itoa(i) + suffix
		if len(s) > IFNAMSIZ-1 {
			s = s[:IFNAMSIZ-1]
		}
		return s
	}
	inuse := make(map[int]bool)
	for name := range n.devByName {
		// sscanf(name, tmpl, &i): the literal prefix, then a decimal.
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		rest := strings.TrimLeft(name[len(prefix):], " \t\n\v\f\r")
		j := 0
		if j < len(rest) && (rest[j] == '+' || rest[j] == '-') {
			j++
		}
		d := j
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == d {
			continue
		}
		i, err := strconv.Atoi(rest[:j])
		if err != nil || i < 0 || i >= maxNetdevices {
			continue
		}
		if format(i) == name {
			inuse[i] = true
		}
	}
	for i := 0; i < maxNetdevices; i++ {
		if !inuse[i] {
			return format(i), nil
		}
	}
	return "", unix.ENFILE
}

// devPrepValidName is dev_prep_valid_name.
func (n *Net) devPrepValidName(want string, dupErrno unix.Errno) (string, error) {
	if !devValidName(want) {
		return "", unix.EINVAL
	}
	if strings.IndexByte(want, '%') >= 0 {
		return n.devAllocName(want)
	}
	if n.devNameInUse(want) {
		return "", dupErrno
	}
	return want, nil
}

// DevGetByName is __dev_get_by_name.
func (n *Net) DevGetByName(name string) *NetDevice { return n.devByName[name] }

// DevGetByIndex is __dev_get_by_index.
func (n *Net) DevGetByIndex(ifindex int) *NetDevice { return n.devByIndex[ifindex] }

// devIndexReserve is dev_index_reserve: a requested index, or the next free
// one after the last allocated, cyclically.
func (n *Net) devIndexReserve(ifindex int) (int, error) {
	if ifindex < 0 || ifindex > 1<<31-1 {
		return 0, unix.EINVAL
	}
	if ifindex > 0 {
		if _, ok := n.devByIndex[ifindex]; ok {
			return 0, unix.EBUSY
		}
		return ifindex, nil
	}
	start := n.ifindexNext
	if start < 1 {
		start = 1
	}
	for i := start; ; {
		if _, ok := n.devByIndex[i]; !ok {
			n.ifindexNext = i + 1
			if n.ifindexNext > 1<<31-1 {
				n.ifindexNext = 1
			}
			return i, nil
		}
		i++
		if i > 1<<31-1 {
			i = 1
		}
		if i == start {
			return 0, unix.ENOSPC
		}
	}
}

// RegisterNetdevice is register_netdevice: RTNL must be held. The device
// gets a valid name, runs ndo_init, gets its per-CPU stats and an
// ifindex, and is listed in its namespace. Devices not created through
// rtnetlink are announced here. On failure nothing of it stays listed;
// the caller frees it (FreeNetdev).
func (n *Net) RegisterNetdevice(dev *NetDevice) error {
	if dev.regState != NETREG_UNINITIALIZED {
		return unix.EINVAL
	}
	dev.net = n
	name, err := n.devPrepValidName(dev.name, unix.EEXIST)
	if err != nil {
		return err
	}
	dev.name = name
	if dev.Ops != nil && dev.Ops.Init != nil {
		if err := dev.Ops.Init(dev); err != nil {
			return errnoOrEIO(err)
		}
	}
	// err_free_pcpu and err_uninit: what a later failure undoes.
	unwind := func(err error) error {
		dev.pcpu.free()
		devUninit(dev)
		return err
	}
	if err := dev.pcpu.alloc(n.k, dev.PcpuStatType); err != nil {
		return unwind(err)
	}
	idx, err := n.devIndexReserve(dev.ifindex)
	if err != nil {
		return unwind(err)
	}
	// The changeable features go to wanted_features and the software
	// offloads (GSO, GRO) come on.
	dev.HwFeatures |= NETIF_F_SOFT_FEATURES | NETIF_F_SOFT_FEATURES_OFF
	dev.Features |= NETIF_F_SOFT_FEATURES
	dev.WantedFeatures = dev.Features & dev.HwFeatures
	if dev.Flags&IFF_LOOPBACK == 0 {
		dev.HwFeatures |= NETIF_F_NOCACHE_COPY
	}
	for _, f := range []*uint64{&dev.HwFeatures, &dev.VlanFeatures, &dev.MplsFeatures, &dev.HwEncFeatures} {
		if *f&NETIF_F_TSO != 0 {
			*f |= NETIF_F_TSO_MANGLEID
		}
	}
	dev.VlanFeatures |= NETIF_F_HIGHDMA
	dev.HwEncFeatures |= NETIF_F_SG | NETIF_F_GSO_PARTIAL
	dev.MplsFeatures |= NETIF_F_SG
	// netdev_register_kobject: the device's kobject and its queues'.
	if err := n.k.fail(FailRegister); err != nil {
		return unwind(unix.ENOMEM)
	}
	dev.ifindex = idx
	dev.regState = NETREG_REGISTERED
	registerQueueKobjects(dev)
	linkwatchInitDev(dev)
	dev.publish()
	n.listNetdevice(dev)
	n.k.liveDevs.Add(1)
	if dev.AddrAssignType == NET_ADDR_PERM {
		dev.permAddr = dev.DevAddr
	}
	_ = callNetdeviceNotifiers(NETDEV_REGISTER, dev)
	// The device's own "add", held back until the device is listed.
	netdevUevent(dev, kobjAdd)
	if dev.rtnlLinkOps == nil || !dev.initializing {
		rtmsgIfinfo(RTM_NEWLINK, dev, ^uint32(0), 0, nil)
	}
	return nil
}

// devUninit is ndo_uninit, when the driver has one.
func devUninit(dev *NetDevice) {
	if dev.Ops != nil && dev.Ops.Uninit != nil {
		dev.Ops.Uninit(dev)
	}
}

// errnoOrEIO is what register_netdevice makes of ndo_init's result: a
// positive value is -EIO.
func errnoOrEIO(err error) error {
	var e unix.Errno
	if errors.As(err, &e) && e != 0 {
		return e
	}
	return unix.EIO
}

// listNetdevice is list_netdevice.
func (n *Net) listNetdevice(dev *NetDevice) {
	n.devByName[dev.name] = dev
	n.devByIndex[dev.ifindex] = dev
	n.devSeq++
	i := len(n.devOrder)
	for i > 0 && n.devOrder[i-1] > dev.ifindex {
		i--
	}
	n.devOrder = append(n.devOrder, 0)
	copy(n.devOrder[i+1:], n.devOrder[i:])
	n.devOrder[i] = dev.ifindex
}

// unlistNetdevice is unlist_netdevice.
func (n *Net) unlistNetdevice(dev *NetDevice) {
	delete(n.devByName, dev.name)
	delete(n.devByIndex, dev.ifindex)
	n.devSeq++
	for i, idx := range n.devOrder {
		if idx == dev.ifindex {
			n.devOrder = append(n.devOrder[:i], n.devOrder[i+1:]...)
			break
		}
	}
}

// UnregisterNetdeviceMany is unregister_netdevice_many_notify: close the up
// devices, unlist them, shut their qdiscs, announce RTM_DELLINK and free
// them. RTNL must be held.
func UnregisterNetdeviceMany(devs []*NetDevice, portid uint32, nlh []byte) {
	var live []*NetDevice
	for _, dev := range devs {
		if dev.regState == NETREG_REGISTERED {
			live = append(live, dev)
		}
	}
	devs = live
	netifCloseMany(devs)
	for _, dev := range devs {
		dev.net.unlistNetdevice(dev)
		dev.regState = NETREG_UNREGISTERING
	}
	for _, dev := range devs {
		devShutdown(dev)
		// inetdev and addrconf drop their per-device state, so the
		// RTM_DELLINK carries an empty IFLA_AF_SPEC.
		_ = callNetdeviceNotifiers(NETDEV_UNREGISTER, dev)
		var msg []byte
		if dev.rtnlLinkOps == nil || !dev.initializing {
			msg = rtmsgIfinfoBuild(RTM_DELLINK, dev, ^uint32(0), IFLA_EVENT_NONE, portid, nlh, nil, 0)
		}
		devUninit(dev)
		if msg != nil {
			rtmsgIfinfoSend(dev.net, msg, portid, nlh)
		}
		netdevUnregisterKobject(dev)
	}
	for _, dev := range devs {
		// netdev_run_todo: a pending linkwatch event is settled, per-CPU
		// stats go, then the device itself when needs_free_netdev asks
		// the core to free it.
		dev.regState = NETREG_UNREGISTERED
		linkwatchSyncDev(dev)
		if dev.NeedsFreeNetdev {
			dev.regState = NETREG_RELEASED
		}
		dev.net.k.liveDevs.Add(-1)
	}
}

// netifCloseMany is netif_close_many: each device goes down with an
// RTM_NEWLINK whose ifi_change is IFF_UP|IFF_RUNNING, then NETDEV_DOWN.
func netifCloseMany(devs []*NetDevice) {
	var up []*NetDevice
	for _, dev := range devs {
		if dev.Flags&IFF_UP != 0 {
			up = append(up, dev)
		}
	}
	devCloseMany(up)
	for _, dev := range up {
		rtmsgIfinfo(RTM_NEWLINK, dev, IFF_UP|IFF_RUNNING, 0, nil)
		_ = callNetdeviceNotifiers(NETDEV_DOWN, dev)
	}
}

// UnregisterNetdevice is unregister_netdevice for one device.
func UnregisterNetdevice(dev *NetDevice) { UnregisterNetdeviceMany([]*NetDevice{dev}, 0, nil) }

// devOpen is __dev_open: ndo_validate_addr then ndo_open run with
// __LINK_STATE_START set; on error the device stays down.
func devOpen(dev *NetDevice, extack *ExtAck) error {
	if dev.regState != NETREG_REGISTERED {
		return unix.ENODEV
	}
	if err := callNetdeviceNotifiersExtack(NETDEV_PRE_UP, dev, extack); err != nil {
		return err
	}
	dev.start.Store(true)
	var err error
	if dev.Ops != nil && dev.Ops.ValidateAddr != nil {
		err = dev.Ops.ValidateAddr(dev)
	}
	if err == nil && dev.Ops != nil && dev.Ops.Open != nil {
		err = dev.Ops.Open(dev)
	}
	if err != nil {
		dev.start.Store(false)
		return err
	}
	dev.Flags |= IFF_UP
	devSetRxMode(dev)
	devActivate(dev)
	return nil
}

// devSetRxMode is dev_set_rx_mode: ndo_set_rx_mode for a device that is up.
func devSetRxMode(dev *NetDevice) {
	if dev.Flags&IFF_UP != 0 && dev.Ops != nil && dev.Ops.SetRxMode != nil {
		dev.Ops.SetRxMode(dev)
	}
}

// devCloseMany is __dev_close_many: __LINK_STATE_START clears, the qdiscs
// are deactivated, ndo_stop runs (its result ignored) and IFF_UP clears.
func devCloseMany(devs []*NetDevice) {
	for _, dev := range devs {
		_ = callNetdeviceNotifiers(NETDEV_GOING_DOWN, dev)
	}
	for _, dev := range devs {
		dev.start.Store(false)
	}
	for _, dev := range devs {
		devDeactivate(dev)
	}
	for _, dev := range devs {
		if dev.Ops != nil && dev.Ops.Stop != nil {
			_ = dev.Ops.Stop(dev)
		}
		dev.Flags &^= IFF_UP
		dev.publish()
	}
}

// flagsVolatile is IFF_VOLATILE.
const flagsVolatile = IFF_LOOPBACK | IFF_POINTOPOINT | IFF_BROADCAST | IFF_ECHO |
	IFF_MASTER | IFF_SLAVE | IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT

// devChangeFlags is __dev_change_flags.
func devChangeFlags(dev *NetDevice, flags uint32, extack *ExtAck) error {
	old := dev.Flags
	dev.Flags = flags&(IFF_DEBUG|IFF_NOTRAILERS|IFF_NOARP|IFF_DYNAMIC|IFF_MULTICAST|IFF_PORTSEL|IFF_AUTOMEDIA) |
		dev.Flags&(IFF_UP|flagsVolatile|IFF_PROMISC|IFF_ALLMULTI)
	defer dev.publish()
	if (old^dev.Flags)&IFF_MULTICAST != 0 {
		devSetRxMode(dev)
	}
	var err error
	if (old^flags)&IFF_UP != 0 {
		if old&IFF_UP != 0 {
			devCloseMany([]*NetDevice{dev})
		} else {
			err = devOpen(dev, extack)
		}
	}
	if (flags^dev.gflags)&IFF_PROMISC != 0 {
		dev.gflags ^= IFF_PROMISC
		if flags&IFF_PROMISC != 0 {
			dev.promiscuity++
		} else if dev.promiscuity > 0 {
			dev.promiscuity--
		}
		was := dev.Flags & IFF_PROMISC
		if dev.promiscuity > 0 {
			dev.Flags |= IFF_PROMISC
		} else {
			dev.Flags &^= IFF_PROMISC
		}
		if was != dev.Flags&IFF_PROMISC {
			devSetRxMode(dev)
		}
	}
	if (flags^dev.gflags)&IFF_ALLMULTI != 0 {
		dev.gflags ^= IFF_ALLMULTI
		if flags&IFF_ALLMULTI != 0 {
			dev.allmulti++
		} else if dev.allmulti > 0 {
			dev.allmulti--
		}
		was := dev.Flags & IFF_ALLMULTI
		if dev.allmulti > 0 {
			dev.Flags |= IFF_ALLMULTI
		} else {
			dev.Flags &^= IFF_ALLMULTI
		}
		if was != dev.Flags&IFF_ALLMULTI {
			devSetRxMode(dev)
		}
	}
	return err
}

// devNotifyFlags is __dev_notify_flags: one RTM_NEWLINK carrying the
// changed bits, then NETDEV_UP or NETDEV_DOWN, or NETDEV_CHANGE for an up
// device whose other flags changed.
func devNotifyFlags(dev *NetDevice, oldFlags, gchanges uint32, portid uint32, nlh []byte) {
	if gchanges != 0 {
		rtmsgIfinfo(RTM_NEWLINK, dev, gchanges, portid, nlh)
	}
	changes := dev.Flags ^ oldFlags
	switch {
	case changes&IFF_UP != 0:
		event := NETDEV_DOWN
		if dev.Flags&IFF_UP != 0 {
			event = NETDEV_UP
		}
		_ = callNetdeviceNotifiers(event, dev)
	case dev.Flags&IFF_UP != 0 && changes&^(IFF_UP|IFF_PROMISC|IFF_ALLMULTI|flagsVolatile) != 0:
		callNetdeviceNotifiersChange(dev, changes)
	}
}

// DevChangeFlags is netif_change_flags (dev_change_flags): RTNL must be held.
func DevChangeFlags(dev *NetDevice, flags uint32, extack *ExtAck) error {
	oldFlags, oldG := dev.Flags, dev.gflags
	if err := devChangeFlags(dev, flags, extack); err != nil {
		return err
	}
	changes := (oldFlags ^ dev.Flags) | (oldG ^ dev.gflags)
	devNotifyFlags(dev, oldFlags, changes, 0, nil)
	return nil
}

// devGetFlags is netif_get_flags: the flags user space sees, with RUNNING,
// LOWER_UP and DORMANT computed from the device's state.
func devGetFlags(dev *NetDevice) uint32 {
	flags := dev.Flags&^(IFF_PROMISC|IFF_ALLMULTI|IFF_RUNNING|IFF_LOWER_UP|IFF_DORMANT) |
		dev.gflags&(IFF_PROMISC|IFF_ALLMULTI)
	if dev.running() {
		if dev.operstate == IF_OPER_UP || dev.operstate == IF_OPER_UNKNOWN {
			flags |= IFF_RUNNING
		}
		if dev.carrierOK() {
			flags |= IFF_LOWER_UP
		}
	}
	return flags
}

// devValidateMTU is dev_validate_mtu.
func devValidateMTU(dev *NetDevice, mtu int64, extack *ExtAck) error {
	if mtu < 0 || mtu < int64(dev.MinMTU) {
		extack.setMsg("mtu less than device minimum")
		return unix.EINVAL
	}
	if dev.MaxMTU > 0 && mtu > int64(dev.MaxMTU) {
		extack.setMsg("mtu greater than device maximum")
		return unix.EINVAL
	}
	return nil
}

// DevSetMTU is netif_set_mtu_ext: RTNL must be held. A change goes
// through ndo_change_mtu and announces RTM_NEWLINK through
// NETDEV_CHANGEMTU.
func DevSetMTU(dev *NetDevice, mtu int64, extack *ExtAck) error {
	if mtu == int64(dev.MTU) {
		return nil
	}
	if err := devValidateMTU(dev, mtu, extack); err != nil {
		return err
	}
	if dev.regState != NETREG_REGISTERED {
		return unix.ENODEV
	}
	if dev.Ops != nil && dev.Ops.ChangeMTU != nil {
		if err := dev.Ops.ChangeMTU(dev, uint32(mtu)); err != nil {
			return err
		}
	} else {
		dev.MTU = uint32(mtu)
	}
	dev.publish()
	// rtnetlink's notifier runs before inetdev's and addrconf's, so the
	// RTM_NEWLINK still shows the old AF_SPEC.
	_ = callNetdeviceNotifiers(NETDEV_CHANGEMTU, dev)
	return nil
}

// netdevStateChange is netif_state_change: NETDEV_CHANGE, then
// RTM_NEWLINK, for an up device.
func netdevStateChange(dev *NetDevice) {
	if dev.Flags&IFF_UP != 0 {
		callNetdeviceNotifiersChange(dev, 0)
		rtmsgIfinfo(RTM_NEWLINK, dev, 0, 0, nil)
	}
}

// devGetIflink is dev_get_iflink.
func devGetIflink(dev *NetDevice) int {
	if dev.Ops != nil && dev.Ops.GetIflink != nil {
		return dev.Ops.GetIflink(dev)
	}
	return dev.ifindex
}

// devSetMACAddress is netif_set_mac_address: ndo_set_mac_address when the
// address differs, then NET_ADDR_SET and NETDEV_CHANGEADDR either way.
func devSetMACAddress(dev *NetDevice, addr []byte) error {
	if dev.Ops == nil || dev.Ops.SetMACAddress == nil {
		return unix.EOPNOTSUPP
	}
	if dev.regState != NETREG_REGISTERED {
		return unix.ENODEV
	}
	n := int(dev.AddrLen)
	var want [MAX_ADDR_LEN]byte
	copy(want[:n], addr)
	if want != dev.DevAddr {
		if err := dev.Ops.SetMACAddress(dev, want[:n]); err != nil {
			return err
		}
	}
	dev.AddrAssignType = NET_ADDR_SET
	_ = callNetdeviceNotifiers(NETDEV_CHANGEADDR, dev)
	return nil
}

// devChangeCarrier is netif_change_carrier.
func devChangeCarrier(dev *NetDevice, on bool) error {
	if dev.Ops == nil || dev.Ops.ChangeCarrier == nil {
		return unix.EOPNOTSUPP
	}
	if dev.regState != NETREG_REGISTERED {
		return unix.ENODEV
	}
	return dev.Ops.ChangeCarrier(dev, on)
}

// devChangeTxQueueLen is netif_change_tx_queue_len.
func devChangeTxQueueLen(dev *NetDevice, v uint32) error {
	if v > 1<<15-1 {
		return unix.ERANGE
	}
	if v != dev.TxQueueLen {
		dev.TxQueueLen = v
		_ = callNetdeviceNotifiers(NETDEV_CHANGE_TX_QUEUE_LEN, dev)
	}
	return nil
}

// devChangeName is netif_change_name: the name changes, the kobject is
// renamed (a "move" uevent) and NETDEV_CHANGENAME announces it.
func devChangeName(dev *NetDevice, newname string) error {
	if newname == dev.name {
		return nil
	}
	n := dev.net
	name, err := n.devPrepValidName(newname, unix.EEXIST)
	if err != nil {
		return err
	}
	old := dev.name
	delete(n.devByName, dev.name)
	dev.name = name
	dev.nameAssignType = NET_NAME_RENAMED
	n.devByName[name] = dev
	dev.publish()
	netdevRenameUevent(dev, old)
	_ = callNetdeviceNotifiers(NETDEV_CHANGENAME, dev)
	return nil
}

// DevChangeNetNamespace is __dev_change_net_namespace: the device leaves
// its namespace (closed, unlisted, announced with RTM_DELLINK carrying the
// target's nsid and its index there, a "remove" uevent) and joins net
// (listed, "add" uevent, RTM_NEWLINK). pat, when set, is the name to use
// if its own is taken there; newIfindex, when set, the index to take.
func DevChangeNetNamespace(dev *NetDevice, net *Net, pat string, newIfindex int, extack *ExtAck) error {
	if dev.NetnsImmutable {
		extack.setMsg("The interface netns is immutable")
		return unix.EINVAL
	}
	if dev.regState != NETREG_REGISTERED {
		extack.setMsg("The interface isn't registered")
		return unix.EINVAL
	}
	old := dev.net
	if old == net {
		return nil
	}
	newName := ""
	if net.devNameInUse(dev.name) {
		if pat == "" {
			extack.setMsg("An interface with the same name exists in the target netns")
			return unix.EEXIST
		}
		name, err := net.devPrepValidName(pat, unix.EEXIST)
		if err != nil {
			extack.setMsg("Unable to use '" + pat + "' for the new interface name in the target netns")
			return err
		}
		newName = name
	}
	if newIfindex != 0 {
		idx, err := net.devIndexReserve(newIfindex)
		if err != nil {
			extack.setMsg("The ifindex " + strconv.Itoa(newIfindex) + " is not available in the target netns")
			return err
		}
		newIfindex = idx
	} else {
		idx, err := net.devIndexReserve(dev.ifindex)
		if err == unix.EBUSY {
			idx, err = net.devIndexReserve(0)
		}
		if err != nil {
			extack.setMsg("Unable to allocate a new ifindex in the target netns")
			return err
		}
		newIfindex = idx
	}
	netifCloseMany([]*NetDevice{dev})
	old.unlistNetdevice(dev)
	devShutdown(dev)
	_ = callNetdeviceNotifiers(NETDEV_UNREGISTER, dev)
	nsid := peernet2idAlloc(old, net)
	msg := rtmsgIfinfoBuild(RTM_DELLINK, dev, ^uint32(0), IFLA_EVENT_NONE, 0, nil, &nsid, newIfindex)
	if msg != nil {
		rtmsgIfinfoSend(old, msg, 0, nil)
	}
	netdevUevent(dev, kobjRemove)
	dev.net = net
	dev.ifindex = newIfindex
	if newName != "" {
		dev.name = newName
	}
	dev.publish()
	netdevUevent(dev, kobjAdd)
	net.listNetdevice(dev)
	_ = callNetdeviceNotifiers(NETDEV_REGISTER, dev)
	rtmsgIfinfo(RTM_NEWLINK, dev, ^uint32(0), 0, nil)
	return nil
}
