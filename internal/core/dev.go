package core

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"golang.org/x/sys/unix"
)

// This file models net/core/dev.c and the struct net_device fields of
// include/linux/netdevice.h that link drivers and rtnetlink use.

// Private flags (enum netdev_priv_flags).
const (
	IFF_XMIT_DST_RELEASE      = 1 << 5
	IFF_LIVE_ADDR_CHANGE      = 1 << 15
	IFF_XMIT_DST_RELEASE_PERM = 1 << 17
	IFF_NO_QUEUE              = 1 << 19
)

// Feature bits (NETIF_F_*_BIT of include/linux/netdev_features.h).
const (
	NETIF_F_SG       = 1 << 0
	NETIF_F_HW_CSUM  = 1 << 3
	NETIF_F_HIGHDMA  = 1 << 5
	NETIF_F_FRAGLIST = 1 << 6
)

// Per-CPU statistics types (enum netdev_stat_type).
const (
	NETDEV_PCPU_STAT_NONE   = 0
	NETDEV_PCPU_STAT_LSTATS = 1
	NETDEV_PCPU_STAT_TSTATS = 2
	NETDEV_PCPU_STAT_DSTATS = 3
)

// Transmit return codes (enum netdev_tx, NET_XMIT_*).
const (
	NETDEV_TX_OK     = 0x00
	NETDEV_TX_BUSY   = 0x10
	NET_XMIT_SUCCESS = 0x00
	NET_XMIT_DROP    = 0x01
	NET_XMIT_CN      = 0x02
	NET_XMIT_MASK    = 0x0f
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
)

// Registration states (dev->reg_state).
const (
	NETREG_UNINITIALIZED = iota
	NETREG_REGISTERED
	NETREG_UNREGISTERING
	NETREG_UNREGISTERED
	NETREG_RELEASED
)

// NetDeviceOps mirrors struct net_device_ops: the callbacks a driver
// supplies. A nil member is an operation the driver does not implement.
type NetDeviceOps struct {
	// Open is ndo_open: a non-nil error (a unix.Errno) keeps the device down.
	Open func(dev *NetDevice) error
	// Stop is ndo_stop; the core ignores its result.
	Stop func(dev *NetDevice) error
	// StartXmit is ndo_start_xmit: NETDEV_TX_OK consumes skb; NETDEV_TX_BUSY
	// hands it back.
	StartXmit func(skb *SkBuff, dev *NetDevice) int
	// GetStats64 is ndo_get_stats64; storage arrives zeroed.
	GetStats64 func(dev *NetDevice, storage *RtnlLinkStats64)
	// SetMACAddress is ndo_set_mac_address.
	SetMACAddress func(dev *NetDevice, addr []byte) error
}

// EthtoolOps mirrors the part of struct ethtool_ops the model serves.
type EthtoolOps struct {
	// GetLink is get_link (ETHTOOL_GLINK).
	GetLink func(dev *NetDevice) uint32
}

// RtnlLinkStats64 mirrors struct rtnl_link_stats64 (include/uapi/linux/if_link.h).
type RtnlLinkStats64 struct {
	RxPackets, TxPackets, RxBytes, TxBytes, RxErrors, TxErrors  uint64
	RxDropped, TxDropped, Multicast, Collisions                 uint64
	RxLengthErrors, RxOverErrors, RxCrcErrors, RxFrameErrors    uint64
	RxFifoErrors, RxMissedErrors                                uint64
	TxAbortedErrors, TxCarrierErrors, TxFifoErrors              uint64
	TxHeartbeatErrors, TxWindowErrors                           uint64
	RxCompressed, TxCompressed, RxNohandler, RxOtherhostDropped uint64
}

// pcpuLstats mirrors struct pcpu_lstats, padded to a cache line so that
// concurrent writers on different shards do not share one.
type pcpuLstats struct {
	packets atomic.Uint64
	bytes   atomic.Uint64
	_       [48]byte
}

// lstatShards is the number of per-"CPU" counters: Go gives no CPU id, so a
// writer picks a shard at random, which spreads writers as per-CPU data does.
var lstatShards = func() int {
	n := 1
	for n < 4*runtime.GOMAXPROCS(0) {
		n <<= 1
	}
	return n
}()

