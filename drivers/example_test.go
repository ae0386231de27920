package drivers_test

import (
	"fmt"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/jsimonetti/rtnetlink/v2/driver"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/drivers"
)

// A veth pair made as `ip link add v0 type veth peer name v1` makes it,
// both ends brought up, and a frame sent from a packet socket on one end
// read by a capture on the other.
func ExampleNewKernel() {
	k := drivers.NewKernel()
	ns := k.InitNet()
	c, _ := ns.Dial(unix.NETLINK_ROUTE, nil)
	defer c.Close()
	link := func(flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) error {
		b, _ := lm.MarshalBinary()
		_, err := c.Execute(netlink.Message{
			Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge | flags},
			Data:   b,
		})
		return err
	}

	err := link(netlink.Create|netlink.Excl, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "v0",
		Info: &rtnetlink.LinkInfo{Kind: "veth", Data: &driver.Veth{
			PeerInfo: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "v1"}}}},
	}})
	fmt.Println("ip link add:", err)
	for _, name := range []string{"v0", "v1"} {
		l, _ := ns.Link(name)
		link(0, &rtnetlink.LinkMessage{Index: uint32(l.Index), Flags: unix.IFF_UP, Change: unix.IFF_UP})
	}
	v0, _ := ns.Link("v0")
	fmt.Println("v0:", v0.Kind, v0.Carrier, v0.Operstate == rtnetlink.OperStateUp, v0.Qdisc)

	tx, _ := ns.Capture("v0")
	defer tx.Close()
	rx, _ := ns.Capture("v1")
	defer rx.Close()
	frame := make([]byte, 60)
	copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5})
	fmt.Println("send:", tx.Send(frame))
	f, _ := rx.Read()
	fmt.Printf("v1 read %d bytes, ethertype %#04x, packet type %d (broadcast)\n", len(f.Data), f.Protocol, f.PktType)
	// Output:
	// ip link add: <nil>
	// v0: veth true true noqueue
	// send: <nil>
	// v1 read 60 bytes, ethertype 0x88b5, packet type 1 (broadcast)
}
