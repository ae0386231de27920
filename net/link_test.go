package net

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

func dialRoute(t *testing.T, ns *Namespace, cfg *DialConfig) *netlink.Conn {
	t.Helper()
	c, err := ns.Dial(unix.NETLINK_ROUTE, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		t.Fatal(err)
	}
	return c
}

func linkMsg(t *testing.T, lm *rtnetlink.LinkMessage) []byte {
	t.Helper()
	b, err := lm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func execLink(c *netlink.Conn, typ netlink.HeaderType, flags netlink.HeaderFlags, data []byte) ([]netlink.Message, error) {
	return c.Execute(netlink.Message{Header: netlink.Header{Type: typ, Flags: netlink.Request | flags}, Data: data})
}

func decodeLinks(t *testing.T, msgs []netlink.Message) []rtnetlink.LinkMessage {
	t.Helper()
	var out []rtnetlink.LinkMessage
	for _, m := range msgs {
		if m.Header.Type != unix.RTM_NEWLINK && m.Header.Type != unix.RTM_DELLINK {
			continue
		}
		var lm rtnetlink.LinkMessage
		if err := lm.UnmarshalBinary(m.Data); err != nil {
			t.Fatalf("decode RTM_NEWLINK: %v", err)
		}
		out = append(out, lm)
	}
	return out
}

func TestListLoopback(t *testing.T) {
	k := newTestKernel(t)
	c := dialRoute(t, k.InitNet(), nil)
	msgs, err := execLink(c, unix.RTM_GETLINK, netlink.Dump, linkMsg(t, &rtnetlink.LinkMessage{}))
	if err != nil {
		t.Fatal(err)
	}
	links := decodeLinks(t, msgs)
	if len(links) != 1 {
		t.Fatalf("dump returned %d links, want 1", len(links))
	}
	lo := links[0]
	type view struct {
		Index, Flags uint32
		Type         uint16
		Name         string
		MTU, TxQLen  uint32
		Addr         string
		Qdisc        string
		Oper         rtnetlink.OperationalState
	}
	got := view{lo.Index, lo.Flags, lo.Type, lo.Attributes.Name, lo.Attributes.MTU, *lo.Attributes.TxQueueLen,
		lo.Attributes.Address.String(), lo.Attributes.QueueDisc, lo.Attributes.OperationalState}
	want := view{1, unix.IFF_LOOPBACK, unix.ARPHRD_LOOPBACK, "lo", 65536, 1000, "00:00:00:00:00:00", "noop", rtnetlink.OperStateDown}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lo in a fresh namespace (-want +got):\n%s", diff)
	}

	// Up, as `ip link set lo up` does it.
	if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 1, Flags: unix.IFF_UP, Change: unix.IFF_UP})); err != nil {
		t.Fatal(err)
	}
	msgs, err = execLink(c, unix.RTM_GETLINK, 0, linkMsg(t, &rtnetlink.LinkMessage{Index: 1}))
	if err != nil {
		t.Fatal(err)
	}
	lo = decodeLinks(t, msgs)[0]
	if want := uint32(unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING | unix.IFF_LOWER_UP); lo.Flags != want {
		t.Errorf("lo up: flags %#x, want %#x", lo.Flags, want)
	}
	if lo.Attributes.QueueDisc != "noqueue" || lo.Attributes.OperationalState != rtnetlink.OperStateUnknown {
		t.Errorf("lo up: qdisc %q operstate %v, want noqueue, unknown", lo.Attributes.QueueDisc, lo.Attributes.OperationalState)
	}
}