// NetDevice mirrors struct net_device. The exported fields are the ones a
// driver's setup callback sets; the core owns the rest. Fields are guarded
// by RTNL unless a comment says otherwise.
type NetDevice struct {
	Type            uint16
	Flags           uint32
	PrivFlags       uint64
	Features        uint64
	MTU             uint32
	MinMTU          uint32
	MaxMTU          uint32
	AddrLen         uint8
	DevAddr         [MAX_ADDR_LEN]byte
	Broadcast       [MAX_ADDR_LEN]byte
	HardHeaderLen   uint16
	TxQueueLen      uint32
	Lltx            bool
	NeedsFreeNetdev bool
	NetnsImmutable  bool
	PcpuStatType    uint8
	TSOMaxSize      uint32
	Ops             *NetDeviceOps
	EthtoolOps      *EthtoolOps
	// Priv is netdev_priv(dev): the driver's private area, allocated with the
	// device and zeroed before any callback runs.
	Priv any

	net            *Net
	name           string
	ifindex        int
	gflags         uint32
	operstate      uint8
	linkMode       uint8
	group          uint32
	promiscuity    uint32
	allmulti       uint32
	numTxQueues    uint32
	numRxQueues    uint32
	gsoMaxSize     uint32
	gsoMaxSegs     uint32
	groMaxSize     uint32
	gsoIPv4MaxSize uint32
	groIPv4MaxSize uint32
	tsoMaxSegs     uint32
	noCarrier      bool
	carrierUp      uint32
	carrierDown    uint32
	ifalias        string
	nameAssignType uint8
	regState       int
	start          bool // __LINK_STATE_START
	activated      bool // dev_activate ran: the noqueue qdisc is attached
	everActivated  bool
	rtnlLinkOps    *RtnlLinkOps
	initializing   bool   // rtnl_link_state == RTNL_LINK_INITIALIZING
	inet           bool   // an in_device is attached (AF_SPEC carries AF_INET)
	inet6          bool   // an inet6_dev is attached (AF_SPEC carries AF_INET6)
	inet6Ready     bool   // IF_READY: set by addrconf on NETDEV_UP
	inet6MTU       uint32 // idev->cnf.mtu6: follows dev->mtu after the notification
	inet6Tstamp    uint32
	inet6Reachable uint32

	// Read on the transmit path without RTNL.
	txUp   atomic.Bool // IFF_UP with the noqueue qdisc attached
	lstats []pcpuLstats
	txDrop atomic.Uint64 // core_stats tx_dropped
	rxDrop atomic.Uint64 // core_stats rx_dropped

	stats RtnlLinkStats64 // dev->stats for drivers without per-CPU stats

	// snap is what code running without RTNL (a driver's transmit) reads
	// of the fields RTNL guards: republished after every change.
	snap atomic.Pointer[DevSnapshot]
}

// DevSnapshot is a consistent copy of the RTNL-guarded fields a driver may
// want outside RTNL, the READ_ONCE view of them.
type DevSnapshot struct {
	Name  string
	Flags uint32
	MTU   uint32
}

// Snapshot returns the device's latest published name, flags and MTU;
// before registration, when only setup runs, its fields.
func (dev *NetDevice) Snapshot() DevSnapshot {
	if s := dev.snap.Load(); s != nil {
		return *s
	}
	return DevSnapshot{Name: dev.name, Flags: dev.Flags, MTU: dev.MTU}
}

// publish republishes the snapshot; RTNL must be held.
func (dev *NetDevice) publish() {
	dev.snap.Store(&DevSnapshot{Name: dev.name, Flags: dev.Flags, MTU: dev.MTU})
}

// Name is dev->name.
func (dev *NetDevice) Name() string { return dev.name }

// Ifindex is dev->ifindex.
func (dev *NetDevice) Ifindex() int { return dev.ifindex }

// Net is dev_net(dev).
func (dev *NetDevice) Net() *Net { return dev.net }

// IsUp reports IFF_UP.
func (dev *NetDevice) IsUp() bool { return dev.Flags&IFF_UP != 0 }

// Registered reports whether the device is registered (NETREG_REGISTERED).
func (dev *NetDevice) Registered() bool { return dev.regState == NETREG_REGISTERED }

// LinkOps is dev->rtnl_link_ops.
func (dev *NetDevice) LinkOps() *RtnlLinkOps { return dev.rtnlLinkOps }

