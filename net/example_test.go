package net_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	knet "github.com/knetlab/knet/net"
)

// List the links of a fresh namespace with an unmodified netlink client.
func ExampleNamespace_Dial() {
	k := knet.NewKernel()
	c, err := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	req, _ := (&rtnetlink.LinkMessage{}).MarshalBinary()
	msgs, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: unix.RTM_GETLINK, Flags: netlink.Request | netlink.Dump},
		Data:   req,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		var lm rtnetlink.LinkMessage
		if err := lm.UnmarshalBinary(m.Data); err != nil {
			log.Fatal(err)
		}
		fmt.Println(lm.Index, lm.Attributes.Name, lm.Attributes.MTU)
	}
	// Output: 1 lo 65536
}

// A rejected request carries the kernel's errno and extended ack text.
func ExampleNamespace_Dial_extack() {
	k := knet.NewKernel()
	c, _ := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	defer c.Close()
	c.SetOption(netlink.ExtendedAcknowledge, true)

	req, _ := (&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{
		Name: "x0", Info: &rtnetlink.LinkInfo{Kind: "nosuchkind"},
	}}).MarshalBinary()
	_, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge | netlink.Create | netlink.Excl},
		Data:   req,
	})
	var oe *netlink.OpError
	fmt.Println(errors.Is(err, unix.EOPNOTSUPP), errors.As(err, &oe) && oe.Message == "Unknown device type")
	// Output: true true
}

// Watch RTNLGRP_LINK with a byte-level socket.
func ExampleNamespace_Socket() {
	k := knet.NewKernel()
	ns := k.InitNet()
	l, _ := ns.Socket(unix.NETLINK_ROUTE, &knet.DialConfig{Groups: 1 << (unix.RTNLGRP_LINK - 1)})
	defer l.Close()

	c, _ := ns.Dial(unix.NETLINK_ROUTE, nil)
	defer c.Close()
	up, _ := (&rtnetlink.LinkMessage{Index: 1, Flags: unix.IFF_UP, Change: unix.IFF_UP}).MarshalBinary()
	c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge}, Data: up})

	buf := make([]byte, 4096)
	n, from, _ := l.Recv(buf)
	var m netlink.Message
	m.UnmarshalBinary(buf[:(n+3)&^3])
	fmt.Println(m.Header.Type == unix.RTM_NEWLINK, from.Groups)
	// Output: true 1
}
