package core

// This file models the netdevice notifier chain of net/core/dev.c
// (register_netdevice_notifier, call_netdevice_notifiers): the protocol
// families and the core's own subsystems hear of device events through
// it, in the kernel's order, instead of the core calling them.

// NetdevEvent is enum netdev_cmd (include/linux/netdevice.h).
type NetdevEvent int

// The netdevice events the model raises.
const (
	NETDEV_UP NetdevEvent = iota + 1
	NETDEV_DOWN
	NETDEV_REBOOT
	NETDEV_CHANGE
	NETDEV_REGISTER
	NETDEV_UNREGISTER
	NETDEV_CHANGEMTU
	NETDEV_CHANGEADDR
	NETDEV_PRE_CHANGEADDR
	NETDEV_GOING_DOWN
	NETDEV_CHANGENAME
	NETDEV_FEAT_CHANGE
	NETDEV_BONDING_FAILOVER
	NETDEV_PRE_UP
	NETDEV_PRE_TYPE_CHANGE
	NETDEV_POST_TYPE_CHANGE
	NETDEV_POST_INIT
	NETDEV_PRE_UNINIT
	NETDEV_RELEASE
	NETDEV_NOTIFY_PEERS
	NETDEV_JOIN
	NETDEV_CHANGEUPPER
	NETDEV_RESEND_IGMP
	NETDEV_PRECHANGEMTU
	NETDEV_CHANGEINFODATA
	NETDEV_BONDING_INFO
	NETDEV_PRECHANGEUPPER
	NETDEV_CHANGELOWERSTATE
	NETDEV_UDP_TUNNEL_PUSH_INFO
	NETDEV_UDP_TUNNEL_DROP_INFO
	NETDEV_CHANGE_TX_QUEUE_LEN
)

// netdevNotifierInfo is struct netdev_notifier_info and the event-specific
// structures that extend it.
type netdevNotifierInfo struct {
	event NetdevEvent
	dev   *NetDevice
	// flagsChanged is netdev_notifier_change_info.flags_changed (NETDEV_CHANGE).
	flagsChanged uint32
	extack       *ExtAck
}

// netdevNotifier is struct notifier_block on the netdevice chain. order
// is the registration order the kernel's initcalls give (the
// netdevNotifier* constants); among equal priorities, the earlier
// registered runs first, as notifier_chain_register inserts.
type netdevNotifier struct {
	name     string
	priority int
	order    int
	// call is notifier_call; an error (NOTIFY_BAD) stops the chain and
	// vetoes the change, for the events that can be vetoed.
	call func(info *netdevNotifierInfo) error
}

// Registration order of the netdevice notifiers: the order in which the
// kernel's initcalls register them.
const (
	netdevNotifierRtnetlink = iota // rtnetlink_init (core_initcall)
	netdevNotifierFibRules         // fib_rules_init (subsys_initcall)
	netdevNotifierArp              // arp_init (inet_init, fs_initcall)
	netdevNotifierDevinet          // devinet_init (ip_rt_init)
	netdevNotifierFib              // ip_fib_init (ip_rt_init)
	netdevNotifierNdisc            // ndisc_init (inet6_init, device_initcall)
	netdevNotifierIP6Route         // ip6_route_init (inet6_init)
	netdevNotifierAddrconf         // addrconf_init (inet6_init)
	netdevNotifierPacket           // packet_init (after net/ipv6 in link order)
)

// netdevChain is netdev_chain, filled at init by the files that own the
// notifiers. It is never changed after init.
var netdevChain []*netdevNotifier

// registerNetdeviceNotifier is register_netdevice_notifier at boot.
func registerNetdeviceNotifier(nb *netdevNotifier) {
	i := len(netdevChain)
	for i > 0 {
		prev := netdevChain[i-1]
		if prev.priority > nb.priority || prev.priority == nb.priority && prev.order <= nb.order {
			break
		}
		i--
	}
	netdevChain = append(netdevChain, nil)
	copy(netdevChain[i+1:], netdevChain[i:])
	netdevChain[i] = nb
}