// Qdisc names the root qdisc as IFLA_QDISC reports it.
func (dev *NetDevice) Qdisc() string {
	if dev.everActivated && dev.PrivFlags&IFF_NO_QUEUE != 0 {
		return "noqueue"
	}
	return "noop"
}

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
		Priv:           priv,
		PrivFlags:      IFF_XMIT_DST_RELEASE | IFF_XMIT_DST_RELEASE_PERM,
		TSOMaxSize:     TSO_LEGACY_MAX_SIZE,
		gsoMaxSize:     GSO_LEGACY_MAX_SIZE,
		gsoMaxSegs:     GSO_MAX_SEGS,
		groMaxSize:     GRO_LEGACY_MAX_SIZE,
		gsoIPv4MaxSize: GSO_LEGACY_MAX_SIZE,
		groIPv4MaxSize: GRO_LEGACY_MAX_SIZE,
		tsoMaxSegs:     TSO_MAX_SEGS,
		numTxQueues:    txqs,
		numRxQueues:    rxqs,
		// strscpy(dev->name, name) comes before setup: a setup callback
		// may read the name (a template until registration resolves it).
		name:           name,
		nameAssignType: assign,
	}
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
// gets a valid name, an ifindex and its per-CPU stats, and is listed in its
// namespace. Devices not created through rtnetlink are announced here.
func (n *Net) RegisterNetdevice(dev *NetDevice) error {
	dev.net = n
	name, err := n.devPrepValidName(dev.name, unix.EEXIST)
	if err != nil {
		return err
	}
	dev.name = name
	idx, err := n.devIndexReserve(dev.ifindex)
	if err != nil {
		return err
	}
	switch dev.PcpuStatType {
	case NETDEV_PCPU_STAT_NONE:
	case NETDEV_PCPU_STAT_LSTATS, NETDEV_PCPU_STAT_TSTATS, NETDEV_PCPU_STAT_DSTATS:
		if err := n.k.fail(FailPcpuStats); err != nil {
			return unix.ENOMEM
		}
		dev.lstats = make([]pcpuLstats, lstatShards)
	default:
		return unix.EINVAL
	}
	if err := n.k.fail(FailRegister); err != nil {
		dev.lstats = nil
		return unix.ENOMEM
	}
	dev.ifindex = idx
	dev.regState = NETREG_REGISTERED
	inetdevEvent(dev)
	inet6Touch(dev, true)
	dev.publish()
	n.listNetdevice(dev)
	n.k.liveDevs.Add(1)
	if dev.rtnlLinkOps == nil || !dev.initializing {
		rtmsgIfinfo(RTM_NEWLINK, dev, ^uint32(0), 0, nil)
	}
	return nil
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
// devices, announce RTM_DELLINK, unlist and free them. RTNL must be held.
func UnregisterNetdeviceMany(devs []*NetDevice, portid uint32, nlh []byte) {
	var up []*NetDevice
	for _, dev := range devs {
		if dev.Flags&IFF_UP != 0 {
			up = append(up, dev)
		}
	}
	netifCloseMany(up)
	for _, dev := range devs {
		dev.regState = NETREG_UNREGISTERING
		// dev_shutdown: the qdisc goes back to noop. NETDEV_UNREGISTER:
		// inetdev and addrconf drop their per-device state, so the
		// RTM_DELLINK below carries an empty IFLA_AF_SPEC.
		dev.everActivated = false
		if dev.inet {
			netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET)
		}
		if dev.inet6 {
			netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET6)
		}
		dev.inet, dev.inet6 = false, false
		dev.net.packetNotifier(dev, false, true)
		if dev.rtnlLinkOps == nil || !dev.initializing {
			rtmsgIfinfo(RTM_DELLINK, dev, ^uint32(0), portid, nlh)
		}
		dev.net.unlistNetdevice(dev)
	}
	for _, dev := range devs {
		// netdev_run_todo: per-CPU stats go, then the device itself when
		// needs_free_netdev asks the core to free it.
		dev.regState = NETREG_UNREGISTERED
		if dev.NeedsFreeNetdev {
			dev.regState = NETREG_RELEASED
		}
		dev.net.k.liveDevs.Add(-1)
	}
}

// netifCloseMany is netif_close_many: each device goes down with an
// RTM_NEWLINK whose ifi_change is IFF_UP|IFF_RUNNING, then NETDEV_DOWN.
func netifCloseMany(devs []*NetDevice) {
	devCloseMany(devs)
	for _, dev := range devs {
		rtmsgIfinfo(RTM_NEWLINK, dev, IFF_UP|IFF_RUNNING, 0, nil)
		netdevUpDown(dev)
	}
}

