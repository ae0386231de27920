package main

import (
	"fmt"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"golang.org/x/sys/unix"
)

// ipFlagOrder is the order in which iproute2's print_link_flags names
// ifi_flags.
var ipFlagOrder = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_DEBUG, "DEBUG"},
	{unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"}, {unix.IFF_PORTSEL, "PORTSEL"},
	{unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

// ipFlags formats ifi_flags as ip link does.
func ipFlags(f uint32) string {
	var names []string
	if f&unix.IFF_UP != 0 && f&unix.IFF_RUNNING == 0 {
		names = append(names, "NO-CARRIER")
	}
	for _, n := range ipFlagOrder {
		if f&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return "<" + strings.Join(names, ",") + ">"
}

// statsJSON is the final -json object.
type statsJSON struct {
	Stats struct {
		Ifname    string `json:"ifname"`
		Ifindex   uint32 `json:"ifindex"`
		RxPackets uint64 `json:"rx_packets"`
		RxBytes   uint64 `json:"rx_bytes"`
		TxPackets uint64 `json:"tx_packets"`
		TxBytes   uint64 `json:"tx_bytes"`
		RxDropped uint64 `json:"rx_dropped"`
		TxDropped uint64 `json:"tx_dropped"`
	} `json:"stats"`
	Captured struct {
		Frames   int    `json:"frames"`
		Messages int    `json:"messages"`
		Bytes    uint64 `json:"bytes"`
	} `json:"captured"`
}

// stats prints nlmon0 as `ip -s link show nlmon0` does. The RTM_GETLINK
// that reads them is itself captured and counted: its request before the
// counters are read, its reply after.
func (s *session) stats() error {
	msgs, err := s.do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0"}})
	if err != nil {
		return fmt.Errorf("ip -s link show nlmon0: %w", err)
	}
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		return err
	}
	a := lm.Attributes
	st := a.Stats64
	if st == nil {
		st = &rtnetlink.LinkStats64{}
	}
	if s.o.json {
		var j statsJSON
		j.Stats.Ifname, j.Stats.Ifindex = a.Name, lm.Index
		j.Stats.RxPackets, j.Stats.RxBytes = st.RXPackets, st.RXBytes
		j.Stats.TxPackets, j.Stats.TxBytes = st.TXPackets, st.TXBytes
		j.Stats.RxDropped, j.Stats.TxDropped = st.RXDropped, st.TXDropped
		j.Captured.Frames, j.Captured.Messages, j.Captured.Bytes = s.frames, s.messages, s.bytes
		return writeJSON(s.out, j)
	}
	if !s.o.quiet {
		fmt.Fprintf(s.out, "# captured %d frames, %d messages, %d bytes\n", s.frames, s.messages, s.bytes)
		more := ""
		if s.done() {
			more = ", any frames after the -c limit"
		}
		fmt.Fprintf(s.out, "# nlmon0 also counted what no capture printed: the ack of `ip link set nlmon0 up`%s\n"+
			"# and the request reading these counters\n", more)
	}
	state := "UNKNOWN"
	if int(a.OperationalState) < len(operStates) {
		state = operStates[a.OperationalState]
	}
	qlen := uint32(0)
	if a.TxQueueLen != nil {
		qlen = *a.TxQueueLen
	}
	fmt.Fprintf(s.out, "%d: %s: %s mtu %d qdisc %s state %s mode DEFAULT group default qlen %d\n",
		lm.Index, a.Name, ipFlags(lm.Flags), a.MTU, a.QueueDisc, state, qlen)
	fmt.Fprintf(s.out, "    link/netlink \n")
	fmt.Fprintf(s.out, "    RX: %8s %8s %8s %8s %8s %8s\n", "bytes", "packets", "errors", "dropped", "missed", "mcast")
	fmt.Fprintf(s.out, "        %8d %8d %8d %8d %8d %8d\n", st.RXBytes, st.RXPackets, st.RXErrors, st.RXDropped, st.RXMissedErrors, st.Multicast)
	fmt.Fprintf(s.out, "    TX: %8s %8s %8s %8s %8s %8s\n", "bytes", "packets", "errors", "dropped", "carrier", "collsns")
	fmt.Fprintf(s.out, "        %8d %8d %8d %8d %8d %8d\n", st.TXBytes, st.TXPackets, st.TXErrors, st.TXDropped, st.TXCarrierErrors, st.Collisions)
	return nil
}
