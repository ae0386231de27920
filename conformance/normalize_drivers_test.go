package conformance

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// addrOf returns the IFLA_ADDRESS payload of a link message.
func addrOf(t *testing.T, m []byte) []byte {
	t.Helper()
	var a []byte
	forAttrs(m[32:], func(typ uint16, b []byte) {
		if typ == unix.IFLA_ADDRESS {
			a = b[4:]
		}
	})
	if a == nil {
		t.Fatalf("no IFLA_ADDRESS in %x", m)
	}
	return a
}

func TestNormalizeRandomAddresses(t *testing.T) {
	requested := macN(1)
	random1 := []byte{0x5a, 0x11, 0x22, 0x33, 0x44, 0x55} // unicast, local: bits 10
	random2 := []byte{0x7b, 0x11, 0x22, 0x33, 0x44, 0x55} // bits 11: multicast, must show
	long := []byte{2, 0, 0, 0, 0, 7, 9}                   // the kernel takes its first six bytes
	in := &Result{Events: []Event{
		{Kind: EvSend, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 1, 0, 0, hwaddr(requested))},
		{Kind: EvSend, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 2, 0, 0, hwaddr(long))},
		{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 2, hwaddr(requested))},
		{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 3, hwaddr(random1))},
		{Kind: EvRecv, NS: "b", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 2, hwaddr(random2))},
		{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 3, hwaddr(random1))},
		{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 4, hwaddr(long[:6]))},
		{Kind: EvFrame, NS: "a", Hatype: unix.ARPHRD_ETHER, Data: eth(macBcast, random1, ethPExp, payload(4))},
		{Kind: EvFrame, NS: "a", Hatype: unix.ARPHRD_ETHER, Data: eth(requested, macN(9), ethPExp, payload(4))},
	}}
	got := Normalize(in).Events
	want := [][]byte{
		requested,
		{0xf2, 0, 0, 0, 0, 1},
		{0xf3, 0, 0, 0, 0, 2},
		{0xf2, 0, 0, 0, 0, 1},
		long[:6],
	}
	for i, w := range want {
		if a := addrOf(t, got[2+i].Data); !bytes.Equal(a, w) {
			t.Errorf("event %d: IFLA_ADDRESS %s, want %s", 2+i, macString(a), macString(w))
		}
	}
	if f := got[7].Data; !bytes.Equal(f[6:12], []byte{0xf2, 0, 0, 0, 0, 1}) || !bytes.Equal(f[:6], macBcast) {
		t.Errorf("frame with a random source: %x", f[:12])
	}
	if f := got[8].Data; !bytes.Equal(f[:12], in.Events[8].Data[:12]) {
		t.Errorf("frame without random addresses changed: %x", f[:12])
	}
}

func TestNormalizeEthernetFramesAreNotNetlink(t *testing.T) {
	// A broadcast frame's first bytes read as a huge nlmsg_len; the
	// netlink normalisation would rewrite bytes 8..15 as seq and pid.
	f := eth(macBcast, macN(1), ethPExp, payload(46))
	in := &Result{Events: []Event{
		{Kind: EvFrame, NS: "a", Proto: ethPExp, Hatype: unix.ARPHRD_ETHER, Ifindex: 5, Data: f},
		{Kind: EvSendFrame, NS: "a", Data: f},
	}}
	for i, ev := range Normalize(in).Events {
		if !bytes.Equal(ev.Data, f) {
			t.Errorf("event %d: frame changed to %x", i, ev.Data)
		}
	}
}

func uevent(parts ...string) []byte { return []byte(strings.Join(parts, "\x00") + "\x00") }

func TestNormalizeUevents(t *testing.T) {
	add := uevent("add@/devices/virtual/net/d0", "ACTION=add", "DEVPATH=/devices/virtual/net/d0", "SUBSYSTEM=net",
		"INTERFACE=d0", "IFINDEX=17", "SEQNUM=1234")
	rm := uevent("remove@/devices/virtual/net/d0", "ACTION=remove", "DEVPATH=/devices/virtual/net/d0", "SUBSYSTEM=net",
		"INTERFACE=d0", "IFINDEX=9", "SEQNUM=999")
	in := &Result{Events: []Event{
		{Kind: EvRecv, NS: "b", Proto: unix.NETLINK_KOBJECT_UEVENT, Groups: 1, Len: len(add), Data: add},
		{Kind: EvRecv, NS: "a", Proto: unix.NETLINK_KOBJECT_UEVENT, Groups: 1, Len: len(rm), Data: rm},
		// From a user socket (port 7): netlink messages, not a uevent.
		{Kind: EvRecv, NS: "a", Proto: unix.NETLINK_KOBJECT_UEVENT, Port: 7, Len: len(rm), Data: rm},
	}}
	got := Normalize(in).Events
	wantAdd := uevent("add@/devices/virtual/net/d0", "ACTION=add", "DEVPATH=/devices/virtual/net/d0", "SUBSYSTEM=net",
		"INTERFACE=d0", "IFINDEX=2", "SEQNUM=2")
	wantRm := uevent("remove@/devices/virtual/net/d0", "ACTION=remove", "DEVPATH=/devices/virtual/net/d0", "SUBSYSTEM=net",
		"INTERFACE=d0", "IFINDEX=2", "SEQNUM=1")
	if !bytes.Equal(got[0].Data, wantAdd) || got[0].Len != len(wantAdd) {
		t.Errorf("add: %q (len %d), want %q", got[0].Data, got[0].Len, wantAdd)
	}
	if !bytes.Equal(got[1].Data, wantRm) || got[1].Len != len(wantRm) {
		t.Errorf("remove: %q (len %d), want %q", got[1].Data, got[1].Len, wantRm)
	}
	if !bytes.Contains(got[2].Data, []byte("IFINDEX=9\x00SEQNUM=999\x00")) {
		t.Errorf("a user socket's datagram was normalised as a uevent: %q", got[2].Data)
	}
	text := strings.Join(Text(Normalize(in)), "\n")
	if !strings.Contains(text, `"SEQNUM=2"`) || !strings.Contains(text, `"add@/devices/virtual/net/d0"`) {
		t.Errorf("uevent text:\n%s", text)
	}
}