func TestCreateChangeDeleteNotifies(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	c := dialRoute(t, ns, nil)
	l := dialRoute(t, ns, nil)
	if err := l.JoinGroup(unix.RTNLGRP_LINK); err != nil {
		t.Fatal(err)
	}
	next := func() (netlink.Header, rtnetlink.LinkMessage) {
		t.Helper()
		msgs, err := l.Receive()
		if err != nil || len(msgs) != 1 {
			t.Fatalf("notification: %v, %d messages", err, len(msgs))
		}
		return msgs[0].Header, decodeLinks(t, msgs)[0]
	}
	create := linkMsg(t, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "mon0", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}})
	if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, create); err != nil {
		t.Fatal(err)
	}
	type note struct {
		Type   netlink.HeaderType
		Seq    uint32
		PID    uint32
		Index  uint32
		Flags  uint32
		Change uint32
	}
	steps := []struct {
		name string
		do   func() error
		want []note
	}{
		{"create", func() error { return nil }, []note{{unix.RTM_NEWLINK, 0, 0, 2, unix.IFF_NOARP, 0xffffffff}}},
		{"up", func() error {
			_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 2, Flags: unix.IFF_UP, Change: unix.IFF_UP}))
			return err
		}, []note{{unix.RTM_NEWLINK, 0, 0, 2, 0x100c1, unix.IFF_UP}}},
		{"mtu", func() error {
			_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{MTU: 2000}}))
			return err
		}, []note{{unix.RTM_NEWLINK, 0, 0, 2, 0x100c1, 0}}},
		{"delete while up", func() error {
			_, err := execLink(c, unix.RTM_DELLINK, netlink.Acknowledge, linkMsg(t, &rtnetlink.LinkMessage{Index: 2}))
			return err
		}, []note{{unix.RTM_NEWLINK, 0, 0, 2, unix.IFF_NOARP, unix.IFF_UP | unix.IFF_RUNNING}, {unix.RTM_DELLINK, 0, 0, 2, unix.IFF_NOARP, 0xffffffff}}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var got []note
		for range st.want {
			h, lm := next()
			got = append(got, note{h.Type, h.Sequence, h.PID, lm.Index, lm.Flags, lm.Change})
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: notifications (-want +got):\n%s", st.name, diff)
		}
	}
}

