package benchmarks

import (
	"fmt"
	"time"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/drivers"
	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/module"
	knet "github.com/knetlab/knet/net"
	"github.com/knetlab/knet/netdevice"
	"github.com/knetlab/knet/rtnl"
	"github.com/knetlab/knet/skbuff"
	"github.com/knetlab/knet/stats"
)

// Model is the model side: a fresh model kernel with the nlmon module
// installed (loaded on demand by the first `type nlmon` request), used
// through its init_net.
type Model struct {
	K  *knet.Kernel
	NS *knet.Namespace
}

// NewModel boots a model kernel for one workload.
func NewModel() (*Model, error) {
	k := knet.NewKernel()
	if err := drivers.Install(k); err != nil {
		return nil, fmt.Errorf("install the stock modules: %w", err)
	}
	return &Model{K: k, NS: k.InitNet()}, nil
}

// Side implements Env.
func (*Model) Side() string { return "model" }

// LinkKind implements Env: the model's link driver is nlmon.
func (*Model) LinkKind() string { return nlmon.Kind }

// Socket implements Env.
func (m *Model) Socket() (Sock, error) {
	s, err := m.NS.Socket(unix.NETLINK_ROUTE, nil)
	if err != nil {
		return nil, err
	}
	// Replies are queued before Send returns, so a receive never waits;
	// the deadline only turns a lost reply into an error.
	s.SetReadDeadline(time.Now().Add(10 * time.Minute))
	return modelSock{s}, nil
}

// Packet implements Env: a capture, which sends too.
func (m *Model) Packet(dev string) (PacketSock, error) { return m.NS.Capture(dev) }

// Dial implements Env.
func (m *Model) Dial() (*netlink.Conn, error) { return m.NS.Dial(unix.NETLINK_ROUTE, nil) }

// Close implements Env; the model kernel is garbage once unreferenced.
func (m *Model) Close() error { return nil }

type modelSock struct{ s *knet.Socket }

func (s modelSock) Send(b []byte) error { return s.s.Send(b) }

func (s modelSock) Recv(b []byte) (int, error) {
	n, _, err := s.s.Recv(b)
	return n, err
}

func (s modelSock) Close() error { return s.s.Close() }

// UpTaps creates n nlmon devices in the model and brings them up: n
// netlink taps on the namespace.
func (m *Model) UpTaps(n int) error {
	s, err := m.Socket()
	if err != nil {
		return err
	}
	defer s.Close()
	buf := make([]byte, RecvBufSize)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("nlmon%d", i)
		if err := Ack(s, NewlinkReq(name, nlmon.Kind, 0), buf); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		if err := Ack(s, SetUpReq(name), buf); err != nil {
			return fmt.Errorf("up %s: %w", name, err)
		}
	}
	return nil
}

// lstatsDriver is a link kind whose only purpose is to hand out a
// *netdevice.Device with per-CPU lstats, for the DevLstatsAdd workload.
type lstatsDriver struct{ dev **netdevice.Device }

type lstatsPriv struct{}

func (lstatsDriver) Kind() string { return "kbstats" }

func (d lstatsDriver) Setup(dev *netdevice.Device) {
	dev.SetType(netdevice.TypeNetlink)
	dev.SetFlags(netdevice.FlagNoARP)
	dev.SetPcpuStatType(netdevice.StatLstats)
	*d.dev = dev
}

func (lstatsDriver) Open(*netdevice.Device, *lstatsPriv) error { return nil }
func (lstatsDriver) Stop(*netdevice.Device, *lstatsPriv) error { return nil }

func (lstatsDriver) StartXmit(skb *skbuff.SkBuff, dev *netdevice.Device, _ *lstatsPriv) netdevice.TxOutcome {
	stats.DevLstatsAdd(dev, skb.Len())
	return netdevice.TxOk()
}

// LstatsDevice registers a driver with per-CPU lstats in the model,
// creates one device of it and returns the device.
func (m *Model) LstatsDevice() (*netdevice.Device, error) {
	var dev *netdevice.Device
	if _, err := rtnl.NewRegistration(module.BuiltIn(m.K), lstatsDriver{dev: &dev}); err != nil {
		return nil, err
	}
	s, err := m.Socket()
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := Ack(s, NewlinkReq("stats0", "kbstats", 0), make([]byte, RecvBufSize)); err != nil {
		return nil, err
	}
	if dev == nil {
		return nil, fmt.Errorf("kbstats: setup did not run")
	}
	return dev, nil
}