// UnregisterNetdevice is unregister_netdevice for one device.
func UnregisterNetdevice(dev *NetDevice) { UnregisterNetdeviceMany([]*NetDevice{dev}, 0, nil) }

// devOpen is __dev_open: ndo_open runs with __LINK_STATE_START set; on
// error the device stays down.
func devOpen(dev *NetDevice, extack *ExtAck) error {
	if dev.regState != NETREG_REGISTERED {
		return unix.ENODEV
	}
	dev.start = true
	if dev.Ops != nil && dev.Ops.Open != nil {
		if err := dev.Ops.Open(dev); err != nil {
			dev.start = false
			return err
		}
	}
	dev.Flags |= IFF_UP
	// dev_activate: IFF_NO_QUEUE devices get the noqueue qdisc.
	dev.activated = true
	dev.everActivated = true
	dev.txUp.Store(true)
	return nil
}

// devCloseMany is __dev_close_many: the qdisc is deactivated, ndo_stop runs
// (its result ignored) and IFF_UP clears.
func devCloseMany(devs []*NetDevice) {
	for _, dev := range devs {
		dev.start = false
		dev.activated = false
		dev.txUp.Store(false)
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
		if dev.promiscuity > 0 {
			dev.Flags |= IFF_PROMISC
		} else {
			dev.Flags &^= IFF_PROMISC
		}
	}
	defer dev.publish()
	if (flags^dev.gflags)&IFF_ALLMULTI != 0 {
		dev.gflags ^= IFF_ALLMULTI
		if flags&IFF_ALLMULTI != 0 {
			dev.allmulti++
		} else if dev.allmulti > 0 {
			dev.allmulti--
		}
		if dev.allmulti > 0 {
			dev.Flags |= IFF_ALLMULTI
		} else {
			dev.Flags &^= IFF_ALLMULTI
		}
	}
	return err
}

// devNotifyFlags is __dev_notify_flags: one RTM_NEWLINK carrying the
// changed bits, then NETDEV_UP or NETDEV_DOWN (which start and stop the
// device's packet sockets).
func devNotifyFlags(dev *NetDevice, oldFlags, gchanges uint32, portid uint32, nlh []byte) {
	if gchanges != 0 {
		rtmsgIfinfo(RTM_NEWLINK, dev, gchanges, portid, nlh)
	}
	if (dev.Flags^oldFlags)&IFF_UP != 0 {
		netdevUpDown(dev)
	}
}