// TestRejectedRequests checks errno and extack for requests Linux rejects,
// and that each leaves the namespace as it was.
func TestRejectedRequests(t *testing.T) {
	nlmon := func(name string) *rtnetlink.LinkAttributes {
		return &rtnetlink.LinkAttributes{Name: name, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}
	}
	create := netlink.Acknowledge | netlink.Create | netlink.Excl
	tests := []struct {
		name   string
		typ    netlink.HeaderType
		flags  netlink.HeaderFlags
		msg    *rtnetlink.LinkMessage
		raw    []byte // overrides msg
		strict bool
		unpriv bool
		errno  unix.Errno
		extack string
		offset int
	}{
		{name: "unknown kind", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "x0", Info: &rtnetlink.LinkInfo{Kind: "nosuchkind"}}}, errno: unix.EOPNOTSUPP, extack: "Unknown device type"},
		{name: "no kind", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "x0"}}, errno: unix.EOPNOTSUPP, extack: "Unknown device type"},
		{name: "exists with EXCL", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: nlmon("mon0")}, errno: unix.EEXIST},
		{name: "REPLACE on existing", typ: unix.RTM_NEWLINK, flags: netlink.Acknowledge | netlink.Replace, msg: &rtnetlink.LinkMessage{Index: 2}, errno: unix.EOPNOTSUPP},
		{name: "change missing device", typ: unix.RTM_NEWLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 99}, errno: unix.ENODEV},
		{name: "negative ifindex", typ: unix.RTM_NEWLINK, flags: create, raw: linkReq(0, 0, 0, -1, 0, 0), errno: unix.EINVAL, extack: "ifindex can't be negative"},
		{name: "address on nlmon", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "mon1", Address: []byte{2, 0, 0, 0, 0, 1}, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}, errno: unix.EINVAL},
		{name: "mtu below minimum", typ: unix.RTM_NEWLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{MTU: 10}}, errno: unix.EINVAL, extack: "mtu less than device minimum"},
		{name: "mtu below minimum on create", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "mon1", MTU: 15, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}, errno: unix.EINVAL, extack: "mtu less than device minimum"},
		{name: "name too long", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: nlmon("abcdefghijklmnop")}, errno: unix.ERANGE, extack: "Attribute failed policy validation", offset: 32},
		{name: "name with slash", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: nlmon("a/b")}, errno: unix.EINVAL},
		{name: "two %d", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: nlmon("m%d%d")}, errno: unix.EINVAL},
		{name: "MTU of two bytes", typ: unix.RTM_NEWLINK, flags: netlink.Acknowledge, raw: linkReq(0, 0, 0, 2, 0, 0, attr(unix.IFLA_MTU, []byte{0xd0, 0x07})), errno: unix.ERANGE, extack: "Attribute failed policy validation", offset: 32},
		{name: "read-only TSO_MAX_SIZE", typ: unix.RTM_NEWLINK, flags: netlink.Acknowledge, raw: linkReq(0, 0, 0, 2, 0, 0, attr(unix.IFLA_TSO_MAX_SIZE, u32(1))), errno: unix.EINVAL, extack: "Attribute failed policy validation", offset: 32},
		{name: "delete lo", typ: unix.RTM_DELLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 1}, errno: unix.EOPNOTSUPP},
		{name: "delete missing", typ: unix.RTM_DELLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 9999}, errno: unix.ENODEV},
		{name: "delete without selector", typ: unix.RTM_DELLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{}, errno: unix.EINVAL},
		{name: "setlink without selector", typ: unix.RTM_SETLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{}, errno: unix.EINVAL},
		{name: "get missing", typ: unix.RTM_GETLINK, msg: &rtnetlink.LinkMessage{Index: 9999}, errno: unix.ENODEV},
		{name: "get without selector", typ: unix.RTM_GETLINK, msg: &rtnetlink.LinkMessage{}, errno: unix.EINVAL},
		{name: "strict get, header values", typ: unix.RTM_GETLINK, msg: &rtnetlink.LinkMessage{Index: 1, Flags: 1}, strict: true, errno: unix.EINVAL, extack: "Invalid values in header for get link request"},
		{name: "strict get, MTU attribute", typ: unix.RTM_GETLINK, msg: &rtnetlink.LinkMessage{Index: 1, Attributes: &rtnetlink.LinkAttributes{MTU: 1}}, strict: true, errno: unix.EINVAL, extack: "Unsupported attribute in get link request"},
		{name: "unprivileged create", typ: unix.RTM_NEWLINK, flags: create, msg: &rtnetlink.LinkMessage{Attributes: nlmon("mon1")}, unpriv: true, errno: unix.EPERM},
		{name: "unprivileged delete", typ: unix.RTM_DELLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 2}, unpriv: true, errno: unix.EPERM},
		{name: "unprivileged up", typ: unix.RTM_SETLINK, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{Index: 2, Flags: unix.IFF_UP, Change: unix.IFF_UP}, unpriv: true, errno: unix.EPERM},
		{name: "unmodelled type", typ: unix.RTM_NEWADDR, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{}, errno: unix.EOPNOTSUPP},
		{name: "type above RTM_MAX", typ: 200, flags: netlink.Acknowledge, msg: &rtnetlink.LinkMessage{}, errno: unix.EOPNOTSUPP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newTestKernel(t)
			registerTestMon(t, k, "nlmon", nil)
			ns := k.InitNet()
			admin := dialRoute(t, ns, nil)
			if _, err := execLink(admin, unix.RTM_NEWLINK, create, linkMsg(t, &rtnetlink.LinkMessage{Attributes: nlmon("mon0")})); err != nil {
				t.Fatal(err)
			}
			before := ns.Links()
			c := dialRoute(t, ns, &DialConfig{Unprivileged: tt.unpriv})
			if tt.strict {
				if err := c.SetOption(netlink.GetStrictCheck, true); err != nil {
					t.Fatal(err)
				}
			}
			data := tt.raw
			if data == nil {
				data = linkMsg(t, tt.msg)
			} else {
				data = data[16:]
			}
			_, err := execLink(c, tt.typ, tt.flags, data)
			var oe *netlink.OpError
			if !errors.As(err, &oe) || !errors.Is(err, tt.errno) {
				t.Fatalf("got %v, want errno %v", err, tt.errno)
			}
			if oe.Message != tt.extack || oe.Offset != tt.offset {
				t.Errorf("extack %q at %d, want %q at %d", oe.Message, oe.Offset, tt.extack, tt.offset)
			}
			if diff := cmp.Diff(before, ns.Links()); diff != "" {
				t.Errorf("rejected request changed the namespace (-before +after):\n%s", diff)
			}
		})
	}
}

