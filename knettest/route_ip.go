package knettest

import (
	"encoding"
	stdnet "net"
	"net/netip"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// The address, route and rule requests of ip-address(8), ip-route(8)
// and ip-rule(8), on a Route: what the model answers today.

// Index is the ifindex of the device name.
func (r *Route) Index(name string) uint32 {
	r.t.Helper()
	lm, _, err := r.Get(name)
	if err != nil {
		r.t.Fatalf("get %s: %v", name, err)
	}
	return lm.Index
}

func familyOf(a netip.Addr) uint8 {
	if a.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// addrMessage is `ip addr ... PREFIX dev NAME` as an RTM_*ADDR payload.
func (r *Route) addrMessage(dev string, prefix netip.Prefix) *rtnetlink.AddressMessage {
	a := prefix.Addr()
	ip := stdnet.IP(a.AsSlice())
	return &rtnetlink.AddressMessage{
		Family: familyOf(a), PrefixLength: uint8(prefix.Bits()), Index: r.Index(dev),
		Attributes: &rtnetlink.AddressAttributes{Address: ip, Local: ip},
	}
}

// AddAddr is `ip addr add PREFIX dev NAME`.
func (r *Route) AddAddr(dev string, prefix netip.Prefix) error {
	r.t.Helper()
	_, err := r.Request(unix.RTM_NEWADDR, netlink.Acknowledge|netlink.Create|netlink.Excl, r.addrMessage(dev, prefix))
	return err
}

// DelAddr is `ip addr del PREFIX dev NAME`.
func (r *Route) DelAddr(dev string, prefix netip.Prefix) error {
	r.t.Helper()
	_, err := r.Request(unix.RTM_DELADDR, netlink.Acknowledge, r.addrMessage(dev, prefix))
	return err
}

// Addrs is `ip -f FAMILY addr show` (unix.AF_UNSPEC for every family).
func (r *Route) Addrs(family uint8) []rtnetlink.AddressMessage {
	r.t.Helper()
	return dumpOf[rtnetlink.AddressMessage](r, unix.RTM_GETADDR, &rtnetlink.AddressMessage{Family: family})
}

// AddRoute is `ip route add`: RTM_NEWROUTE with NLM_F_CREATE|NLM_F_EXCL.
func (r *Route) AddRoute(rm *rtnetlink.RouteMessage) error {
	r.t.Helper()
	_, err := r.Request(unix.RTM_NEWROUTE, netlink.Acknowledge|netlink.Create|netlink.Excl, rm)
	return err
}

// DelRoute is `ip route del`.
func (r *Route) DelRoute(rm *rtnetlink.RouteMessage) error {
	r.t.Helper()
	_, err := r.Request(unix.RTM_DELROUTE, netlink.Acknowledge, rm)
	return err
}

// Routes is `ip -f FAMILY route show table all`.
func (r *Route) Routes(family uint8) []rtnetlink.RouteMessage {
	r.t.Helper()
	return dumpOf[rtnetlink.RouteMessage](r, unix.RTM_GETROUTE, &rtnetlink.RouteMessage{Family: family})
}

// RouteGet is `ip route get DST`: the route the kernel would use.
func (r *Route) RouteGet(dst netip.Addr) (rtnetlink.RouteMessage, error) {
	r.t.Helper()
	req := &rtnetlink.RouteMessage{Family: familyOf(dst), DstLength: uint8(dst.BitLen()),
		Attributes: rtnetlink.RouteAttributes{Dst: stdnet.IP(dst.AsSlice())}}
	msgs, err := r.Request(unix.RTM_GETROUTE, 0, req)
	if err != nil {
		return rtnetlink.RouteMessage{}, err
	}
	if len(msgs) != 1 {
		r.t.Fatalf("RTM_GETROUTE %v: %d replies", dst, len(msgs))
	}
	var rm rtnetlink.RouteMessage
	if err := rm.UnmarshalBinary(msgs[0].Data); err != nil {
		r.t.Fatal(err)
	}
	return rm, nil
}

// Rules is `ip -f FAMILY rule show`.
func (r *Route) Rules(family uint8) []rtnetlink.RuleMessage {
	r.t.Helper()
	return dumpOf[rtnetlink.RuleMessage](r, unix.RTM_GETRULE, &rtnetlink.RuleMessage{Family: family})
}

// dumpOf runs one dump with req and decodes every reply as an M.
func dumpOf[M any, PM interface {
	*M
	encoding.BinaryUnmarshaler
}](r *Route, typ uint16, req encoding.BinaryMarshaler) []M {
	r.t.Helper()
	msgs, err := r.Request(typ, netlink.Dump, req)
	if err != nil {
		r.t.Fatalf("dump %d: %v", typ, err)
	}
	out := make([]M, len(msgs))
	for i, m := range msgs {
		if err := PM(&out[i]).UnmarshalBinary(m.Data); err != nil {
			r.t.Fatalf("dump %d: message %d: %v", typ, i, err)
		}
	}
	return out
}