// netdevUpDown runs the NETDEV_UP / NETDEV_DOWN notifiers the model has:
// addrconf's IF_READY and AF_PACKET's hook.
func netdevUpDown(dev *NetDevice) {
	up := dev.Flags&IFF_UP != 0
	if dev.inet6 {
		dev.inet6Ready = up
		inet6Touch(dev, false)
	}
	dev.net.packetNotifier(dev, up, false)
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
	if dev.start {
		if dev.operstate == IF_OPER_UP || dev.operstate == IF_OPER_UNKNOWN {
			flags |= IFF_RUNNING
		}
		if !dev.noCarrier {
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

// ipv6MinMTU is IPV6_MIN_MTU: below it addrconf detaches the device's
// inet6_dev, which removes AF_INET6 from IFLA_AF_SPEC.
const ipv6MinMTU = 1280

// DevSetMTU is netif_set_mtu_ext: RTNL must be held. A change announces
// RTM_NEWLINK through NETDEV_CHANGEMTU.
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
	dev.MTU = uint32(mtu)
	dev.publish()
	// NETDEV_CHANGEMTU: rtnetlink's notifier runs before inetdev's and
	// addrconf's, so the message still shows the old AF_SPEC.
	netdevNotify(dev, netdevChangeMTU)
	inetdevEvent(dev)
	return nil
}

// ipv4MinMTU is IPV4_MIN_MTU: below it inetdev_event drops the in_device.
const ipv4MinMTU = 68

// inetdevEvent is the MTU handling of inetdev_event and addrconf_notify:
// an in_device exists while MTU >= 68, an inet6_dev while MTU >= 1280.
func inetdevEvent(dev *NetDevice) {
	hadInet := dev.inet
	dev.inet = dev.MTU >= ipv4MinMTU
	switch {
	case dev.inet && !hadInet:
		netconfNotify(dev, RTM_NEWNETCONF, unix.AF_INET)
	case !dev.inet && hadInet:
		netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET)
	}
	had := dev.inet6
	dev.inet6 = dev.MTU >= ipv6MinMTU
	switch {
	case dev.inet6 && !had:
		netconfNotify(dev, RTM_NEWNETCONF, unix.AF_INET6)
	case !dev.inet6 && had:
		netconfNotify(dev, RTM_DELNETCONF, unix.AF_INET6)
	}
	if dev.inet6 {
		dev.inet6MTU = dev.MTU
	}
	if dev.inet6 && !had {
		dev.inet6Ready = dev.Flags&IFF_UP != 0
		inet6Touch(dev, true)
	}
}

// Netdevice notifier events that rtnetlink_event turns into RTM_NEWLINK.
const (
	netdevChangeMTU = iota + 1
	netdevChangeName
	netdevChangeTxQueueLen
	netdevChangeAddr
)

// netdevNotify is call_netdevice_notifiers for the events rtnetlink_event
// turns into an RTM_NEWLINK (change 0). None of the modelled events maps
// to an IFLA_EVENT value (rtnl_get_event names only REBOOT, FEAT_CHANGE,
// BONDING_FAILOVER, NOTIFY_PEERS, RESEND_IGMP and CHANGEINFODATA).
func netdevNotify(dev *NetDevice, event int) {
	rtmsgIfinfoEvent(RTM_NEWLINK, dev, 0, IFLA_EVENT_NONE, 0, nil)
}

// IFLA_EVENT_NONE is the absent IFLA_EVENT.
const IFLA_EVENT_NONE = 0

// netdevStateChange is netdev_state_change: RTM_NEWLINK for an up device.
func netdevStateChange(dev *NetDevice) {
	if dev.Flags&IFF_UP != 0 {
		rtmsgIfinfo(RTM_NEWLINK, dev, 0, 0, nil)
	}
}

// DevQueueXmit is __dev_queue_xmit for the qdisc-less devices the model
// carries: the device's packet taps see the frame, then ndo_start_xmit. A
// device that is not up drops it on the noop qdisc (tx_dropped, NET_XMIT_CN);
// a driver that answers NETDEV_TX_BUSY gets it dropped with -ENETDOWN.
func DevQueueXmit(skb *SkBuff) int {
	dev := skb.Dev
	if !dev.txUp.Load() {
		// noop_enqueue
		dev.txDrop.Add(1)
		return NET_XMIT_CN
	}
	devQueueXmitNit(skb, dev)
	rc := NETDEV_TX_OK
	if dev.Ops != nil && dev.Ops.StartXmit != nil {
		rc = dev.Ops.StartXmit(skb, dev)
	} else {
		skb.consume()
	}
	if rc < NET_XMIT_MASK {
		return rc
	}
	// "Virtual device %s asks to queue packet!"
	dev.txDrop.Add(1)
	return -int(unix.ENETDOWN)
}

// DevLstatsAdd is dev_lstats_add: one packet of length bytes on this CPU's
// counters.
func DevLstatsAdd(dev *NetDevice, length uint32) {
	if len(dev.lstats) == 0 {
		return
	}
	s := &dev.lstats[rand.Uint32()&uint32(len(dev.lstats)-1)]
	s.bytes.Add(uint64(length))
	s.packets.Add(1)
}

// DevLstatsRead is dev_lstats_read (drivers/net/loopback.c): the sum over
// all CPUs.
func DevLstatsRead(dev *NetDevice) (packets, bytes uint64) {
	for i := range dev.lstats {
		packets += dev.lstats[i].packets.Load()
		bytes += dev.lstats[i].bytes.Load()
	}
	return packets, bytes
}

// DevGetStats is dev_get_stats: ndo_get_stats64 over a zeroed storage when
// the driver has it, else dev->stats; then the core's drop counters.
func DevGetStats(dev *NetDevice) RtnlLinkStats64 {
	var st RtnlLinkStats64
	devGetStats(dev, &st)
	return st
}

// devGetStats is dev_get_stats into caller-provided storage.
func devGetStats(dev *NetDevice, st *RtnlLinkStats64) {
	if dev.Ops != nil && dev.Ops.GetStats64 != nil {
		*st = RtnlLinkStats64{}
		dev.Ops.GetStats64(dev, st)
	} else {
		*st = dev.stats
	}
	st.RxDropped += dev.rxDrop.Load()
	st.TxDropped += dev.txDrop.Load()
}