func TestNameTemplates(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	c := dialRoute(t, ns, nil)
	for _, name := range []string{"mon%d", "mon%d", "", "", "mon%d"} {
		attrs := &rtnetlink.LinkAttributes{Name: name, Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}
		if _, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, linkMsg(t, &rtnetlink.LinkMessage{Attributes: attrs})); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
	var got []string
	for _, l := range ns.Links() {
		got = append(got, l.Name)
	}
	want := []string{"lo", "mon0", "mon1", "nlmon0", "nlmon1", "mon2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestMoreRejections(t *testing.T) {
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	ns := k.InitNet()
	c := dialRoute(t, ns, nil)
	create := netlink.Acknowledge | netlink.Create | netlink.Excl
	mk := func(lm *rtnetlink.LinkMessage) error {
		_, err := execLink(c, unix.RTM_NEWLINK, create, linkMsg(t, lm))
		return err
	}
	if err := mk(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: "mon0", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		err   error
		errno unix.Errno
		msg   string
	}{
		// The index finds the device first: a change request, refused by EXCL.
		{"requested ifindex taken", mk(&rtnetlink.LinkMessage{Index: 2, Attributes: &rtnetlink.LinkAttributes{Name: "mon1", Info: &rtnetlink.LinkInfo{Kind: "nlmon"}}}), unix.EEXIST, ""},
		{"address change without ndo_set_mac_address", func() error {
			_, err := execLink(c, unix.RTM_SETLINK, netlink.Acknowledge, linkReq(0, 0, 0, 2, 0, 0, attr(unix.IFLA_ADDRESS, []byte{1, 2, 3, 4, 5, 6}))[16:])
			return err
		}(), unix.EOPNOTSUPP, ""},
		{"two netns selectors", func() error {
			_, err := execLink(c, unix.RTM_NEWLINK, netlink.Acknowledge, linkReq(0, 0, 0, 2, 0, 0, attr(unix.IFLA_NET_NS_PID, u32(1)), attr(unix.IFLA_NET_NS_FD, u32(3)))[16:])
			return err
		}(), unix.EINVAL, "multiple netns identifying attributes specified"},
		{"netns attribute on dellink", func() error {
			_, err := execLink(c, unix.RTM_DELLINK, netlink.Acknowledge, linkReq(0, 0, 0, 2, 0, 0, attr(unix.IFLA_NET_NS_PID, u32(1)))[16:])
			return err
		}(), unix.EOPNOTSUPP, "specified netns attribute not supported"},
	}
	for _, tt := range tests {
		var oe *netlink.OpError
		if !errors.Is(tt.err, tt.errno) || !errors.As(tt.err, &oe) || oe.Message != tt.msg {
			t.Errorf("%s: %v, want %v %q", tt.name, tt.err, tt.errno, tt.msg)
		}
	}
	_, err := execLink(c, unix.RTM_NEWLINK, create, linkReq(0, 0, 0, 0, 0, 0,
		attr(unix.IFLA_IFNAME, str("q0")), attr(unix.IFLA_NUM_TX_QUEUES, u32(5000)), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon"))))[16:])
	var oe *netlink.OpError
	if !errors.Is(err, unix.EINVAL) || !errors.As(err, &oe) || oe.Message != "Invalid number of transmit queues" {
		t.Errorf("5000 tx queues: %v", err)
	}
}
