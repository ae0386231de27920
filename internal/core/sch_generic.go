package core

// This file models the parts of net/sched/sch_generic.c the core uses
// without traffic control: the carrier (netif_carrier_on/off), attaching
// the default root qdisc when a device first goes up (dev_activate),
// parking the transmit queues on noop_qdisc while the device is down or
// without carrier (dev_deactivate), and dropping them at unregistration
// (dev_shutdown). Queueing itself is not modelled: a frame handed to a
// device with a real qdisc is dequeued and transmitted at once.

// Root qdiscs: the ops->id IFLA_QDISC reports.
type qdiscKind uint8

const (
	qdiscNoop    qdiscKind = iota // noop_qdisc: nothing attached
	qdiscNoqueue                  // noqueue, for IFF_NO_QUEUE devices
	qdiscDefault                  // the default qdisc for one transmit queue
	qdiscMQ                       // mq, over a default qdisc per queue
)

// defaultQdisc is CONFIG_DEFAULT_NET_SCH of the modelled kernel (Debian's
// 7.2 config: fq_codel), net.core.default_qdisc.
const defaultQdisc = "fq_codel"

func (q qdiscKind) String() string {
	switch q {
	case qdiscNoqueue:
		return "noqueue"
	case qdiscDefault:
		return defaultQdisc
	case qdiscMQ:
		return "mq"
	}
	return "noop"
}

// qdisc is rcu_dereference(dev->qdisc): the root qdisc's kind, read
// without RTNL on the transmit path and by carrier changes.
func (dev *NetDevice) qdisc() qdiscKind { return qdiscKind(dev.rootQdisc.Load()) }

// setQdisc is rcu_assign_pointer(dev->qdisc, q); RTNL is held.
func (dev *NetDevice) setQdisc(q qdiscKind) { dev.rootQdisc.Store(uint32(q)) }

// carrierOK is netif_carrier_ok.
func (dev *NetDevice) carrierOK() bool { return !dev.nocarrier.Load() }

// NetifCarrierOn is netif_carrier_on: the carrier comes back; a
// registered device counts the change and queues a linkwatch event.
func NetifCarrierOn(dev *NetDevice) {
	if dev.nocarrier.CompareAndSwap(true, false) {
		if dev.regState == NETREG_UNINITIALIZED {
			return
		}
		dev.carrierUp.Add(1)
		linkwatchFireEvent(dev)
	}
}

// NetifCarrierOff is netif_carrier_off.
func NetifCarrierOff(dev *NetDevice) {
	if dev.nocarrier.CompareAndSwap(false, true) {
		if dev.regState == NETREG_UNINITIALIZED {
			return
		}
		dev.carrierDown.Add(1)
		linkwatchFireEvent(dev)
	}
}

// CarrierOK is netif_carrier_ok.
func (dev *NetDevice) CarrierOK() bool { return dev.carrierOK() }

// attachDefaultQdiscs is attach_default_qdiscs.
func attachDefaultQdiscs(dev *NetDevice) {
	switch {
	case dev.PrivFlags&IFF_NO_QUEUE != 0:
		dev.setQdisc(qdiscNoqueue)
	case dev.realNumTxQueues > 1:
		dev.setQdisc(qdiscMQ)
	default:
		dev.setQdisc(qdiscDefault)
	}
}

// devActivate is dev_activate: the root qdisc is attached on first use;
// the transmit queues start only with carrier.
func devActivate(dev *NetDevice) {
	if dev.qdisc() == qdiscNoop {
		attachDefaultQdiscs(dev)
	}
	if !dev.carrierOK() {
		return // delay activation until the next carrier-on event
	}
	dev.txActive.Store(true)
}

// devDeactivate is dev_deactivate: the transmit queues go back to
// noop_qdisc, which drops; the root qdisc stays attached.
func devDeactivate(dev *NetDevice) { dev.txActive.Store(false) }

// devShutdown is dev_shutdown: the root qdisc goes away.
func devShutdown(dev *NetDevice) {
	dev.txActive.Store(false)
	dev.setQdisc(qdiscNoop)
}

// qdiscTxChanging is qdisc_tx_changing: a transmit queue is not on its
// attached qdisc (the device is attached but deactivated).
func qdiscTxChanging(dev *NetDevice) bool {
	return dev.qdisc() != qdiscNoop && !dev.txActive.Load()
}