// callNetdeviceNotifiersInfo is call_netdevice_notifiers_info: the chain
// in order, stopping at the first veto.
func callNetdeviceNotifiersInfo(info *netdevNotifierInfo) error {
	for _, nb := range netdevChain {
		if err := nb.call(info); err != nil {
			return err
		}
	}
	return nil
}

// callNetdeviceNotifiers is call_netdevice_notifiers.
func callNetdeviceNotifiers(event NetdevEvent, dev *NetDevice) error {
	return callNetdeviceNotifiersInfo(&netdevNotifierInfo{event: event, dev: dev})
}

// callNetdeviceNotifiersExtack is call_netdevice_notifiers_extack.
func callNetdeviceNotifiersExtack(event NetdevEvent, dev *NetDevice, extack *ExtAck) error {
	return callNetdeviceNotifiersInfo(&netdevNotifierInfo{event: event, dev: dev, extack: extack})
}

// callNetdeviceNotifiersChange is call_netdevice_notifiers_mtu's sibling
// for NETDEV_CHANGE: the flags that changed ride along.
func callNetdeviceNotifiersChange(dev *NetDevice, flagsChanged uint32) {
	_ = callNetdeviceNotifiersInfo(&netdevNotifierInfo{event: NETDEV_CHANGE, dev: dev, flagsChanged: flagsChanged})
}

// rtnetlinkEvent is rtnetlink_event: the events it turns into an
// RTM_NEWLINK (change 0).
func rtnetlinkEvent(info *netdevNotifierInfo) error {
	switch info.event {
	case NETDEV_REBOOT, NETDEV_CHANGEMTU, NETDEV_CHANGEADDR, NETDEV_CHANGENAME,
		NETDEV_FEAT_CHANGE, NETDEV_BONDING_FAILOVER, NETDEV_POST_TYPE_CHANGE,
		NETDEV_NOTIFY_PEERS, NETDEV_CHANGEUPPER, NETDEV_RESEND_IGMP,
		NETDEV_CHANGEINFODATA, NETDEV_CHANGELOWERSTATE, NETDEV_CHANGE_TX_QUEUE_LEN:
		rtmsgIfinfoEvent(RTM_NEWLINK, info.dev, 0, rtnlGetEvent(info.event), 0, nil)
	}
	return nil
}

// IFLA_EVENT values (include/uapi/linux/if_link.h); IFLA_EVENT_NONE is
// the absent IFLA_EVENT.
const (
	IFLA_EVENT_NONE = iota
	IFLA_EVENT_REBOOT
	IFLA_EVENT_FEATURES
	IFLA_EVENT_BONDING_FAILOVER
	IFLA_EVENT_NOTIFY_PEERS
	IFLA_EVENT_IGMP_RESEND
	IFLA_EVENT_BONDING_OPTIONS
)

// rtnlGetEvent is rtnl_get_event.
func rtnlGetEvent(event NetdevEvent) uint32 {
	switch event {
	case NETDEV_REBOOT:
		return IFLA_EVENT_REBOOT
	case NETDEV_FEAT_CHANGE:
		return IFLA_EVENT_FEATURES
	case NETDEV_BONDING_FAILOVER:
		return IFLA_EVENT_BONDING_FAILOVER
	case NETDEV_NOTIFY_PEERS:
		return IFLA_EVENT_NOTIFY_PEERS
	case NETDEV_RESEND_IGMP:
		return IFLA_EVENT_IGMP_RESEND
	case NETDEV_CHANGEINFODATA:
		return IFLA_EVENT_BONDING_OPTIONS
	}
	return IFLA_EVENT_NONE
}

func init() {
	registerNetdeviceNotifier(&netdevNotifier{name: "rtnetlink", order: netdevNotifierRtnetlink, call: rtnetlinkEvent})
	registerNetdeviceNotifier(&netdevNotifier{name: "packet", order: netdevNotifierPacket, call: packetNotifier})
}
