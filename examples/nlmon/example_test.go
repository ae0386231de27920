package nlmon_test

import (
	"fmt"
	"log"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/examples/nlmon/decode"
	"github.com/knetlab/knet/net"
)

// Monitoring a namespace's netlink traffic: install nlmon, create and
// bring up nlmon0 as `ip link add nlmon0 type nlmon up` does, capture on
// it as `tcpdump -i nlmon0` does, and decode what it sees.
func Example() {
	k := net.NewKernel()
	if err := nlmon.Module.Install(k); err != nil {
		log.Fatal(err)
	}
	ns := k.InitNet()
	c, err := ns.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	do := func(typ netlink.HeaderType, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) []netlink.Message {
		b, _ := lm.MarshalBinary()
		msgs, err := c.Execute(netlink.Message{Header: netlink.Header{Type: typ, Flags: netlink.Request | flags}, Data: b})
		if err != nil {
			log.Fatal(err)
		}
		return msgs
	}

	// ip link add nlmon0 type nlmon up: this loads the nlmon module.
	do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, &rtnetlink.LinkMessage{
		Flags: unix.IFF_UP, Change: unix.IFF_UP,
		Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", Info: &rtnetlink.LinkInfo{Kind: nlmon.Kind}},
	})
	capt, err := ns.Capture("nlmon0")
	if err != nil {
		log.Fatal(err)
	}
	defer capt.Close()

	// ip link show lo: the request and the reply pass through nlmon0.
	do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "lo"}})
	frames := 0
	for {
		f, ok, err := capt.TryRead()
		if err != nil {
			log.Fatal(err)
		}
		if !ok {
			break
		}
		frames++
		msgs, _ := decode.Frame(f.Protocol, f.Data)
		for _, m := range msgs {
			fmt.Println(m.Direction, m.Family, m.Type, m.Link.Name)
		}
	}

	// ip -s link show nlmon0: every captured frame is counted as received,
	// and so were the ack of the create (before the capture opened) and
	// this request.
	msgs := do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0"}})
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("nlmon0: type %d mtu %d, captured %d frames, rx_packets %d\n",
		lm.Type, lm.Attributes.MTU, frames, lm.Attributes.Stats64.RXPackets)
	// Output:
	// user->kernel route RTM_GETLINK lo
	// kernel->user route RTM_NEWLINK lo
	// nlmon0: type 824 mtu 3776, captured 2 frames, rx_packets 4
}
