package conformance

import (
	"golang.org/x/sys/unix"
)

// Uevent scenarios: NETLINK_KOBJECT_UEVENT listeners bound to group 1 in
// each namespace while devices are created, renamed, moved and deleted.
// A device's uevents (and its queues') are tagged with its namespace
// (kobject_uevent_net_broadcast) and go to that namespace's listeners
// only.

func ueventScenarios() []*Scenario {
	// preload loads the dummy and veth modules (and creates and deletes a
	// device of each kind) before any uevent listener is open, so that the
	// module's own uevents (add@/module/..., broadcast to every namespace)
	// are not seen whatever ran before.
	preload := []Step{openS(), send("S", newLink(90, "t0", "dummy"), newLink(91, "t1", "veth")),
		send("S", del(92, "t0"), del(93, "t1")), drain("S")}
	return []*Scenario{
		sc("uevent-dummy", "uevents of a dummy in its namespace: add (device and queues), move on rename, remove; a listener in another namespace sees none",
			NewNS{NS: "b"}, preload, openU("U", "a"), openU("UB", "b"),
			send("S", dummy(1, "d0", 1)), drain("S", "U", "UB"),
			send("S", set(2, "d0", 0, 0, ifname("d1"))), drain("S", "U", "UB"),
			send("S", del(3, "d1")), drain("S", "U", "UB"),
			send("S", dump(4)), drain("S")),
		sc("uevent-move", "uevents of a dummy moved from a to b (remove in a, add in b) and deleted in b",
			NewNS{NS: "b"}, preload, openSIn("SB", "b"), openU("U", "a"), openU("UB", "b"),
			send("S", dummy(1, "d0", 1)), drain("S", "U", "UB"),
			send("S", moveFD(2, "d0", "b")), drain("S", "U", "UB"),
			send("SB", moveFD(3, "d0", "a", ifname("d7"))), drain("SB", "U", "UB"),
			send("S", del(4, "d7")), drain("S", "U", "UB"),
			send("S", dump(5)), send("SB", dump(6)), drain("S", "SB")),
		sc("uevent-veth-netns", "uevents of a veth pair across a and b: each end's in its namespace; IFLA_NUM_TX_QUEUES 2 gives two tx queue kobjects",
			NewNS{NS: "b"}, preload, openSIn("SB", "b"), openU("U", "a"), openU("UB", "b"),
			send("S", veth(1, "v0", "v1", 1, netnsFDAttr("b"), A(unix.IFLA_NUM_TX_QUEUES, U32(2)))), drain("S", "U", "UB"),
			send("SB", del(2, "v1")), drain("SB", "U", "UB"),
			send("S", dump(3)), send("SB", dump(4)), drain("S", "SB")),
	}
}
