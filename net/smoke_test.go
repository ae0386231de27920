package net

import (
	"errors"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

var errEINVAL = unix.EINVAL

func TestSmoke(t *testing.T) {
	k := NewKernel()
	registerTestMon(t, k, "nlmon", nil)
	c, err := k.InitNet().Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		t.Fatal(err)
	}
	req, _ := (&rtnetlink.LinkMessage{}).MarshalBinary()
	msgs, err := c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_GETLINK, Flags: netlink.Request | netlink.Dump}, Data: req})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dump: %d msgs", len(msgs))
	for _, m := range msgs {
		var lm rtnetlink.LinkMessage
		if err := lm.UnmarshalBinary(m.Data); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d %s %#x len=%d", lm.Index, lm.Attributes.Name, lm.Flags, m.Header.Length)
	}
	nl := &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "nlmon0", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}
	b, _ := nl.MarshalBinary()
	_, err = c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge | netlink.Create | netlink.Excl}, Data: b})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge | netlink.Create | netlink.Excl}, Data: b})
	if !errors.Is(err, unix.EEXIST) {
		t.Fatalf("second create: %v", err)
	}
	mtu := &rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{MTU: 10}}
	b, _ = mtu.MarshalBinary()
	_, err = c.Execute(netlink.Message{Header: netlink.Header{Type: unix.RTM_NEWLINK, Flags: netlink.Request | netlink.Acknowledge}, Data: b})
	t.Logf("mtu 10: %v", err)
	t.Logf("links: %+v", k.InitNet().Links())
}
