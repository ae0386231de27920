// Package conformance runs the same netlink scenarios against the knet
// model and against a real Linux kernel, and compares the answers byte
// for byte after a small, stated normalisation.
//
// # Scenarios
//
// A [Scenario] is data: a name, a description and [Step] values — open a
// netlink socket with options, groups, a receive buffer or without
// CAP_NET_ADMIN ([Open]); send a datagram of one or more messages
// ([Send], built with [Msg], [A] and friends); join or leave a group;
// drain sockets ([Drain], [Recv]); open and drain an AF_PACKET capture on
// a device ([Capture], [DrainCapture]) and send whole Ethernet frames
// from it ([SendFrame]); read a device's counters ([Stats]); create
// another namespace ([NewNS]); unload a module ([Unload]); wait
// ([Sleep] on both backends, [Quiesce] in the kernel only, for the
// kernel's cross-scenario linkwatch state). Devices are named in requests
// and the runner resolves their ifindex at run time; a device that does
// not exist is an error event and the request is not sent. Namespaces are
// named in requests (IFLA_NET_NS_FD, IFLA_NET_NS_PID, NETNSA_FD,
// NETNSA_PID) by sentinels ([NetnsFD], [NetnsPID]) that the runner
// replaces by the backend's file descriptor or task id when it sends, and
// puts back in everything it records. [All] is the catalogue: link
// creation, changes, deletion and queries, policy violations, dumps and
// strict checking, acks and extended acks, notifications and NLM_F_ECHO,
// unprivileged senders, nlmon taps and their counters, module unloading;
// then the dummy, ifb and veth drivers (addresses, carrier and linkwatch,
// MTU bounds, queues, transmission and the receive side's packet types
// and counters), veth pairs across namespaces, moving links between
// namespaces, netns ids, and uevents.
//
// # Backends
//
// [Model] runs a scenario on a new net.Kernel with the stock modules
// installed (drivers.Install); [Kernel] runs it on the running Linux
// kernel through raw AF_NETLINK and AF_PACKET sockets, on a goroutine
// locked to an OS thread that unshares its network namespace (further
// namespaces are unshared and entered with setns; a namespace named by
// pid gets a thread parked in it for the scenario). Both bring lo up with
// one RTM_NEWLINK before the first step. Ethernet devices are put in IPv6
// addrgenmode none before they come up, so that IPv6 sends nothing on
// them. An unprivileged socket is opened and used with
// CAP_NET_ADMIN dropped from the thread's effective set (capset) around
// each operation on it. The kernel backend needs Linux and root, and
// refuses to run outside the kernel oracle (KNET_ORACLE=1), whose kernel
// has nlmon; the development machines' kernel has none.
//
// A [Result] is the ordered list of [Event] values the runner saw: every
// socket opened (with its port id), datagram sent, datagram received
// (bytes, full length, sender's port and groups), receive error (ENOBUFS,
// ENETDOWN), captured frame (bytes, length, sll_protocol, sll_pkttype,
// sll_hatype, sll_ifindex, sll_halen), frame sent from a capture (with
// send's errno), failed operation and module unload; and, with more than
// one namespace, the netns ids the namespaces have for each other at the
// end.
//
// # Normalisation
//
// [Normalize] replaces port ids, interface indexes (other than lo's 1) and
// sequence numbers by their order of first appearance, random hardware
// addresses (eth_hw_addr_random's) by ordinals that keep their two low
// bits, and uevent sequence numbers by their rank, and zeroes the IPv6
// cacheinfo time stamp and randomised reachable time; its doc lists every
// location. Nothing else is masked: counters, flags, attribute order,
// sizes, padding and datagram boundaries are compared as they are.
// [Compare] reports differences as a diff of the decoded text form
// ([Text]: message types, flags and attribute names) and, per event, the
// first differing byte offset and the field it falls in ([Locate]).
//
// # Goldens and known differences
//
// testdata/kernel holds one JSON result per scenario recorded from the
// oracle's kernel (its `uname -r` is in each file and in UNAME), so
//
//	go test ./conformance
//
// compares the model with the kernel without qemu. Re-record with
//
//	go run ./conformance/cmd/record
//
// and compare a live kernel run with both the goldens (drift) and the
// model with
//
//	go run ./conformance/cmd/record -live
//
// [KnownDiffs] lists scenarios where the model is known to differ, each
// with its reason and a hash pinning the model's current answer; any
// other difference fails the test. KNET_CONFORMANCE_STRICT=1 fails on the
// known ones too, KNET_CONFORMANCE_REPORT=FILE writes a Markdown report,
// and KNET_SHOW=NAME prints a scenario's decoded kernel and model results
// (TestShow).
package conformance
