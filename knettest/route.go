package knettest

import (
	"encoding"
	"errors"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net"
)

// Route is a NETLINK_ROUTE client on a namespace that speaks RTM_*LINK as
// ip(8) does, with github.com/jsimonetti/rtnetlink/v2 messages and
// extended acks on. Its methods return the kernel's errors (wrapping the
// unix.Errno, with the extack text in the *netlink.OpError).
type Route struct {
	t testing.TB
	// C is the underlying connection, for requests Route has no method for.
	C *netlink.Conn
}

// Dial opens a Route on ns, closed when the test ends.
func Dial(t testing.TB, ns *net.Namespace) *Route {
	t.Helper()
	c, err := ns.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		t.Fatal(err)
	}
	return &Route{t: t, C: c}
}

// Do sends one link request with NLM_F_REQUEST and flags, and returns the
// replies.
func (r *Route) Do(typ uint16, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) ([]netlink.Message, error) {
	r.t.Helper()
	return r.Request(typ, flags, lm)
}

// Request sends one rtnetlink request, m being any of
// jsimonetti/rtnetlink's messages (links, addresses, routes, neighbours,
// rules), with NLM_F_REQUEST and flags, and returns the replies.
func (r *Route) Request(typ uint16, flags netlink.HeaderFlags, m encoding.BinaryMarshaler) ([]netlink.Message, error) {
	r.t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		r.t.Fatal(err)
	}
	return r.C.Execute(netlink.Message{Header: netlink.Header{Type: netlink.HeaderType(typ), Flags: netlink.Request | flags}, Data: b})
}

// NewLink is `ip link add`: RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL.
func (r *Route) NewLink(lm *rtnetlink.LinkMessage) error {
	r.t.Helper()
	_, err := r.Do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, lm)
	return err
}

// Add is `ip link add NAME type KIND`.
func (r *Route) Add(name, kind string) error {
	r.t.Helper()
	return r.NewLink(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name, Info: &rtnetlink.LinkInfo{Kind: kind}}})
}

// Set is `ip link set`: RTM_NEWLINK on an existing device, by lm.Index or
// by name.
func (r *Route) Set(lm *rtnetlink.LinkMessage) error {
	r.t.Helper()
	_, err := r.Do(unix.RTM_NEWLINK, netlink.Acknowledge, lm)
	return err
}

// Up and Down are `ip link set NAME up|down`.
func (r *Route) Up(name string) error   { r.t.Helper(); return r.setUp(name, true) }
func (r *Route) Down(name string) error { r.t.Helper(); return r.setUp(name, false) }

func (r *Route) setUp(name string, up bool) error {
	r.t.Helper()
	lm := &rtnetlink.LinkMessage{Change: unix.IFF_UP, Attributes: &rtnetlink.LinkAttributes{Name: name}}
	if up {
		lm.Flags = unix.IFF_UP
	}
	return r.Set(lm)
}

// Delete is `ip link del NAME`.
func (r *Route) Delete(name string) error {
	r.t.Helper()
	_, err := r.Do(unix.RTM_DELLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}})
	return err
}

// Get is `ip link show NAME`: the device's RTM_NEWLINK, decoded, and the
// raw message (for attributes the decoder does not know).
func (r *Route) Get(name string) (rtnetlink.LinkMessage, []byte, error) {
	r.t.Helper()
	msgs, err := r.Do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}})
	if err != nil {
		return rtnetlink.LinkMessage{}, nil, err
	}
	if len(msgs) != 1 {
		r.t.Fatalf("RTM_GETLINK %s: %d replies", name, len(msgs))
	}
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		r.t.Fatal(err)
	}
	return lm, msgs[0].Data, nil
}

// Stats is `ip -s link show NAME`: the device's IFLA_STATS64.
func (r *Route) Stats(name string) rtnetlink.LinkStats64 {
	r.t.Helper()
	lm, _, err := r.Get(name)
	if err != nil {
		r.t.Fatalf("get %s: %v", name, err)
	}
	if lm.Attributes.Stats64 == nil {
		r.t.Fatalf("%s: no IFLA_STATS64", name)
	}
	return *lm.Attributes.Stats64
}

// List is `ip link show`: every device of the namespace, decoded.
func (r *Route) List() []rtnetlink.LinkMessage {
	r.t.Helper()
	msgs, err := r.Do(unix.RTM_GETLINK, netlink.Dump, &rtnetlink.LinkMessage{})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []rtnetlink.LinkMessage
	for _, m := range msgs {
		var lm rtnetlink.LinkMessage
		if err := lm.UnmarshalBinary(m.Data); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, lm)
	}
	return out
}

// Errno returns the errno an error from the kernel carries, 0 for nil.
func Errno(err error) unix.Errno {
	var e unix.Errno
	if err != nil && !errors.As(err, &e) {
		return unix.Errno(0xffff)
	}
	return e
}

// Extack returns the extended ack message of an error from the kernel.
func Extack(err error) string {
	var oe *netlink.OpError
	if errors.As(err, &oe) {
		return oe.Message
	}
	return ""
}
