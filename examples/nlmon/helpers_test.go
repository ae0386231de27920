package nlmon_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/net"
)

// These helpers use only the public API: what any client of a kernel
// with nlmon has.

// kernel boots a kernel with nlmon installed (not loaded: the first
// RTM_NEWLINK of kind nlmon loads it).
func kernel(t *testing.T) *net.Kernel {
	t.Helper()
	k := net.NewKernel()
	if err := nlmon.Module.Install(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// client is an `ip`-like NETLINK_ROUTE client with extended acks.
type client struct {
	t *testing.T
	c *netlink.Conn
}

func dial(t *testing.T, ns *net.Namespace) *client {
	t.Helper()
	c, err := ns.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		t.Fatal(err)
	}
	return &client{t, c}
}

func (c *client) do(typ netlink.HeaderType, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) ([]netlink.Message, error) {
	c.t.Helper()
	b, err := lm.MarshalBinary()
	if err != nil {
		c.t.Fatal(err)
	}
	return c.c.Execute(netlink.Message{Header: netlink.Header{Type: typ, Flags: netlink.Request | flags}, Data: b})
}

// add is `ip link add NAME type nlmon [up]` with extra attributes.
func (c *client) add(name string, up bool, attrs rtnetlink.LinkAttributes) error {
	c.t.Helper()
	attrs.Name = name
	attrs.Info = &rtnetlink.LinkInfo{Kind: nlmon.Kind}
	lm := &rtnetlink.LinkMessage{Attributes: &attrs}
	if up {
		lm.Flags, lm.Change = unix.IFF_UP, unix.IFF_UP
	}
	_, err := c.do(unix.RTM_NEWLINK, netlink.Acknowledge|netlink.Create|netlink.Excl, lm)
	return err
}

func (c *client) mustAdd(name string, up bool) {
	c.t.Helper()
	if err := c.add(name, up, rtnetlink.LinkAttributes{}); err != nil {
		c.t.Fatalf("ip link add %s type nlmon: %v", name, err)
	}
}

// set is `ip link set NAME up|down`.
func (c *client) set(name string, up bool) {
	c.t.Helper()
	lm := &rtnetlink.LinkMessage{Change: unix.IFF_UP, Attributes: &rtnetlink.LinkAttributes{Name: name}}
	if up {
		lm.Flags = unix.IFF_UP
	}
	if _, err := c.do(unix.RTM_NEWLINK, netlink.Acknowledge, lm); err != nil {
		c.t.Fatalf("ip link set %s up=%v: %v", name, up, err)
	}
}

// get is `ip link show NAME`: the reply and its raw attributes.
func (c *client) get(name string) (rtnetlink.LinkMessage, map[uint16][]byte) {
	c.t.Helper()
	msgs, err := c.do(unix.RTM_GETLINK, 0, &rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}})
	if err != nil {
		c.t.Fatalf("ip link show %s: %v", name, err)
	}
	var lm rtnetlink.LinkMessage
	if err := lm.UnmarshalBinary(msgs[0].Data); err != nil {
		c.t.Fatal(err)
	}
	raw := map[uint16][]byte{}
	ad, err := netlink.NewAttributeDecoder(msgs[0].Data[16:])
	if err != nil {
		c.t.Fatal(err)
	}
	for ad.Next() {
		raw[ad.Type()] = ad.Bytes()
	}
	return lm, raw
}

// rx is the device's rx_packets and rx_bytes as `ip -s link` shows them.
func (c *client) rx(name string) (packets, bytes uint64) {
	c.t.Helper()
	lm, _ := c.get(name)
	return lm.Attributes.Stats64.RXPackets, lm.Attributes.Stats64.RXBytes
}

// capture opens a capture on an up device.
func capture(t *testing.T, ns *net.Namespace, name string) *net.Capture {
	t.Helper()
	c, err := ns.Capture(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// drain returns the frames queued on c.
func drain(t *testing.T, c *net.Capture) []net.Frame {
	t.Helper()
	var out []net.Frame
	for {
		f, ok, err := c.TryRead()
		if err != nil {
			t.Fatalf("capture: %v", err)
		}
		if !ok {
			return out
		}
		out = append(out, f)
	}
}

// types lists the nlmsg_type of each message in each frame.
func types(frames []net.Frame) [][]uint16 {
	var out [][]uint16
	for _, f := range frames {
		var ts []uint16
		for b := f.Data; len(b) >= 16; {
			l := int(binary.NativeEndian.Uint32(b))
			if l < 16 || l > len(b) {
				break
			}
			ts = append(ts, binary.NativeEndian.Uint16(b[4:]))
			b = b[min((l+3)&^3, len(b)):]
		}
		out = append(out, ts)
	}
	return out
}

func errno(err error) unix.Errno {
	var e unix.Errno
	if err != nil && !errors.As(err, &e) {
		return 0xffff
	}
	return e
}