func TestNormalizeCrossNamespaceIndexes(t *testing.T) {
	// d0 (index 5 in a) moves to b, where it gets index 3 (b already has
	// a device 2); b is netns id 0 in a.
	in := &Result{
		NSIDs: map[string]map[string]int32{"a": {"b": 0}, "b": {"a": 4}},
		Events: []Event{
			{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 5)},
			{Kind: EvRecv, NS: "b", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 2)},
			{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_DELLINK, 0, 0, 5,
				A(unix.IFLA_NEW_NETNSID, U32(0)), A(unix.IFLA_NEW_IFINDEX, U32(3)))},
			{Kind: EvRecv, NS: "b", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 3,
				A(unix.IFLA_LINK_NETNSID, U32(4)), A(unix.IFLA_LINK, U32(5)))},
			{Kind: EvSend, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 1, 0, 5,
				A(unix.IFLA_NET_NS_FD, NetnsFD("b")), A(unix.IFLA_NEW_IFINDEX, U32(40)))},
			{Kind: EvRecv, NS: "b", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 40)},
		},
	}
	got := Normalize(in).Events
	u32 := func(ev Event, typ uint16) uint32 {
		v := ^uint32(0)
		forAttrs(ev.Data[32:], func(t uint16, a []byte) {
			if t == typ {
				v = ne.Uint32(a[4:])
			}
		})
		return v
	}
	// a: 5 -> 2. b: 2 -> 2, then 3 (first seen as IFLA_NEW_IFINDEX) -> 3.
	if v := u32(got[2], unix.IFLA_NEW_IFINDEX); v != 3 {
		t.Errorf("IFLA_NEW_IFINDEX mapped to %d, want 3 (b's table)", v)
	}
	if v := ne.Uint32(got[3].Data[20:]); v != 3 {
		t.Errorf("the moved device's index in b mapped to %d, want 3", v)
	}
	if v := u32(got[3], unix.IFLA_LINK); v != 2 {
		t.Errorf("IFLA_LINK with IFLA_LINK_NETNSID mapped to %d, want 2 (a's table)", v)
	}
	if a, b := u32(got[4], unix.IFLA_NEW_IFINDEX), ne.Uint32(got[5].Data[20:]); a != 4 || b != 4 {
		t.Errorf("a requested IFLA_NEW_IFINDEX and the index in b mapped to %d and %d, want 4 and 4", a, b)
	}
}

func TestNSRefs(t *testing.T) {
	for _, ns := range []string{"a", "b", "z"} {
		for _, pid := range []bool{false, true} {
			got, gotPID, ok := parseNSRef(nsRefValue(ns, pid))
			if !ok || got != ns || gotPID != pid {
				t.Errorf("parseNSRef(nsRefValue(%q, %v)) = %q, %v, %v", ns, pid, got, gotPID, ok)
			}
		}
	}
	for _, v := range []uint32{0, 1, BadNetnsFD, NoSuchPID, 0x4e534600 | 'A'} {
		if _, _, ok := parseNSRef(v); ok {
			t.Errorf("parseNSRef(%#x) accepted", v)
		}
	}

	// A veth request with references at the top level and in the peer,
	// as sent and as echoed in an NLMSG_ERROR; a NETNSA_FD of RTM_NEWNSID;
	// an extack offset of the same value must not be touched.
	req := linkMsgBytes(t, unix.RTM_NEWLINK, 1, 0, 0, A(unix.IFLA_NET_NS_FD, NetnsFD("b")),
		vethInfo(Ifinfo{}, ifname("v1"), A(unix.IFLA_NET_NS_PID, NetnsPID("b"))))
	echo := append(make([]byte, 20), req...)
	echo = append(echo, A(unix.NLMSGERR_ATTR_OFFS, U32(7))...)
	ne.PutUint32(echo, uint32(len(echo)))
	ne.PutUint16(echo[4:], unix.NLMSG_ERROR)
	nsid := nsidMsg(unix.RTM_NEWNSID, fReq, 2, A(netnsaNSID, U32(7)), A(netnsaFD, NetnsFD("a")))
	nsidb, _ := nsid.encode(nil)
	for _, b := range [][]byte{req, echo, nsidb} {
		var refs []string
		forNSRefs(b, func(pid bool, v []byte) { refs = append(refs, nsRefString(ne.Uint32(v))) })
		t.Logf("%v", refs)
		if len(refs) == 0 {
			t.Errorf("no references found in %x", b)
		}
	}
	r := &runner{refs: map[nsRefKey]uint32{{false, 7}: nsRefValue("b", false), {true, 7}: nsRefValue("b", true)}}
	real := bytes.Clone(echo)
	forNSRefs(real, func(pid bool, v []byte) { ne.PutUint32(v, 7) })
	r.restoreNSRefs(real)
	if !bytes.Equal(real, echo) {
		t.Errorf("restoreNSRefs:\n got %x\nwant %x", real, echo)
	}
}
