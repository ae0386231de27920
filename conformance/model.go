package conformance

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/drivers"
	knet "github.com/knetlab/knet/net"
)

// Model is the backend of the model kernel: every scenario gets a new
// net.Kernel with the stock modules installed (drivers.Install: nlmon,
// dummy, ifb, veth, each autoloaded by the first RTM_NEWLINK of its kind,
// as in the kernel, where nlmon is loaded at boot) and runs in a new
// namespace of it. The kernel runs on a manual clock: a Sleep step
// advances it, running the delayed work (linkwatch) that falls due, so a
// scenario's timing is exact and costs no wall time.
func Model() Backend { return modelBackend{} }

type modelBackend struct{}

func (modelBackend) Name() string { return "model" }

func (modelBackend) Run(sc *Scenario) (*Result, error) {
	clock := knet.NewManualClock()
	k := knet.NewKernel(knet.WithClock(clock))
	if err := drivers.Install(k); err != nil {
		return nil, fmt.Errorf("install the stock drivers: %w", err)
	}
	e := &modelEnv{k: k, clock: clock, ns: make(map[string]*knet.Namespace)}
	defer e.close()
	if err := e.newNS("a"); err != nil {
		return nil, err
	}
	res, err := run(e, sc)
	if err == nil {
		// Every scenario ends with the model's invariants checked.
		if cerr := k.CheckConsistency(); cerr != nil {
			return nil, fmt.Errorf("%s: model inconsistent after the scenario: %w", sc.Name, cerr)
		}
	}
	return res, err
}

type modelEnv struct {
	k     *knet.Kernel
	clock *knet.ManualClock
	ns    map[string]*knet.Namespace
}

func (e *modelEnv) kernel() string { return "knet" }

func (e *modelEnv) newNS(name string) error {
	if _, dup := e.ns[name]; dup {
		return fmt.Errorf("namespace %q exists", name)
	}
	ns, err := e.k.NewNamespace()
	if err != nil {
		return err
	}
	e.ns[name] = ns
	return nil
}

func (e *modelEnv) namespace(name string) (*knet.Namespace, error) {
	ns, ok := e.ns[name]
	if !ok {
		return nil, fmt.Errorf("no namespace %q", name)
	}
	return ns, nil
}

func (e *modelEnv) open(name string, o Open) (sock, string, error) {
	ns, err := e.namespace(name)
	if err != nil {
		return nil, "", err
	}
	s, err := ns.Socket(o.Proto, &knet.DialConfig{Groups: o.Groups, Unprivileged: o.Unpriv})
	if err != nil {
		return nil, "socket+bind", err
	}
	if o.RcvBuf != 0 {
		if err := s.SetReadBuffer(o.RcvBuf); err != nil {
			s.Close()
			return nil, "SO_RCVBUF", err
		}
	}
	for _, opt := range o.Opts {
		if err := s.SetOption(opt, true); err != nil {
			s.Close()
			return nil, fmt.Sprintf("setsockopt %d", opt), err
		}
	}
	return &modelSock{s: s}, "", nil
}

func (e *modelEnv) capture(name, dev string) (capSock, error) {
	ns, err := e.namespace(name)
	if err != nil {
		return nil, err
	}
	c, err := ns.Capture(dev)
	if err != nil {
		return nil, err
	}
	return &modelCap{c: c}, nil
}

func (e *modelEnv) ifindex(name, dev string) (int32, error) {
	ns, err := e.namespace(name)
	if err != nil {
		return 0, err
	}
	for _, l := range ns.Links() {
		if l.Name == dev {
			return int32(l.Index), nil
		}
	}
	return 0, unix.ENODEV
}

func (e *modelEnv) unload(module string, _ bool) error { return e.k.UnloadModule(module) }

func (e *modelEnv) nsRef(name string, pid bool) (uint32, error) {
	ns, err := e.namespace(name)
	if err != nil {
		return 0, err
	}
	if pid {
		return ns.PID(), nil
	}
	return uint32(ns.FD()), nil
}

func (e *modelEnv) settle() {}

func (e *modelEnv) sleep(d time.Duration) { e.clock.Advance(d) }

// quiesce does nothing: the model's kernel is new for every scenario.
func (e *modelEnv) quiesce(time.Duration) {}

func (e *modelEnv) close() {
	for _, ns := range e.ns {
		ns.Close()
	}
}

type modelSock struct{ s *knet.Socket }

func (m *modelSock) port() uint32 { return m.s.PortID() }

func (m *modelSock) send(b []byte, port, groups uint32) error { return m.s.SendTo(b, port, groups) }

func (m *modelSock) join(g uint32) error  { return m.s.JoinGroup(g) }
func (m *modelSock) leave(g uint32) error { return m.s.LeaveGroup(g) }

func (m *modelSock) recv(bufLen int) ([]byte, int, uint32, uint32, error) {
	buf := make([]byte, bufLen)
	n, from, _, err := m.s.RecvMsg(buf, knet.MsgDontwait|knet.MsgTrunc)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return buf[:min(n, bufLen)], n, from.PortID, from.Groups, nil
}

func (m *modelSock) close() error { return m.s.Close() }

type modelCap struct{ c *knet.Capture }

func (m *modelCap) recv(bufLen int) ([]byte, int, frameMeta, error) {
	f, ok, err := m.c.TryRead()
	if err != nil {
		return nil, 0, frameMeta{}, err
	}
	if !ok {
		return nil, 0, frameMeta{}, unix.EAGAIN
	}
	data := f.Data
	if len(data) > bufLen {
		data = data[:bufLen]
	}
	return append([]byte(nil), data...), len(f.Data), frameMeta{
		protocol: f.Protocol, pktType: f.PktType, hatype: f.Hatype, ifindex: int32(f.Ifindex), halen: f.Halen,
	}, nil
}

func (m *modelCap) send(frame []byte) error { return m.c.Send(frame) }

func (m *modelCap) close() error { return m.c.Close() }
